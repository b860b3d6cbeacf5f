#!/usr/bin/python3
"""vigil under load with faults (issue 16). Run through scripts/soak.sh; see docs/operations.md.

Two phases, each on a fresh database:

  postgres  two daemons on one throwaway PostgreSQL (scripts/pg-test-server.sh); one of them (B)
            killed with SIGKILL and restarted every 30 s; the server stopped for 5 s every 2 min
            (pg_ctl stop -m immediate and -m fast, by turns), then started again.
  sqlite    one daemon on SQLite, its database on a tmpfs of its own; killed with SIGKILL and
            restarted every 45 s; the file system filled until ENOSPC for 10 s every 2 min.
  (schedules() has the details; --short compresses them into 2.5 minutes, --print-schedule shows them)

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
daemon is down; no leak: over the steady load (outside a process's first 20 s and its own faults
and 10 s after each), the anonymous memory (RssAnon) less SQLite's heap of every process that had
20 s and 500 answers of it grew by at most LEAK_LIMIT_BYTES (2 KB) for each 2xx it answered, and
SQLite's heap stayed within 4 MB a database connection.
Printed: answers, recovery after each fault, memory.

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


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soaklib.common import *  # noqa: E402,F401,F403
from soaklib.daemon import *  # noqa: E402,F401,F403
from soaklib.load import *  # noqa: E402,F401,F403
from soaklib.phase import *  # noqa: E402,F401,F403


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
    (the second time around a kill). --short: 2.5 minutes, one fault at a time."""
    def outage(start, length, down, up, arg):   # `up` waits until the fault has lasted `length`
        return [(start, down, arg), (start + length, up, length)]

    if args.short:
        args.pg_seconds, args.sqlite_seconds = 65, 85   # S's last process: 23 s of steady load to judge
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
        print("  Memory, %d s after start -> at the end of each process (kB): anonymous (RssAnon) less SQLite's heap,"
              " RssAnon, VmRSS, SQLite's heap (at most %d kB a connection). Leak check: the first figure's growth over the"
              " steady load (outside a process's first %d s and its own faults and %d s after), per 2xx answered: at most"
              " %d bytes, judged with %d s and %d answers of it or more:"
              % (WARMUP, SQLITE_PER_CONNECTION, WARMUP, SETTLE, LEAK_LIMIT_BYTES, RSS_MIN_SPAN, RSS_MIN_ANSWERS))
        for name, rows in r["rss"].items():
            failed = [row for row in rows if row["how"] and row["how"].startswith("failed to start")]
            if failed:
                print("    %s: %d starts that exited at once (see its log) not shown" % (name, len(failed)))
            for row in rows:
                if row in failed:
                    continue
                if "start_kb" in row:
                    print("    %s pid %-7d lived %6.1f s (%s): %d -> %d (peak %d), anon %d -> %d, VmRSS %d -> %d, SQLite %d -> %d;"
                          " steady %.0f s: %+d kB over %d answers, %d B each%s"
                          % ((name, row["pid"], row["lived_s"], row["how"], row["start_kb"], row["end_kb"], row["peak_kb"])
                             + tuple(row["anon_kb"]) + tuple(row["vmrss_kb"]) + tuple(row["sqlite_heap_kb"])
                             + (row["steady_s"], row["steady_grown_kb"], row["steady_answers"], row["bytes_per_answer"],
                                "" if row["judged"] else ", not judged")))
                else:
                    print("    %s pid %-7d lived %6.1f s (%s): too short to measure" % (name, row["pid"], row["lived_s"], row["how"]))
    print("=" * 100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("minutes", nargs="?", type=float, default=10, help="length of the load, both phases (default 10; at least 4)")
    ap.add_argument("--short", action="store_true", help="the compressed schedule CI runs: 2.5 minutes of load")
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
        ap.error("MINUTES is at least 4 (the fault schedule needs it); --short runs the compressed 2.5-minute schedule")
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
