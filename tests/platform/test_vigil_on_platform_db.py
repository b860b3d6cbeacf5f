#!/usr/bin/python3
"""End to end: the built vigil daemon on a database that the platform's ORM (the stand-in) created.

The stand-in's models make the seed tables and a community; `vigil migrate` must leave those tables'
schema as it was; the daemon takes one webhook delivery into that community and triages it into a
notification, and the platform's side then finds both through its models (by primary key and by
foreign key), with times it reads right, while its own watcher of the same name stays untouched.
On SQLite always; on PostgreSQL too when VIGIL_TEST_PG_URL is set (in a schema of its own, dropped
afterwards).

Run: VIGIL_BINARY=build/vigil /usr/bin/python3 tests/platform/test_vigil_on_platform_db.py [-v]
(VIGIL_BINARY defaults to build/vigil in the checkout; ctest: platform_database_e2e)
"""

import os
import sys

# This folder holds platform.py, which would shadow the standard library's `platform` module.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import datetime  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402


def _load_standin():
    """platform.py under another module name (it appends this folder to sys.path, for platform_models)."""
    spec = importlib.util.spec_from_file_location("platform_standin", os.path.join(_HERE, "platform.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


standin = _load_standin()

import sqlalchemy  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from platform_models import Notification, Subreddit, Watcher, WatcherEvent, make_engine  # noqa: E402

VIGIL = os.environ.get("VIGIL_BINARY") or os.path.join(os.path.dirname(os.path.dirname(_HERE)), "build", "vigil")
PG_URL = os.environ.get("VIGIL_TEST_PG_URL", "")
COMMUNITY = "oncology"
HOOK = "tumor-board"
TOKEN = "e2e-" + uuid.uuid4().hex
HEX32 = re.compile(r"^[0-9a-f]{32}$")
SQLITE_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
DEADLINE = 30  # seconds for any one wait


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def row_of(obj):
    """Every column of an ORM object, as a dict: what 'left untouched' compares."""
    return {a.key: getattr(obj, a.key) for a in sqlalchemy.inspect(type(obj)).column_attrs}


class VigilOnPlatformDatabase:
    """What both dialects pass. A subclass opens the database (self.url) and checks what it stores raw."""

    def setUp(self):
        # Cleanups run last first: the daemon is stopped, then the engine, the database and the folder go.
        self.folder = tempfile.mkdtemp(prefix="vigil-platform-e2e-")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.open_database()
        self.engine = make_engine(self.url)
        self.addCleanup(self.engine.dispose)
        self.daemon = self.log = None
        self.port = free_port()
        self.addCleanup(self.stop_leftovers)
        self.standin("create")
        self.community_id = uuid.UUID(self.standin("add-community", "--name", COMMUNITY)["id"])

    def stop_leftovers(self):
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.kill()
            self.daemon.wait(timeout=10)
        if self.log is not None:
            self.log.close()

    # --- helpers ---------------------------------------------------------------------------------------

    def standin(self, *argv):
        """A verb of platform.py, run in this process: its function on this test's engine."""
        args = standin.parser().parse_args(["--url", self.url, *argv])
        return json.loads(json.dumps(args.run(self.engine, args), default=str))

    def write_config(self, description="the tumor board's hook, from vigil's YAML"):
        path = os.path.join(self.folder, "vigil.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"""database:
  url: {json.dumps(self.url)}
http:
  listen: 127.0.0.1:{self.port}
api:
  token: {TOKEN}
jobs:
  poll_interval: 200ms
  shutdown_timeout: 5s
watchers:
  - name: {HOOK}
    type: webhook
    community: {COMMUNITY}
    description: {json.dumps(description)}
communities:
  - name: {COMMUNITY}
    rules:
      keywords: {{tumor suppressor: 1.0}}
      thresholds: {{medium: 0.4, high: 0.7}}
      notify_at: medium
""")
        return path

    def vigil(self, *argv):
        proc = subprocess.run([VIGIL, *argv], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, f"vigil {' '.join(argv)}:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def start_daemon(self, config):
        self.log = open(os.path.join(self.folder, "vigil.log"), "w+", encoding="utf-8")
        self.daemon = subprocess.Popen([VIGIL, "run", "--config", config], stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_for("/readyz to answer 200", lambda: self.get("/readyz", api=False) is not None)

    def daemon_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_for(self, what, probe):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.daemon is not None and self.daemon.poll() is not None:
                self.fail(f"vigil exited ({self.daemon.returncode}) while waiting for {what}:\n{self.daemon_log()}")
            value = probe()
            if value:
                return value
            time.sleep(0.1)
        self.fail(f"no {what} within {DEADLINE} s; vigil's log:\n{self.daemon_log()}")

    def request(self, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers or {})
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status, answer.read().decode()

    def get(self, path, api=True):
        """The body of a 200 answer (JSON when api), else None."""
        try:
            status, text = self.request(path, headers={"Authorization": f"Bearer {TOKEN}"} if api else {})
        except (urllib.error.URLError, ConnectionError):
            return None
        return (json.loads(text) if api else text) if status == 200 else None

    def schema(self):
        return self.standin("schema")

    def platform_watcher(self):
        """Inserts, through the ORM, the platform's own watcher with the YAML watcher's name."""
        with Session(self.engine) as session:
            watcher = Watcher(watcher_type="webhook", subreddit_id=self.community_id, name=HOOK,
                              description="made in the platform's UI", config={"verify": None, "owner": "ui"},
                              enabled=False, auto_create_thread=False, poll_interval_seconds=None)
            session.add(watcher)
            session.commit()
            return row_of(watcher)

    def platform_rows(self, watcher_id):
        with Session(self.engine) as session:
            return row_of(session.get(Watcher, watcher_id)), row_of(session.get(Subreddit, self.community_id))

    def event_and_notification(self, event_id):
        """(event, notification) once vigil has stored the event and triaged it into a notification."""
        with Session(self.engine, expire_on_commit=False) as session:
            event = session.get(WatcherEvent, event_id)
            if event is None:
                return None
            stmt = sqlalchemy.select(Notification).where(Notification.event_id == event.id)
            found = session.execute(stmt).scalars().all()
            return (event, found) if found else None

    def assert_recent(self, when, what, before):
        self.assertIsInstance(when, datetime.datetime, what)
        self.assertIsNone(when.tzinfo, f"{what}: {when!r}")
        now = datetime.datetime.utcnow()
        self.assertLessEqual(abs((now - when).total_seconds()), 60, f"{what} {when} is not within a minute of {now}")
        self.assertGreaterEqual(when, before - datetime.timedelta(seconds=2), f"{what} {when} is before the POST")

    # --- the tests ---------------------------------------------------------------------------------------

    def test_migrate_leaves_the_platform_tables_schema_as_it_was(self):
        before = self.schema()
        config = self.write_config()
        self.vigil("migrate", "--config", config)
        self.assertEqual(self.schema(), before, "the first vigil migrate changed the platform's tables")
        self.vigil("migrate", "--config", config)
        self.assertEqual(self.schema(), before, "the second vigil migrate changed the platform's tables")

    def test_daemon_writes_what_the_platform_reads(self):
        before = self.schema()
        config = self.write_config()
        self.vigil("migrate", "--config", config)
        platform = self.platform_watcher()
        platform_rows = self.platform_rows(platform["id"])

        self.start_daemon(config)
        self.assertEqual(self.platform_rows(platform["id"]), platform_rows, "vigil's start changed the platform's rows")

        posted_at = datetime.datetime.utcnow()
        delivery = str(uuid.uuid4())
        status, text = self.request(f"/hooks/{HOOK}", {"title": "Tumor suppressor restored in organoids",
                                                       "summary": "A loss-of-function screen."},
                                    {"Content-Type": "application/json", "X-GitHub-Delivery": delivery})
        self.assertEqual(status, 202, text)
        event_id = uuid.UUID(json.loads(text)["event_id"])
        event, by_fk = self.wait_for(f"event {event_id} by session.get(WatcherEvent) with a notification by"
                                     " Notification.event_id", lambda: self.event_and_notification(event_id))

        # The notification as vigil reports it (admin API), then by primary key through the ORM.
        listed = self.wait_for("notification in the admin API",
                               lambda: (self.get(f"/api/v1/notifications?community={COMMUNITY}") or {}).get("items"))
        self.assertEqual(len(listed), 1, listed)
        notification_id = uuid.UUID(listed[0]["id"])
        with Session(self.engine) as session:
            notification = session.get(Notification, notification_id)
            self.assertIsNotNone(notification, f"session.get(Notification, {notification_id}) found nothing")
            self.assertEqual([n.id for n in by_fk], [notification.id], "Notification.event_id == event.id")
            self.assertEqual(notification.event_id, event.id)
            self.assertEqual(notification.event.id, event.id, "the notification's event relationship")
            self.assertEqual((notification.status, notification.signal), ("pending", "high"))
            self.assertEqual(notification.subreddit_id, self.community_id)
            self.assert_recent(notification.created_at, "notifications.created_at", posted_at)
            vigil_watcher = session.get(Watcher, event.watcher_id)
            self.assertIsNotNone(vigil_watcher, f"session.get(Watcher, {event.watcher_id}) found nothing")
            self.assertEqual(notification.watcher_id, vigil_watcher.id)
            names = session.execute(sqlalchemy.select(Watcher.id).where(Watcher.name == HOOK)).scalars().all()
            communities = session.execute(sqlalchemy.select(Subreddit.id)).scalars().all()
        self.assertEqual((event.source_type, event.source_id, event.triage_signal), ("webhook", delivery, "high"))
        self.assertEqual(event.title, "Tumor suppressor restored in organoids")
        self.assertEqual(event.subreddit_id, self.community_id, "the event is not in the platform's community")
        self.assert_recent(event.detected_at, "watcher_events.detected_at", posted_at)

        # The event went to vigil's own watcher row, not to the platform's of the same name.
        self.assertNotEqual(vigil_watcher.id, platform["id"], "vigil's event went to the platform's watcher")
        self.assertEqual((vigil_watcher.name, vigil_watcher.config.get("managed_by")), (HOOK, "vigil"))
        self.assertEqual(vigil_watcher.subreddit_id, self.community_id)
        self.assertEqual(sorted(names), sorted([platform["id"], vigil_watcher.id]))
        self.assertEqual(communities, [self.community_id], "vigil added a community")
        self.assertEqual(self.platform_rows(platform["id"]), platform_rows, "vigil changed the platform's rows")
        self.check_stored_forms(event, notification_id, vigil_watcher.id)

        # A reload (with a changed description) syncs vigil's row and leaves the platform's alone.
        self.write_config(description="reloaded")
        self.daemon.send_signal(signal.SIGHUP)
        self.wait_for("reload", lambda: 'vigil_config_reloads_total{result="applied"} 1' in
                      (self.get("/metrics", api=False) or ""))
        with Session(self.engine) as session:
            self.assertEqual(session.get(Watcher, vigil_watcher.id).description, "reloaded")
        self.assertEqual(self.platform_rows(platform["id"]), platform_rows, "a reload changed the platform's rows")

        self.daemon.send_signal(signal.SIGTERM)
        self.assertEqual(self.daemon.wait(timeout=DEADLINE), 0, self.daemon_log())
        self.assertEqual(self.schema(), before, "the daemon changed the platform's tables")


class OnSqlite(VigilOnPlatformDatabase, unittest.TestCase):
    def open_database(self):
        self.path = os.path.join(self.folder, "platform.db")
        self.url = "sqlite:" + self.path

    def check_stored_forms(self, event, notification_id, watcher_id):
        """What SQLite holds: every id as 32 lowercase hex, every time with six fractional digits."""
        db = sqlite3.connect(self.path)
        try:
            [ev] = db.execute("SELECT id, watcher_id, subreddit_id, detected_at FROM watcher_events").fetchall()
            [no] = db.execute("SELECT id, event_id, watcher_id, subreddit_id, created_at FROM notifications").fetchall()
            wa = db.execute("SELECT id, subreddit_id, created_at, updated_at FROM watchers WHERE id = ?",
                            (watcher_id.hex,)).fetchall()
        finally:
            db.close()
        self.assertEqual(len(wa), 1, f"vigil's watcher {watcher_id.hex} is not stored as 32 hex digits")
        for what, value in [("watcher_events.id", ev[0]), ("watcher_events.watcher_id", ev[1]),
                            ("watcher_events.subreddit_id", ev[2]), ("notifications.id", no[0]),
                            ("notifications.event_id", no[1]), ("notifications.watcher_id", no[2]),
                            ("notifications.subreddit_id", no[3]), ("watchers.id", wa[0][0]),
                            ("watchers.subreddit_id", wa[0][1])]:
            self.assertRegex(value, HEX32, what)
        self.assertEqual((ev[0], ev[1], no[0], no[1]), (event.id.hex, watcher_id.hex, notification_id.hex, ev[0]))
        for what, value in [("watcher_events.detected_at", ev[3]), ("notifications.created_at", no[4]),
                            ("watchers.created_at", wa[0][2]), ("watchers.updated_at", wa[0][3])]:
            self.assertRegex(value, SQLITE_DATETIME, what)
        self.assertEqual(ev[3], event.detected_at.strftime("%Y-%m-%d %H:%M:%S.%f"))


@unittest.skipUnless(PG_URL, "VIGIL_TEST_PG_URL is not set")
class OnPostgres(VigilOnPlatformDatabase, unittest.TestCase):
    def open_database(self):
        import psycopg2
        self.schema_name = "vigil_platform_e2e_" + uuid.uuid4().hex[:10]
        self.admin = psycopg2.connect(PG_URL)
        self.admin.autocommit = True
        with self.admin.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {self.schema_name}")
        self.addCleanup(self.drop_schema)
        # A session time zone other than UTC, as a server set up in local time gives: the platform's
        # `timestamp without time zone` columns must still get UTC from vigil.
        separator = "&" if "?" in PG_URL else "?"
        self.url = f"{PG_URL}{separator}options=-csearch_path%3D{self.schema_name}%20-ctimezone%3DAmerica/New_York"

    def drop_schema(self):
        with self.admin.cursor() as cur:
            cur.execute(f"DROP SCHEMA {self.schema_name} CASCADE")
        self.admin.close()

    def check_stored_forms(self, event, notification_id, watcher_id):
        """PostgreSQL holds native uuid and timestamp columns: the ORM's reads above are the check."""


if __name__ == "__main__":
    unittest.main()
