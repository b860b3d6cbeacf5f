"""The research platform's ORM side, as a stand-in for tests: the seed 000 tables that vigil shares.

subreddits, watchers, watcher_events and notifications, declared as a SQLAlchemy 1.4 platform
would declare them: ids of the documented "Backend-agnostic GUID Type" recipe (native UUID on
PostgreSQL, CHAR(32) lowercase hex without hyphens elsewhere), sqlalchemy.JSON, Boolean without a
CHECK constraint, DateTime filled by datetime.utcnow in Python. No index or unique constraint
beyond what such models give: the primary keys, subreddits.name unique, the foreign keys.
"""

import datetime
import uuid

from sqlalchemy import (CHAR, JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text,
                        create_engine)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator


class GUID(TypeDecorator):
    """Platform-independent GUID type.

    Uses PostgreSQL's UUID type, otherwise uses
    CHAR(32), storing as stringified hex values.

    SQLAlchemy 1.4's recipe as documented (core/custom_types.html#backend-agnostic-guid-type).
    """

    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(UUID())
        else:
            return dialect.type_descriptor(CHAR(32))

    def process_bind_param(self, value, dialect):
        if value is None:
            return value
        elif dialect.name == "postgresql":
            return str(value)
        else:
            if not isinstance(value, uuid.UUID):
                return "%.32x" % uuid.UUID(value).int
            else:
                # hexstring
                return "%.32x" % value.int

    def process_result_value(self, value, dialect):
        if value is None:
            return value
        else:
            if not isinstance(value, uuid.UUID):
                value = uuid.UUID(value)
            return value


Base = declarative_base()

TABLES = ("subreddits", "watchers", "watcher_events", "notifications")


def _pk():
    return Column(GUID(), primary_key=True, default=uuid.uuid4)


def _timestamp(nullable=True, onupdate=False):
    utcnow = datetime.datetime.utcnow
    return Column(DateTime, nullable=nullable, default=utcnow, onupdate=utcnow if onupdate else None)


class Subreddit(Base):
    __tablename__ = "subreddits"
    id = _pk()
    name = Column(String, unique=True, nullable=False)
    display_name = Column(String)
    description = Column(Text)
    purpose = Column(JSON)
    output_template = Column(JSON)
    participation_model = Column(String)
    engine_overrides = Column(JSON)
    tool_configs = Column(JSON)
    min_agents = Column(Integer)
    max_agents = Column(Integer)
    always_include_red_team = Column(Boolean, default=False)
    max_cost_per_thread_usd = Column(Float)
    monthly_budget_usd = Column(Float)
    created_at = _timestamp()
    updated_at = _timestamp(onupdate=True)

    watchers = relationship("Watcher", back_populates="subreddit")


class Watcher(Base):
    __tablename__ = "watchers"
    id = _pk()
    watcher_type = Column(String, nullable=False)
    subreddit_id = Column(GUID(), ForeignKey("subreddits.id"))
    name = Column(String, nullable=False)
    description = Column(Text)
    query = Column(String)
    poll_interval_seconds = Column(Integer)
    enabled = Column(Boolean, default=True)
    config = Column(JSON)
    auto_create_thread = Column(Boolean, default=False)
    auto_thread_approval_rate = Column(Float)
    created_at = _timestamp()
    updated_at = _timestamp(onupdate=True)

    subreddit = relationship("Subreddit", back_populates="watchers")
    # As the platform's UI deletes a watcher: with its events and notifications.
    events = relationship("WatcherEvent", back_populates="watcher", cascade="all, delete-orphan")
    notifications = relationship("Notification", back_populates="watcher", cascade="all, delete-orphan")


class WatcherEvent(Base):
    __tablename__ = "watcher_events"
    id = _pk()
    watcher_id = Column(GUID(), ForeignKey("watchers.id"))
    subreddit_id = Column(GUID(), ForeignKey("subreddits.id"))
    title = Column(String)
    summary = Column(Text)
    source_type = Column(String)
    source_id = Column(String)
    source_url = Column(String)
    source_metadata = Column(JSON)
    raw_data = Column(JSON)
    triage_signal = Column(String)
    triage_reasoning = Column(Text)
    detected_at = _timestamp()

    watcher = relationship("Watcher", back_populates="events")
    notifications = relationship("Notification", back_populates="event")


class Notification(Base):
    __tablename__ = "notifications"
    id = _pk()
    watcher_id = Column(GUID(), ForeignKey("watchers.id"))
    event_id = Column(GUID(), ForeignKey("watcher_events.id"))
    subreddit_id = Column(GUID(), ForeignKey("subreddits.id"))
    title = Column(String)
    summary = Column(Text)
    signal = Column(String)
    suggested_hypothesis = Column(Text)
    status = Column(String, default="pending")
    action_taken = Column(String)
    thread_id = Column(GUID())
    created_at = _timestamp()
    acted_at = Column(DateTime)

    watcher = relationship("Watcher", back_populates="notifications")
    event = relationship("WatcherEvent", back_populates="notifications")


def sqlalchemy_url(url):
    """Returns a SQLAlchemy URL for URL, which may also be one of vigil's forms (sqlite:/abs/path.db)."""
    if url.startswith("sqlite:") and not url.startswith("sqlite://"):
        return "sqlite:///" + url[len("sqlite:"):]
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def make_engine(url):
    """An engine for URL (see sqlalchemy_url), in SQLAlchemy 2.0 style."""
    return create_engine(sqlalchemy_url(url), future=True)
