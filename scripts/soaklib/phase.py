"""scripts/soak.py: one phase (databases, daemons, load, faults) and its checks."""
import argparse
import bisect
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

from soaklib.common import *  # noqa: F401,F403
from soaklib.daemon import *  # noqa: F401,F403
from soaklib.load import *  # noqa: F401,F403


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
        # Batched triage (docs/triage.md "Batches"): an event is triaged once it has a signal and has
        # left the triage queue; its verdict is one change-feed row beside the one for its insert.
        queued = {eid for (eid,) in db.rows("SELECT event_id FROM vigil_triage_pending")}
        changes = {ref: int(n) for ref, n in db.rows("SELECT ref, COUNT(*) FROM vigil_changes WHERE topic = 'event' GROUP BY ref")}
        lost = [d for d in l.accepted if d not in events]
        twice = [d for d, rows in events.items() if len(rows) > 1]
        not_triaged, triaged_twice, no_signal = [], [], []
        triaged_once = 0
        for d in l.accepted:
            rows = events.get(d, [])
            for eid, signal_ in rows:
                if str(eid) in queued:
                    not_triaged.append("%s (still queued)" % d)
                elif changes.get(str(eid), 0) > 2:
                    triaged_twice.append("%s (%d changes)" % (d, changes[str(eid)]))
                if not signal_:
                    no_signal.append(d)
            if len(rows) == 1 and rows[0][1] and str(rows[0][0]) not in queued and changes.get(str(rows[0][0]), 0) <= 2:
                triaged_once += 1
        stored_unaccepted = [d for d in events if d not in l.accepted]
        notif_twice = db.rows("SELECT event_id, COUNT(*) FROM notifications GROUP BY event_id HAVING COUNT(*) > 1")
        for what, items in (("answered 2xx but not stored", lost), ("stored more than once", twice),
                            ("still waiting for triage", not_triaged), ("triaged more than once", triaged_twice),
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
        """Memory of every process, and the leak check. A leak is memory that grows with the work done:
        judged in anonymous memory (RssAnon: the heap and stacks) less SQLite's heap, per 2xx
        answered, over the steady stretches of the load; SQLite's heap is judged against its bound,
        SQLITE_PER_CONNECTION a connection (Daemon.memory_kb says why not VmRSS). Not growth since
        start: the first WARMUP seconds fill caches and the job workers, and the burst of retried
        deliveries after a fault of the daemon's own (an outage of its database, its full disk) is a
        working set of its own, a step and then flat; so those stretches are left out. A kill of the
        other daemon only moves load here."""
        res = {}
        for d in self.daemons:
            quiet = [(f["start"], f["end"] + SETTLE) for f in self.faults
                     if f.get("end") and f.get("target") in (None, d.name)]
            with self.load.lock:
                answered_at = sorted(answered for _, answered in self.load.ok_times[d.name])
            # The daemon's working set once warm: the most any of its processes held in its warm-up
            # (one process warms up slower than another; it is not growing past its siblings).
            warmups = [kb for inc in d.incarnations for t, kb in inc.samples if t < self.warm_end(inc, quiet)]
            reference = max(warmups) if warmups else 0
            rows = []
            for inc in d.incarnations:
                row = {"pid": inc.pid, "lived_s": round((inc.ended or now()) - inc.started, 1), "how": inc.how,
                       "samples": [[round(t - inc.started, 1), kb] for t, kb in inc.samples],
                       "memory_samples": [[round(m[0] - inc.started, 1)] + list(m[1:]) for m in inc.memory]}
                warm, last = inc.warm(), inc.last()
                over = [m for m in inc.memory if m[3] > SQLITE_PER_CONNECTION * max(m[4], 1)]
                if over:
                    t, _, _, heap, conns = over[0]
                    VIOLATIONS.add(self.name, "daemon %s (pid %d): SQLite's heap %d kB at %.0f s, over %d kB for each of its %d "
                                   "connections" % (d.name, inc.pid, heap, t - inc.started, SQLITE_PER_CONNECTION, conns))
                if warm and last:
                    grown_kb, answers, span = self.steady_growth(inc, quiet, answered_at, reference)
                    per_answer = 1024.0 * grown_kb / answers if answers else 0.0
                    judged = span >= RSS_MIN_SPAN and answers >= RSS_MIN_ANSWERS
                    first_m, last_m = inc.memory_at(warm[0]), inc.memory[-1]
                    row.update({"start_kb": warm[1], "end_kb": last[1], "peak_kb": max(kb for _, kb in inc.samples),
                                "anon_kb": [first_m[1], last_m[1]], "vmrss_kb": [first_m[2], last_m[2]],
                                "sqlite_heap_kb": [first_m[3], last_m[3]], "connections": [first_m[4], last_m[4]],
                                "steady_s": round(span, 1), "steady_grown_kb": grown_kb, "steady_answers": answers,
                                "bytes_per_answer": round(per_answer), "judged": judged})
                    if judged and per_answer > LEAK_LIMIT_BYTES:
                        VIOLATIONS.add(self.name, "daemon %s (pid %d): anonymous memory beyond SQLite's heap grew %d kB over %.0f s of steady "
                                       "load, %d bytes for each of its %d 2xx answers (at most %d)"
                                       % (d.name, inc.pid, grown_kb, span, per_answer, answers, LEAK_LIMIT_BYTES))
                rows.append(row)
            res[d.name] = rows
        return res

    @staticmethod
    def warm_end(inc, quiet):
        """When a process's warm-up ends: WARMUP seconds after its start, or WARMUP seconds from the end
        of a fault that fell into them (a process started on a full disk fills its caches and workers
        once the disk has room)."""
        end = inc.started + WARMUP
        for a, b in sorted(quiet):
            if a < end:
                end = max(end, b - SETTLE + WARMUP)
        return end

    @staticmethod
    def steady_growth(inc, quiet, answered_at, reference):
        """(kB grown, 2xx answered, seconds) summed over a process's stretches of samples that are past
        its warm-up and outside `quiet` (its own faults and SETTLE seconds after each). A stretch's
        growth is its last sample less the most held before it: by this process (its warm-up, a
        burst after a fault) or by the daemon's processes once warm (`reference`), so memory coming
        back after freed memory was handed back is not growth."""
        warm_end = Phase.warm_end(inc, quiet)
        stretches, cur = [], []
        for t, kb in inc.samples:
            if t >= warm_end and not any(a <= t <= b for a, b in quiet):
                cur.append((t, kb))
            elif cur:
                stretches.append(cur)
                cur = []
        if cur:
            stretches.append(cur)
        grown = answers = 0
        span = 0.0
        for st in stretches:
            (t0, kb0), (t1, kb1) = st[0], st[-1]
            held = max([reference] + [kb for t, kb in inc.samples if t <= t0])
            grown += kb1 - held
            span += t1 - t0
            answers += bisect.bisect_right(answered_at, t1) - bisect.bisect_right(answered_at, t0)
        return grown, answers, span


# --- the PostgreSQL phase ---------------------------------------------------------------------


