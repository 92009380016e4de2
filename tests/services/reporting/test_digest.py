"""The weekly digest: due at the person's own local time (both sides of UTC, across DST),
sent late within a day, claimed exactly once, and saying what the week's data says."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from matplotlib.image import imread
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from bot.render.account import schedule_text
from bot.render.reports import digest_reply
from db.models import User
from db.session import make_session_factory, session_scope
from services.errors import LeakBotError
from services.ledger import entries as ledger
from services.ledger.spending import net_spending
from services.reporting import charts, digest, periods, schedule
from tests.concurrency import race
from tests.factories import make_user


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _due_ids(session: Session, now: datetime) -> set[int]:
    return {d.user.id for d in schedule.due(session, now)}


def test_due_at_sunday_nine_local_on_both_sides_of_utc_and_across_dst(session: Session) -> None:
    india = make_user(session, timezone="Asia/Kolkata")  # UTC+5:30: Sunday 09:00 = 03:30 UTC
    auckland = make_user(session, timezone="Pacific/Auckland")  # UTC+13 in November: Saturday 20:00 UTC
    new_york = make_user(session, timezone="America/New_York")  # DST ends Sunday 2 November 2025
    others = {india.id, auckland.id, new_york.id}

    def due(now: str) -> set[int]:
        return _due_ids(session, at(now)) & others

    assert india.id not in due("2025-11-09T03:29:00")
    assert india.id in due("2025-11-09T03:31:00")
    assert auckland.id not in due("2025-11-08T19:59:00") and auckland.id in due("2025-11-08T20:00:00")
    # New York: 09:00 EDT (13:00 UTC) on 26 October, 09:00 EST (14:00 UTC) on 2 November.
    assert new_york.id in due("2025-10-26T13:00:00")
    assert new_york.id not in due("2025-11-02T13:30:00")  # last week's 09:00 EDT is 24.5 h ago
    assert new_york.id in due("2025-11-02T14:00:00")
    assert schedule.latest_schedule(new_york, at("2025-11-02T14:00:00")) == datetime(
        2025, 11, 2, 14, tzinfo=UTC
    )
    assert schedule.latest_schedule(new_york, at("2025-11-02T13:59:00")).date() == date(2025, 10, 26)


def test_a_missed_digest_goes_out_late_within_a_day_and_then_never(session: Session) -> None:
    person = make_user(session, timezone="Asia/Kolkata")
    assert person.id in _due_ids(session, at("2025-11-10T03:00:00"))  # Monday 08:30 local: 23.5 h late
    assert person.id not in _due_ids(session, at("2025-11-10T04:00:00"))  # 24.5 h late: skipped
    person.digest_enabled = False
    assert person.id not in _due_ids(session, at("2025-11-09T04:00:00"))


def test_each_digest_is_claimed_once_by_concurrent_schedulers(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        user_id = make_user(session).id
    week = date(2025, 11, 9)

    def scheduler() -> bool:
        with session_scope(sessions) as session:
            return schedule.claim(session, user_id, week, at("2025-11-09T03:31:00"))

    try:
        wins = race(2, scheduler)
        assert sorted(wins) == [False, True]
        with session_scope(sessions) as session:
            assert user_id not in _due_ids(session, at("2025-11-09T03:40:00"))
            schedule.mark(
                session, user_id, week, "failed", at("2025-11-09T03:41:00")
            )  # released: retried later
        with session_scope(sessions) as session:
            assert user_id in _due_ids(session, at("2025-11-09T03:42:00"))
            assert schedule.claim(session, user_id, week, at("2025-11-09T03:42:00"))
            schedule.mark(session, user_id, week, "blocked", at("2025-11-09T03:43:00"))
        with session_scope(sessions) as session:
            assert session.get(User, user_id).digest_enabled is False  # type: ignore[union-attr]
    finally:
        with session_scope(sessions) as session:
            session.execute(delete(User).where(User.id == user_id))


def test_the_digest_states_the_weeks_numbers_and_biggest_leaks(session: Session) -> None:
    person = make_user(session)
    now = datetime(2025, 11, 9, 3, tzinfo=UTC)
    for k, text in enumerate(
        [
            "1000 groceries 2025-11-03 10am",
            "450 dining 2025-11-04 9pm",
            "300 swiggy 2025-11-06 11pm",
            "125 snacks 2025-11-08 8pm",
            "2000 rent 2025-10-28 10am",  # the week before
        ]
    ):
        ledger.log_text(session=session, user=person, text=text, now=now, source_ref=f"d{k}")
    content = digest.build(session, person, date(2025, 11, 9))
    text = digest_reply(content).html
    assert "Your week, 02 Nov – 08 Nov" in text
    assert content.spend_minor == 187_500
    leaks = content.leak_minor
    assert 0 < leaks <= 87_500
    assert f"{leaks * 100 // 187_500}% of spending" in text
    assert "Spent ₹1,875 (-6% vs the week before)" in text
    assert "• ₹450 Dining Out on Tue" in text
    pace = re.search(r"At this pace leaks cost about ₹([\d,.]+) a month", text)
    assert pace is not None and "." not in pace[1]  # an estimate, in whole rupees
    assert abs(int(pace[1].replace(",", "")) * 100 - leaks * 52 / 12) <= 50
    assert len(content.images) == 2 and all(i.startswith(b"\x89PNG") for i in content.images)
    assert all(imread(io.BytesIO(i), format="png").shape[:2] == (1012, 810) for i in content.images)
    week = net_spending(
        periods.entries(session, person, periods.Period(date(2025, 11, 2), date(2025, 11, 9), ""))
    )
    for figure in (
        digest._week_figure(week, "INR", date(2025, 11, 2)),
        digest._leak_categories_figure(week, "INR"),
    ):
        assert figure is not None and charts.smallest_text_px(figure, shown_width_px=390) >= 11
    empty = digest.build(session, person, date(2025, 12, 28))
    assert "No spending logged this week" in digest_reply(empty).plain and empty.images == ()


def test_digest_schedule_settings(session: Session) -> None:
    person = make_user(session)
    assert schedule_text(schedule.set_schedule(session=session, user=person, text="fri 18:30")) == (
        "Weekly digest: on, Friday 18:30 (Asia/Kolkata)."
    )
    assert schedule_text(schedule.set_schedule(session=session, user=person, text="off")).endswith(
        "off. /digest on turns it on."
    )
    for bad in ("someday 9:00", "sunday 25:00", "t 09:00"):
        with pytest.raises(LeakBotError):
            schedule.set_schedule(session=session, user=person, text=bad)


@pytest.mark.parametrize(
    ("currency", "amount", "shown"), [("JPY", "12300", "¥12,300"), ("KWD", "12.3", "KWD 12.300")]
)
def test_the_digest_speaks_the_persons_currency(
    session: Session, currency: str, amount: str, shown: str
) -> None:
    person = make_user(session, currency=currency)
    now = datetime(2025, 11, 9, 3, tzinfo=UTC)
    ledger.log_text(
        session=session, user=person, text=f"{amount} dining 2025-11-04 9pm", now=now, source_ref="y"
    )
    content = digest.build(session, person, date(2025, 11, 9))
    text = digest_reply(content).plain
    assert f"Spent {shown} (no spending the week before)." in text
    assert f"• {shown} Dining Out on Tue: not necessary" in text


def test_the_week_s_spend_is_net_of_refunds_and_has_no_transfers(session: Session) -> None:
    person = make_user(session, timezone="Asia/Kolkata")
    now = at("2025-11-09T04:00:00")
    for k, text in enumerate(
        [
            "1000 groceries 2025-11-03 10am",
            "450 dining 2025-11-04 9pm",
            "2000 atm 2025-11-05 10am",  # cash from the bank: no spend
            "/transfer 15000 card bill 2025-11-06",
            "/refund 150 dining 2025-11-07",  # takes off dining
        ]
    ):
        ledger.log_text(session=session, user=person, text=text, now=now, source_ref=f"t{k}")
    content = digest.build(session, person, date(2025, 11, 9))
    assert content.spend_minor == 130_000
    assert "Spent ₹1,300" in digest_reply(content).html
    assert all(leak.category not in ("ATM Cash", "Card Bill") for leak in content.top_leaks)


def test_the_digest_reports_an_adopted_goal_against_its_baseline_and_ends_with_the_next_step(
    session: Session,
) -> None:
    """Nine late Zomato orders in October (2.1 a week), the habit adopted on 1 November, one
    order in the week to 8 November: the digest of that week says it saved (2.1 - 1) × ₹350,
    and ends with the plan's first change."""
    from services.usecases import planning

    person = make_user(session)
    october = datetime(2025, 11, 1, 6, tzinfo=UTC)
    for k in range(9):
        day = date(2025, 10, 31 - 3 * k)
        ledger.log_text(
            session=session,
            user=person,
            text=f"350 dining zomato {day.isoformat()} 10pm",
            now=october,
            source_ref=f"z{k}",
        )
    planning.adopt_goal(session=session, person=person, target="m_zomato", slice_code="night", now=october)
    ledger.log_text(
        session=session,
        user=person,
        text="350 dining zomato 2025-11-05 10pm",
        now=datetime(2025, 11, 9, 3, tzinfo=UTC),
        source_ref="after",
    )
    text = digest_reply(digest.build(session, person, date(2025, 11, 9))).plain
    lines = text.splitlines()
    assert "Zomato after 9 pm: 1 this week, 2.1 a week before: ₹385 saved (₹385 since 01 Nov)." in lines
    assert lines[-1].startswith("Next step: Zomato after 9 pm:")
