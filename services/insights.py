"""Summaries a person reads first: how much leaks, where, and examples with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import repositories as repo
from db.models import Entry, User
from services.money import exponent, format_money
from services.scoring import reasons


@dataclass(frozen=True, slots=True)
class CategoryLeak:
    category: str
    count: int
    amount: str


@dataclass(frozen=True, slots=True)
class LeakExample:
    local_date: str
    category: str
    amount: str
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LeakOverview:
    expenses: int
    leaks: int
    spend: str
    leak_spend: str
    leak_share_pct: float  # share of expense amount that leaked, 0-100
    top_categories: tuple[CategoryLeak, ...]
    examples: tuple[LeakExample, ...]


def leak_overview(*, session: Session, user: User, top: int = 3) -> LeakOverview:
    """Return the leak share, the leakiest categories and the highest-scored leaks."""
    frame = repo.entries_frame(session, user.id, types=["expense"])
    leaks = frame[frame["is_leak"].fillna(False).astype(bool)]
    spend = int(frame["amount_minor"].sum())
    leak_spend = int(leaks["amount_minor"].sum())
    by_cat = (
        leaks.groupby("category")["amount_minor"]
        .agg(["count", "sum"])
        .sort_values(["sum", "count"], ascending=False)
        .head(top)
    )
    examples = leaks.sort_values(
        ["leakage_score", "amount_minor", "occurred_at"], ascending=[False, False, True]
    ).head(top)
    return LeakOverview(
        expenses=len(frame),
        leaks=len(leaks),
        spend=format_money(spend, user.currency),
        leak_spend=format_money(leak_spend, user.currency),
        leak_share_pct=round(leak_spend * 100 / spend, 1) if spend else 0.0,
        top_categories=tuple(
            CategoryLeak(str(c), int(r["count"]), format_money(int(r["sum"]), user.currency))
            for c, r in by_cat.iterrows()
        ),
        examples=tuple(
            LeakExample(
                str(r.local_date),
                r.category,
                format_money(int(r.amount_minor), user.currency),
                int(r.leakage_score),
                tuple(reasons(r.leak_rules, time_block=r.time_block, context=r.context)),
            )
            for r in examples.itertuples()
        ),
    )


def _month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, date(start.year + (start.month == 12), start.month % 12 + 1, 1)


@dataclass(frozen=True)
class CategoryHistory:
    """The person's expenses in an entry's category since a year before it (the entry included):
    what both the pace line and the unusual-spend line read, fetched with one query."""

    entry_id: int
    dates: list[date]
    amounts: list[int]
    ids: list[int]


def category_history(*, session: Session, user: User, entry: Entry) -> CategoryHistory:
    since = min(entry.local_date - timedelta(days=UNUSUAL_LOOKBACK_DAYS), _month_bounds(entry.local_date)[0])
    rows = session.execute(
        select(Entry.id, Entry.local_date, Entry.amount_minor).where(
            Entry.user_id == user.id,
            Entry.type == "expense",
            Entry.category == entry.category,
            Entry.local_date >= since,
        )
    ).all()
    return CategoryHistory(
        entry.id, [r[1] for r in rows], [int(r[2]) for r in rows], [int(r[0]) for r in rows]
    )


def pace_line(
    *, session: Session, user: User, entry: Entry, history: CategoryHistory | None = None
) -> str | None:
    """For a leak: `₹120 dining out, 22 times this month: about ₹31,700 a year at this pace`.

    The yearly figure is this month's total for the category so far, times twelve, rounded
    to a hundred.
    """
    if not entry.is_leak:
        return None
    history = history or category_history(session=session, user=user, entry=entry)
    start, end = _month_bounds(entry.local_date)
    in_month = [a for d, a in zip(history.dates, history.amounts, strict=True) if start <= d < end]
    count, total = len(in_month), sum(in_month)
    hundred = 100 * 10 ** exponent(user.currency)
    yearly = (int(total) * 12 + hundred // 2) // hundred * hundred
    times = "once" if count == 1 else f"{count} times"
    return (
        f"{format_money(entry.amount_minor, user.currency)} {entry.category.lower()}, {times} this month: "
        f"about {format_money(yearly, user.currency)} a year at this pace"
    )


UNUSUAL_Z = 3.5  # robust z-score (median and MAD of log amounts) above which a spend is pointed out
UNUSUAL_MIN_HISTORY = 8
UNUSUAL_LOOKBACK_DAYS = 365


def robust_z(values: np.ndarray, x: float) -> float:
    """How far x lies above values' median, in MADs scaled to a normal's standard deviation."""
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median)))
    if mad == 0:
        mad = 1e-9 if x != median else 1.0
    return 0.6745 * (x - median) / mad


def unusual_line(
    *, session: Session, user: User, entry: Entry, history: CategoryHistory | None = None
) -> str | None:
    """`Unusual for you: ₹4,500 on dining out; you usually spend about ₹190.` or None.

    Compares the log amount with the person's other expenses in the category over the last
    year (at least UNUSUAL_MIN_HISTORY of them), by robust z-score.
    """
    if entry.type != "expense":
        return None
    history = history or category_history(session=session, user=user, entry=entry)
    since = entry.local_date - timedelta(days=UNUSUAL_LOOKBACK_DAYS)
    amounts = np.array(
        [
            a
            for i, d, a in zip(history.ids, history.dates, history.amounts, strict=True)
            if i != entry.id and d >= since
        ],
        dtype=np.float64,
    )
    if len(amounts) < UNUSUAL_MIN_HISTORY:
        return None
    if robust_z(np.log(amounts), float(np.log(entry.amount_minor))) <= UNUSUAL_Z:
        return None
    usual = int(np.median(amounts))
    return (
        f"Unusual for you: {format_money(entry.amount_minor, user.currency)} on {entry.category.lower()}; "
        f"you usually spend about {format_money(usual, user.currency)}."
    )
