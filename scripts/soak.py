#!/usr/bin/python3
"""vigil under load with faults (issue 16). Run through scripts/soak.sh; see docs/operations.md.

Two phases, each on a fresh database:

  postgres  two daemons on one throwaway PostgreSQL (scripts/pg-test-server.sh); one of them (B)
            killed with SIGKILL and restarted every 30 s; the server stopped for 5 s every 2 min
            (pg_ctl stop -m immediate and -m fast, by turns), then started again.
  sqlite    one daemon on SQLite, its database on a tmpfs of its own; killed with SIGKILL and
            restarted every 45 s; the file system filled until ENOSPC for 10 s every 2 min.
  (schedules() has the details; --short compresses them into 2 minutes, --print-schedule shows them)

Load, in both: 4 client threads posting signed GitHub pushes (a fresh X-GitHub-Delivery each),
round-robin over the daemons; a 503 is sent again after its Retry-After, a refused or reset
connection 200 ms later to the next daemon, as real senders do. And a stream of `noop` jobs with
{"mark": true}, enqueued with `vigil jobs enqueue --json` (the ids it reports are the jobs
"reported enqueued").

Checks (any violation makes the exit status 1): every delivery answered 2xx is one row of
watcher_events, with exactly one triage job, completed, and its triage_signal set; every noop job
completed, its effect recorded once, or twice where a kill or an outage cut the commit of its
outcome (docs/jobs.md: "it runs again, once"); no job discarded or cancelled (the jobs table and
the live daemons' metrics); every HTTP answer 202, or 503 with Retry-After; no daemon exits but
by our SIGKILL, and each stops with 0 on SIGTERM at the end; a connection error only while a
daemon is down; the RSS of every daemon that lived long enough grew by at most 10% from 10 s after
its start to its end. Printed: answers, recovery after each fault, RSS.

Standard library only (Debian's /usr/bin/python3). Needs root (a tmpfs is mounted; PostgreSQL
runs as the postgres user).
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_SCRIPT = os.path.join(ROOT, "scripts", "pg-test-server.sh")
PAYLOAD_FILE = os.path.join(ROOT, "tests", "fixtures", "webhooks", "github", "push.json")
SECRET = "soak-webhook-secret"
WATCHER = "gh"
WARMUP = 10.0            # RSS is first read this long after a daemon starts (caches fill at first)
RSS_MIN_SPAN = 20.0      # an incarnation measured for less than this is reported, not judged
RSS_GROWTH_LIMIT = 0.10
ANSWER_TIMEOUT = 15.0    # a request with no answer within this is a violation
T0 = time.monotonic()


def now():
    return time.monotonic()


def log(msg):
    print("[soak %7.1fs] %s" % (now() - T0, msg), flush=True)


_ports_given = set()


def free_port():
    """A port nothing listens on now, and never one this soak gave out before (the kernel may hand
    the same free port out twice in a row)."""
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in _ports_given:
            _ports_given.add(port)
            return port


class Violations:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, phase, what):
        with self.lock:
            self.items.append("%s: %s" % (phase, what))
        log("VIOLATION %s: %s" % (phase, what))


VIOLATIONS = Violations()


# ---------------------------------------------------------------------------------------------
# Daemons


class Incarnation:
    def __init__(self, pid, started):
        self.pid = pid
        self.started = started
        self.ready = None          # /healthz first answered 200
        self.samples = []          # (t, VmRSS kB)
        self.ended = None
        self.how = None            # "killed", "stopped", "crashed (...)"

    def warm(self):
        for t, kb in self.samples:
            if t - self.started >= WARMUP:
                return t, kb
        return None

    def last(self):
        return self.samples[-1] if self.samples else None


class Daemon:
    """One vigil daemon under a small supervisor: restarted when it exits without being asked."""

    def __init__(self, phase, name, vigil, config, port, workdir):
        self.phase, self.name, self.vigil, self.config, self.port = phase, name, vigil, config, port
        self.log_path = os.path.join(workdir, "daemon-%s.log" % name)
        self.proc = None
        self.lock = threading.RLock()
        self.incarnations = []
        self.expected_exit = False
        self.start_failures = 0
        self.crashes = 0
        self.down_windows = []     # [start, end] while no process served (kills and crashes)

    def rss_kb(self):
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, AttributeError, ValueError):
            return None
        return None

    def sample(self):
        with self.lock:
            if self.proc is None or self.proc.poll() is not None or not self.incarnations:
                return
            kb = self.rss_kb()
            if kb is not None:
                self.incarnations[-1].samples.append((now(), kb))

    def _spawn(self):
        out = open(self.log_path, "ab")
        out.write(("---- start at %.1fs ----\n" % (now() - T0)).encode())
        out.flush()
        self.proc = subprocess.Popen([self.vigil, "run", "--config", self.config], stdout=out, stderr=out,
                                     stdin=subprocess.DEVNULL)
        out.close()
        self.incarnations.append(Incarnation(self.proc.pid, now()))

    def healthy(self):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            c.request("GET", "/healthz")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except (OSError, http.client.HTTPException):
            return False

    def start(self, deadline=60.0):
        """Starts the daemon and waits for /healthz; a daemon that exits while starting (its database
        is down, say) is started again after a second, as systemd's Restart= would."""
        end = now() + deadline
        with self.lock:
            self.expected_exit = False
            self._spawn()
        while now() < end:
            with self.lock:
                code = self.proc.poll()
                if code is not None:
                    self.incarnations[-1].ended = now()
                    self.incarnations[-1].how = "failed to start (exit %s)" % code
                    self.start_failures += 1
            if code is not None:
                log("%s: daemon %s exited while starting (exit %s); starting it again in 1 s" % (self.phase, self.name, code))
                time.sleep(1)
                with self.lock:
                    self._spawn()
                continue
            if self.healthy():
                with self.lock:
                    self.incarnations[-1].ready = now()
                return True
            time.sleep(0.05)
        VIOLATIONS.add(self.phase, "daemon %s did not answer /healthz within %.0f s of its start" % (self.name, deadline))
        return False

    def kill(self):
        with self.lock:
            self.sample()
            self.expected_exit = True
            t = now()
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            inc = self.incarnations[-1]
            inc.ended, inc.how = t, "killed"
            self.down_windows.append([t, None])
        return t

    def restart_after_kill(self):
        self.start()
        with self.lock:
            self.down_windows[-1][1] = self.incarnations[-1].ready or now()

    def watch(self):
        """Called every 200 ms: notices a daemon that died on its own, records it and restarts it."""
        with self.lock:
            if self.proc is None or self.expected_exit or not self.incarnations or self.incarnations[-1].ready is None:
                return
            code = self.proc.poll()
            if code is None:
                return
            t = now()
            inc = self.incarnations[-1]
            inc.ended = t
            why = ("signal %d" % -code) if code < 0 else ("exit %d" % code)
            inc.how = "crashed (%s)" % why
            self.crashes += 1
            self.down_windows.append([t, None])
        VIOLATIONS.add(self.phase, "daemon %s (pid %d) died on its own: %s (%s); log %s"
                       % (self.name, inc.pid, why, self.last_complaint(), self.log_path))
        self.start()
        with self.lock:
            self.down_windows[-1][1] = self.incarnations[-1].ready or now()

    def last_complaint(self):
        """The last critical or error line of the daemon's log, to say why it died."""
        last = "no critical or error line in its log"
        try:
            with open(self.log_path, errors="replace") as f:
                for line in f:
                    if " critical " in line or " error " in line:
                        last = line.strip()[:300]
        except OSError:
            pass
        return last

    def metrics(self):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            c.request("GET", "/metrics")
            body = c.getresponse().read().decode()
            c.close()
            return body
        except (OSError, http.client.HTTPException):
            return ""

    def stop(self):
        with self.lock:
            self.sample()
            self.expected_exit = True
            t = now()
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait()
                VIOLATIONS.add(self.phase, "daemon %s did not stop within 60 s of SIGTERM" % self.name)
            inc = self.incarnations[-1]
            inc.ended, inc.how = t, "stopped (exit %d)" % code
        if code != 0:
            VIOLATIONS.add(self.phase, "daemon %s exited %d on SIGTERM; log %s" % (self.name, code, self.log_path))
        return code

    def was_down(self, t, slack=1.0):
        with self.lock:
            for s, e in self.down_windows:
                if s - 0.05 <= t <= (e if e is not None else float("inf")) + slack:
                    return True
        return False

    def force_kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.expected_exit = True
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------------------------------------
# Load: signed webhook deliveries


class Load:
    def __init__(self, phase, daemons, clients, interval):
        self.phase, self.daemons, self.clients, self.interval = phase, daemons, clients, interval
        self.body = open(PAYLOAD_FILE, "rb").read()
        self.signature = "sha256=" + hmac.new(SECRET.encode(), self.body, hashlib.sha256).hexdigest()
        self.lock = threading.Lock()
        self.stop_new = threading.Event()
        self.stop_all = threading.Event()
        self.rr = 0
        self.accepted = {}          # delivery -> (answer time, daemon, duplicate)
        self.ok_times = {d.name: [] for d in daemons}   # (sent, answered) of each 2xx, per daemon
        self.statuses = {}          # status -> count
        self.unavailable = 0        # 503 with Retry-After
        self.conn_errors = {d.name: 0 for d in daemons}
        self.conn_errors_unexplained = 0
        self.timeouts = 0
        self.duplicates = 0
        self.sent = 0
        self.slowest = 0.0
        self.pending = {}           # client -> list of (due, delivery)
        self.threads = []

    def next_daemon(self):
        with self.lock:
            d = self.daemons[self.rr % len(self.daemons)]
            self.rr += 1
            return d

    def post(self, daemon, delivery):
        c = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=ANSWER_TIMEOUT)
        try:
            c.request("POST", "/hooks/" + WATCHER, body=self.body, headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": delivery,
                "X-Hub-Signature-256": self.signature,
            })
            r = c.getresponse()
            return r.status, r.getheader("Retry-After"), r.read()
        finally:
            c.close()

    def client(self, k):
        seq = 0
        pending = self.pending[k] = []
        while not self.stop_all.is_set():
            t = now()
            pending.sort()
            if pending and pending[0][0] <= t:
                delivery = pending.pop(0)[1]
            elif self.stop_new.is_set():
                if not pending:
                    return
                time.sleep(min(0.1, max(0.0, pending[0][0] - t)))
                continue
            else:
                delivery = "soak-%s-%d-%d" % (self.phase, k, seq)
                seq += 1
            daemon = self.next_daemon()
            start = now()
            try:
                status, retry_after, body = self.post(daemon, delivery)
            except (socket.timeout, TimeoutError):
                with self.lock:
                    self.timeouts += 1
                    self.sent += 1
                VIOLATIONS.add(self.phase, "no answer within %.0f s from daemon %s to %s" % (ANSWER_TIMEOUT, daemon.name, delivery))
                pending.append((now(), delivery))
                time.sleep(self.interval)
                continue
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                t_err = now()
                explained = daemon.was_down(t_err)
                with self.lock:
                    self.sent += 1
                    self.conn_errors[daemon.name] += 1
                    if not explained:
                        self.conn_errors_unexplained += 1
                if not explained:
                    VIOLATIONS.add(self.phase, "connection error from daemon %s while it was up: %r (%s)" % (daemon.name, e, delivery))
                pending.append((t_err + 0.2, delivery))
                time.sleep(self.interval)   # the sender's pace holds: one refused request is not a burst
                continue
            t = now()
            with self.lock:
                self.sent += 1
                self.slowest = max(self.slowest, t - start)
                self.statuses[status] = self.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                try:
                    dup = bool(json.loads(body).get("duplicate"))
                except ValueError:
                    dup = False
                with self.lock:
                    self.ok_times[daemon.name].append((start, t))
                    if delivery in self.accepted:
                        VIOLATIONS.add(self.phase, "%s answered 2xx twice (the client sends again only after a failure)" % delivery)
                    self.accepted[delivery] = (t, daemon.name, dup)
                    if dup:
                        self.duplicates += 1
                if status != 202:
                    VIOLATIONS.add(self.phase, "%s answered %d, not 202" % (delivery, status))
            elif status == 503 and retry_after:
                with self.lock:
                    self.unavailable += 1
                try:
                    wait = float(retry_after)
                except ValueError:
                    wait = 5.0
                pending.append((t + wait, delivery))
            else:
                VIOLATIONS.add(self.phase, "%s answered %d%s from daemon %s: %s" % (
                    delivery, status, " without Retry-After" if status == 503 else "", daemon.name, body[:200]))
                pending.append((t + 1.0, delivery))
            time.sleep(self.interval)

    def start(self):
        for k in range(self.clients):
            th = threading.Thread(target=self.client, args=(k,), daemon=True)
            th.start()
            self.threads.append(th)

    def outstanding(self):
        return sum(len(p) for p in self.pending.values())

    def drain(self, deadline):
        """No new deliveries; the ones answered 503 or cut are sent until answered 2xx."""
        self.stop_new.set()
        end = now() + deadline
        for th in self.threads:
            th.join(max(0.0, end - now()))
        self.stop_all.set()
        left = self.outstanding()
        if left:
            VIOLATIONS.add(self.phase, "%d deliveries still not accepted %.0f s after the load stopped" % (left, deadline))

    def first_ok_after(self, t, names=None):
        """When the first 2xx to a request sent at or after t (to the named daemons) came, or None."""
        best = None
        with self.lock:
            for name in names or self.ok_times:
                for sent, answered in self.ok_times[name]:
                    if sent >= t and (best is None or answered < best):
                        best = answered
        return best


# ---------------------------------------------------------------------------------------------
# Jobs: a stream of marked noop jobs


class Enqueuer:
    def __init__(self, phase, vigil, config, batch, every):
        self.phase, self.vigil, self.config, self.batch, self.every = phase, vigil, config, batch, every
        self.ids = []
        self.calls = 0
        self.failed_calls = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            args = json.dumps({"mark": True, "sleep_ms": random.choice([0, 50, 100, 200, 400])})
            self.calls += 1
            try:
                p = subprocess.run([self.vigil, "jobs", "enqueue", "noop", "--count", str(self.batch), "--args", args,
                                    "--json", "--config", self.config], capture_output=True, text=True, timeout=60)
                if p.returncode == 0:
                    self.ids.extend(json.loads(p.stdout)["ids"])
                else:
                    self.failed_calls += 1   # the database was away; what it may have committed is checked too
            except (subprocess.TimeoutExpired, ValueError, KeyError):
                self.failed_calls += 1
            self.stop.wait(self.every)


# ---------------------------------------------------------------------------------------------
# Databases


class PgDb:
    def __init__(self, url):
        self.url = url

    def rows(self, sql):
        p = subprocess.run(["psql", self.url, "-X", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("psql: " + p.stderr.strip())
        return [line.split("\x1f") for line in p.stdout.splitlines() if line]


class SqliteDb:
    def __init__(self, path):
        self.path = path

    def rows(self, sql):
        c = sqlite3.connect(self.path, timeout=30)
        try:
            return [["" if v is None else str(v) for v in row] for row in c.execute(sql).fetchall()]
        finally:
            c.close()


def unfinished_jobs(db):
    return db.rows("SELECT kind, state, COUNT(*) FROM vigil_jobs WHERE kind IN ('noop', 'triage')"
                   " AND state IN ('available', 'running', 'retryable') GROUP BY kind, state")


# ---------------------------------------------------------------------------------------------
# A phase


def config_text(db_url, port):
    return ("database:\n  url: %s\nhttp:\n  listen: 127.0.0.1:%d\nlogging:\n  level: info\n"
            "watchers:\n  - name: %s\n    type: webhook\n    verify:\n      scheme: github\n      secret: %s\n"
            % (db_url, port, WATCHER, SECRET))


class Phase:
    def __init__(self, name, args, workdir):
        self.name, self.args = name, args
        self.workdir = os.path.join(workdir, name)
        os.makedirs(self.workdir)
        self.daemons = []
        self.faults = []      # dicts: kind, target, start, end (+ notes)
        self.restarts = []    # threads restarting killed daemons
        self.t0 = None

    def make_daemon(self, letter, db_url):
        port = free_port()
        cfg = os.path.join(self.workdir, "vigil-%s.yaml" % letter)
        with open(cfg, "w") as f:
            f.write(config_text(db_url, port))
        d = Daemon(self.name, letter, self.args.vigil, cfg, port, self.workdir)
        self.daemons.append(d)
        return d

    def rel(self, t):
        return t - self.t0

    def kill(self, d):
        """SIGKILL, then the restart in a thread of its own, as a supervisor would: the schedule goes on
        (a restart while the database is away waits for it)."""
        t = d.kill()
        f = {"kind": "kill", "target": d.name, "start": t, "end": t, "ready": None}
        self.faults.append(f)
        log("%s: SIGKILL daemon %s" % (self.name, d.name))

        def restart():
            before = d.start_failures
            f["end"] = now()
            d.restart_after_kill()
            f["ready"] = d.incarnations[-1].ready
            f["failed_starts"] = d.start_failures - before
            log("%s: daemon %s restarted, pid %d%s" % (self.name, d.name, d.proc.pid,
                ", after %d failed starts" % f["failed_starts"] if f["failed_starts"] else ""))
        th = threading.Thread(target=restart, daemon=True)
        th.start()
        self.restarts.append(th)

    def run(self, schedule, duration, fault_fns):
        """Runs the load for `duration` seconds with the faults of `schedule` [(offset, kind, arg)]."""
        stop_watch = threading.Event()

        def watcher():
            last = 0.0
            while not stop_watch.is_set():
                for d in self.daemons:
                    d.watch()
                if now() - last >= 1.0:
                    for d in self.daemons:
                        d.sample()
                    last = now()
                stop_watch.wait(0.2)

        self.load = Load(self.name, self.daemons, self.args.clients, self.args.interval)
        self.enq = Enqueuer(self.name, self.args.vigil, self.daemons[0].config, self.args.job_batch, self.args.job_every)
        wt = threading.Thread(target=watcher, daemon=True)
        wt.start()
        self.t0 = now()
        self.load.start()
        self.enq.thread.start()
        progress_at = self.t0 + 30
        for offset, kind, arg in sorted(schedule, key=lambda x: x[0]):
            while now() < self.t0 + offset:
                time.sleep(min(0.2, self.t0 + offset - now()))
                if now() >= progress_at:
                    self.progress()
                    progress_at += 30
            fault_fns[kind](arg)
        while now() < self.t0 + duration:
            time.sleep(0.2)
            if now() >= progress_at:
                self.progress()
                progress_at += 30
        for th in self.restarts:
            th.join()
        log("%s: load stops; sending what is still unaccepted" % self.name)
        self.enq.stop.set()
        self.enq.thread.join(90)
        self.load.drain(90)
        self.settle(self.db)
        self.metrics = {d.name: d.metrics() for d in self.daemons}
        stop_watch.set()
        wt.join()
        for d in self.daemons:
            code = d.stop()
            log("%s: daemon %s stopped on SIGTERM, exit %d" % (self.name, d.name, code))

    def progress(self):
        l = self.load
        with l.lock:
            log("%s: %d sent, %d accepted, %d answered 503, %d connection errors, %d waiting to be sent again; %d noop jobs enqueued"
                % (self.name, l.sent, len(l.accepted), l.unavailable, sum(l.conn_errors.values()), l.outstanding(),
                   len(self.enq.ids)))

    def settle(self, db, deadline=180):
        end = now() + deadline
        left = None
        while now() < end:
            try:
                left = unfinished_jobs(db)
                if not left:
                    log("%s: every noop and triage job is finished" % self.name)
                    return
            except RuntimeError:
                pass
            time.sleep(1)
        VIOLATIONS.add(self.name, "jobs still unfinished %d s after the load stopped: %s" % (deadline, left))

    # --- checks -------------------------------------------------------------------------------

    def check(self):
        db, name, l = self.db, self.name, self.load
        out = {}
        events = {}
        dup_rows = 0
        for source_id, eid, signal_ in db.rows("SELECT source_id, id, triage_signal FROM watcher_events"
                                               " WHERE source_id LIKE 'soak-%'"):
            if source_id in events:
                dup_rows += 1
            events.setdefault(source_id, []).append((eid, signal_))
        triage = {}
        for jid, state, args in db.rows("SELECT id, state, args FROM vigil_jobs WHERE kind = 'triage'"):
            try:
                eid = json.loads(args).get("event_id", "")
            except ValueError:
                eid = ""
            triage.setdefault(eid, []).append(state)
        lost = [d for d in l.accepted if d not in events]
        twice = [d for d, rows in events.items() if len(rows) > 1]
        not_triaged, triaged_twice, no_signal = [], [], []
        triaged_once = 0
        for d in l.accepted:
            rows = events.get(d, [])
            for eid, signal_ in rows:
                jobs = triage.get(eid, [])
                if jobs != ["completed"]:
                    (triaged_twice if len(jobs) > 1 else not_triaged).append("%s (%s)" % (d, jobs))
                if not signal_:
                    no_signal.append(d)
            if len(rows) == 1 and triage.get(rows[0][0], []) == ["completed"] and rows[0][1]:
                triaged_once += 1
        stored_unaccepted = [d for d in events if d not in l.accepted]
        notif_twice = db.rows("SELECT event_id, COUNT(*) FROM notifications GROUP BY event_id HAVING COUNT(*) > 1")
        for what, items in (("answered 2xx but not stored", lost), ("stored more than once", twice),
                            ("without a completed triage job", not_triaged), ("with more than one triage job", triaged_twice),
                            ("stored with no triage_signal", no_signal), ("with more than one notification", notif_twice)):
            if items:
                VIOLATIONS.add(name, "%d deliveries %s, e.g. %s" % (len(items), what, items[:3]))
        out["events"] = {"accepted": len(l.accepted), "stored": len(events), "lost": len(lost), "stored_twice": len(twice),
                         "triaged_once": triaged_once,
                         "stored_without_2xx": len(stored_unaccepted)}

        jobs = {jid: (state, attempt) for jid, state, attempt in
                db.rows("SELECT id, state, attempt FROM vigil_jobs WHERE kind = 'noop'")}
        marks = {jid: int(runs) for jid, runs in db.rows("SELECT job_id, runs FROM vigil_noop_marks")}
        reported = [str(i) for i in self.enq.ids]
        missing = [i for i in reported if i not in jobs]
        not_done = [i for i, (state, _) in jobs.items() if state != "completed"]
        no_effect = [i for i, (state, _) in jobs.items() if state == "completed" and marks.get(i, 0) == 0]
        runs_hist = {}
        for i in jobs:
            r = marks.get(i, 0)
            runs_hist[r] = runs_hist.get(r, 0) + 1
        over = [i for i in jobs if marks.get(i, 0) > 2]
        for what, items in (("reported enqueued but not in vigil_jobs", missing), ("not completed", not_done),
                            ("completed without their effect", no_effect), ("run more than twice", over)):
            if items:
                VIOLATIONS.add(name, "%d noop jobs %s, e.g. %s" % (len(items), what, items[:5]))
        out["noop"] = {"reported_enqueued": len(reported), "in_table": len(jobs), "runs": runs_hist,
                       "enqueue_calls": self.enq.calls, "enqueue_calls_failed": self.enq.failed_calls}

        bad = db.rows("SELECT kind, state, COUNT(*) FROM vigil_jobs WHERE state IN ('discarded', 'cancelled') GROUP BY kind, state")
        if bad:
            VIOLATIONS.add(name, "jobs discarded or cancelled: %s" % bad)
        discarded_metric = 0.0
        for text in self.metrics.values():
            for line in text.splitlines():
                if line.startswith("vigil_jobs_discarded_total"):
                    discarded_metric += float(line.rsplit(" ", 1)[1])
        if discarded_metric:
            VIOLATIONS.add(name, "vigil_jobs_discarded_total is %g on the daemons alive at the end" % discarded_metric)
        out["jobs_discarded"] = {"table": bad, "metric": discarded_metric}

        with l.lock:
            out["http"] = {"sent": l.sent, "statuses": dict(sorted(l.statuses.items())), "503_with_retry_after": l.unavailable,
                           "duplicates_answered": l.duplicates, "conn_errors": dict(l.conn_errors),
                           "conn_errors_while_up": l.conn_errors_unexplained, "timeouts": l.timeouts,
                           "slowest_answer_s": round(l.slowest, 3)}
        out["faults"] = self.recoveries()
        out["rss"] = self.rss()
        out["daemons"] = {d.name: {"incarnations": len(d.incarnations), "crashes": d.crashes,
                                   "start_failures": d.start_failures} for d in self.daemons}
        return out

    def recoveries(self):
        res = []
        for f in sorted(self.faults, key=lambda f: f["start"]):
            r = {"kind": f["kind"], "at_s": round(self.rel(f["start"]), 1)}
            names = [f["target"]] if f.get("target") else None
            if f["kind"] == "kill":
                first = self.load.first_ok_after(f["start"], names)
                r["daemon"] = f["target"]
                r["restart_to_ready_s"] = round(f["ready"] - f["end"], 2) if f.get("ready") else None
                r["failed_starts"] = f.get("failed_starts", 0)
                r["kill_to_first_2xx_s"] = round(first - f["start"], 2) if first else None
                r["restart_to_first_2xx_s"] = round(first - f["end"], 2) if first else None
            else:
                r["duration_s"] = round(f["end"] - f["start"], 1)
                r["503_during"] = f.get("refused", 0)
                per = {}
                for d in self.daemons:
                    first = self.load.first_ok_after(f["end"], [d.name])
                    per[d.name] = round(first - f["end"], 2) if first else None
                r["end_to_first_2xx_s"] = per
                for k in ("mode", "stop_s", "start_s", "filled_mb"):
                    if k in f:
                        r[k] = f[k]
            res.append(r)
        return res

    def rss(self):
        res = {}
        for d in self.daemons:
            rows = []
            for inc in d.incarnations:
                warm, last = inc.warm(), inc.last()
                row = {"pid": inc.pid, "lived_s": round((inc.ended or now()) - inc.started, 1), "how": inc.how}
                if warm and last:
                    span = last[0] - warm[0]
                    growth = last[1] / warm[1] - 1
                    row.update({"start_kb": warm[1], "end_kb": last[1], "growth_pct": round(100 * growth, 1),
                                "peak_kb": max(kb for _, kb in inc.samples), "judged": span >= RSS_MIN_SPAN})
                    if span >= RSS_MIN_SPAN and growth > RSS_GROWTH_LIMIT:
                        VIOLATIONS.add(self.name, "daemon %s (pid %d) RSS grew %.1f%% (%d -> %d kB over %.0f s)"
                                       % (d.name, inc.pid, 100 * growth, warm[1], last[1], span))
                rows.append(row)
            res[d.name] = rows
        return res


# --- the PostgreSQL phase ---------------------------------------------------------------------


def postgres_phase(args, workdir, cleanup):
    ph = Phase("postgres", args, workdir)
    p = subprocess.run([PG_SCRIPT, "start"], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("pg-test-server.sh start: " + p.stderr)
    env = dict(re.findall(r"export (\w+)=(\S+)", p.stdout))
    pg_dir, url = env["VIGIL_TEST_PG_DIR"], env["VIGIL_TEST_PG_URL"]
    def stop_server():
        try:
            shutil.copy(os.path.join(pg_dir, "server.log"), os.path.join(ph.workdir, "postgres-server.log"))
        except OSError:
            pass
        subprocess.run([PG_SCRIPT, "stop", pg_dir])
    cleanup.append(stop_server)
    log("postgres: server at %s (%s)" % (url, pg_dir))
    ph.db = PgDb(url)
    a, b = ph.make_daemon("A", url), ph.make_daemon("B", url)
    cleanup.append(a.force_kill)
    cleanup.append(b.force_kill)
    for d in (a, b):
        if not d.start():
            raise RuntimeError("daemon %s did not start; log %s" % (d.name, d.log_path))
        log("postgres: daemon %s pid %d on port %d" % (d.name, d.proc.pid, d.port))

    outage = {}

    def pg_down(mode):
        outage.update(before=ph.load.unavailable, start=now(), mode=mode)
        subprocess.run([PG_SCRIPT, "pause", pg_dir, mode], check=True)
        outage["stopped"] = now()
        log("postgres: server stopped (pg_ctl stop -m %s took %.1f s)" % (mode, outage["stopped"] - outage["start"]))

    def pg_up(duration):
        time.sleep(max(0.0, outage["stopped"] + duration - now()))   # down this long, however long the stop took
        resuming = now()
        subprocess.run([PG_SCRIPT, "resume", pg_dir], check=True)
        end = now()
        log("postgres: server started again (pg_ctl start took %.1f s)" % (end - resuming))
        ph.faults.append({"kind": "pg_stop", "start": outage["start"], "end": end, "mode": outage["mode"],
                          "stop_s": round(outage["stopped"] - outage["start"], 1), "start_s": round(end - resuming, 1),
                          "refused": ph.load.unavailable - outage["before"]})

    ph.run(args.pg_schedule(a, b), args.pg_seconds, {"kill": ph.kill, "pg_down": pg_down, "pg_up": pg_up})
    ph.server_errors = server_errors(os.path.join(pg_dir, "server.log"))
    for f in ph.faults:
        if f["kind"] == "pg_stop" and f["refused"] == 0:
            log("postgres: note: no 503 during the outage at %.0f s" % ph.rel(f["start"]))
    return ph


def server_errors(path):
    """PostgreSQL's ERROR lines by message (shown, not judged: the server's view of vigil's queries)."""
    counts = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r"\b(ERROR|FATAL|PANIC):  (.*)", line)
                if m:
                    key = m.group(1) + ": " + re.sub(r"\d+", "N", m.group(2))[:160]
                    counts[key] = counts.get(key, 0) + 1
    except OSError:
        pass
    return counts


# --- the SQLite phase -------------------------------------------------------------------------


def fill(path):
    """Writes `path` until the file system has no room left; returns the bytes written."""
    written = 0
    chunk = 1 << 20
    with open(path, "wb", buffering=0) as f:
        while chunk >= 512:
            try:
                written += f.write(b"\0" * chunk)
            except OSError as e:
                if e.errno not in (28, 122):  # ENOSPC, EDQUOT
                    raise
                chunk //= 2
    return written


def sqlite_phase(args, workdir, cleanup):
    ph = Phase("sqlite", args, workdir)
    disk = os.path.join(ph.workdir, "disk")
    os.makedirs(disk)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % args.tmpfs_mb, "tmpfs", disk], check=True)

    def unmount():
        if subprocess.run(["umount", disk], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", disk], capture_output=True)
    cleanup.append(unmount)
    dbfile = os.path.join(disk, "vigil.db")
    ph.db = SqliteDb(dbfile)
    d = ph.make_daemon("S", "sqlite:" + dbfile)
    cleanup.append(d.force_kill)
    if not d.start():
        raise RuntimeError("daemon S did not start; log %s" % d.log_path)
    log("sqlite: daemon S pid %d on port %d, database on a %d MB tmpfs" % (d.proc.pid, d.port, args.tmpfs_mb))
    filler = os.path.join(disk, "filler")

    episode = {}

    def disk_fill(_):
        episode.update(before=ph.load.unavailable, start=now())
        n = fill(filler)
        episode.update(full=now(), bytes=n)
        log("sqlite: file system full (%.0f MB of filler, %d blocks free)" % (n / 1e6, os.statvfs(disk).f_bavail))

    def disk_free(duration):
        time.sleep(max(0.0, episode["full"] + duration - now()))
        os.unlink(filler)
        end = now()
        log("sqlite: filler removed")
        ph.faults.append({"kind": "disk_full", "start": episode["start"], "end": end,
                          "filled_mb": round(episode["bytes"] / 1e6, 1), "refused": ph.load.unavailable - episode["before"]})

    ph.run(args.sqlite_schedule(d), args.sqlite_seconds, {"kill": ph.kill, "disk_fill": disk_fill, "disk_free": disk_free})
    used = shutil.disk_usage(disk)
    log("sqlite: database file system %d MB used of %d MB" % (used.used >> 20, used.total >> 20))
    for f in ph.faults:
        if f["kind"] == "disk_full" and f["refused"] == 0:
            log("sqlite: note: no 503 while the disk was full at %.0f s" % ph.rel(f["start"]))
    return ph


# ---------------------------------------------------------------------------------------------
# Schedules


def schedules(args):
    """Fills in the phase lengths and fault schedules [(offset s, action, arg)]. The full schedule:
    B killed every 30 s, PostgreSQL down for 5 s every 2 min (the second time around a kill, so B
    restarts while the server is away); S killed every 45 s, its disk full for 10 s every 2 min
    (the second time around a kill). --short: 2 minutes, one fault at a time."""
    def outage(start, length, down, up, arg):   # `up` waits until the fault has lasted `length`
        return [(start, down, arg), (start + length, up, length)]

    if args.short:
        args.pg_seconds, args.sqlite_seconds = 65, 60
        args.pg_schedule = lambda a, b: ([(12, "kill", b), (28, "kill", b), (50, "kill", b)]
                                         + outage(36, 5, "pg_down", "pg_up", "immediate"))
        args.sqlite_schedule = lambda s: ([(10, "kill", s), (24, "kill", s)]
                                          + outage(32, 10, "disk_fill", "disk_free", None))
        args.tmpfs_mb = args.tmpfs_mb or 128
        return
    total = args.minutes * 60
    args.pg_seconds = int(total * 0.6)
    args.sqlite_seconds = int(total - args.pg_seconds)

    def periodic(length, kill_every, kill_first, fault_every, fault_first, fault_len):
        kills = list(range(kill_first, length - 10, kill_every))
        faults = []
        for k, t in enumerate(range(fault_first, length - fault_len - 10, fault_every)):
            if k % 2 == 1:   # around the next kill
                t = min([x for x in kills if x >= t] or [t + 3]) - 3
            faults.append(t)
        return kills, faults

    def pg(a, b):
        kills, downs = periodic(args.pg_seconds, 30, 30, 120, 45, 5)
        ev = [(t, "kill", b) for t in kills]
        for i, t in enumerate(downs):
            ev += outage(t, 5, "pg_down", "pg_up", "immediate" if i % 2 == 0 else "fast")
        return ev

    def lite(s):
        kills, fills = periodic(args.sqlite_seconds, 45, 30, 120, 50, 10)
        ev = [(t, "kill", s) for t in kills]
        for t in fills:
            ev += outage(t, 10, "disk_fill", "disk_free", None)
        return ev
    args.pg_schedule, args.sqlite_schedule = pg, lite
    args.tmpfs_mb = args.tmpfs_mb or 512


# ---------------------------------------------------------------------------------------------


def report(phases):
    print()
    print("=" * 100)
    for ph in phases:
        r = ph.result
        print("%s phase (%d s of load, daemons %s)" % (ph.name, ph.duration, ", ".join(d.name for d in ph.daemons)))
        h, e, n = r["http"], r["events"], r["noop"]
        print("  webhooks: %d requests; answers %s; %d were 503 with Retry-After; %d 2xx said duplicate;"
              " connection errors %s (%d while the daemon was up); %d with no answer; slowest answer %.3f s"
              % (h["sent"], h["statuses"], h["503_with_retry_after"], h["duplicates_answered"], h["conn_errors"],
                 h["conn_errors_while_up"], h["timeouts"], h["slowest_answer_s"]))
        print("  events: %d deliveries answered 2xx, %d stored, %d lost, %d stored twice, %d triaged exactly once"
              % (e["accepted"], e["stored"], e["lost"], e["stored_twice"], e["triaged_once"]))
        print("  noop jobs: %d reported enqueued (%d enqueue calls, %d failed during faults), %d in the table;"
              " runs per job %s" % (n["reported_enqueued"], n["enqueue_calls"], n["enqueue_calls_failed"], n["in_table"],
                                    {str(k): v for k, v in sorted(n["runs"].items())}))
        print("  discarded/cancelled jobs: table %s, metric %g" % (r["jobs_discarded"]["table"] or "none", r["jobs_discarded"]["metric"]))
        print("  faults and recovery:")
        for f in r["faults"]:
            if f["kind"] == "kill":
                print("    %6.1f s  SIGKILL %s: restart to /healthz %s s%s, kill to first 2xx %s s, restart to first 2xx %s s"
                      % (f["at_s"], f["daemon"], f["restart_to_ready_s"],
                         " (%d starts exited first)" % f["failed_starts"] if f["failed_starts"] else "",
                         f["kill_to_first_2xx_s"], f["restart_to_first_2xx_s"]))
            else:
                extra = ((" (pg_ctl stop -m %s %s s, start %s s)" % (f["mode"], f["stop_s"], f["start_s"])) if "mode" in f
                         else (" (%s MB filler)" % f["filled_mb"]))
                print("    %6.1f s  %s%s for %.1f s: %d answers 503 meanwhile; end to first 2xx %s s"
                      % (f["at_s"], f["kind"], extra, f["duration_s"], f["503_during"], f["end_to_first_2xx_s"]))
        errs = getattr(ph, "server_errors", None)
        if errs is not None:
            print("  PostgreSQL server log: %s" % ("no ERROR, FATAL or PANIC" if not errs else ""))
            for k, v in sorted(errs.items(), key=lambda kv: -kv[1])[:8]:
                print("    %5d x %s" % (v, k))
        print("  RSS (VmRSS %d s after start -> at the end of each process; judged when measured >= %d s):"
              % (WARMUP, RSS_MIN_SPAN))
        for name, rows in r["rss"].items():
            failed = [row for row in rows if row["how"] and row["how"].startswith("failed to start")]
            if failed:
                print("    %s: %d starts that exited at once (see its log) not shown" % (name, len(failed)))
            for row in rows:
                if row in failed:
                    continue
                if "start_kb" in row:
                    print("    %s pid %-7d lived %6.1f s (%s): %d -> %d kB (%+.1f%%, peak %d kB)%s"
                          % (name, row["pid"], row["lived_s"], row["how"], row["start_kb"], row["end_kb"],
                             row["growth_pct"], row["peak_kb"], "" if row["judged"] else ", not judged"))
                else:
                    print("    %s pid %-7d lived %6.1f s (%s): too short to measure" % (name, row["pid"], row["lived_s"], row["how"]))
    print("=" * 100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("minutes", nargs="?", type=float, default=10, help="length of the load, both phases (default 10; at least 4)")
    ap.add_argument("--short", action="store_true", help="the compressed schedule CI runs: 2 minutes of load")
    ap.add_argument("--vigil", default=os.environ.get("VIGIL_BIN", os.path.join(ROOT, "build", "vigil")))
    ap.add_argument("--phases", default="postgres,sqlite")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--interval", type=float, default=0.05, help="pause of each client between requests, seconds")
    ap.add_argument("--job-batch", type=int, default=10, help="noop jobs per enqueue call")
    ap.add_argument("--job-every", type=float, default=1.0, help="seconds between enqueue calls")
    ap.add_argument("--tmpfs-mb", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, configs) even on success")
    ap.add_argument("--print-schedule", action="store_true", help="print the fault schedule and exit")
    args = ap.parse_args()
    if not args.short and args.minutes < 4:
        ap.error("MINUTES is at least 4 (the fault schedule needs it); --short runs the compressed 2-minute schedule")
    if args.print_schedule:
        schedules(args)
        for name, secs, ev in (("postgres", args.pg_seconds, args.pg_schedule("A", "B")),
                               ("sqlite", args.sqlite_seconds, args.sqlite_schedule("S"))):
            print("%s phase, %d s of load:" % (name, secs))
            for t, kind, arg in sorted(ev, key=lambda e: e[0]):
                print("  %6.1f s  %s %s" % (t, kind, "" if arg is None else arg))
        return 0
    if os.geteuid() != 0:
        ap.error("run as root: the SQLite phase mounts a tmpfs, and PostgreSQL runs as the postgres user")
    args.vigil = os.path.abspath(args.vigil)
    if not os.access(args.vigil, os.X_OK):
        ap.error("no vigil binary at %s (build it, or set VIGIL_BIN)" % args.vigil)
    schedules(args)
    workdir = tempfile.mkdtemp(prefix="vigil-soak-", dir="/tmp")
    log("vigil %s; work directory %s; %s" % (args.vigil, workdir,
        "short schedule" if args.short else "%g minutes" % args.minutes))

    cleanup = []

    def on_term(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_term)
    phases = []
    ok = False
    try:
        for name in args.phases.split(","):
            fn = {"postgres": postgres_phase, "sqlite": sqlite_phase}[name]
            ph = fn(args, workdir, cleanup)
            ph.duration = args.pg_seconds if name == "postgres" else args.sqlite_seconds
            ph.result = ph.check()
            phases.append(ph)
            for c in reversed(cleanup):
                c()
            cleanup.clear()
        with open(os.path.join(workdir, "result.json"), "w") as f:
            json.dump({ph.name: ph.result for ph in phases}, f, indent=2, default=str)
        report(phases)
        ok = not VIOLATIONS.items
    except KeyboardInterrupt:
        VIOLATIONS.add("soak", "interrupted")
    except Exception as e:  # a broken soak is a failed soak, with its cause shown
        import traceback
        traceback.print_exc()
        VIOLATIONS.add("soak", "the soak itself failed: %r" % e)
    finally:
        for c in reversed(cleanup):
            try:
                c()
            except Exception:
                pass
    if VIOLATIONS.items:
        print("%d violation(s):" % len(VIOLATIONS.items))
        for v in VIOLATIONS.items[:50]:
            print("  " + v)
        print("work directory kept: %s" % workdir)
    else:
        print("soak passed: no violation (%.0f s wall)" % (now() - T0))
        if args.keep:
            print("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
