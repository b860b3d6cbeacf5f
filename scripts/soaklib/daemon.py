"""scripts/soak.py: one vigil daemon under test, started, killed and restarted, and its incarnations."""
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

from soaklib.common import *  # noqa: F401,F403


class Incarnation:
    def __init__(self, pid, started):
        self.pid = pid
        self.started = started
        self.ready = None          # /healthz first answered 200
        self.samples = []          # (t, kB): RssAnon less SQLite's heap, where a leak shows
        self.memory = []           # (t, RssAnon kB, VmRSS kB, SQLite's heap kB, connections)
        self.ended = None
        self.how = None            # "killed", "stopped", "crashed (...)"

    def warm(self):
        for t, kb in self.samples:
            if t - self.started >= WARMUP:
                return t, kb
        return None

    def last(self):
        return self.samples[-1] if self.samples else None

    def memory_at(self, t):
        for m in self.memory:
            if m[0] == t:
                return m
        return None


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

    def memory_kb(self):
        """(RssAnon, VmRSS, SQLite's heap, database connections), memory in kB, or None.

        A leak is anonymous memory (heap, stacks) that grows with the work done. VmRSS also counts
        the pages of mapped files: an idle daemon hands its code pages back (docs/jobs.md) and they
        fault in again as code runs. SQLite's heap (the daemon's vigil_sqlite_heap_bytes) is
        anonymous memory too, but bounded by the connections: each holds its pages up to its
        cache_size and a bounded cache of compiled statements, filled as the load goes on; it is
        judged on its own, against that bound."""
        text = self.metrics(timeout=2)
        if not text:
            return None
        gauges = {"vigil_sqlite_heap_bytes": 0.0, "vigil_database_connections": 0.0}   # 0: a build without them
        for line in text.splitlines():
            name = line.split(" ", 1)[0]
            if name in gauges:
                gauges[name] = float(line.split()[1])
        found = {}
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    key = line.split(":", 1)[0]
                    if key in ("RssAnon", "VmRSS"):
                        found[key] = int(line.split()[1])
        except (OSError, AttributeError, ValueError):
            return None
        if len(found) != 2:
            return None
        return (found["RssAnon"], found["VmRSS"], int(gauges["vigil_sqlite_heap_bytes"]) // 1024,
                int(gauges["vigil_database_connections"]))

    def sample(self):
        with self.lock:
            if self.proc is None or self.proc.poll() is not None or not self.incarnations:
                return
            kb = self.memory_kb()
            if kb is not None:
                t = now()
                inc = self.incarnations[-1]
                inc.samples.append((t, kb[0] - kb[2]))
                inc.memory.append((t,) + kb)

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

    def metrics(self, timeout=5):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
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


