"""/today and /month: what counts as spent so far, and what it is measured against."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from services.insights.budgets import BudgetUsage, set_budget
from services.insights.today import Span, same_day_last_month, so_far
from services.ledger import entries as ledger
from tests.factories import make_user

NOW = datetime(2024, 6, 4, 12, tzinfo=UTC)


def test_so_far_counts_spending_net_of_refunds_against_last_month(session: Session) -> None:
    person, other = make_user(session), make_user(session)
    for ref, text in enumerate(
        (
            "300 dining 2024-06-04 9pm",
            "150 groceries 2024-06-02 10am",
            "/refund 50 dining 2024-06-03",
            "2000 atm 2024-06-03",  # a transfer: not spending
            "400 dining 2024-05-04 1pm",  # last month, by the same day
            "900 dining 2024-05-20 1pm",  # last month, after it
        )
    ):
        ledger.log_text(session=session, user=person, text=text, now=NOW, source_ref=f"t:{ref}")
    ledger.log_text(session=session, user=other, text="700 dining 2024-06-04", now=NOW, source_ref="o")
    set_budget(session=session, user=person, target="dining", amount="500")
    leaks = session.scalars(
        select(Entry).where(
            Entry.user_id == person.id, Entry.is_leak.is_(True), Entry.local_date >= date(2024, 6, 1)
        )
    ).all()

    month = so_far(session=session, user=person, today=date(2024, 6, 4), span=Span.MONTH)
    assert (month.now.spent_minor, month.now.spends) == (40_000, 2)
    assert month.now.leaks_minor == sum(e.amount_minor for e in leaks) and month.now.leaks == len(leaks)
    assert month.before.end == date(2024, 5, 4) and month.yardstick_minor == 40_000
    assert month.top == (("Dining Out", 25_000), ("Groceries", 15_000))
    assert month.budgets == (BudgetUsage("Dining Out", 50_000, 25_000),)

    day = so_far(session=session, user=person, today=date(2024, 6, 4), span=Span.DAY)
    assert (day.now.spent_minor, day.now.spends) == (30_000, 1)
    assert day.yardstick_minor == round(130_000 / 31)  # May's usual day
    assert day.same_day is not None and day.same_day.spent_minor == 40_000  # 4 May


def test_the_same_day_last_month_exists_in_a_shorter_month() -> None:
    assert same_day_last_month(date(2024, 3, 31)) == date(2024, 2, 29)
    assert same_day_last_month(date(2024, 1, 15)) == date(2023, 12, 15)
