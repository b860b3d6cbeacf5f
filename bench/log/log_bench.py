#!/usr/bin/python3
"""Measurements for bench/log_bench.sh (see bench/README.md).

latency: a writer appends lines at RATE lines/s for SECONDS to FILE (at jittered times), each
  carrying its sequence number, and notes when each was written (CLOCK_MONOTONIC, one clock for every process on the
  host). The same process sees each line arrive, by one of:
    --db DB    vigil's SQLite database: polled every millisecond (read-only, WAL) for new rows of
               watcher_events, whose title is the sequence number; a line arrives when its event is
               committed and visible to another connection.
    --tail     `tail -F -n0 FILE`: a line arrives when tail's output pipe yields it.
  Prints one JSON object: sent, arrived, p50/p99/max latency in ms.
idle: CPU time (utime+stime, /proc/PID/stat) and context switches (voluntary + nonvoluntary,
  summed over /proc/PID/task/*/status) of the given processes over SECONDS.
table: the results file (JSON lines) as the table log_bench.sh prints.
"""
import argparse
import glob
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

PAD = 'level=info msg="request served" path=/api/items status=200 bytes=5120 dur_ms=3'


def line(seq):
    return f"benchline {seq} {PAD}\n"


class Arrivals:
    """Sequence number -> monotonic ns of its first arrival."""

    def __init__(self):
        self.lock = threading.Lock()
        self.at = {}

    def add(self, seq, t):
        with self.lock:
            self.at.setdefault(seq, t)

    def has(self, seq):
        with self.lock:
            return seq in self.at

    def count(self):
        with self.lock:
            return len(self.at)


def poll_db(path, arrivals, stop):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5, check_same_thread=False)
    last = db.execute("SELECT coalesce(max(rowid), 0) FROM watcher_events").fetchone()[0]
    while not stop.is_set():
        try:
            rows = db.execute("SELECT rowid, title FROM watcher_events WHERE rowid > ? ORDER BY rowid", (last,)).fetchall()
        except sqlite3.OperationalError:  # busy during a checkpoint: look again
            rows = []
        t = time.monotonic_ns()
        for rowid, title in rows:
            last = rowid
            if title and title.lstrip("-").isdigit():
                arrivals.add(int(title), t)
        time.sleep(0.001)
    db.close()


def read_tail(proc, arrivals):
    for raw in proc.stdout:
        t = time.monotonic_ns()
        parts = raw.split(b" ", 2)
        if len(parts) >= 2 and parts[0] == b"benchline":
            arrivals.add(int(parts[1]), t)


def write_lines(fd, rate, seconds, sent):
    """Line s is due at (s + u) / rate seconds, u uniform in [0, 1) (fixed seed): in order, at the
    rate, but at no fixed phase, which a periodic reader would otherwise lock onto."""
    total = int(rate * seconds)
    jitter = random.Random(19)
    due_ns = [int((s + jitter.random()) * 1e9 / rate) for s in range(total)]
    start = time.monotonic_ns()
    seq = 0
    while seq < total:
        now = time.monotonic_ns() - start
        end = seq
        while end < total and due_ns[end] <= now:
            end += 1
        if end > seq:
            t = time.monotonic_ns()
            os.write(fd, "".join(line(s) for s in range(seq, end)).encode())
            for s in range(seq, end):
                sent[s] = t
            seq = end
        if seq < total:
            delay = (start + due_ns[seq] - time.monotonic_ns()) / 1e9
            if delay > 0:
                time.sleep(delay)


def wait_for(cond, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.005)
    return cond()


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[i]


def latency(args):
    arrivals, stop = Arrivals(), threading.Event()
    fd = os.open(args.file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    proc = None
    if args.tail:
        proc = subprocess.Popen(["tail", "-F", "-n", "0", args.file], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        reader = threading.Thread(target=read_tail, args=(proc, arrivals), daemon=True)
    else:
        reader = threading.Thread(target=poll_db, args=(args.db, arrivals, stop), daemon=True)
    reader.start()
    # A warm-up line (-1): the reader follows the file once it has arrived; not measured.
    ready = False
    for _ in range(int(args.settle * 10)):
        os.write(fd, line(-1).encode())
        if wait_for(lambda: arrivals.has(-1), 0.1 if args.tail else 1.0):
            ready = True
            break
    if not ready:
        print(json.dumps({"error": f"the warm-up line did not arrive within {args.settle} s"}))
        sys.exit(1)
    sent = {}
    write_lines(fd, args.rate, args.seconds, sent)
    wait_for(lambda: all(arrivals.has(s) for s in sent), args.drain)
    stop.set()
    if proc:
        proc.terminate()
        proc.wait()
    reader.join(timeout=5)
    with arrivals.lock:
        lat = sorted((arrivals.at[s] - t) / 1e6 for s, t in sent.items() if s in arrivals.at)
    print(json.dumps({"rate": args.rate, "seconds": args.seconds, "sent": len(sent), "arrived": len(lat),
                      "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99), "max_ms": lat[-1] if lat else None}))


def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def proc_switches(pid):
    total = 0
    for status in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            with open(status) as f:
                for row in f:
                    if row.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        total += int(row.split()[1])
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return total


def idle(args):
    hz = os.sysconf("SC_CLK_TCK")
    before = {p: (proc_cpu_ticks(p), proc_switches(p)) for p in args.pid}
    t0 = time.monotonic()
    time.sleep(args.seconds)
    elapsed = time.monotonic() - t0
    cpu = sum(proc_cpu_ticks(p) - before[p][0] for p in args.pid) / hz
    switches = sum(proc_switches(p) - before[p][1] for p in args.pid)
    threads = sum(len(glob.glob(f"/proc/{p}/task/*")) for p in args.pid)
    print(json.dumps({"seconds": round(elapsed, 1), "cpu_s": cpu, "cpu_pct": 100 * cpu / elapsed,
                      "wakeups_per_s": switches / elapsed, "threads": threads}))


def fmt(v, digits=1):
    return "-" if v is None else f"{v:,.{digits}f}"


def table(args):
    rows = [json.loads(l) for l in open(args.results) if l.strip()]
    lat = [r for r in rows if r["kind"] == "latency"]
    if lat:
        print("write-to-stored latency (ms): vigil = line appended -> its event committed and visible in SQLite;")
        print("tail -F = line appended -> read from tail's pipe (the floor: no parsing, no storage)")
        print(f"{'subject':<28} {'lines/s':>8} {'sent':>7} {'arrived':>8} {'p50':>9} {'p99':>9} {'max':>9} {'p50 vs floor':>13}")
        floor = {r["rate"]: r for r in lat if r["subject"].startswith("tail")}
        for r in lat:
            f = floor.get(r["rate"])
            ratio = "-"
            if f and f.get("p50_ms") and r.get("p50_ms") is not None and not r["subject"].startswith("tail"):
                ratio = f"{r['p50_ms'] / f['p50_ms']:,.0f}x"
            print(f"{r['subject']:<28} {r['rate']:>8,} {r['sent']:>7,} {r['arrived']:>8,} {fmt(r['p50_ms']):>9}"
                  f" {fmt(r['p99_ms']):>9} {fmt(r['max_ms']):>9} {ratio:>13}")
    idl = [r for r in rows if r["kind"] == "idle"]
    if idl:
        print()
        print(f"idle: {idl[0]['files']} log files, nothing written, {idl[0]['seconds']} s")
        print(f"{'subject':<40} {'CPU %':>7} {'CPU s':>7} {'wakeups/s':>10} {'threads':>8}")
        for r in idl:
            print(f"{r['subject']:<40} {fmt(r['cpu_pct'], 2):>7} {fmt(r['cpu_s'], 2):>7} {fmt(r['wakeups_per_s']):>10} {r['threads']:>8}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("latency")
    p.add_argument("--file", required=True)
    p.add_argument("--rate", type=int, required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--drain", type=float, default=15, help="seconds to wait for the last lines after writing")
    p.add_argument("--settle", type=float, default=30, help="seconds to wait for the warm-up line")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--db")
    g.add_argument("--tail", action="store_true")
    p = sub.add_parser("idle")
    p.add_argument("--pid", type=int, action="append", required=True)
    p.add_argument("--seconds", type=float, default=30)
    p = sub.add_parser("table")
    p.add_argument("results")
    args = ap.parse_args()
    {"latency": latency, "idle": idle, "table": table}[args.cmd](args)


if __name__ == "__main__":
    main()
