"""The monthly dashboard (the seed's Power BI page as one phone-portrait image).

`dashboard_data` computes every number (exact minor units) and is what the tests check;
`dashboard_png` only draws it: 1080 x 1350 px, legible shown 390 px wide (charts.MIN_TEXT_PX).
From the top: five tiles (income, expenses, savings, savings rate, leaks, each against the
month before), expenses by category, the leak part (leaks by category, by time of day, the
month's three largest leaks), and income against expenses over the last twelve months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from sqlalchemy.orm import Session

from db.models import User
from services.ledger.spending import net_spending
from services.money import format_money, short_money, to_major
from services.reporting import charts, periods
from services.reporting.labels import mode_label
from services.wording import change_words, percent_change

MONTHS_OF_HISTORY = 12
TOP_LEAKS = 3
CATEGORY_BARS = 5  # expense categories drawn; the rest as Others
LEAK_BARS = 4


@dataclass(frozen=True)
class Kpi:
    name: str
    value_minor: int
    previous_minor: int

    @property
    def change_pct(self) -> float | None:
        return percent_change(self.value_minor, self.previous_minor)

    @property
    def change_words(self) -> str:
        """`+25% vs last month`, as the tiles and the summary say it."""
        return change_words(
            self.value_minor, self.previous_minor, against="last month", nothing_before="no earlier month"
        )


@dataclass(frozen=True)
class TopLeak:
    local_date: date
    category: str
    amount_minor: int
    payment_mode: str  # in words: "Mode not given" for the unnamed mode
    time_block: str


@dataclass(frozen=True)
class Dashboard:
    month: periods.Period
    currency: str
    income: Kpi
    expenses: Kpi
    savings: Kpi
    savings_rate: float | None  # percent of income saved this month
    previous_savings_rate: float | None
    by_category: list[tuple[str, int]]  # expenses this month, largest first
    savings_by_instrument: list[tuple[str, int]]
    monthly: list[tuple[str, int, int]]  # (YYYY-MM, income, expenses), the last 12 months
    leak_total_minor: int
    leak_share: float | None  # percent of this month's expenses
    leaks: Kpi  # the leak total, against last month's
    leaks_by_category: list[tuple[str, int]]  # this month's leak spend, largest first
    leaks_by_time_block: list[tuple[str, int]]  # Morning, Afternoon, Evening, Night (all four)
    top_leaks: list[TopLeak]  # the month's TOP_LEAKS largest leaks, largest first


def _rate(savings: int, income: int) -> float | None:
    return savings * 100.0 / income if income else None


def dashboard_data(session: Session, user: User, *, year: int, month: int) -> Dashboard:
    """Every number the dashboard shows, for one calendar month (local dates)."""
    this = periods.month_period(year, month)
    first = pd.Period(f"{year}-{month:02d}", freq="M") - (MONTHS_OF_HISTORY - 1)
    history = periods.entries(session, user, periods.Period(first.start_time.date(), this.end, ""))
    ym = history["local_date"].dt.to_period("M")
    current = history[ym == pd.Period(f"{year}-{month:02d}", freq="M")]
    previous = history[ym == pd.Period(f"{year}-{month:02d}", freq="M") - 1]

    def total(frame: pd.DataFrame, kind: str) -> int:
        if kind == "expense":  # spending net of refunds; transfers are none
            return int(net_spending(frame)["amount_minor"].sum())
        return int(frame.loc[frame["type"] == kind, "amount_minor"].sum())

    def kpi(name: str, kind: str) -> Kpi:
        return Kpi(name, total(current, kind), total(previous, kind))

    expenses = net_spending(current)
    by_category = (
        expenses.groupby("category")["amount_minor"].sum().sort_values(ascending=False, kind="stable")
    )
    by_category = by_category[by_category > 0]  # a category refunded in full drops out
    savings = current[current["type"] == "savings"]
    instruments = (
        savings.groupby("category")["amount_minor"].sum().sort_values(ascending=False, kind="stable")
    )
    months = pd.period_range(first, periods=MONTHS_OF_HISTORY, freq="M")
    flows = history[history["type"] == "income"]
    if not (net := net_spending(history)).empty:
        flows = (
            pd.concat([flows, net.assign(type="expense")]) if not flows.empty else net.assign(type="expense")
        )
    flow_months = flows["local_date"].dt.to_period("M")
    per_month = flows.groupby([flow_months, flows["type"]])["amount_minor"].sum().unstack(fill_value=0)
    per_month = per_month.reindex(index=months, columns=["income", "expense"], fill_value=0)
    leak_rows = expenses[expenses["is_leak"]]
    leak_total = int(leak_rows["amount_minor"].sum())
    before = net_spending(previous)
    leaks_by_category = (
        leak_rows.groupby("category")["amount_minor"].sum().sort_values(ascending=False, kind="stable")
    )
    leaks_by_time = leak_rows.groupby("time_block")["amount_minor"].sum()
    largest = leak_rows[leak_rows["type"] == "expense"].sort_values(
        ["amount_minor", "local_date", "id"], ascending=[False, True, True], kind="stable"
    )
    spent = int(expenses["amount_minor"].sum())
    income, saved = total(current, "income"), total(current, "savings")
    return Dashboard(
        month=this,
        currency=user.currency,
        income=kpi("Income", "income"),
        expenses=kpi("Expenses", "expense"),
        savings=kpi("Savings", "savings"),
        savings_rate=_rate(saved, income),
        previous_savings_rate=_rate(total(previous, "savings"), total(previous, "income")),
        by_category=[(str(c), int(v)) for c, v in by_category.items()],
        savings_by_instrument=[(str(c), int(v)) for c, v in instruments.items()],
        monthly=[(str(p), int(r["income"]), int(r["expense"])) for p, r in per_month.iterrows()],
        leak_total_minor=leak_total,
        leak_share=leak_total * 100.0 / spent if spent > 0 else None,
        leaks=Kpi("Leaks", leak_total, int(before.loc[before["is_leak"], "amount_minor"].sum())),
        leaks_by_category=[(str(c), int(v)) for c, v in leaks_by_category.items() if v > 0],
        leaks_by_time_block=[(b, int(leaks_by_time.get(b, 0))) for b in charts.TIME_BLOCKS],
        top_leaks=[
            TopLeak(
                row.local_date.date(),
                str(row.category),
                int(row.amount_minor),
                mode_label(row.payment_mode),
                str(row.time_block),
            )
            for row in largest.head(TOP_LEAKS).itertuples()
        ],
    )


TILE_FONT = {"name": 11.5, "value": 15, "note": 11.5}
TITLE_FONT = 15
PANEL_FONT = 12.5  # a panel's name
SMALL = 11.5  # the smallest text on the dashboard: 11.5 px shown 390 px wide
MARGIN = 12.0  # points, left and right
INLINE_ROW, STACKED_ROW = 15.0, 20.0  # points per bar: name beside it, name above it


class _Page:
    """Places axes on the figure in points from its top-left corner (a fixed layout: the
    picture is always the same size, and constrained layout cannot fit this many panels)."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.width, self.height = figure.get_figwidth() * 72, figure.get_figheight() * 72

    def axes(self, left: float, top: float, width: float, height: float) -> Axes:
        ax = self.figure.add_axes(
            (left / self.width, 1 - (top + height) / self.height, width / self.width, height / self.height)
        )
        ax.set_axis_off()
        return ax

    def text(self, left: float, top: float, text: str, **style: Any) -> None:
        style = {"fontsize": PANEL_FONT, "weight": "bold", "color": charts.PALETTE["ink"]} | style
        self.figure.text(left / self.width, 1 - top / self.height, text, va="top", **style)


def _amount(minor: int, currency: str, most: int = 10) -> str:
    """The exact amount, or its short form (`KWD 98.8k`) when that would not fit `most` characters."""
    exact = format_money(minor, currency)
    return exact if len(exact) <= most else short_money(to_major(minor, currency), currency)


def _change(kpi: Kpi, before: str) -> str:
    """`+25% vs May`, `none in May`."""
    change = kpi.change_pct
    return f"none in {before}" if change is None else f"{change:+.0f}% vs {before}"


def _tile(ax: Axes, name: str, value: str, note: str, color: str, *, inset: float) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (0.0, 0.0),
            1.0,
            1.0,
            boxstyle="round,pad=0,rounding_size=0.1",
            transform=ax.transAxes,
            facecolor=charts.PALETTE["light"],
            edgecolor="none",
            mutation_aspect=0.3,
        )
    )
    ink = charts.PALETTE["ink"]
    ax.text(inset, 0.8, name, fontsize=TILE_FONT["name"], color=ink, transform=ax.transAxes, va="center")
    ax.text(
        inset,
        0.5,
        value,
        fontsize=TILE_FONT["value"],
        weight="bold",
        color=color,
        transform=ax.transAxes,
        va="center",
    )
    ax.text(inset, 0.19, note, fontsize=TILE_FONT["note"], color=ink, transform=ax.transAxes, va="center")


def _inline_bars(ax: Axes, rows: list[tuple[str, int]], currency: str, color: str) -> None:
    """One row per (name, amount), largest first: the name, a bar (in whole currency units),
    the amount at its end."""
    ink, label, room = charts.PALETTE["ink"], 0.3, 0.52  # shares of the width: names, bars
    peak = float(max(to_major(v, currency) for _, v in rows)) or 1.0
    ax.set_xlim(-label / room * peak, (1 - label) / room * peak)
    ax.set_ylim(len(rows), 0)
    for i, (name, value) in enumerate(rows):
        major = float(to_major(value, currency))
        ax.barh(i + 0.5, max(major, 0.0), height=0.62, color=color)
        ax.text(-label / room * peak, i + 0.5, name, fontsize=SMALL, color=ink, va="center")
        ax.text(
            max(major, 0.0) + 0.015 / room * peak,
            i + 0.5,
            _amount(value, currency, 9),
            fontsize=SMALL,
            color=ink,
            va="center",
        )


def _stacked_bars(ax: Axes, rows: list[tuple[str, int]], currency: str, color: str) -> None:
    """One row per (name, amount): the name and the amount on a line, the bar under them."""
    ink = charts.PALETTE["ink"]
    peak = max(v for _, v in rows) or 1
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows), 0)
    for i, (name, value) in enumerate(rows):
        ax.text(0, i + 0.3, name, fontsize=SMALL, color=ink, va="center")
        ax.text(
            1,
            i + 0.3,
            short_money(to_major(value, currency), currency),
            fontsize=SMALL,
            color=ink,
            va="center",
            ha="right",
        )
        ax.barh(i + 0.78, 1.0, height=0.26, color=charts.PALETTE["light"])
        ax.barh(i + 0.78, max(value, 0) / peak, height=0.26, color=color)


def _nothing(ax: Axes, message: str) -> None:
    ax.text(0, 0.5, message, fontsize=SMALL, color=charts.PALETTE["ink"], va="center", transform=ax.transAxes)


def _top_leaks(ax: Axes, d: Dashboard, width: float) -> None:
    """The month's largest leaks as rows: date, category · mode, amount (width in points)."""
    ink = charts.PALETTE["ink"]
    if not d.top_leaks:
        _nothing(ax, "No leaks this month.")
        return
    ax.set_xlim(0, 1)
    ax.set_ylim(TOP_LEAKS, 0)
    for i, leak in enumerate(d.top_leaks):
        y = i + 0.5
        ax.text(0, y, f"{leak.local_date.day} {leak.local_date:%b}", fontsize=SMALL, color=ink, va="center")
        money = _amount(leak.amount_minor, d.currency, 12)
        what = f"{leak.category} · {leak.payment_mode}"
        if len(what) * 6.6 > width * 0.83 - len(money) * 7.5 - 8:  # points: keep clear of the amount
            what = leak.category
        ax.text(0.17, y, what, fontsize=SMALL, color=ink, va="center")
        ax.text(
            1, y, money, fontsize=SMALL, weight="bold", color=charts.PALETTE["leak"], va="center", ha="right"
        )


def _trend(ax: Axes, d: Dashboard) -> None:
    ax.set_axis_on()
    months = [pd.Period(m, freq="M") for m, _, _ in d.monthly]
    x = np.arange(len(months))
    ax.bar(x - 0.2, [to_major(i, d.currency) for _, i, _ in d.monthly], width=0.4, color=charts.PALETTE["ok"])
    ax.bar(
        x + 0.2, [to_major(e, d.currency) for _, _, e in d.monthly], width=0.4, color=charts.PALETTE["leak"]
    )
    charts.month_ticks(ax, months, most=4, rotate=False)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, d.currency)))
    ax.yaxis.set_major_locator(MaxNLocator(2))
    ax.tick_params(labelsize=SMALL, length=0, pad=2)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color=charts.PALETTE["light"])
    ax.set_axisbelow(True)
    if not any(i or e for _, i, e in d.monthly):
        ax.set_yticks([])
        ax.text(0.02, 0.5, "Nothing logged in these months.", fontsize=SMALL, transform=ax.transAxes)


def dashboard_figure(d: Dashboard) -> Figure:
    """The month on one 1080 x 1350 picture, legible 390 px wide."""
    figure = Figure(figsize=charts.SIZE, dpi=charts.DPI)
    page = _Page(figure)
    inner = page.width - 2 * MARGIN
    cur = d.currency
    before = f"{d.month.start - timedelta(days=1):%b}"
    money = _amount
    ok, ink, leak, accent = (charts.PALETTE[k] for k in ("ok", "ink", "leak", "accent"))
    page.text(MARGIN, 6, f"{d.month.label} at a glance", fontsize=TITLE_FONT)

    rate = f"{d.savings_rate:.0f}%" if d.savings_rate is not None else "n/a"
    rate_note = (
        f"{d.previous_savings_rate:.0f}% in {before}" if d.previous_savings_rate is not None else "no income"
    )
    leak_note = _change(d.leaks, before)
    if d.leak_share is not None:
        leak_note += f" · {d.leak_share:.0f}% of spend"
    gap, third = 6.0, (inner - 12.0) / 3
    tiles = [
        ((0, 0, 1), "Income", money(d.income.value_minor, cur), _change(d.income, before), ok),
        ((0, 1, 1), "Expenses", money(d.expenses.value_minor, cur), _change(d.expenses, before), ink),
        ((0, 2, 1), "Savings", money(d.savings.value_minor, cur), _change(d.savings, before), ok),
        ((1, 0, 1), "Savings rate", rate, rate_note, ink),
        ((1, 1, 2), "Leaks", money(d.leak_total_minor, cur), leak_note, leak),
    ]
    for (row, column, span), name, value, note, color in tiles:
        width = third * span + gap * (span - 1)
        ax = page.axes(MARGIN + column * (third + gap), 28 + row * 46, width, 42)
        _tile(ax, name, value, note, color, inset=8 / width)

    page.text(MARGIN, 124, "Expenses by category")
    rows = d.by_category[:CATEGORY_BARS]
    if len(d.by_category) > CATEGORY_BARS:
        rows = [
            *d.by_category[: CATEGORY_BARS - 1],
            ("Others", sum(v for _, v in d.by_category[CATEGORY_BARS - 1 :])),
        ]
    ax = page.axes(MARGIN, 141, inner, CATEGORY_BARS * INLINE_ROW)
    _inline_bars(ax, rows, cur, ok) if rows else _nothing(ax, "No expenses this month.")

    half = (inner - 16) / 2
    page.text(MARGIN, 224, "Leaks by category")
    page.text(MARGIN + half + 16, 224, "Leaks by time of day")
    left = page.axes(MARGIN, 240, half, LEAK_BARS * STACKED_ROW)
    right = page.axes(MARGIN + half + 16, 240, half, LEAK_BARS * STACKED_ROW)
    if d.leaks_by_category:
        _stacked_bars(left, d.leaks_by_category[:LEAK_BARS], cur, leak)
        _stacked_bars(right, d.leaks_by_time_block, cur, accent)
    else:
        _nothing(left, "No leaks this month.")

    page.text(MARGIN, 328, f"Largest leaks of {d.month.start:%B}")
    _top_leaks(page.axes(MARGIN, 344, inner, TOP_LEAKS * INLINE_ROW), d, inner)

    page.text(MARGIN, 398, "Last 12 months")
    figure.legend(
        handles=[Patch(color=ok, label="Income"), Patch(color=leak, label="Expenses")],
        loc="upper right",
        bbox_to_anchor=(1 - MARGIN / page.width, 1 - 396 / page.height),
        ncol=2,
        frameon=False,
        fontsize=SMALL,
        handlelength=1.0,
        handleheight=0.8,
        borderaxespad=0,
        borderpad=0,
        columnspacing=1.0,
    )
    peak = max((max(i, e) for _, i, e in d.monthly), default=0)
    room = 7.0 * (len(short_money(float(to_major(peak, cur)), cur)) + 1)  # for the money labels
    _trend(page.axes(MARGIN + room, 416, inner - room, 50), d)
    return figure


def dashboard_png(d: Dashboard) -> bytes:
    return charts.png(dashboard_figure(d))
