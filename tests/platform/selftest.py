#!/usr/bin/python3
"""Self-test of the platform stand-in (platform.py): what it prints, and what it stores.

On SQLite in a temporary folder, and on PostgreSQL in a fresh schema (dropped afterwards) when
VIGIL_TEST_PG_URL is set. Rows the platform would write itself are inserted with a raw driver
(sqlite3, psycopg2), so that the tool's reads are checked against bytes the test chose.
Run: /usr/bin/python3 tests/platform/selftest.py [-v]   (ctest: platform_standin_selftest)
"""

import os
import sys

# Keep this folder (which holds platform.py) from shadowing the standard library's `platform` module.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import datetime  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import unittest  # noqa: E402
import uuid  # noqa: E402

TOOL = os.path.join(_HERE, "platform.py")
PG_URL = os.environ.get("VIGIL_TEST_PG_URL", "")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
SQLITE_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def run_tool(url, *args, expect=0):
    """Runs platform.py; returns its stdout parsed as JSON (None when it failed as expected)."""
    proc = subprocess.run([sys.executable, TOOL, "--url", url, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode != expect:
        raise AssertionError(f"platform.py {' '.join(args)}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return json.loads(proc.stdout) if expect == 0 else proc.stderr


class StandInContract:
    """The tests both dialects pass. A subclass provides url, raw() and the dialect's id form."""

    url = None

    @classmethod
    def setUpClass(cls):
        cls.open_database()
        run_tool(cls.url, "create")

    def add_watcher(self, community_name):
        name = "w-" + uuid.uuid4().hex[:12]
        printed = run_tool(self.url, "add-watcher", "--community", community_name, "--type", "webhook",
                           "--name", name, "--config", '{"verify": null}')
        return {**printed, "name": name}

    def community_and_watcher(self):
        name = "c-" + uuid.uuid4().hex[:12]
        community = run_tool(self.url, "add-community", "--name", name, "--purpose", '{"questions": ["why"]}')
        return community, self.add_watcher(name)

    def insert_event_and_notification(self, community, watcher, event_id=None):
        """Inserts an event and its notification as the platform stores them; returns their uuids."""
        event, notification = event_id or uuid.uuid4(), uuid.uuid4()
        stored = self.stored_id
        self.raw("INSERT INTO watcher_events (id, watcher_id, subreddit_id, title, detected_at)"
                 " VALUES (?, ?, ?, 'an event', ?)",
                 (stored(event), stored(watcher["id"]), stored(community["id"]), "2024-05-06 07:08:09.123456"))
        self.raw("INSERT INTO notifications (id, watcher_id, event_id, subreddit_id, title, status, created_at)"
                 " VALUES (?, ?, ?, ?, 'a notification', 'pending', ?)",
                 (stored(notification), stored(watcher["id"]), stored(event), stored(community["id"]),
                  "2024-05-06 07:08:10.000001"))
        return event, notification

    def test_schema_declares_only_the_models_keys(self):
        schema = run_tool(self.url, "schema")
        self.assertEqual(sorted(schema), ["notifications", "subreddits", "watcher_events", "watchers"])
        for table, entry in schema.items():
            self.assertEqual(entry["indexes"], [], table)
            self.assertEqual(entry["check_constraints"], [], table)
            self.assertEqual(entry["primary_key"], ["id"], table)
        self.assertEqual([u["columns"] for u in schema["subreddits"]["unique_constraints"]], [["name"]])
        self.assertEqual(schema["watchers"]["unique_constraints"], [])
        self.assertEqual(schema["watcher_events"]["unique_constraints"], [])
        references = {t: sorted((f["columns"][0], f["references"]) for f in e["foreign_keys"])
                      for t, e in schema.items()}
        self.assertEqual(references, {
            "subreddits": [],
            "watchers": [("subreddit_id", "subreddits(id)")],
            "watcher_events": [("subreddit_id", "subreddits(id)"), ("watcher_id", "watchers(id)")],
            "notifications": [("event_id", "watcher_events(id)"), ("subreddit_id", "subreddits(id)"),
                              ("watcher_id", "watchers(id)")],
        })

    def test_schema_lists_every_seed_column(self):
        columns = {t: {c.split()[0] for c in e["columns"]} for t, e in run_tool(self.url, "schema").items()}
        self.assertEqual(columns["notifications"], {
            "id", "watcher_id", "event_id", "subreddit_id", "title", "summary", "signal", "suggested_hypothesis",
            "status", "action_taken", "thread_id", "created_at", "acted_at"})
        self.assertEqual(len(columns["subreddits"]), 16)
        self.assertEqual(len(columns["watchers"]), 13)
        self.assertEqual(len(columns["watcher_events"]), 13)

    def test_schema_output_is_stable(self):
        self.community_and_watcher()
        self.assertEqual(run_tool(self.url, "schema"), run_tool(self.url, "schema"))

    def test_add_prints_id_and_hex_of_one_uuid(self):
        community, watcher = self.community_and_watcher()
        for printed in (community, {"id": watcher["id"], "hex": watcher["hex"]}):
            self.assertEqual(uuid.UUID(printed["id"]).hex, printed["hex"])
            self.assertRegex(printed["hex"], HEX32)
            self.assertEqual(str(uuid.UUID(printed["hex"])), printed["id"])

    def test_ids_are_stored_in_the_dialects_form(self):
        community, watcher = self.community_and_watcher()
        rows = self.raw("SELECT id, subreddit_id FROM watchers WHERE id = ?", (self.stored_id(watcher["id"]),))
        self.assertEqual(rows, [(self.stored_id(watcher["id"]), self.stored_id(community["id"]))])

    def test_datetime_round_trips_with_microseconds(self):
        _, watcher = self.community_and_watcher()
        updated = run_tool(self.url, "set-watcher", watcher["id"], "--enabled", "false")
        [(raw,)] = self.raw("SELECT updated_at FROM watchers WHERE id = ?", (self.stored_id(watcher["id"]),))
        self.assertEqual(datetime.datetime.fromisoformat(updated["updated_at"]), self.parse_stored_time(raw))

    def test_set_watcher_changes_enabled_and_updated_at(self):
        _, watcher = self.community_and_watcher()
        first = run_tool(self.url, "set-watcher", watcher["id"], "--enabled", "false")
        second = run_tool(self.url, "set-watcher", watcher["id"], "--enabled", "true")
        self.assertEqual((first["enabled"], second["enabled"]), (False, True))
        parse = datetime.datetime.fromisoformat
        self.assertGreater(parse(second["updated_at"]), parse(first["updated_at"]))

    def test_get_event_finds_it_by_key_and_its_notifications_by_foreign_key(self):
        community, watcher = self.community_and_watcher()
        event, notification = self.insert_event_and_notification(community, watcher)
        got = run_tool(self.url, "get-event", str(event))
        self.assertEqual((got["id"], got["watcher_id"]["id"]), (str(event), watcher["id"]))
        self.assertEqual(got["detected_at"], "2024-05-06T07:08:09.123456")
        self.assertEqual(got["notifications_by_relationship"], [str(notification)])
        self.assertEqual(got["notifications_by_event_id"], [str(notification)])

    def test_get_notification_finds_it_and_its_event(self):
        community, watcher = self.community_and_watcher()
        event, notification = self.insert_event_and_notification(community, watcher)
        got = run_tool(self.url, "get-notification", notification.hex)
        self.assertEqual((got["id"], got["event_id"]["id"]), (str(notification), str(event)))
        self.assertEqual(got["event_by_relationship"]["id"], str(event))
        self.assertEqual(got["created_at"], "2024-05-06T07:08:10.000001")

    def test_events_and_notifications_filter_by_foreign_key(self):
        community, watcher = self.community_and_watcher()
        event, notification = self.insert_event_and_notification(community, watcher)
        self.assertEqual([e["id"] for e in run_tool(self.url, "events", "--watcher", watcher["id"])], [str(event)])
        listed = run_tool(self.url, "notifications", "--event", str(event))
        self.assertEqual([n["id"] for n in listed], [str(notification)])

    def test_get_missing_rows_exits_1(self):
        missing = str(uuid.uuid4())
        self.assertIn("no row with id", run_tool(self.url, "get-event", missing, expect=1))
        self.assertIn("no row with id", run_tool(self.url, "get-notification", missing, expect=1))
        self.assertIn("not a UUID", run_tool(self.url, "get-event", "not-a-uuid", expect=1))

    def test_add_watcher_to_a_missing_community_exits_1(self):
        stderr = run_tool(self.url, "add-watcher", "--community", "nowhere", "--type", "webhook", "--name", "x",
                          expect=1)
        self.assertIn("no community named 'nowhere'", stderr)

    def test_delete_watcher_takes_its_events_and_notifications(self):
        community, watcher = self.community_and_watcher()
        event, notification = self.insert_event_and_notification(community, watcher)
        run_tool(self.url, "delete-watcher", watcher["id"])
        run_tool(self.url, "get-event", str(event), expect=1)
        run_tool(self.url, "get-notification", str(notification), expect=1)
        self.assertEqual(self.raw("SELECT id FROM watchers WHERE id = ?", (self.stored_id(watcher["id"]),)), [])


class OnSqlite(StandInContract, unittest.TestCase):
    @classmethod
    def open_database(cls):
        cls.folder = tempfile.mkdtemp(prefix="vigil-platform-")
        cls.path = os.path.join(cls.folder, "platform.db")
        cls.url = "sqlite:" + cls.path  # vigil's form; the SQLAlchemy form is tested below

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder)

    @staticmethod
    def stored_id(value):
        return uuid.UUID(str(value)).hex

    def raw(self, sql, params=()):
        with sqlite3.connect(self.path) as db:
            rows = db.execute(sql, params).fetchall()
        db.close()
        return rows

    def parse_stored_time(self, text):
        self.assertRegex(text, SQLITE_DATETIME)
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")

    def test_ids_are_32_lowercase_hex_without_hyphens(self):
        community, watcher = self.community_and_watcher()
        [(wid, cid, created)] = self.raw("SELECT id, subreddit_id, created_at FROM watchers WHERE name = ?",
                                         (watcher["name"],))
        self.assertEqual((wid, cid), (watcher["hex"], community["hex"]))
        self.assertRegex(created, SQLITE_DATETIME)

    def test_a_hyphenated_id_is_not_found_by_key(self):
        community, watcher = self.community_and_watcher()
        event = uuid.uuid4()
        self.raw("INSERT INTO watcher_events (id, watcher_id, subreddit_id, title) VALUES (?, ?, ?, 'hyphens')",
                 (str(event), watcher["hex"], community["hex"]))
        run_tool(self.url, "get-event", str(event), expect=1)
        listed = run_tool(self.url, "events", "--watcher", watcher["id"])
        self.assertEqual([e["id"] for e in listed], [str(event)])  # read back, but only by the watcher's key

    def test_sqlalchemy_url_form_reads_the_same_database(self):
        _, watcher = self.community_and_watcher()
        listed = run_tool("sqlite:///" + self.path, "events", "--watcher", watcher["id"])
        self.assertEqual(listed, [])
        self.assertEqual(run_tool("sqlite:///" + self.path, "schema"), run_tool(self.url, "schema"))


@unittest.skipUnless(PG_URL, "VIGIL_TEST_PG_URL is not set")
class OnPostgres(StandInContract, unittest.TestCase):
    @classmethod
    def open_database(cls):
        import psycopg2
        cls.schema = "platform_standin_" + uuid.uuid4().hex[:10]
        cls.admin = psycopg2.connect(PG_URL)
        cls.admin.autocommit = True
        with cls.admin.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {cls.schema}")
        separator = "&" if "?" in PG_URL else "?"
        cls.url = f"{PG_URL}{separator}options=-csearch_path%3D{cls.schema}"

    @classmethod
    def tearDownClass(cls):
        with cls.admin.cursor() as cur:
            cur.execute(f"DROP SCHEMA {cls.schema} CASCADE")
        cls.admin.close()

    @staticmethod
    def stored_id(value):
        return str(uuid.UUID(str(value)))

    def raw(self, sql, params=()):
        import psycopg2
        db = psycopg2.connect(self.url)
        try:
            with db, db.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        finally:
            db.close()

    def parse_stored_time(self, value):
        self.assertIsInstance(value, datetime.datetime)
        return value

    def test_ids_are_native_uuid_columns(self):
        rows = self.raw("SELECT table_name, column_name FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND data_type = 'uuid' ORDER BY 1, 2")
        self.assertEqual(rows, sorted([("notifications", c) for c in
                                       ("event_id", "id", "subreddit_id", "thread_id", "watcher_id")] +
                                      [("subreddits", "id")] +
                                      [("watcher_events", c) for c in ("id", "subreddit_id", "watcher_id")] +
                                      [("watchers", c) for c in ("id", "subreddit_id")]))


if __name__ == "__main__":
    unittest.main()
