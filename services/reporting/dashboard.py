"""The monthly dashboard (the seed's Power BI page as one image).

`dashboard_data` computes every number (exact minor units) and is what the tests check;
`dashboard_png` only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import FuncFormatter
from sqlalchemy.orm import Session

from db.models import User
from services.ledger.spending import net_spending
from services.money import format_money, short_money, to_major
from services.reporting import charts, periods
from services.wording import change_words, percent_change

MONTHS_OF_HISTORY = 12


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
    leak_total = int(expenses.loc[expenses["is_leak"], "amount_minor"].sum())
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
    )


def _tile(figure: Figure, spec: object, title: str, value: str, note: str, color: str) -> None:
    ax = figure.add_subplot(spec)
    ax.axis("off")
    ax.add_patch(
        FancyBboxPatch(
            (0.02, 0.05),
            0.96,
            0.9,
            boxstyle="round,pad=0.02",
            transform=ax.transAxes,
            facecolor=charts.PALETTE["light"],
            edgecolor="none",
        )
    )
    ax.text(0.08, 0.72, title, fontsize=13, color=charts.PALETTE["ink"], transform=ax.transAxes)
    ax.text(0.08, 0.38, value, fontsize=21, weight="bold", color=color, transform=ax.transAxes)
    ax.text(0.08, 0.14, note, fontsize=11, color=charts.PALETTE["ink"], transform=ax.transAxes)


def dashboard_figure(d: Dashboard) -> Figure:
    figure = Figure(figsize=(12.8, 9.0), layout="constrained")
    grid = figure.add_gridspec(3, 5, height_ratios=[0.9, 2.2, 2.2])
    money = format_money
    rate = f"{d.savings_rate:.0f}%" if d.savings_rate is not None else "n/a"
    previous_rate = (
        f"{d.previous_savings_rate:.0f}% last month" if d.previous_savings_rate is not None else ""
    )
    leak = f"{d.leak_share:.0f}% of spend" if d.leak_share is not None else "no spending"
    tiles = [
        ("Income", money(d.income.value_minor, d.currency), d.income.change_words, charts.PALETTE["ok"]),
        (
            "Expenses",
            money(d.expenses.value_minor, d.currency),
            d.expenses.change_words,
            charts.PALETTE["ink"],
        ),
        ("Savings", money(d.savings.value_minor, d.currency), d.savings.change_words, charts.PALETTE["ok"]),
        ("Savings rate", rate, previous_rate, charts.PALETTE["ink"]),
        ("Leaks", money(d.leak_total_minor, d.currency), leak, charts.PALETTE["leak"]),
    ]
    for i, (title, value, note, color) in enumerate(tiles):
        _tile(figure, grid[0, i], title, value, note, color)

    ax = figure.add_subplot(grid[1, :3])
    if d.by_category:
        names = [c for c, _ in d.by_category[:8]][::-1]
        values = [to_major(v, d.currency) for _, v in d.by_category[:8]][::-1]
        ax.barh(names, values, color=charts.PALETTE["ok"])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, d.currency)))
    else:
        ax.text(0.5, 0.5, "No expenses this month", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("Expenses by category", fontsize=14, loc="left")

    ax = figure.add_subplot(grid[1, 3:])
    if d.savings_by_instrument:
        ax.pie(
            [v for _, v in d.savings_by_instrument],
            labels=[c for c, _ in d.savings_by_instrument],
            colors=charts.SERIES[: len(d.savings_by_instrument)],
            autopct="%1.0f%%",
            wedgeprops={"width": 0.45},
        )
    else:
        ax.axis("off")
        ax.text(0.5, 0.5, "No savings this month", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("Savings by instrument", fontsize=14, loc="left")

    ax = figure.add_subplot(grid[2, :])
    labels = [pd.Period(m, freq="M").strftime("%b %y") for m, _, _ in d.monthly]
    x = np.arange(len(labels))
    ax.bar(
        x - 0.2,
        [to_major(i, d.currency) for _, i, _ in d.monthly],
        width=0.4,
        color=charts.PALETTE["ok"],
        label="income",
    )
    ax.bar(
        x + 0.2,
        [to_major(e, d.currency) for _, _, e in d.monthly],
        width=0.4,
        color=charts.PALETTE["leak"],
        label="expenses",
    )
    ax.set_xticks(x, labels=labels)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, d.currency)))
    ax.legend()
    ax.set_title("Income vs expenses, last 12 months", fontsize=14, loc="left")
    figure.suptitle(f"LeakBot dashboard · {d.month.label}", fontsize=18, color=charts.PALETTE["ink"])
    return figure


def dashboard_png(d: Dashboard) -> bytes:
    return charts.png(dashboard_figure(d))
