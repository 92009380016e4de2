from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from bot.render.entries import verdict
from services.ledger.entries import log_entry, recent
from services.ledger.parsing import parse_entry
from tests.factories import count_entries, make_user

# 2024-06-15 is a Saturday; 15:30 UTC is 21:00 in Kolkata.
NOW = datetime(2024, 6, 15, 15, 30, tzinfo=UTC)


def log(session: Session, user, text: str, ref: str = "chat:1:1"):  # type: ignore[no-untyped-def]
    parsed = parse_entry(text, today=date(2024, 6, 15), currency=user.currency)
    return log_entry(session=session, user=user, parsed=parsed, now=NOW, source_ref=ref)


def test_a_chat_spend_is_stored_with_defaults_local_time_and_an_explained_verdict(
    session: Session,
) -> None:
    user = make_user(session)
    logged = log(session, user, "120 swiggy gpay")
    e = logged.entry
    assert logged.created
    assert (e.amount_minor, e.currency, e.category, e.payment_mode, e.context) == (
        12_000,
        "INR",
        "Dining Out",
        "UPI",
        "Unplanned",
    )
    assert (e.local_date, e.local_time, e.time_block, e.day_type) == (
        date(2024, 6, 15),
        time(21, 0),
        "Night",
        "Weekend",
    )
    assert (e.score, e.leak_threshold, e.is_leak) == (7, 5, True)
    assert e.rules == ("micro", "not_necessary", "impulsive_context", "impulse_time", "weekend")
    assert (
        verdict(e)
        == "Leak · 7 of 9 points (leak from 5): micro spend, not necessary, impulsive context (unplanned), "
        "night, weekend"
    )


def test_the_same_message_delivered_twice_is_stored_once(session: Session) -> None:
    user = make_user(session)
    first = log(session, user, "250 dining", ref="chat:7:42")
    second = log(session, user, "250 dining", ref="chat:7:42")
    assert not second.created and second.entry.id == first.entry.id
    assert count_entries(session, user.id) == 1


def test_a_time_later_than_now_means_yesterday(session: Session) -> None:
    user = make_user(session)
    e = log(session, user, "80 chai 11pm").entry
    assert (e.local_date, e.local_time) == (date(2024, 6, 14), time(23, 0))


def test_entries_are_scored_in_the_persons_time_zone_and_currency(session: Session) -> None:
    user = make_user(session, timezone="America/New_York", currency="USD", micro_threshold_minor=500)
    e = log(session, user, "4.50 coffee card").entry
    assert (e.amount_minor, e.currency, e.local_time, e.time_block, e.day_type) == (
        450,
        "USD",
        time(11, 30),
        "Morning",
        "Weekend",
    )
    assert e.rules[0] == "micro"


def test_a_person_sees_only_their_own_entries(session: Session) -> None:
    alice, bob = make_user(session), make_user(session)
    log(session, alice, "250 dining", ref="chat:1:1")
    log(session, bob, "900 groceries", ref="chat:2:1")
    assert [e.category for e in recent(session=session, user=alice)] == ["Dining Out"]
    assert [e.category for e in recent(session=session, user=bob)] == ["Groceries"]
