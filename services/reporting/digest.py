"""The weekly leakage digest: what the seven days before its date held, with two charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from sqlalchemy.orm import Session

from db.models import User
from services.insights import plan, subscriptions
from services.insights.advice import Action, GoalProgress
from services.insights.subscriptions import Detected
from services.ledger.spending import net_spending
from services.money import round_minor, short_money, to_major
from services.reporting import charts, periods
from services.scoring.rules import rule_codes

WEEKS_PER_MONTH = 52 / 12
DPI = 150


# --- what ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WeekLeak:
    local_date: date
    category: str
    amount_minor: int
    rules: tuple[str, ...]
    time_block: str
    context: str


@dataclass(frozen=True)
class WeeklyDigest:
    """The seven local days before week_ending, against the seven before them."""

    week_ending: date
    currency: str
    spend_minor: int = 0
    spend_before_minor: int = 0
    leak_minor: int = 0
    top_leaks: tuple[WeekLeak, ...] = ()
    new_subscriptions: tuple[Detected, ...] = ()
    leak_pace_month_minor: int = 0  # what the week's leaks cost a month at this pace (whole units)
    next_step: Action | None = None  # the plan's first change (services/insights/plan.py)
    goals: tuple[GoalProgress, ...] = ()  # the adopted goals, this week against their baselines
    images: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def start(self) -> date:
        return self.week_ending - timedelta(days=7)


def _figure() -> Figure:
    """A phone portrait like the charts (charts.SIZE, so as legible), with fixed margins and
    fewer pixels (810 x 1012): constrained layout doubles the drawing time, and a thousand
    digests go out at once."""
    figure = Figure(figsize=charts.SIZE, dpi=DPI)
    figure.subplots_adjust(left=0.17, right=0.96, top=0.86, bottom=0.12)
    return figure


def _headline(figure: Figure, title: str) -> None:
    figure.text(
        0.03, 0.97, charts.wrap(title), fontsize=charts.FONT["title"], color=charts.PALETTE["ink"], va="top"
    )


def _week_figure(week: pd.DataFrame, currency: str, start: date) -> Figure:
    """Spend per day, the leak part on top."""
    days = pd.date_range(start, periods=7, freq="D")
    major = to_major(week["amount_minor"].astype(float), currency)
    spend = major.groupby(week["local_date"]).sum().reindex(days, fill_value=0.0)
    leaks = major[week["is_leak"]].groupby(week.loc[week["is_leak"], "local_date"]).sum()
    leaks = leaks.reindex(days, fill_value=0.0)
    figure = _figure()
    ax = figure.add_subplot()
    labels = [f"{d:%a}\n{d.day}" for d in days]
    x = np.arange(7)
    ax.bar(x, (spend - leaks).to_numpy(), color=charts.PALETTE["ok"], label="Other spend")
    ax.bar(
        x, leaks.to_numpy(), bottom=(spend - leaks).to_numpy(), color=charts.PALETTE["leak"], label="Leaks"
    )
    ax.set_xticks(x, labels=labels)
    ax.legend(fontsize=charts.FONT["tick"], frameon=False, loc="upper left", bbox_to_anchor=(0, 1.08), ncol=2)
    worst = days[int(np.argmax(leaks.to_numpy()))] if leaks.sum() else None
    _headline(figure, f"Leakiest day: {worst:%A %-d %B}" if worst is not None else "No leaks this week")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, currency)))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.tick_params(labelsize=charts.FONT["tick"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure


def _leak_categories_figure(week: pd.DataFrame, currency: str) -> Figure | None:
    leaks = week[week["is_leak"]]
    if leaks.empty:
        return None
    major = to_major(leaks["amount_minor"].astype(float), currency)
    by_category = major.groupby(leaks["category"]).sum().sort_values().tail(6)
    figure = _figure()
    figure.subplots_adjust(left=0.32, right=0.96, top=0.86, bottom=0.08)
    ax = figure.add_subplot()
    bars = ax.barh(by_category.index, by_category.to_numpy(), color=charts.PALETTE["leak"])
    ax.bar_label(
        bars,
        labels=[short_money(v, currency) for v in by_category.to_numpy()],
        padding=4,
        fontsize=charts.FONT["value"],
        color=charts.PALETTE["ink"],
    )
    ax.margins(x=0.3)
    _headline(figure, f"Leaks by category: {by_category.index[-1]} first")
    ax.set_xticks([])
    ax.tick_params(labelsize=charts.FONT["tick"], length=0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return figure


def build(session: Session, user: User, week_ending: date, *, today: date | None = None) -> WeeklyDigest:
    """The digest for the seven days before week_ending (local dates)."""
    start = week_ending - timedelta(days=7)
    frame = periods.entries(session, user, periods.Period(start - timedelta(days=7), week_ending, ""))
    spending = net_spending(frame)  # refunds take off; transfers are no spending
    this_week = spending[spending["local_date"] >= pd.Timestamp(start)]
    before = spending[spending["local_date"] < pd.Timestamp(start)]
    spend = int(this_week["amount_minor"].sum())
    if not (this_week["type"] == "expense").any():
        return WeeklyDigest(week_ending, user.currency)
    leak = int(this_week.loc[this_week["is_leak"], "amount_minor"].sum())
    top = this_week[this_week["is_leak"]].sort_values("amount_minor", ascending=False, kind="stable").head(3)
    new = [
        s.detected
        for s in subscriptions.refresh(session=session, user=user, today=today or week_ending)
        if s.new and not s.detected.stopped
    ]
    advice = plan.plan_on(session=session, user=user, today=week_ending - timedelta(days=1))
    images = [charts.png(_week_figure(this_week, user.currency, start))]
    categories = _leak_categories_figure(this_week, user.currency)
    if categories is not None:
        images.append(charts.png(categories))
    return WeeklyDigest(
        week_ending=week_ending,
        currency=user.currency,
        spend_minor=spend,
        spend_before_minor=int(before["amount_minor"].sum()),
        leak_minor=leak,
        top_leaks=tuple(
            WeekLeak(
                row.local_date.date(),
                row.category,
                int(row.amount_minor),
                rule_codes(row.leak_rules),
                row.time_block,
                row.context,
            )
            for row in top.itertuples()
        ),
        new_subscriptions=tuple(new[:3]),
        leak_pace_month_minor=round_minor(int(leak * WEEKS_PER_MONTH), user.currency),
        next_step=advice.actions[0] if advice.actions else None,
        goals=advice.goals,
        images=tuple(images),
    )
