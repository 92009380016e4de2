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

from db.migrate import upgrade
from db.models import Entry, User
from db.session import make_engine, make_session_factory, session_scope
from services.ledger import entries as ledger
from tests.factories import make_user


def test_a_transaction_waits_for_another_writer_and_then_commits(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        user_id = make_user(session).id
    holding, released = threading.Event(), threading.Event()

    def other_process() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")  # the write lock, as the CLI importing a file would
        holding.set()
        time.sleep(1.0)
        released.set()
        connection.execute("COMMIT")
        connection.close()

    other = threading.Thread(target=other_process)
    other.start()
    holding.wait(5)
    with session_scope(sessions) as session:
        user = session.get(User, user_id)
        ledger.log_text(
            session=session, user=user, text="120 dining", now=datetime.now(UTC), source_ref="busy"
        )
    assert released.is_set()  # it got the lock only after the other writer let go, instead of failing
    other.join()
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Entry)) == 1
    engine.dispose()


def test_an_sqlite_too_old_for_leakbot_is_refused_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(RuntimeError, match=r"needs SQLite 3\.35 or newer.*has 3\.31\.1.*PostgreSQL"):
        make_engine(f"sqlite:///{tmp_path / 'old.db'}")
