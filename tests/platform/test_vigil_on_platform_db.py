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
import http.server  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
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
FIXTURES = os.path.join(os.path.dirname(_HERE), "fixtures")


class PubmedStandIn:
    """NCBI E-utilities on loopback, answering with real bodies (tests/fixtures/pubmed); counts requests."""

    BODIES = {"/esearch.fcgi": "pubmed/esearch2.xml", "/efetch.fcgi": "pubmed/pubmed1.xml"}

    def __init__(self):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                outer.requests.append(self.path)
                if path not in outer.BODIES:
                    self.send_error(404)
                    return
                with open(os.path.join(FIXTURES, outer.BODIES[path]), "rb") as f:
                    body = f.read()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def searches(self):
        return [r for r in self.requests if r.startswith("/esearch.fcgi")]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


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

    def write_config(self, description="the tumor board's hook, from vigil's YAML", extra=""):
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
    verify: {{scheme: none}}
    community: {COMMUNITY}
    description: {json.dumps(description)}
communities:
  - name: {COMMUNITY}
    rules:
      keywords: {{tumor suppressor: 1.0}}
      thresholds: {{medium: 0.4, high: 0.7}}
      notify_at: medium
{extra}""")
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

    def add_platform_watcher(self, **columns):
        """A watcher row as the platform's UI adds one (through the ORM); its id."""
        with Session(self.engine) as session:
            watcher = Watcher(subreddit_id=self.community_id, enabled=True, auto_create_thread=False, **columns)
            session.add(watcher)
            session.commit()
            return watcher.id

    def change_platform_watcher(self, watcher_id, **columns):
        with Session(self.engine) as session:
            watcher = session.get(Watcher, watcher_id)
            for key, value in columns.items():
                setattr(watcher, key, value)
            session.commit()

    def delete_platform_watcher(self, watcher_id):
        with Session(self.engine) as session:
            session.delete(session.get(Watcher, watcher_id))
            session.commit()

    def listed_watcher(self, watcher_id):
        """The watcher with this id in GET /api/v1/watchers, or None."""
        items = (self.get("/api/v1/watchers") or {}).get("items", [])
        return next((w for w in items if w.get("id") == self.id_text(watcher_id)), None)

    def events_of(self, watcher_id):
        with Session(self.engine) as session:
            stmt = sqlalchemy.select(WatcherEvent).where(WatcherEvent.watcher_id == watcher_id)
            return session.execute(stmt).scalars().all()

    def api(self, method, path, body=None):
        """(status, JSON body) of an admin API call, errors included."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                return answer.status, json.loads(answer.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode())

    def post_hook(self, path, title):
        try:
            return self.request(path, {"title": title, "summary": "from the platform's own hook"},
                                {"Content-Type": "application/json", "X-GitHub-Delivery": str(uuid.uuid4())})
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def platform_rows(self, watcher_id):
        with Session(self.engine) as session:
            return row_of(session.get(Watcher, watcher_id)), row_of(session.get(Subreddit, self.community_id))

    def event_and_notification(self, event_id):
        """(event, notification) once vigil has stored the event and triaged it into a notification.

        The notifications are read first: on SQLite each read here is a snapshot of its own, and triage
        writes the notification and the event's signal in one transaction, so an event read after its
        notification was seen has its signal (read the other way round, the event could be read just
        before that transaction committed and its notification just after)."""
        with Session(self.engine, expire_on_commit=False) as session:
            stmt = sqlalchemy.select(Notification).where(Notification.event_id == event_id)
            found = session.execute(stmt).scalars().all()
            if not found:
                return None
            event = session.get(WatcherEvent, event_id)
            return (event, found) if event is not None else None

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


    def test_watchers_the_platform_creates_run(self):
        pubmed = PubmedStandIn()
        self.addCleanup(pubmed.close)
        config = self.write_config(extra="platform_watchers:\n  allow_hosts: [127.0.0.1]\n  check_interval: 500ms\n")
        self.vigil("migrate", "--config", config)
        before = self.schema()
        # As the platform's UI makes them: a literature watcher on PubMed (here its stand-in), a
        # webhook, and two that cannot run (a log watcher, a literature watcher with a bad source).
        literature = self.add_platform_watcher(
            watcher_type="literature", name="p53 literature", query="tumor suppressor p53", poll_interval_seconds=10,
            config={"source": "pubmed", "base_url": pubmed.url, "first_poll_limit": 5})
        hook = self.add_platform_watcher(watcher_type="webhook", name="lab-notebook", config={"verify": {"scheme": "none"}})
        log = self.add_platform_watcher(watcher_type="log", name="server log", config={"paths": ["/var/log/syslog"]})
        bad = self.add_platform_watcher(watcher_type="literature", name="bad source", query="x",
                                        poll_interval_seconds=3600, config={"source": "scopus"})

        self.start_daemon(config)
        self.wait_for("a first poll of the platform's literature watcher at once", pubmed.searches)
        self.assertIn("term=tumor%20suppressor%20p53", pubmed.searches()[0])
        events = self.wait_for("the literature row's events", lambda: self.events_of(literature))
        self.assertTrue(all(e.subreddit_id == self.community_id and e.source_type == "pubmed" for e in events))

        # The webhook row answers at /hooks/<id> and at /hooks/<name>; its events carry its id.
        for path in [f"/hooks/{self.id_text(hook)}", "/hooks/lab-notebook"]:
            status, text = self.post_hook(path, "Organoid run 12 finished")
            self.assertEqual(status, 202, f"{path}: {text}")
        self.assertEqual(len(self.events_of(hook)), 2)

        # The rows that cannot run say why, and every other watcher runs.
        listed = {w["name"]: w for w in self.get("/api/v1/watchers")["items"]}
        self.assertEqual(listed["p53 literature"]["state"], "running")
        self.assertEqual(listed["server log"]["state"], "refused")
        self.assertIn("log watchers read files on the daemon's host", listed["server log"]["error"])
        self.assertEqual(listed["bad source"]["state"], "refused")
        self.assertIn('"scopus" is not one of', listed["bad source"]["error"])
        self.assertIn(HOOK, listed)
        printed = self.vigil("watchers", "list", "--config", config)
        self.assertIn('refused: watcher row "bad source"', printed)
        self.assertEqual((listed["server log"]["id"], listed["bad source"]["id"]), (self.id_text(log), self.id_text(bad)))

        # `vigil watchers test` polls a row (by its name) as the daemon runs it, storing nothing.
        tried = json.loads(self.vigil("watchers", "test", "p53 literature", "--json", "--config", config))["events"]
        self.assertTrue(tried and all(e["source_type"] == "pubmed" and "signal" in e["triage"] for e in tried), tried)

        # Disabled in the platform: within 5 s it stops, and no request reaches the source after.
        self.change_platform_watcher(literature, enabled=False)
        disabled_at = time.monotonic()
        self.wait_for("the literature row disabled", lambda: (self.listed_watcher(literature) or {}).get("state") == "disabled")
        self.assertLess(time.monotonic() - disabled_at, 5)
        searches = len(pubmed.searches())
        time.sleep(11)  # past its 10 s interval
        self.assertEqual(len(pubmed.searches()), searches, "a disabled row was polled")

        # Deleted in the platform: within 5 s the hook answers 404.
        self.delete_platform_watcher(hook)
        deleted_at = time.monotonic()
        self.wait_for("the deleted row's hook to answer 404",
                      lambda: self.post_hook(f"/hooks/{self.id_text(hook)}", "after delete")[0] == 404)
        self.assertLess(time.monotonic() - deleted_at, 5)
        self.assertEqual(self.post_hook("/hooks/lab-notebook", "after delete")[0], 404)

        self.daemon.send_signal(signal.SIGTERM)
        self.assertEqual(self.daemon.wait(timeout=DEADLINE), 0, self.daemon_log())
        self.assertEqual(self.schema(), before, "running the platform's watchers changed its tables")


    def test_watcher_rows_managed_through_the_api_and_the_cli(self):
        config = self.write_config(extra="secrets:\n  lab: lab-hook-secret\n")
        self.vigil("migrate", "--config", config)
        self.start_daemon(config)

        # Created through the API: checked as vigil check would, answered without its secret.
        status, bad = self.api("POST", "/api/v1/watchers", {"name": "bad", "type": "literature", "query": "x",
                                                            "config": {"source": "scopus"}})
        self.assertEqual(status, 400, bad)
        self.assertIn('source: "scopus" is not one of', bad["error"])
        status, clash = self.api("POST", "/api/v1/watchers", {"name": HOOK, "type": "webhook",
                                                        "config": {"verify": {"scheme": "none"}}})
        self.assertEqual(status, 409, clash)
        status, row = self.api("POST", "/api/v1/watchers", {
            "name": "lab", "type": "webhook", "community": COMMUNITY,
            "config": {"verify": {"scheme": "token", "header": "X-Token", "secret": "inline-secret"}}})
        self.assertEqual(status, 201, row)
        self.assertEqual(row["config"]["verify"]["secret"], "(set)")
        self.assertNotIn("inline-secret", json.dumps(row))
        with Session(self.engine) as session:
            stored = session.get(Watcher, uuid.UUID(row["id"]))
            self.assertEqual((stored.name, stored.watcher_type, stored.subreddit_id), ("lab", "webhook", self.community_id))

        def hook_answers(token, want):
            try:
                status, _ = self.request("/hooks/lab", {"title": "Run finished"},
                                         {"Content-Type": "application/json", "X-Token": token,
                                          "X-GitHub-Delivery": str(uuid.uuid4())})
            except urllib.error.HTTPError as e:
                status = e.code
            return status == want
        self.wait_for("the new row's hook", lambda: hook_answers("inline-secret", 202))

        # Changed: the config is merged; the secret now names the YAML's secrets: entry.
        status, changed = self.api("PATCH", f"/api/v1/watchers/{row['id']}",
                                   {"config": {"verify": {"secret": None, "secret_ref": "lab"}}})
        self.assertEqual(status, 200, changed)
        self.assertEqual(changed["config"]["verify"], {"scheme": "token", "header": "X-Token", "secret_ref": "lab"})
        self.wait_for("the changed secret", lambda: hook_answers("lab-hook-secret", 202))
        self.assertTrue(hook_answers("inline-secret", 401))
        self.assertEqual(self.api("PATCH", f"/api/v1/watchers/{HOOK}", {"enabled": False})[0], 409)
        self.assertEqual(self.api("DELETE", f"/api/v1/watchers/{HOOK}")[0], 409)

        # Removed: with events it is disabled and kept, unless purged.
        status, removed = self.api("DELETE", "/api/v1/watchers/lab")
        self.assertEqual(status, 200, removed)
        self.assertEqual((removed["deleted"], removed["disabled"]), (False, True))
        self.assertGreaterEqual(removed["events"], 1)  # the same body twice is one event (no delivery id)
        self.wait_for("the disabled row's hook to answer 404", lambda: hook_answers("lab-hook-secret", 404))
        status, purged = self.api("DELETE", "/api/v1/watchers/lab?purge=true")
        self.assertEqual((status, purged["deleted"]), (200, True), purged)
        self.assertEqual(self.events_of(uuid.UUID(row["id"])), [])
        self.assertEqual(self.api("DELETE", "/api/v1/watchers/lab")[0], 404)

        # The same from the shell.
        added = json.loads(self.vigil("watchers", "add", "feed-row", "--type", "literature", "--interval", "3600",
                                      "--config-json", '{"source": "feed", "url": "https://example.org/rss"}',
                                      "--disabled", "--json", "--config", config))
        self.assertEqual((added["name"], added["enabled"]), ("feed-row", False))
        self.vigil("watchers", "edit", "feed-row", "--name", "feed-row-2", "--config", config)
        listed = self.wait_for("the renamed row in the API", lambda: next(
            (w for w in self.get("/api/v1/watchers")["items"] if w.get("name") == "feed-row-2"), None))
        self.assertEqual(listed["state"], "disabled")
        refused = subprocess.run([VIGIL, "watchers", "edit", "feed-row-2", "--config-json", '{"source": "nope"}',
                                  "--config", config], capture_output=True, text=True, timeout=60)
        self.assertEqual(refused.returncode, 1)
        self.assertIn('source: "nope" is not one of', refused.stderr)
        self.assertIn("removed", self.vigil("watchers", "rm", "feed-row-2", "--config", config))

        self.daemon.send_signal(signal.SIGTERM)
        self.assertEqual(self.daemon.wait(timeout=DEADLINE), 0, self.daemon_log())


class OnSqlite(VigilOnPlatformDatabase, unittest.TestCase):
    def id_text(self, watcher_id):
        return watcher_id.hex

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
    def id_text(self, watcher_id):
        return str(watcher_id)

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
