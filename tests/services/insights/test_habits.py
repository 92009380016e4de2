"""How a new expense compares with the person's habits: an unusual amount, a leak's pace."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.render.entries import unusual_line
from services.insights import habits
from services.insights.habits import Pace, Unusual
from services.ledger import entries as ledger
from tests.factories import make_user

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)


def _log(session: Session, user, text: str, ref: str):  # type: ignore[no-untyped-def]
    return ledger.log_text(session=session, user=user, text=text, now=NOW, source_ref=ref).row


def _unusual(session: Session, user, entry) -> Unusual | None:  # type: ignore[no-untyped-def]
    return habits.unusual(
        entry=entry, history=habits.category_history(session=session, user=user, entry=entry)
    )


def test_a_spend_far_above_the_persons_norm_is_pointed_out_and_a_usual_one_is_not(session: Session) -> None:
    user = make_user(session)
    for k, amount in enumerate([180, 220, 150, 199, 240, 210, 170, 260, 190, 205]):
        _log(session, user, f"{amount} dining 2025-06-{k + 1:02d}", f"d{k}")
    few = make_user(session)
    _log(session, few, "150 dining", "f0")

    assert _unusual(session, user, _log(session, user, "300 dining", "u")) is None
    big = _unusual(session, user, _log(session, user, "4500 dining", "b"))
    assert big == Unusual("Dining Out", 450_000, 20_500)
    assert unusual_line(big, "INR") == "Unusual for you: ₹4,500 on dining out; you usually spend about ₹205."
    # Too little history for a norm, and other people's history does not count.
    assert _unusual(session, few, _log(session, few, "4500 dining", "f1")) is None


def test_a_leaks_pace_is_this_months_category_total_in_a_years_terms(session: Session) -> None:
    user = make_user(session)
    for k in range(3):
        _log(session, user, f"120 coffee 2025-06-{k + 10} 9pm", f"c{k}")
    _log(session, user, "500 coffee 2025-05-20 9pm", "may")  # another month: not in the pace
    leak = _log(session, user, "120 coffee 2025-06-20 9pm", "c3")
    pace = habits.pace(
        user=user, entry=leak, history=habits.category_history(session=session, user=user, entry=leak)
    )
    assert pace == Pace("Dining Out", 12_000, 4, 576_000)  # ₹480 this month: about ₹5,760 a year
    fine = _log(session, user, "900 groceries 2025-06-21 10am", "g")
    assert (
        habits.pace(
            user=user, entry=fine, history=habits.category_history(session=session, user=user, entry=fine)
        )
        is None
    )
