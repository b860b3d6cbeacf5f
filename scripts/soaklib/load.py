"""scripts/soak.py: the load, signed webhook clients and the stream of noop jobs."""
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
from soaklib.daemon import *  # noqa: F401,F403


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


