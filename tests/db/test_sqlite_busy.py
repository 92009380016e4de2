"""SQLite busy: a writer in another process (here: another connection outside the bot's lock)
holds the write lock; LeakBot's transaction waits on the busy timeout and then succeeds."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import session as session_module
from db.migrate import upgrade
from db.models import Entry, User
from db.session import in_turns, make_engine, make_session_factory, transaction
from services.ledger import entries as ledger
from tests.factories import make_user


@pytest.mark.parametrize("busy_timeout_ms", [10_000, 100], ids=["within-timeout", "past-timeout"])
def test_a_spend_waits_for_another_process_holding_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busy_timeout_ms: int
) -> None:
    """Another process (the CLI importing a file, `leakbot train`) holds SQLite's write lock
    for 1.5 s: within the busy timeout the spend's transaction waits; past it (fifteen 100 ms
    timeouts) the transaction is run again until it gets in. Either way it is stored, and
    not before the other writer let go (with no retry it failed with "database is locked")."""
    monkeypatch.setattr(session_module, "SQLITE_BUSY_TIMEOUT_MS", busy_timeout_ms)
    path = tmp_path / "busy.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    user_id = transaction(sessions, lambda s: make_user(s).id)
    holding, released = threading.Event(), threading.Event()

    def other_process() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(1.5)
        released.set()
        connection.execute("COMMIT")
        connection.close()

    other = threading.Thread(target=other_process)
    other.start()
    holding.wait(5)
    transaction(
        sessions,
        lambda s: ledger.log_text(
            session=s, user=s.get(User, user_id), text="120 dining", now=datetime.now(UTC), source_ref="late"
        ),
    )
    assert released.is_set()
    other.join()
    assert transaction(sessions, lambda s: s.scalar(select(func.count()).select_from(Entry))) == 1


def test_an_sqlite_too_old_for_leakbot_is_refused_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(RuntimeError, match=r"needs SQLite 3\.35 or newer.*has 3\.31\.1.*PostgreSQL"):
        make_engine(f"sqlite:///{tmp_path / 'old.db'}")


def test_long_work_that_only_reads_holds_up_no_writer(tmp_path: Path) -> None:
    """Training reads every expense in one turn: on SQLite that turn takes no write lock, so
    a spend is stored while it is still open, and it reads the snapshot it began with."""
    url = f"sqlite:///{tmp_path / 'read.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    user_id = transaction(sessions, lambda s: make_user(s).id)
    turns = in_turns(sessions)
    stored: list[int] = []

    def spend() -> None:
        transaction(
            sessions,
            lambda s: ledger.log_text(
                session=s, user=s.get(User, user_id), text="40 chai", now=datetime.now(UTC), source_ref="r"
            ),
        )
        stored.append(1)

    def read_while_someone_writes(session: Session) -> int:
        before = session.scalar(select(func.count()).select_from(Entry))
        writer = threading.Thread(target=spend)
        writer.start()
        writer.join(timeout=30)
        assert stored, "the spend waited for a transaction that only reads"
        return int(before or 0) + int(session.scalar(select(func.count()).select_from(Entry)) or 0)

    assert turns.read(read_while_someone_writes) == 0  # its snapshot: before the spend
    assert transaction(sessions, lambda s: s.scalar(select(func.count()).select_from(Entry))) == 1
