"""How a new expense compares with the person's habits in its category: the pace of a leak this
month, and whether the amount is unusual for them."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import String, and_, bindparam, cast, func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.money import round_estimate
from services.timing import month_bounds

UNUSUAL_Z = 3.5  # robust z-score (median and MAD of log amounts) above which a spend is pointed out
UNUSUAL_MIN_HISTORY = 8
UNUSUAL_LOOKBACK_DAYS = 365
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class CategoryHistory:
    """What the pace and the unusual-spend checks read about an entry's category, fetched as
    one row: this calendar month (the entry included) and the year before (without it)."""

    month_count: int
    month_total: int
    year_amounts: list[int]  # the other expenses since UNUSUAL_LOOKBACK_DAYS before the entry


@dataclass(frozen=True, slots=True)
class Pace:
    """A leak's category this month: how often, and what that comes to over a year."""

    category: str
    amount_minor: int  # this entry
    count_this_month: int
    yearly_minor: int  # this month's total so far, times twelve (an estimate: 3 significant figures)


@dataclass(frozen=True, slots=True)
class Unusual:
    """An expense far above the person's usual amount in its category."""

    category: str
    amount_minor: int
    usual_minor: int  # the median of their other expenses in the category over the last year


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
    month_start, month_end = month_bounds(entry.local_date)
    parameters = {
        "user_id": user.id,
        "category": entry.category,
        "since": entry.local_date - timedelta(days=UNUSUAL_LOOKBACK_DAYS),  # before the month starts
        "month_start": month_start,
        "month_end": month_end,
        "entry_id": entry.id,
    }
    count, total, amounts = session.connection().execute(_CATEGORY_HISTORY, parameters).one()
    return CategoryHistory(int(count), int(total), [int(a) for a in amounts.split(",")] if amounts else [])


def pace(*, user: User, entry: Entry, history: CategoryHistory) -> Pace | None:
    """For a leak: how often its category came up this month and what that costs in a year."""
    if not entry.is_leak:
        return None
    yearly = round_estimate(history.month_total * MONTHS_PER_YEAR, user.currency)
    return Pace(entry.category, entry.amount_minor, history.month_count, yearly)


def robust_z(values: list[float], x: float) -> float:
    """How far x lies above values' median, in MADs scaled to a normal's standard deviation."""
    median = statistics.median(values)
    mad = statistics.median([abs(v - median) for v in values])
    if mad == 0:
        mad = 1e-9 if x != median else 1.0
    return 0.6745 * (x - median) / mad


def unusual(*, entry: Entry, history: CategoryHistory) -> Unusual | None:
    """The expense when its log amount lies more than UNUSUAL_Z robust z-scores above the
    person's other expenses in the category over the last year (at least UNUSUAL_MIN_HISTORY)."""
    if entry.type != "expense":
        return None
    amounts = history.year_amounts
    if len(amounts) < UNUSUAL_MIN_HISTORY:
        return None
    if robust_z([math.log(a) for a in amounts], math.log(entry.amount_minor)) <= UNUSUAL_Z:
        return None
    return Unusual(entry.category, entry.amount_minor, int(statistics.median(amounts)))
