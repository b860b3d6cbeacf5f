#!/usr/bin/python3
"""vigil on no-op jobs: bulk enqueue rate, processing rate, and idle pickup latency.

    /usr/bin/python3 vigil_bench.py --vigil BIN --url (sqlite:PATH | postgresql://...) --workdir DIR
        [--count 50000] [--pickups 50] [--workers 16] [--prefetch auto] [--claim-batch auto]
        [--poll-interval 30s] [--label NAME]        (the defaults are the daemon's)

1. Enqueue: `vigil jobs enqueue noop --count N --json` with the daemon stopped; the CLI times
   the one transaction itself, so process start does not count. Then ANALYZE (as for the peers).
2. Processing: t0, then `vigil run` starts (its start-up counts against vigil); every 50 ms a
   separate connection asks whether any job is still unfinished (cheap EXISTS queries on
   vigil's partial indexes); the end is the poll that finds none, as for the peers.
3. Pickup: the daemon idle, 50 times one job is inserted the way EnqueueJobs does (INSERT, and
   on PostgreSQL pg_notify in the same transaction); pickup = finished_at - the moment COMMIT
   returned. finished_at is taken after the handler ran, so this overstates enqueue-to-start by
   the handler and the hand-over to the completer thread.

Prints progress on stderr and one JSON object on stdout.
"""
import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

try:
    import psycopg2
except ImportError:  # only needed for PostgreSQL
    psycopg2 = None


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vigil", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--count", type=int, default=50000)
    p.add_argument("--pickups", type=int, default=50)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--prefetch", default="auto")
    p.add_argument("--claim-batch", default="auto")
    p.add_argument("--poll-interval", default="30s")
    p.add_argument("--label", default="vigil")
    return p.parse_args()


class Db:
    """The benchmark's own connection to vigil's database (never shared with vigil)."""

    def __init__(self, url):
        self.pg = url.startswith("postgres")
        if self.pg:
            self.conn = psycopg2.connect(url)
        else:
            self.conn = sqlite3.connect(url[len("sqlite:"):], isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA synchronous=FULL")  # as vigil: a commit is on disk

    def scalar(self, sql):
        cur = self.conn.cursor()
        cur.execute(sql)
        row = cur.fetchone()
        value = row[0] if row else None
        if self.pg:
            self.conn.commit()
        return value

    def enqueue_one(self, now_us):
        """One noop job as EnqueueJobs writes it; returns (id, time COMMIT returned)."""
        cur = self.conn.cursor()
        insert = ("INSERT INTO vigil_jobs (kind, queue, args, priority, run_at, max_attempts, created_at, updated_at)"
                  " VALUES ('noop', 'default', '{}', 0, %d, 20, %d, %d) RETURNING id" % (now_us, now_us, now_us))
        if self.pg:
            cur.execute(insert)
            job_id = cur.fetchone()[0]
            cur.execute("SELECT pg_notify('vigil_jobs', 'default')")
            self.conn.commit()
        else:
            cur.execute("BEGIN IMMEDIATE")
            cur.execute(insert)
            job_id = cur.fetchone()[0]
            cur.execute("COMMIT")
        return job_id, time.time()

    def analyze(self):
        """Planner statistics, as autovacuum would gather them soon after a bulk insert."""
        cur = self.conn.cursor()
        cur.execute("ANALYZE")
        if self.pg:
            self.conn.commit()

    def close(self):
        self.conn.close()


def write_config(a):
    os.makedirs(a.workdir, exist_ok=True)
    path = os.path.join(a.workdir, "vigil.yaml")
    with open(path, "w") as f:
        f.write("database:\n  url: %s\nhttp:\n  listen: 127.0.0.1:0\nlogging:\n  level: info\n" % a.url)
        f.write("jobs:\n  workers: %d\n  prefetch: %s\n  claim_batch: %s\n  poll_interval: %s\n"
                % (a.workers, a.prefetch, a.claim_batch, a.poll_interval))
    return path


def vigil(a, config, *args):
    out = subprocess.run([a.vigil, *args, "--config", config], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("vigil %s failed: %s" % (" ".join(args), out.stderr.strip()))
    return out.stdout


def wait_until_none(db, queries, timeout_s=120):
    """Runs each EXISTS query in turn every 50 ms until it is false; returns when the last one is.
    They read vigil's partial indexes, so polling costs the server next to nothing."""
    deadline = time.time() + timeout_s
    for sql in queries:
        while db.scalar(sql):
            if time.time() > deadline:
                raise SystemExit("timed out waiting for: " + sql)
            time.sleep(0.05)
    return time.time()


def measure_processing(a, config, db, daemon_log):
    t0 = time.time()
    daemon = subprocess.Popen([a.vigil, "run", "--config", config], stdout=daemon_log, stderr=subprocess.STDOUT)
    done = wait_until_none(db, ["SELECT EXISTS (SELECT 1 FROM vigil_jobs WHERE state IN ('available', 'retryable'))",
                                "SELECT EXISTS (SELECT 1 FROM vigil_jobs WHERE state = 'running')"])
    completed = db.scalar("SELECT count(*) FROM vigil_jobs WHERE state = 'completed'")
    if completed != a.count:
        raise SystemExit("%d of %d jobs completed" % (completed, a.count))
    first, last = (v / 1e6 for v in
                   (db.scalar("SELECT min(finished_at) FROM vigil_jobs"), db.scalar("SELECT max(finished_at) FROM vigil_jobs")))
    log("%s: processed %d in %.3f s (first completion %.0f ms after start, last %.0f ms before the poll saw it)"
        % (a.label, a.count, done - t0, (first - t0) * 1e3, (done - last) * 1e3))
    return daemon, a.count / (done - t0)


def gaps():
    """100-300 ms between probes, varied so as not to fall into step with a poller."""
    x = 12345
    while True:
        x = (x * 1103515245 + 12345) % 2147483648
        yield 0.1 + (x % 200) / 1000


def measure_pickup(a, db):
    pickups, enqueue_ms = [], []
    gap = gaps()
    for _ in range(a.pickups):
        time.sleep(next(gap))
        before = time.time()
        job_id, committed = db.enqueue_one(int(before * 1e6))
        enqueue_ms.append((committed - before) * 1e3)
        deadline = committed + 10
        while True:
            finished = db.scalar("SELECT finished_at FROM vigil_jobs WHERE id = %d AND state = 'completed'" % job_id)
            if finished is not None:
                break
            if time.time() > deadline:
                raise SystemExit("pickup probe job %d did not complete within 10 s" % job_id)
            time.sleep(0.02)
        pickups.append((finished / 1e6 - committed) * 1e3)
    log("%s: pickup ms: min %.2f median %.2f max %.2f" % (a.label, min(pickups), statistics.median(pickups), max(pickups)))
    return statistics.median(pickups), statistics.median(enqueue_ms)


def main():
    a = parse_args()
    config = write_config(a)
    vigil(a, config, "migrate")
    out = json.loads(vigil(a, config, "jobs", "enqueue", "noop", "--count", str(a.count), "--json"))
    enqueue_rate = out["enqueued"] / out["seconds"]
    log("%s: enqueued %d in %.3f s" % (a.label, out["enqueued"], out["seconds"]))
    db = Db(a.url)
    db.analyze()
    with open(os.path.join(a.workdir, "daemon.log"), "w") as daemon_log:
        daemon, process_rate = measure_processing(a, config, db, daemon_log)
        try:
            db.analyze()  # the table changed wholesale: statistics as autovacuum would refresh them
            pickup, enqueue_one = measure_pickup(a, db)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
    db.close()
    print(json.dumps({
        "system": a.label, "count": a.count, "enqueue_per_s": enqueue_rate, "process_per_s": process_rate,
        "pickup_ms": pickup, "enqueue_one_ms": enqueue_one,
        "settings": "jobs.workers %d, prefetch %s, claim_batch %s, poll_interval %s"
                    % (a.workers, a.prefetch, a.claim_batch, a.poll_interval),
    }), flush=True)


if __name__ == "__main__":
    main()
