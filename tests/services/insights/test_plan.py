"""The plan: the changes worth the most, priced from the person's own leaks, and goals whose
progress is counted against the person's own baseline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.render.plan import plan_reply
from services.insights.plan import Habit
from services.ledger import entries as ledger
from services.usecases import planning
from tests.factories import make_user

NOW = datetime(2024, 6, 30, 12, tzinfo=UTC)  # a Sunday, 17:30 in Kolkata


def _log(session: Session, user, text: str, ref: str) -> None:  # type: ignore[no-untyped-def]
    ledger.log_text(session=session, user=user, text=text, now=NOW, source_ref=ref)


def _days_back(n: int) -> date:
    return NOW.date() - timedelta(days=n)


def test_the_plan_prices_the_biggest_habit_from_the_persons_own_spends(session: Session) -> None:
    """Nine Zomato orders after 9 pm (₹350 each) and four weekday coffees (₹180) in the last
    30 days, a rent and a medicine: by hand, 9 / (30/7) = 2.1 a week, so one fewer a week
    saves 350 × 52 = ₹18,200 a year; the coffees 180 × 52 = ₹9,360. Necessities are no plan."""
    user = make_user(session)
    for k in range(9):
        _log(session, user, f"350 dining zomato upi {_days_back(3 * k + 1).isoformat()} 10pm", f"z{k}")
    for k in range(4):
        day = _days_back(7 * k + 2)  # Fridays
        _log(session, user, f"180 coffee starbucks {day.isoformat()} 11am", f"c{k}")
    _log(session, user, f"25000 rent {_days_back(5).isoformat()}", "rent")
    _log(session, user, f"120 medicine {_days_back(6).isoformat()} 11pm", "med")
    _log(session, user, f"350 dining zomato {_days_back(40).isoformat()} 10pm", "old")  # before the window

    found = planning.make_plan(session=session, person=user, now=NOW)
    zomato, coffee = found.actions
    assert isinstance(zomato, Habit) and isinstance(coffee, Habit)
    assert (zomato.title, zomato.count, zomato.total_minor, zomato.fewer_per_week) == (
        "Zomato after 9 pm",
        9,
        315_000,
        1,
    )
    assert zomato.yearly_saving_minor == 35_000 * 52
    assert (coffee.title, coffee.yearly_saving_minor) == ("Starbucks on weekdays", 18_000 * 52)
    text = plan_reply(found).plain
    assert text.splitlines()[:3] == [
        "The 2 changes that would save you the most:",
        "1. Zomato after 9 pm: 9 times, ₹3,150 in 30 days. One fewer a week saves about ₹18,000 a year.",
        "2. Starbucks on weekdays: 4 times, ₹720 in 30 days. One fewer a week saves about ₹9,400 a year.",
    ]


def test_an_adopted_goal_counts_each_week_against_its_baseline(session: Session) -> None:
    user = make_user(session)
    for k in range(9):
        _log(session, user, f"350 dining zomato upi {_days_back(3 * k + 1).isoformat()} 10pm", f"z{k}")
    adopted = planning.adopt_goal(
        session=session, person=user, target="m_zomato", slice_code="night", now=NOW
    )
    assert [g.title for g in adopted.goals] == ["Zomato after 9 pm"]
    a_week_later = NOW + timedelta(days=7)
    ledger.log_text(
        session=session,
        user=user,
        text=f"350 dining zomato {(a_week_later.date() - timedelta(days=2)).isoformat()} 10pm",
        now=a_week_later,
        source_ref="after",
    )
    (goal,) = planning.make_plan(session=session, person=user, now=a_week_later).goals
    # baseline 9 in 30 days = 2.1 a week; one order this week: (2.1 - 1) × ₹350 = ₹385 saved
    assert (goal.baseline_per_week, goal.this_week, goal.saved_this_week_minor) == (2.1, 1, 38_500)
    assert goal.saved_so_far_minor == 38_500
    assert (
        "Zomato after 9 pm: 1 this week, 2.1 a week before: ₹385 saved (₹385 since 30 Jun)."
        in plan_reply(planning.make_plan(session=session, person=user, now=a_week_later)).plain
    )
