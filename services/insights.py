"""Summaries a person reads first: how much leaks, where, and examples with reasons."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, and_, bindparam, cast, func, select
from sqlalchemy.orm import Session

from db import repositories as repo
from db.models import Entry, User
from services.money import format_money, round_minor
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
    """What the pace line and the unusual-spend line read about an entry's category, fetched
    as one row: this calendar month (the entry included) and the year before (without it)."""

    month_count: int
    month_total: int
    year_amounts: list[int]  # the other expenses since UNUSUAL_LOOKBACK_DAYS before the entry


_columns = Entry.__table__.c
_in_month = and_(
    _columns.local_date >= bindparam("month_start"), _columns.local_date < bindparam("month_end")
)
_not_this_entry = _columns.id != bindparam("entry_id")
# Built once: every logged expense runs it. One row, not one per expense: someone who logs
# every coffee has hundreds a year, and turning each row into Python objects cost 15 ms.
_CATEGORY_HISTORY = select(
    func.count().filter(_in_month),
    func.coalesce(func.sum(_columns.amount_minor).filter(_in_month), 0),
    func.aggregate_strings(cast(_columns.amount_minor, String), ",").filter(_not_this_entry),
).where(
    _columns.user_id == bindparam("user_id"),
    _columns.type == "expense",
    _columns.category == bindparam("category"),
    _columns.local_date >= bindparam("since"),
)


def category_history(*, session: Session, user: User, entry: Entry) -> CategoryHistory:
    month_start, month_end = _month_bounds(entry.local_date)
    year_ago = entry.local_date - timedelta(days=UNUSUAL_LOOKBACK_DAYS)
    parameters = {
        "user_id": user.id,
        "category": entry.category,
        "since": year_ago,  # before the month starts, so the month is covered too
        "month_start": month_start,
        "month_end": month_end,
        "entry_id": entry.id,
    }
    count, total, amounts = session.connection().execute(_CATEGORY_HISTORY, parameters).one()
    return CategoryHistory(int(count), int(total), [int(a) for a in amounts.split(",")] if amounts else [])


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
    count, total = history.month_count, history.month_total
    yearly = round_minor(int(total) * 12, user.currency, 100)
    times = "once" if count == 1 else f"{count} times"
    return (
        f"{format_money(entry.amount_minor, user.currency)} {entry.category.lower()}, {times} this month: "
        f"about {format_money(yearly, user.currency)} a year at this pace"
    )


UNUSUAL_Z = 3.5  # robust z-score (median and MAD of log amounts) above which a spend is pointed out
UNUSUAL_MIN_HISTORY = 8
UNUSUAL_LOOKBACK_DAYS = 365


def robust_z(values: list[float], x: float) -> float:
    """How far x lies above values' median, in MADs scaled to a normal's standard deviation."""
    median = statistics.median(values)
    mad = statistics.median([abs(v - median) for v in values])
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
    amounts = history.year_amounts
    if len(amounts) < UNUSUAL_MIN_HISTORY:
        return None
    if robust_z([math.log(a) for a in amounts], math.log(entry.amount_minor)) <= UNUSUAL_Z:
        return None
    usual = int(statistics.median(amounts))
    return (
        f"Unusual for you: {format_money(entry.amount_minor, user.currency)} on {entry.category.lower()}; "
        f"you usually spend about {format_money(usual, user.currency)}."
    )
