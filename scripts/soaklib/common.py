"""scripts/soak.py: the settings, the log and the record of violations every part shares."""
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_SCRIPT = os.path.join(ROOT, "scripts", "pg-test-server.sh")
PAYLOAD_FILE = os.path.join(ROOT, "tests", "fixtures", "webhooks", "github", "push.json")
SECRET = "soak-webhook-secret"
WATCHER = "gh"
WARMUP = 20.0            # a process's first seconds fill caches and its job workers' (under the soak's
                         # job stream a fresh SQLite daemon's heap levels off after about 20 s)
SETTLE = 10.0            # the seconds after a fault of its own: the burst of retried deliveries
SQLITE_PER_CONNECTION = 4096   # kB of SQLite's heap a connection may hold: 2 MB of pages (cache_size),
                               # 1 MB of compiled statements, the schema and the rest (about 0.7 MB seen)
RSS_MIN_SPAN = 20.0      # a process with fewer seconds of steady load than this is reported, not judged
RSS_MIN_ANSWERS = 500    # ... or with fewer 2xx answers in them (a step of the heap is a few hundred kB)
LEAK_LIMIT_BYTES = 2048  # anonymous memory less SQLite's heap grown over the steady load, per 2xx: a leaked
                         # payload (7 KB) shows at once; a clean short soak's is 0.2 to 0.7 KB, the
                         # heap settling into its working set (docs/operations.md, "The soak")
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


