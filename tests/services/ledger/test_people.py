"""People are registered on their first message, once, however many of their first messages
race; a new person starts with the defaults in their own currency."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select

from db.models import User
from db.session import make_session_factory, session_scope
from services.ledger.people import UserDefaults, ensure_user
from tests.concurrency import race

RACERS = 12


def test_concurrent_first_messages_register_a_person_once(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    telegram_id = 880_000 + (1 if engine.dialect.name == "sqlite" else 2)

    def first_message() -> int:
        with session_scope(sessions) as session:
            defaults = UserDefaults("Asia/Kolkata", "INR")
            return ensure_user(session=session, telegram_id=telegram_id, defaults=defaults).id

    try:
        ids = race(RACERS, first_message)
        with session_scope(sessions) as session:
            rows = session.scalar(
                select(func.count()).select_from(User).where(User.telegram_id == telegram_id)
            )
        assert rows == 1 and len(set(ids)) == 1 and len(ids) == RACERS
    finally:
        with session_scope(sessions) as session:
            session.execute(delete(User).where(User.telegram_id == telegram_id))


def test_a_new_person_starts_with_a_small_amount_of_their_own_currency_as_micro(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    try:
        with session_scope(sessions) as session:
            yen = ensure_user(
                session=session, telegram_id=880_010, defaults=UserDefaults("Asia/Tokyo", "JPY")
            )
            rupee = ensure_user(
                session=session, telegram_id=880_011, defaults=UserDefaults("Asia/Kolkata", "INR")
            )
            assert (yen.currency, yen.micro_threshold_minor, yen.chat_id) == ("JPY", 600, None)
            assert (rupee.micro_threshold_minor, rupee.leak_threshold, rupee.digest_enabled) == (
                30_000,
                5,
                True,
            )
    finally:
        with session_scope(sessions) as session:
            session.execute(delete(User).where(User.telegram_id.in_([880_010, 880_011])))
