"""Engine and session factory. The transaction is opened and closed at the edge (per update,
per CLI command, per job); services and repositories receive the session and never commit."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
# RETURNING (3.35) and aggregate FILTER clauses (3.30) are used on every chat message.
SQLITE_MIN_VERSION = (3, 35)
# One writer at a time per SQLite engine, handed over by a lock in this process: SQLite's own
# busy handler (still there for other processes) sleeps 1-100 ms between retries, which under
# load turns a 2 ms transaction into a queue of sleepers.
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def _normalise_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` spellings and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite turn on WAL, a busy timeout and foreign keys."""
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if sqlite3.sqlite_version_info < SQLITE_MIN_VERSION:
            raise RuntimeError(
                f"LeakBot needs SQLite {'.'.join(map(str, SQLITE_MIN_VERSION))} or newer; this Python's "
                f"sqlite3 module has {sqlite3.sqlite_version}. Use a newer Python build or PostgreSQL."
            )
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy own transactions (pysqlite's legacy handling defers BEGIN).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front, so a transaction that reads and then
            # writes waits (busy timeout) instead of failing with "database is locked".
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        _SQLITE_WRITERS[engine] = threading.Lock()
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def write_problem(sessions: sessionmaker[Session], *, min_free_bytes: int) -> str | None:
    """Why the database cannot take a write now, or None: a real write is committed (it rewrites
    the schema revision with itself), and a SQLite file needs min_free_bytes free beside it."""
    bind = sessions.kw.get("bind")
    if (
        isinstance(bind, Engine)
        and bind.dialect.name == "sqlite"
        and bind.url.database not in (None, "", ":memory:")
    ):
        free = shutil.disk_usage(Path(bind.url.database).expanduser().resolve().parent).free
        if free < min_free_bytes:
            return f"disk almost full: {free // 1_048_576} MB free"
    try:
        with session_scope(sessions) as session:
            session.execute(text("UPDATE alembic_version SET version_num = version_num"))
    except Exception as exc:  # what kind of failure is the answer
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:120]
        return f"write failed: {type(exc).__name__}: {reason}"
    return None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory used at every edge."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open one session and transaction: commit when the block succeeds, roll back otherwise."""
    with _writer_turn(factory), factory() as session, session.begin():
        yield session


def _writer_turn(factory: sessionmaker[Session]) -> AbstractContextManager[object]:
    bind = factory.kw.get("bind")
    lock = _SQLITE_WRITERS.get(bind) if isinstance(bind, Engine) else None
    return lock if lock is not None else nullcontext()
