"""Monthly budgets: set, change and remove one; this month's use; an alert the moment a spend
takes a budget past 80% and past 100%, once per budget, month and level."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from services.errors import LeakBotError, ParseError
from services.insights.budgets import BudgetChange, BudgetUsage, alerts_for, set_budget, usage
from services.ledger import entries as ledger
from tests.factories import make_user

NOW = datetime(2024, 6, 4, 12, tzinfo=UTC)


def _spend(session: Session, person, text: str, ref: str):  # type: ignore[no-untyped-def]
    return ledger.log_text(session=session, user=person, text=text, now=NOW, source_ref=ref).row


def test_a_budget_is_set_changed_and_removed_by_category_or_on_leaks(session: Session) -> None:
    person = make_user(session)
    assert set_budget(session=session, user=person, target="swiggy", amount="3000") == BudgetChange(
        "Dining Out", 300_000, "INR"
    )
    assert set_budget(session=session, user=person, target="dining", amount="2,500") == BudgetChange(
        "Dining Out", 250_000, "INR"
    )
    assert set_budget(session=session, user=person, target="leaks", amount="1k") == BudgetChange(
        None, 100_000, "INR"
    )
    assert [u.category for u in usage(session=session, user=person, today=date(2024, 5, 1))] == [
        "Dining Out",
        None,
    ]
    assert set_budget(session=session, user=person, target="leaks", amount="off") == BudgetChange(
        None, None, "INR"
    )
    with pytest.raises(LeakBotError, match="no budget on leaks"):
        set_budget(session=session, user=person, target="leaks", amount="off")
    with pytest.raises(ParseError, match="Did you mean Dining Out"):
        set_budget(session=session, user=person, target="dinng", amount="100")
    with pytest.raises(ParseError):
        set_budget(session=session, user=person, target="dining", amount="-5")


def test_use_counts_this_calendar_month_of_the_persons_own_expenses(session: Session) -> None:
    person, other = make_user(session), make_user(session)
    set_budget(session=session, user=person, target="dining", amount="1000")
    _spend(session, person, "300 dining 2024-05-02", "a")
    _spend(session, person, "200 dining 2024-04-30", "b")  # last month
    _spend(session, person, "/income 900 refund 2024-05-03", "c")  # not an expense
    _spend(session, other, "700 dining 2024-05-02", "d")  # someone else's
    assert usage(session=session, user=person, today=date(2024, 5, 20)) == [
        BudgetUsage("Dining Out", 100_000, 30_000)
    ]


def test_each_alert_comes_once_when_a_spend_crosses_80_and_100_percent(session: Session) -> None:
    person = make_user(session)
    set_budget(session=session, user=person, target="dining", amount="1000")
    set_budget(session=session, user=person, target="leaks", amount="500")
    assert (
        alerts_for(
            session=session, user=person, entry=_spend(session, person, "700 dining 2024-05-02 10am", "1")
        )
        == []
    )
    crossing = alerts_for(
        session=session, user=person, entry=_spend(session, person, "150 dining 2024-05-03 10am", "2")
    )
    assert [(a.usage.category, a.level, a.usage.percent) for a in crossing] == [("Dining Out", 80, 85)]
    again = alerts_for(
        session=session, user=person, entry=_spend(session, person, "10 dining 2024-05-04 10am", "3")
    )
    assert again == []  # 86%: the 80% alert was given
    over = _spend(session, person, "600 dining 2024-05-05 9pm", "4")  # a leak too: 600 of 500 on leaks
    both = alerts_for(session=session, user=person, entry=over)
    assert sorted((a.usage.category or "leaks", a.level) for a in both) == [
        ("Dining Out", 100),
        ("leaks", 100),
    ]
    june = _spend(session, person, "900 dining 2024-06-03 10am", "5")  # a new month starts afresh
    assert [(a.usage.category, a.level) for a in alerts_for(session=session, user=person, entry=june)] == [
        ("Dining Out", 80)
    ]
