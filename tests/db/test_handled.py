"""Handled updates (db/handled.py): of two handlings of one update at once (two webhook
instances, a retry racing the original) exactly one may act; old records are forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, delete, select

from db import handled
from db.base import utcnow
from db.models import HandledUpdate
from db.session import make_session_factory, session_scope
from tests.concurrency import race

RACERS = 8


def test_of_two_handlings_of_one_update_at_once_exactly_one_acts(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    update_id = 990_000 + (1 if engine.dialect.name == "sqlite" else 2)

    def handle() -> bool:
        with session_scope(sessions) as session:
            return handled.claim(session, update_id)

    try:
        acted = race(RACERS, handle)
        assert sorted(acted) == [False] * (RACERS - 1) + [True]
    finally:
        with session_scope(sessions) as session:
            session.execute(delete(HandledUpdate).where(HandledUpdate.update_id == update_id))


def test_a_handling_that_failed_leaves_the_update_to_be_handled_again(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    update_id = 990_010
    try:
        with session_scope(sessions) as session:
            assert handled.claim(session, update_id)
            session.rollback()  # what a failure inside the handling does
        with session_scope(sessions) as session:
            assert handled.claim(session, update_id)
    finally:
        with session_scope(sessions) as session:
            session.execute(delete(HandledUpdate).where(HandledUpdate.update_id == update_id))


def test_records_older_than_the_moment_are_forgotten(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    now = utcnow()
    try:
        with session_scope(sessions) as session:
            session.add_all(
                [
                    HandledUpdate(update_id=990_020, handled_at=now - timedelta(days=3)),
                    HandledUpdate(update_id=990_021, handled_at=now - timedelta(hours=1)),
                ]
            )
        with session_scope(sessions) as session:
            assert handled.forget_before(session, now - timedelta(days=2)) == 1
        with session_scope(sessions) as session:
            kept = session.scalars(select(HandledUpdate.update_id).where(HandledUpdate.update_id >= 990_020))
            assert list(kept) == [990_021]
    finally:
        with session_scope(sessions) as session:
            session.execute(delete(HandledUpdate).where(HandledUpdate.update_id >= 990_020))
