"""The dashboard's leak part is the month's data, and the picture shows it legibly."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy.orm import Session

from services import synthetic
from services.ledger import entries as ledger
from services.money import format_money
from services.reporting import charts, dashboard, periods
from tests.factories import make_user


def test_the_leak_part_is_the_months_leaks(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=18, seed=3)  # January 2023 to June 2024
    ledger.log_text(  # a late dinner that names no payment mode: June's largest leak
        session=session,
        user=person,
        text="9000 dining 2024-06-20 11pm",
        now=datetime(2024, 6, 30, tzinfo=UTC),
        source_ref="big",
    )
    d = dashboard.dashboard_data(session, person, year=2024, month=6)

    june = periods.entries(session, person, periods.month_period(2024, 6))
    leaks = june[(june["type"] == "expense") & june["is_leak"]]
    largest = leaks.sort_values(["amount_minor", "local_date", "id"], ascending=[False, True, True]).head(3)
    assert [(x.local_date, x.category, x.amount_minor) for x in d.top_leaks] == [
        (r.local_date.date(), r.category, r.amount_minor) for r in largest.itertuples()
    ]
    assert d.top_leaks[0].amount_minor == 900_000 and d.top_leaks[0].payment_mode == "Mode not given"
    by_category = leaks.groupby("category")["amount_minor"].sum().sort_values(ascending=False)
    assert dict(d.leaks_by_category) == by_category.to_dict()
    assert [v for _, v in d.leaks_by_category] == sorted((v for _, v in d.leaks_by_category), reverse=True)
    assert [b for b, _ in d.leaks_by_time_block] == ["Morning", "Afternoon", "Evening", "Night"]
    assert dict(d.leaks_by_time_block) == {
        b: int(leaks.loc[leaks["time_block"] == b, "amount_minor"].sum()) for b in charts.TIME_BLOCKS
    }
    may = periods.entries(session, person, periods.month_period(2024, 5))
    assert d.leaks.value_minor == d.leak_total_minor == int(leaks["amount_minor"].sum())
    assert d.leaks.previous_minor == int(
        may.loc[may["is_leak"] & (may["type"] == "expense"), "amount_minor"].sum()
    )

    figure = dashboard.dashboard_figure(d)
    shown = [t.text for t in charts.drawn_texts(figure)]
    for leak in d.top_leaks:  # the three rows: date, category and mode, amount
        assert f"{leak.local_date.day} {leak.local_date:%b}" in shown
        assert f"{leak.category} · {leak.payment_mode}" in shown
        assert format_money(leak.amount_minor, "INR") in shown
    assert {"Leaks by category", "Leaks by time of day", "Largest leaks of June", "Last 12 months"} <= set(
        shown
    )
    assert "June 2024 at a glance" in shown and "Other" not in shown
    assert charts.smallest_text_px(figure, shown_width_px=390) >= 11
    assert all(t.inside for t in charts.drawn_texts(figure))
    assert charts.overlapping(charts.drawn_texts(figure)) == []
    assert pd.Series(shown).str.len().max() <= 40  # no line runs across the picture


def test_large_amounts_in_a_three_decimal_currency_still_fit(session: Session) -> None:
    """KWD 98,765.432 is too wide for a tile: it shows as KWD 98.8k, nothing runs over."""
    person = make_user(session, currency="KWD")
    now = datetime(2024, 9, 30, tzinfo=UTC)
    for k, text in enumerate(
        [
            "/income 98765.432 salary 2024-09-01",
            "/income 12345 salary 2024-08-01",
            "/save 23456.789 mutual fund 2024-09-02",
            "43210.987 rent 2024-09-05 10am",
            "1234.567 entertainment 2024-09-06 11pm",
            "9999.5 dining 2024-09-07 11pm",
            "7000 electronics 2024-09-09 9pm",
        ]
    ):
        ledger.log_text(session=session, user=person, text=text, now=now, source_ref=f"k{k}")
    d = dashboard.dashboard_data(session, person, year=2024, month=9)
    figure = dashboard.dashboard_figure(d)
    texts = charts.drawn_texts(figure)
    assert {"KWD 98.8k", "KWD 61.4k", "September 2024 at a glance"} <= {t.text for t in texts}
    assert charts.overlapping(texts) == [] and all(t.inside for t in texts)
    assert charts.smallest_text_px(figure) >= 11
