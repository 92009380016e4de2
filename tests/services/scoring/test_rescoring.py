"""Stored entries follow the person's settings: a new threshold re-scores them, a new time zone
moves their local dates, time blocks and weekends, and income is never scored."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from services.ledger import entries as ledger
from services.scoring.rescoring import rescore_all, score_entry
from tests.factories import make_user

NOW = datetime(2024, 6, 16, 12, tzinfo=UTC)


def _entries(session: Session, person) -> list[Entry]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(Entry).where(Entry.user_id == person.id).order_by(Entry.id)))


def test_a_new_threshold_re_scores_every_expense_and_leaves_income_unscored(session: Session) -> None:
    person = make_user(session)
    for k, text in enumerate(["250 dining 2024-06-12 1pm", "400 dining 2024-06-12 1pm", "/income 900 bonus"]):
        ledger.log_text(session=session, user=person, text=text, now=NOW, source_ref=f"r{k}")
    assert [(e.leakage_score, e.is_leak) for e in _entries(session, person)] == [
        (5, True),
        (4, False),
        (None, None),
    ]
    person.micro_threshold_minor = 50_000
    person.leak_threshold = 6
    assert rescore_all(session=session, user=person, rederive_time=False) == 3
    rows = _entries(session, person)
    assert [(e.leakage_score, e.is_leak) for e in rows] == [(5, False), (5, False), (None, None)]
    assert rows[1].leak_rules == "micro,not_necessary,impulsive_context"


def test_a_new_time_zone_moves_local_dates_blocks_and_weekends_of_the_same_moments(session: Session) -> None:
    person = make_user(session, timezone="Asia/Kolkata")
    # Saturday 15 June, 23:30 in Kolkata (18:00 UTC): night, weekend.
    ledger.log_text(
        session=session, user=person, text="300 dining 2024-06-15 11:30pm", now=NOW, source_ref="t"
    )
    (before,) = _entries(session, person)
    person.timezone = "America/New_York"  # the same moment is Saturday 14:00 there
    rescore_all(session=session, user=person, rederive_time=True)
    (after,) = _entries(session, person)
    assert after.occurred_at == before.occurred_at
    assert (after.local_date, after.time_block, after.day_type) == (date(2024, 6, 15), "Afternoon", "Weekend")
    person.timezone = "Pacific/Auckland"  # Sunday 06:00
    rescore_all(session=session, user=person, rederive_time=True)
    (later,) = _entries(session, person)
    assert (later.local_date, later.time_block, later.day_type) == (date(2024, 6, 16), "Morning", "Weekend")
    assert later.leak_rules == "not_necessary,impulsive_context,weekend"


def test_one_edited_entry_is_re_scored_from_its_fields(session: Session) -> None:
    person = make_user(session)
    row = ledger.log_text(
        session=session, user=person, text="900 groceries 2024-06-12 10am", now=NOW, source_ref="g"
    ).row
    entry = session.get(Entry, row.id)
    assert entry is not None and entry.leakage_score == 0
    entry.is_necessary, entry.context, entry.time_block = False, "Festive", "Night"
    score_entry(entry, person)
    assert (entry.leakage_score, entry.leak_rules, entry.rule_leak) == (
        5,
        "not_necessary,impulsive_context,impulse_time",
        True,
    )
    # Groceries stay a necessity to the guarded rule, whatever one entry is marked.
    assert (entry.is_leak, entry.decided_by) == (False, "need")
