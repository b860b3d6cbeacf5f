#!/usr/bin/python3
"""The research platform's ORM side, on the command line: a stand-in to test vigil against.

  /usr/bin/python3 tests/platform/platform.py --url URL VERB ...

URL is a SQLAlchemy URL (sqlite:////abs/path.db, postgresql://...) or one of vigil's forms
(sqlite:/abs/path.db). Every verb prints JSON on stdout; a failure prints `platform.py: ...` on
stderr and exits 1 (2 for a usage error). See README.md beside this file.
"""

import os
import sys

# This file is named platform.py, and SQLAlchemy imports the standard library's `platform`: keep this
# folder out of the front of sys.path so that import finds the standard module, and the models after it.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import uuid  # noqa: E402

import sqlalchemy  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from platform_models import (TABLES, Base, Notification, Subreddit, Watcher, WatcherEvent,  # noqa: E402
                             make_engine)


class Failure(Exception):
    """A failure to report on stderr with exit status 1."""


def emit(value):
    json.dump(value, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


def parse_uuid(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Failure(f"not a UUID: {text!r}")


def parse_json(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        raise Failure(f"{what} is not JSON: {e}")


def iso(value):
    return value.isoformat() if value is not None else None


def ids(value):
    """An id as the ORM holds it: str() (hyphenated) and .hex (what CHAR(32) stores)."""
    if value is None:
        return None
    return {"id": str(value), "hex": value.hex}


# --- verbs -----------------------------------------------------------------------------------------------

def cmd_create(engine, args):
    Base.metadata.create_all(engine)
    return {"created": list(TABLES)}


def cmd_schema(engine, args):
    inspector = sqlalchemy.inspect(engine)
    missing = [t for t in TABLES if not inspector.has_table(t)]
    if missing:
        raise Failure(f"tables missing: {', '.join(missing)}")
    return {table: table_schema(inspector, table) for table in TABLES}


def table_schema(inspector, table):
    """One table's keys; an index that only backs a unique constraint (PostgreSQL) is listed as the constraint."""
    return {
        "columns": sorted(column_entry(c) for c in inspector.get_columns(table)),
        "primary_key": inspector.get_pk_constraint(table).get("constrained_columns"),
        "indexes": sorted_entries({"name": i["name"], "columns": i["column_names"], "unique": bool(i["unique"])}
                                  for i in inspector.get_indexes(table) if not i.get("duplicates_constraint")),
        "unique_constraints": sorted_entries({"name": u["name"], "columns": u["column_names"]}
                                             for u in inspector.get_unique_constraints(table)),
        "check_constraints": sorted_entries({"name": c["name"], "sqltext": c["sqltext"]}
                                            for c in inspector.get_check_constraints(table)),
        "foreign_keys": sorted_entries({"name": f["name"], "columns": f["constrained_columns"],
                                        "references": f"{f['referred_table']}({', '.join(f['referred_columns'])})"}
                                       for f in inspector.get_foreign_keys(table)),
    }


def column_entry(column):
    """`name TYPE` with NOT NULL when so: column names and types, comparable across two calls."""
    text = f"{column['name']} {column['type']}"
    return text + ("" if column["nullable"] else " NOT NULL")


def sorted_entries(entries):
    return sorted(entries, key=lambda e: json.dumps(e, sort_keys=True))


def cmd_add_community(engine, args):
    purpose = parse_json(args.purpose, "--purpose") if args.purpose is not None else None
    with Session(engine) as session:
        community = Subreddit(name=args.name, display_name=args.name, participation_model=args.participation_model,
                              purpose=purpose)
        session.add(community)
        session.commit()
        return ids(community.id)


def cmd_add_watcher(engine, args):
    config = parse_json(args.config, "--config") if args.config is not None else {}
    with Session(engine) as session:
        community = find_community(session, args.community)
        watcher = Watcher(watcher_type=args.type, subreddit_id=community.id, name=args.name, query=args.query,
                          poll_interval_seconds=args.interval, enabled=not args.disabled, config=config,
                          auto_create_thread=False)
        session.add(watcher)
        session.commit()
        return ids(watcher.id)


def find_community(session, name):
    stmt = sqlalchemy.select(Subreddit).where(Subreddit.name == name)
    community = session.execute(stmt).scalars().first()
    if community is None:
        raise Failure(f"no community named {name!r}")
    return community


def cmd_set_watcher(engine, args):
    with Session(engine) as session:
        watcher = get_or_fail(session, Watcher, args.id)
        watcher.enabled = args.enabled == "true"
        watcher.updated_at = datetime.datetime.utcnow()
        session.commit()
        return watcher_row(watcher)


def cmd_delete_watcher(engine, args):
    with Session(engine) as session:
        watcher = get_or_fail(session, Watcher, args.id)
        row = watcher_row(watcher)
        session.delete(watcher)
        session.commit()
        return {"deleted": row}


def get_or_fail(session, model, text):
    row = session.get(model, parse_uuid(text))
    if row is None:
        raise Failure(f"{model.__tablename__}: no row with id {text}")
    return row


def watcher_row(w):
    return {**ids(w.id), "name": w.name, "type": w.watcher_type, "community": ids(w.subreddit_id),
            "enabled": w.enabled, "updated_at": iso(w.updated_at)}


def event_row(e):
    return {**ids(e.id), "title": e.title, "watcher_id": ids(e.watcher_id), "subreddit_id": ids(e.subreddit_id),
            "source_type": e.source_type, "source_id": e.source_id, "triage_signal": e.triage_signal,
            "detected_at": iso(e.detected_at)}


def notification_row(n):
    return {**ids(n.id), "title": n.title, "watcher_id": ids(n.watcher_id), "event_id": ids(n.event_id),
            "subreddit_id": ids(n.subreddit_id), "signal": n.signal, "status": n.status,
            "created_at": iso(n.created_at)}


def cmd_events(engine, args):
    stmt = sqlalchemy.select(WatcherEvent).order_by(WatcherEvent.detected_at)
    if args.watcher:
        stmt = stmt.where(WatcherEvent.watcher_id == parse_uuid(args.watcher))
    with Session(engine) as session:
        return [event_row(e) for e in session.execute(stmt).scalars()]


def cmd_notifications(engine, args):
    stmt = sqlalchemy.select(Notification).order_by(Notification.created_at)
    if args.event:
        stmt = stmt.where(Notification.event_id == parse_uuid(args.event))
    with Session(engine) as session:
        return [notification_row(n) for n in session.execute(stmt).scalars()]


def cmd_get_event(engine, args):
    """The event by primary key, and its notifications by the relationship and by a foreign-key filter."""
    with Session(engine) as session:
        event = get_or_fail(session, WatcherEvent, args.id)
        by_filter = session.execute(sqlalchemy.select(Notification).where(Notification.event_id == event.id))
        return {**event_row(event),
                "notifications_by_relationship": sorted(str(n.id) for n in event.notifications),
                "notifications_by_event_id": sorted(str(n.id) for n in by_filter.scalars())}


def cmd_get_notification(engine, args):
    with Session(engine) as session:
        notification = get_or_fail(session, Notification, args.id)
        event = notification.event
        return {**notification_row(notification), "event_by_relationship": ids(event.id) if event else None}


# --- command line ----------------------------------------------------------------------------------------

def parser():
    p = argparse.ArgumentParser(prog="platform.py", description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="SQLAlchemy URL, or vigil's sqlite:/abs/path.db")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("create", help="metadata.create_all").set_defaults(run=cmd_create)
    verbs.add_parser("schema", help="indexes, constraints, foreign keys, columns").set_defaults(run=cmd_schema)
    add_write_verbs(verbs)
    add_read_verbs(verbs)
    return p


def add_write_verbs(verbs):
    v = verbs.add_parser("add-community", help="insert a subreddits row")
    v.add_argument("--name", required=True)
    v.add_argument("--participation-model", default="guided")
    v.add_argument("--purpose", help="JSON")
    v.set_defaults(run=cmd_add_community)
    v = verbs.add_parser("add-watcher", help="insert a watchers row as the platform's UI does")
    v.add_argument("--community", required=True, help="subreddits.name")
    v.add_argument("--type", required=True, choices=["literature", "scheduled", "webhook"])
    v.add_argument("--name", required=True)
    v.add_argument("--query")
    v.add_argument("--interval", type=int, help="poll_interval_seconds")
    v.add_argument("--config", help="JSON")
    v.add_argument("--disabled", action="store_true")
    v.set_defaults(run=cmd_add_watcher)
    v = verbs.add_parser("set-watcher", help="set enabled (and updated_at)")
    v.add_argument("id")
    v.add_argument("--enabled", required=True, choices=["true", "false"])
    v.set_defaults(run=cmd_set_watcher)
    v = verbs.add_parser("delete-watcher", help="delete a watcher (and, by cascade, its events and notifications)")
    v.add_argument("id")
    v.set_defaults(run=cmd_delete_watcher)


def add_read_verbs(verbs):
    v = verbs.add_parser("events", help="watcher_events through the ORM")
    v.add_argument("--watcher", help="watcher id")
    v.set_defaults(run=cmd_events)
    v = verbs.add_parser("notifications", help="notifications through the ORM")
    v.add_argument("--event", help="event id")
    v.set_defaults(run=cmd_notifications)
    v = verbs.add_parser("get-event", help="session.get(WatcherEvent, id), with its notifications")
    v.add_argument("id")
    v.set_defaults(run=cmd_get_event)
    v = verbs.add_parser("get-notification", help="session.get(Notification, id)")
    v.add_argument("id")
    v.set_defaults(run=cmd_get_notification)


def main(argv):
    args = parser().parse_args(argv)
    try:
        engine = make_engine(args.url)
        try:
            emit(args.run(engine, args))
        finally:
            engine.dispose()
    except Failure as e:
        print(f"platform.py: {args.verb}: {e}", file=sys.stderr)
        return 1
    except (sqlalchemy.exc.SQLAlchemyError, ValueError) as e:
        print(f"platform.py: {args.verb}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
