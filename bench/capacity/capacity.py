#!/usr/bin/python3
"""What a job and a webhook event cost the PostgreSQL that vigil daemons share, and 1, 2 and 4
daemons on one PostgreSQL: throughput, and every job run exactly once.

    /usr/bin/python3 capacity.py --vigil BIN --url postgresql://USER@HOST:PORT/postgres --pg-dir DIR
        [--count 20000] [--daemons 1,2,4] [--workers 16] [--events 2000] [--workdir DIR]

--pg-dir is the cluster's directory as scripts/pg-test-server.sh gives it (its data/postmaster.pid
names the server whose processes' CPU is read); the server must preload pg_stat_statements.

Per run the server is measured before and after: statements executed (pg_stat_statements calls,
BEGIN and COMMIT included: each is a round trip, as vigil sends no pipelines), commits
(pg_stat_database.xact_commit), WAL bytes (pg_current_wal_lsn()), and the CPU of the server's
processes (utime + stime from /proc of the postmaster and its children). The daemons share the
`--workers` workers between them (16, 8+8, 4x4), so the runs differ only in how many daemons
claim. Jobs are noop jobs with {"mark": true}: each upserts its row in vigil_noop_marks, the
proof that it ran, and a write as a real job makes one. Prints one JSON line per run.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import psycopg2

TICKS = os.sysconf("SC_CLK_TCK")
CLIENTS = 8  # concurrent webhook senders, each on one keep-alive connection


# Work left: a job not yet done is in the claim or the lease index, cheap to look for 20 times a
# second while the daemons run (state <> 'completed' read the whole table each time, and the
# server's CPU counted it against the jobs).
UNFINISHED = ("SELECT EXISTS (SELECT 1 FROM vigil_jobs WHERE state IN ('available', 'retryable'))"
              " OR EXISTS (SELECT 1 FROM vigil_jobs WHERE state = 'running')"
              " OR EXISTS (SELECT 1 FROM vigil_triage_pending)")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def server_cpu_seconds(pg_dir):
    with open(os.path.join(pg_dir, "data", "postmaster.pid")) as f:
        postmaster = int(f.readline())
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(fields[1])
        if int(pid) == postmaster or ppid == postmaster:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def process_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Server:
    def __init__(self, admin_url, pg_dir):
        self.admin_url, self.pg_dir = admin_url, pg_dir
        self.admin = psycopg2.connect(admin_url)
        self.admin.autocommit = True
        self.scalar("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def scalar(self, sql, conn=None):
        cur = (conn or self.admin).cursor()
        cur.execute(sql)
        row = cur.fetchone() if cur.description else None
        return row[0] if row else None

    def create_db(self, name):
        self.scalar("DROP DATABASE IF EXISTS %s" % name)
        self.scalar("CREATE DATABASE %s" % name)
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def snapshot(self, db, cpu=None):
        """`cpu`: the server's CPU read earlier (before the daemons' backends exited, taking theirs
        with them); the counters are read now, after they exited, since a backend flushes its
        commit counts only now and then and at exit."""
        self.scalar("SELECT pg_stat_clear_snapshot()")
        return {
            "lsn": self.scalar("SELECT pg_current_wal_lsn()::text"),
            "statements": int(self.scalar(
                "SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                " WHERE d.datname = '%s'" % db)),
            "commits": int(self.scalar("SELECT xact_commit FROM pg_stat_database WHERE datname = '%s'" % db)),
            "cpu": server_cpu_seconds(self.pg_dir) if cpu is None else cpu,
        }

    def cost(self, before, after, n):
        wal = int(self.scalar("SELECT pg_wal_lsn_diff('%s', '%s')" % (after["lsn"], before["lsn"])))
        return {
            "statements_per": (after["statements"] - before["statements"]) / n,
            "commits_per": (after["commits"] - before["commits"]) / n,
            "wal_bytes_per": wal / n,
            "server_cpu_us_per": (after["cpu"] - before["cpu"]) * 1e6 / n,
        }


def write_config(path, url, port, workers, extra=""):
    with open(path, "w") as f:
        f.write("database:\n  url: %s\nhttp:\n  listen: 127.0.0.1:%d\nlogging:\n  level: warn\n"
                "jobs:\n  workers: %d\n%s" % (url, port, workers, extra))


def run_vigil(a, config, *args):
    out = subprocess.run([a.vigil, *args, "--config", config], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("vigil %s failed: %s" % (" ".join(args), out.stderr.strip()))
    return out.stdout


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("daemon on port %d not ready" % port)


def print_top(a, server, db, what):
    """With --top N: the N statements with the most server time in database `db`."""
    if not a.top:
        return
    cur = server.admin.cursor()
    cur.execute("SELECT calls, rows, round(total_exec_time::numeric, 1), shared_blks_hit + shared_blks_read,"
                " left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
                " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s"
                " ORDER BY total_exec_time DESC LIMIT %s", (db, a.top))
    log("%s, statements by time (calls, rows, ms, buffers, query):" % what)
    for row in cur.fetchall():
        log("  %8d %8d %9s %9d  %s" % row)


def jobs_run(a, server, n):
    name = "cap_jobs_%d" % n
    url = server.create_db(name)
    work = os.path.join(a.workdir, name)
    os.makedirs(work, exist_ok=True)
    configs = []
    for i in range(n):
        path = os.path.join(work, "vigil-%d.yaml" % i)
        write_config(path, url, free_port(), a.workers // n)
        configs.append(path)
    run_vigil(a, configs[0], "migrate")
    run_vigil(a, configs[0], "jobs", "enqueue", "noop", "--count", str(a.count), "--args", '{"mark": true}')
    conn = psycopg2.connect(url)
    conn.autocommit = True
    server.scalar("ANALYZE", conn)
    before = server.snapshot(name)
    t0 = time.time()
    daemons = [subprocess.Popen([a.vigil, "run", "--config", c], stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(work, "daemon-%d.log" % i), "w")) for i, c in enumerate(configs)]
    try:
        while server.scalar(UNFINISHED, conn):
            time.sleep(0.05)
        t1 = time.time()
        cpu_after = server_cpu_seconds(server.pg_dir)
        daemon_cpu = sum(process_cpu_seconds(d.pid) for d in daemons)
    finally:
        for d in daemons:
            d.send_signal(signal.SIGTERM)
        for d in daemons:
            d.wait(timeout=60)
    time.sleep(0.5)
    after = server.snapshot(name, cpu_after)
    marks = server.scalar("SELECT COUNT(*) FROM vigil_noop_marks", conn)
    twice = server.scalar("SELECT COUNT(*) FROM vigil_noop_marks WHERE runs <> 1", conn)
    nodes = server.scalar("SELECT COUNT(DISTINCT node_id) FROM vigil_noop_marks", conn)
    conn.close()
    if marks != a.count or twice != 0:
        raise SystemExit("%d daemons: %d of %d jobs ran, %d more than once" % (n, marks, a.count, twice))
    print_top(a, server, name, "%d daemon(s)" % n)
    result = {"run": "jobs", "daemons": n, "workers_each": a.workers // n, "jobs": a.count,
              "seconds": t1 - t0, "jobs_per_s": a.count / (t1 - t0), "daemons_that_ran_jobs": nodes,
              "exactly_once": True, "daemon_cpu_us_per": daemon_cpu * 1e6 / a.count}
    result.update(server.cost(before, after, a.count))
    log("%d daemon(s): %d jobs in %.2f s = %.0f jobs/s; per job %.1f statements, %.2f commits, %.0f WAL bytes,"
        " %.0f us server CPU" % (n, a.count, t1 - t0, result["jobs_per_s"], result["statements_per"],
                                 result["commits_per"], result["wal_bytes_per"], result["server_cpu_us_per"]))
    return result


def events_run(a, server, payload):
    name = "cap_events"
    url = server.create_db(name)
    work = os.path.join(a.workdir, name)
    os.makedirs(work, exist_ok=True)
    secret = "capacity-secret"
    port = free_port()
    config = os.path.join(work, "vigil.yaml")
    write_config(config, url, port, a.workers,
                 "watchers:\n  - name: gh\n    type: webhook\n    verify: {scheme: github, secret: %s}\n" % secret)
    run_vigil(a, config, "migrate")
    daemon = subprocess.Popen([a.vigil, "run", "--config", config], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, "daemon.log"), "w"))
    conn = psycopg2.connect(url)
    conn.autocommit = True
    signature = "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    try:
        wait_ready(port)
        time.sleep(1)
        before = server.snapshot(name)
        t0 = time.time()
        failures = []

        def post(count):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(count):
                c.request("POST", "/hooks/gh", body=payload, headers={
                    "Content-Type": "application/json", "X-GitHub-Event": "push", "X-Hub-Signature-256": signature,
                    "X-GitHub-Delivery": str(uuid.uuid4())})
                r = c.getresponse()
                r.read()
                if r.status // 100 != 2:
                    failures.append(r.status)

        senders = [threading.Thread(target=post, args=(a.events // CLIENTS,)) for _ in range(CLIENTS)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        if failures:
            raise SystemExit("webhook answered %s" % sorted(set(failures)))
        while server.scalar(UNFINISHED, conn):
            time.sleep(0.05)
        t1 = time.time()
        cpu_after = server_cpu_seconds(server.pg_dir)
        stored = server.scalar("SELECT COUNT(*) FROM watcher_events", conn)
        triage_jobs = server.scalar("SELECT COUNT(*) FROM vigil_jobs", conn)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        conn.close()
    time.sleep(0.5)
    after = server.snapshot(name, cpu_after)
    print_top(a, server, name, "webhook events")
    a.events = a.events // CLIENTS * CLIENTS
    if stored != a.events:
        raise SystemExit("%d of %d events stored" % (stored, a.events))
    result = {"run": "webhook events", "daemons": 1, "events": a.events, "payload_bytes": len(payload),
              "seconds": t1 - t0, "events_per_s": a.events / (t1 - t0), "jobs_per_event": triage_jobs / a.events}
    result.update(server.cost(before, after, a.events))
    log("webhook: %d events of %d bytes, each stored, queued for triage and triaged (in batches); per event %.1f statements,"
        " %.2f commits, %.0f WAL bytes, %.0f us server CPU" % (a.events, len(payload), result["statements_per"],
                                                               result["commits_per"], result["wal_bytes_per"],
                                                               result["server_cpu_us_per"]))
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vigil", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--pg-dir", required=True)
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--daemons", default="1,2,4")
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--top", type=int, default=0, help="print this many statements by server time per run")
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--payload", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    server = Server(a.url, a.pg_dir)
    for n in [int(x) for x in a.daemons.split(",")]:
        print(json.dumps(jobs_run(a, server, n)), flush=True)
    if a.events > 0:
        with open(a.payload, "rb") as f:
            print(json.dumps(events_run(a, server, f.read())), flush=True)


if __name__ == "__main__":
    main()
