"""Engine and session factory. The transaction is opened and closed at the edge (per update,
per CLI command, per job); services and repositories receive the session and never commit."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
# RETURNING (3.35) and aggregate FILTER clauses (3.30) are used on every chat message.
SQLITE_MIN_VERSION = (3, 35)
# A transaction that still meets another process's write lock after the busy timeout is
# retried from the start, this long in all, before the caller sees the error.
BUSY_RETRY_FOR_S = 300.0
READ_ONLY = "leakbot_read_only"  # the execution option of a transaction that only reads


class FairLock:
    """A lock handed over in the order it was asked for. threading.Lock lets the thread that
    releases it take it straight back, so a long import's next batch could starve a chat spend."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._held = False

    def __enter__(self) -> FairLock:
        with self._mutex:
            if not self._held:
                self._held = True
                return self
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        turn.acquire()  # released by the holder, who hands the lock over still held
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._held = False


# One writer at a time per SQLite engine, handed over in order by a lock in this process:
# SQLite's own busy handler (still there for other processes) sleeps 1-100 ms between
# retries, which under load turns a 2 ms transaction into a queue of sleepers.
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, FairLock] = weakref.WeakKeyDictionary()


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
            # writes waits (busy timeout) instead of failing with "database is locked". One
            # that only reads takes no lock: in WAL mode it sees a snapshot and blocks nobody.
            conn.exec_driver_sql(
                "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
            )

        _SQLITE_WRITERS[engine] = FairLock()
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
def session_scope(factory: sessionmaker[Session], *, read_only: bool = False) -> Iterator[Session]:
    """Open one session and transaction: commit when the block succeeds, roll back otherwise.
    read_only: see transaction."""
    if read_only:
        with factory() as session, session.begin():
            session.connection(execution_options={READ_ONLY: True})  # begins it deferred (SQLite)
            yield session
        return
    with _writer_turn(factory), factory() as session, session.begin():
        yield session


class Turn(Protocol):
    """How long work (an import, training) uses the database: turn(work) runs work(session)
    and commits; turn.read(work) runs work that only reads (on SQLite it takes no write lock,
    so nobody waits for it)."""

    def __call__(self, work: Callable[[Session], T]) -> T: ...

    def read(self, work: Callable[[Session], T]) -> T: ...


class _InTurns:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __call__(self, work: Callable[[Session], T]) -> T:
        return transaction(self._factory, work)

    def read(self, work: Callable[[Session], T]) -> T:
        return transaction(self._factory, work, read_only=True)


class _Within:
    def __init__(self, session: Session) -> None:
        self._session = session

    def __call__(self, work: Callable[[Session], T]) -> T:
        return work(self._session)

    read = __call__


def in_turns(factory: sessionmaker[Session]) -> Turn:
    """Each unit of work in its own short transaction (the way long work such as an import
    or training shares the database); one that meets a busy database waits and retries."""
    return _InTurns(factory)


def within(session: Session) -> Turn:
    """Every unit of work in the caller's one transaction (all or nothing together)."""
    return _Within(session)


def transaction(
    factory: sessionmaker[Session], work: Callable[[Session], T], *, read_only: bool = False
) -> T:
    """work(session) in one transaction. When the database is locked by another process past
    the busy timeout, the whole transaction is tried again (it was rolled back), for up to
    BUSY_RETRY_FOR_S: what a person sent waits for the database instead of failing.
    read_only: on SQLite a plain (deferred) transaction that waits for no writer and holds
    up none (WAL); its work must not write."""
    deadline = time.monotonic() + BUSY_RETRY_FOR_S
    pause = 0.05
    while True:
        try:
            with session_scope(factory, read_only=read_only) as session:
                return work(session)
        except OperationalError as exc:
            if not _busy(exc) or time.monotonic() + pause > deadline:
                raise
            log.info("database busy; trying the transaction again in %.2f s", pause)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "database is busy" (another process holds the lock)."""
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message


def _writer_turn(factory: sessionmaker[Session]) -> AbstractContextManager[object]:
    bind = factory.kw.get("bind")
    lock = _SQLITE_WRITERS.get(bind) if isinstance(bind, Engine) else None
    return lock if lock is not None else nullcontext()
