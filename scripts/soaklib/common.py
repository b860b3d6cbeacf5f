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
WARMUP = 10.0            # RSS is first read this long after a daemon starts (caches fill at first)
RSS_MIN_SPAN = 20.0      # an incarnation measured for less than this is reported, not judged
RSS_GROWTH_LIMIT = 0.10  # for a process measured RSS_LONG_SPAN or more (the full soak's)
RSS_LONG_SPAN = 60.0
RSS_GROWTH_LIMIT_SHORT = 0.15  # under RSS_LONG_SPAN: such a span is mostly a fault and the burst of
                               # retried deliveries after it, whose working set is a few MB above the
                               # steady load's (docs/operations.md, "The soak")
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


