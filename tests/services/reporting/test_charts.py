"""Every chart draws a real picture for empty, one-entry and large data; the dashboard's
numbers are the data's."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread
from sqlalchemy.orm import Session

from bot.render.reports import dashboard_summary
from services import synthetic
from services.ledger import entries as ledger
from services.ledger.completion import ScoringProfile
from services.questions import canned
from services.reporting import charts, dashboard, pdf, periods
from tests.factories import make_user


def _frame(months: int) -> pd.DataFrame:
    e = synthetic.generate_entries(months=months, seed=2, profile=ScoringProfile("Asia/Kolkata", 30_000, 5))
    return e.assign(
        local_date=pd.to_datetime(e["local_date"]),
        is_leak=e["is_leak"].astype("boolean").fillna(False).astype(bool),
        id=range(len(e)),
    )


LARGE = _frame(24)
ONE = LARGE[
    (LARGE["type"] == "expense") & LARGE["is_leak"] & LARGE["time_block"].isin(["Evening", "Night"])
].head(1)


def _title(figure: Figure) -> str:
    """The takeaway over the picture, unwrapped."""
    return figure.get_suptitle().replace("\n", " ")


def _pixels(data: bytes) -> np.ndarray:
    assert data.startswith(b"\x89PNG")
    return imread(io.BytesIO(data), format="png")


@pytest.mark.parametrize("name", list(charts.CHARTS))
@pytest.mark.parametrize("data", ["empty", "one", "large"])
def test_every_chart_is_a_phone_portrait_legible_390_px_wide(name: str, data: str) -> None:
    frame = {"empty": LARGE.head(0), "one": ONE, "large": LARGE}[data]
    figure = charts.figure_for(name, frame, "INR", period_label="2024")
    assert charts.smallest_text_px(figure, shown_width_px=390) >= charts.MIN_TEXT_PX == 11
    texts = charts.drawn_texts(figure)
    assert [t.text for t in texts if not t.inside] == []  # nothing cut off
    assert charts.overlapping(texts) == []
    pixels = _pixels(charts.png(figure))
    assert pixels.shape[:2] == (1350, 1080)
    rgb = pixels[..., :3].reshape(-1, 3)
    assert (rgb.std(axis=0) > 0.02).any(), "blank picture"
    colours = len(np.unique((rgb * 255).astype(np.uint8), axis=0))
    assert colours > (20 if data != "empty" else 3)


def test_the_legibility_check_catches_small_text() -> None:
    """4 pt on a 1280 px wide picture (the old dashboard on a phone) is about 1.7 px."""
    figure = Figure(figsize=(12.8, 9.0), dpi=100)
    figure.text(0.1, 0.5, "tiny", fontsize=4)
    figure.text(0.1, 0.8, "big", fontsize=30)
    figure.text(0.1, 0.2, "")  # nothing drawn, nothing counted
    assert charts.smallest_text_px(figure) == pytest.approx(4 * 100 / 72 * 390 / 1280)


def test_dashboard_numbers_are_the_months_data(session: Session) -> None:
    person = make_user(session)
    now = datetime(2024, 5, 31, 12, tzinfo=UTC)
    entries = [
        "/income 50000 salary 2024-05-01",
        "/income 40000 salary 2024-04-01",
        "/save 5000 mutual fund 2024-05-02",
        "/save 2500 gold 2024-05-03",
        "/save 4000 fd 2024-04-03",
        "12000 rent 2024-05-05 10am",
        "450 dining 2024-05-06 9pm",
        "300 swiggy 2024-05-07 11pm",
        "10000 rent 2024-04-05 10am",
        "999 dining 2023-05-20 9pm",  # 12 months back, in the chart only
    ]
    for k, text in enumerate(entries):
        ledger.log_text(session=session, user=person, text=text, now=now, source_ref=f"k{k}")
    d = dashboard.dashboard_data(session, person, year=2024, month=5)
    assert (d.income.value_minor, d.income.previous_minor) == (5_000_000, 4_000_000)
    assert d.income.change_pct == pytest.approx(25.0)
    assert (d.expenses.value_minor, d.expenses.previous_minor) == (1_275_000, 1_000_000)
    assert (d.savings.value_minor, d.savings.previous_minor) == (750_000, 400_000)
    assert d.savings_rate == pytest.approx(15.0) and d.previous_savings_rate == pytest.approx(10.0)
    assert d.by_category == [("Rent", 1_200_000), ("Dining Out", 75_000)]
    assert d.savings_by_instrument == [("Mutual Fund", 500_000), ("Gold", 250_000)]
    assert d.monthly[0][0] == "2023-06" and d.monthly[-1] == ("2024-05", 5_000_000, 1_275_000)
    assert len(d.monthly) == 12 and sum(e for _, _, e in d.monthly) == 2_275_000  # May 2023 is outside
    assert d.leak_total_minor == 75_000 and d.leak_share == pytest.approx(75_000 * 100 / 1_275_000)
    assert d.leaks == dashboard.Kpi("Leaks", 75_000, 0)
    text = dashboard_summary(d)
    assert text.startswith("In May 2024 you spent ₹12,750.\n₹750 of it (6%) went on leaks.\n\n")
    assert "Income ₹50,000 (+25% vs Apr)" in text and "Savings rate 15%" in text
    assert "Top leak: ₹450 Dining Out, 6 May" in text
    assert max(len(line) for line in text.splitlines()) <= 34
    assert _pixels(dashboard.dashboard_png(d)).shape[:2] == (1350, 1080)
    empty = dashboard.dashboard_data(session, make_user(session), year=2024, month=5)
    assert empty.savings_rate is None and empty.leak_share is None and empty.income.change_pct is None
    assert empty.top_leaks == [] and empty.leaks_by_category == []
    for month in (d, empty):
        figure = dashboard.dashboard_figure(month)
        assert charts.smallest_text_px(figure) >= 11
        assert [t.text for t in charts.drawn_texts(figure) if not t.inside] == []
    assert _pixels(dashboard.dashboard_png(empty)).shape[:2] == (1350, 1080)
    assert pdf.report_pdf(session, person, year=2024, month=5).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("currency", "amount", "major", "shown"),
    [
        ("JPY", "12300", 12_300.0, "¥12,300"),
        ("KWD", "12.3", 12.3, "KWD 12.300"),
        ("INR", "12300", 12_300.0, "₹12,300"),
    ],
)
def test_pictures_draw_whole_units_of_the_persons_currency(
    session: Session, currency: str, amount: str, major: float, shown: str
) -> None:
    """A ¥12,300 dinner is a bar 12,300 long, KWD 12.300 one 12.3 long; titles and tables say so."""
    person = make_user(session, currency=currency)
    now = datetime(2024, 5, 31, 12, tzinfo=UTC)
    ledger.log_text(
        session=session, user=person, text=f"{amount} dining 2024-05-06 9pm", now=now, source_ref="d"
    )
    frame = periods.entries(session, person, periods.month_period(2024, 5))

    figure = charts.categories(frame, currency)
    assert figure is not None
    assert [bar.get_width() for bar in figure.axes[0].patches] == [pytest.approx(major)]
    trend = charts.leak_trend(frame, currency)
    assert trend is not None and _title(trend).endswith(f"at {shown}")
    assert max(trend.axes[0].lines[0].get_ydata()) == pytest.approx(major)

    d = dashboard.dashboard_data(session, person, year=2024, month=5)
    board = dashboard.dashboard_figure(d)
    bars = [
        p.get_width()
        for ax in board.axes
        for p in ax.patches
        if p.get_facecolor()[:3]
        == (pytest.approx(0x2A / 255), pytest.approx(0x9D / 255), pytest.approx(0x8F / 255))
    ]
    assert pytest.approx(major) in bars  # the Dining Out bar of expenses by category
    assert shown in [t.get_text() for ax in board.axes for t in ax.texts]  # the Expenses tile

    answer = canned.ask(session=session, user=person, question_id="monthly_spend", year=2024)
    table = pdf.report_table(answer, year=2024)
    assert table.rows == (("May", shown),) and table.columns == ("Month", "Spent")


def test_category_charts_count_spend_net_of_refunds_and_no_transfers(session: Session) -> None:
    person = make_user(session)
    now = datetime(2024, 5, 20, tzinfo=UTC)
    for k, text in enumerate(
        [
            "450 dining 2024-05-02",
            "/refund 400 dining 2024-05-03",
            "100 groceries 2024-05-04",
            "2000 atm 2024-05-05",
        ]
    ):
        ledger.log_text(session=session, user=person, text=text, now=now, source_ref=f"c{k}")
    frame = periods.entries(session, person, periods.month_period(2024, 5))
    figure = charts.categories(frame, "INR")
    assert figure is not None
    ax = figure.axes[0]
    assert _title(figure) == "Groceries is where most money goes (67% of spend)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Dining Out", "Groceries"]


def test_a_payment_mode_nobody_named_is_not_called_other() -> None:
    frame = ONE.assign(payment_mode="Other")
    for name in ("leak_mode_time", "leak_mode_daytype"):
        figure = charts.CHARTS[name].draw(frame, "INR")
        assert figure is not None
        assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["Mode not given"]
