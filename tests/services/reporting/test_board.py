"""The interactive dashboard's numbers: the same as the dashboard picture's, filters that
combine, the entries behind them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from services import synthetic
from services.errors import LeakBotError
from services.ledger import entries as ledger
from services.reporting import periods
from services.reporting.board import BoardFilter, board_data
from services.reporting.dashboard import dashboard_data
from services.usecases import board as board_usecase
from tests.factories import make_user


def test_unfiltered_board_is_the_dashboards_month(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=20, seed=4)
    ledger.log_text(
        session=session,
        user=person,
        text="/refund 300 dining 2024-05-09",
        now=datetime(2024, 5, 31, tzinfo=UTC),
        source_ref="r",
    )
    d = dashboard_data(session, person, year=2024, month=5)
    b = board_data(session, person, year=2024, month=5)
    assert (b.income.value_minor, b.income.previous_minor) == (d.income.value_minor, d.income.previous_minor)
    assert (b.expenses.value_minor, b.expenses.previous_minor) == (
        d.expenses.value_minor,
        d.expenses.previous_minor,
    )
    assert (b.savings.value_minor, b.savings.previous_minor) == (
        d.savings.value_minor,
        d.savings.previous_minor,
    )
    assert b.savings_rate.value == pytest.approx(d.savings_rate)
    assert b.savings_rate.previous == pytest.approx(d.previous_savings_rate)
    assert b.leaks.value_minor == d.leak_total_minor and b.leak_share == pytest.approx(d.leak_share)
    assert [(c.category, c.spent_minor) for c in b.expenses_by_category] == d.by_category
    assert [(f"{m.month:%Y-%m}", m.income_minor, m.expenses_minor) for m in b.trend] == d.monthly
    assert sum(c.spent_minor for c in b.grid) == b.expenses.value_minor
    assert b.first_month == date(2023, 1, 1) and b.last_month == date(2024, 8, 1)


def test_filters_combine_and_a_chart_keeps_its_own_dimension(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=18, seed=7)
    frame = periods.entries(session, person, periods.month_period(2024, 3))
    spends = frame[frame["type"] == "expense"]
    category = spends["category"].value_counts().index[0]
    mode = spends.loc[spends["category"] == category, "payment_mode"].iloc[0]
    chosen = BoardFilter(category=category, payment_mode=mode)
    b = board_data(session, person, year=2024, month=3, chosen=chosen, page_size=500)
    picked = frame[(frame["category"] == category) & (frame["payment_mode"] == mode)]
    picked_spends = picked[picked["type"] == "expense"]
    assert b.expenses.value_minor == int(picked_spends["amount_minor"].sum())
    assert b.leaks.value_minor == int(picked_spends.loc[picked_spends["is_leak"], "amount_minor"].sum())
    assert b.entries_total == len(picked) and {e.id for e in b.entries} == set(picked["id"])
    # The category bars ignore the category filter (the others still show), not the mode's.
    in_mode = spends[spends["payment_mode"] == mode]
    assert {c.category for c in b.expenses_by_category} == set(in_mode["category"])
    # The grid ignores mode and time block, not the category.
    in_category = spends[spends["category"] == category]
    assert sum(c.spends for c in b.grid) == len(in_category)
    previous = periods.entries(session, person, periods.month_period(2024, 2))
    before = previous[
        (previous["category"] == category)
        & (previous["payment_mode"] == mode)
        & (previous["type"] == "expense")
    ]
    assert b.expenses.previous_minor == int(before["amount_minor"].sum())


def test_entries_page_newest_first(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=6, seed=1)
    first = board_data(session, person, year=2023, month=4, page_size=10)
    second = board_data(session, person, year=2023, month=4, page=1, page_size=10)
    assert len(first.entries) == 10 and first.pages == -(-first.entries_total // 10)
    shown = [*first.entries, *second.entries]
    assert [e.local_date for e in shown] == sorted((e.local_date for e in shown), reverse=True)
    assert not {e.id for e in first.entries} & {e.id for e in second.entries}


def test_bad_filters_and_months_are_refused(session: Session) -> None:
    person = make_user(session)
    now = datetime(2024, 5, 31, tzinfo=UTC)
    with pytest.raises(LeakBotError):
        board_usecase.board(session=session, person=person, month="2024-13", now=now)
    with pytest.raises(LeakBotError):
        board_usecase.board(session=session, person=person, month=None, now=now, payment_mode="Cheque")
    empty = board_usecase.board(session=session, person=person, month=None, now=now)
    assert empty.month.start == date(2024, 5, 1) and empty.entries == [] and empty.savings_rate.value is None
    synthetic.store_generated(session, person, months=3, seed=1)  # Jan to Mar 2023
    latest = board_usecase.board(session=session, person=person, month=None, now=now)
    assert latest.month.start == date(2023, 3, 1)
    assert pd.Timestamp(latest.trend[-1].month) == pd.Timestamp("2023-03-01")
