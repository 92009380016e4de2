"""Where the person stands now: /today and /month.

Spent so far (net of refunds, as every total of spending counts), how many spends, the
leaks among them, what is left in each budget, and a yardstick from last month: for the
month, last month up to the same day (the 4th against the 4th); for today, the same date
last month and, since a single day says little, last month's average day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.insights.budgets import BudgetUsage, usage
from services.ledger.spending import EXPENSE, SPENDING_TYPES, net_amount
from services.timing import month_start

TOP_CATEGORIES = 3


class Span(StrEnum):
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Spent:
    """Spending over [start, end] (local dates, both included)."""

    start: date
    end: date
    spent_minor: int  # net of refunds
    spends: int  # expenses
    leaks_minor: int
    leaks: int


@dataclass(frozen=True, slots=True)
class SoFar:
    span: Span
    today: date
    currency: str
    now: Spent
    before: Spent  # the same point last month (DAY: all of last month)
    top: tuple[tuple[str, int], ...]  # the period's largest categories, net of refunds
    budgets: tuple[BudgetUsage, ...]
    same_day: Spent | None = None  # DAY: the same date last month

    @property
    def yardstick_minor(self) -> int:
        """What `now` is measured against: last month to the same day, or its average day."""
        if self.span is Span.MONTH:
            return self.before.spent_minor
        days = (self.before.end - self.before.start).days + 1
        return round(self.before.spent_minor / days)


def _spent(session: Session, user: User, start: date, end: date) -> Spent:
    leak = Entry.is_leak.is_(True) & (Entry.type == EXPENSE)
    row = session.execute(
        select(
            func.coalesce(func.sum(net_amount()), 0),
            func.count().filter(Entry.type == EXPENSE),
            func.coalesce(func.sum(Entry.amount_minor).filter(leak), 0),
            func.count().filter(leak),
        ).where(
            Entry.user_id == user.id,
            Entry.type.in_(SPENDING_TYPES),
            Entry.local_date >= start,
            Entry.local_date <= end,
        )
    ).one()
    return Spent(start, end, int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def _top(session: Session, user: User, start: date, end: date) -> tuple[tuple[str, int], ...]:
    total = func.sum(net_amount())
    rows = session.execute(
        select(Entry.category, total)
        .where(
            Entry.user_id == user.id,
            Entry.type.in_(SPENDING_TYPES),
            Entry.local_date >= start,
            Entry.local_date <= end,
        )
        .group_by(Entry.category)
        .having(total > 0)
        .order_by(total.desc(), Entry.category)
        .limit(TOP_CATEGORIES)
    )
    return tuple((category, int(amount)) for category, amount in rows)


def same_day_last_month(day: date) -> date:
    """The 4th for the 4th; a day the shorter month lacks is its last day (31 Mar -> 29 Feb)."""
    last = month_start(day.year, day.month) - timedelta(days=1)
    return last.replace(day=min(day.day, last.day))


def so_far(*, session: Session, user: User, today: date, span: Span) -> SoFar:
    """Today or this month so far, against last month, with every budget's use this month."""
    this_month = month_start(today.year, today.month)
    last_month = month_start(today.year, today.month, plus=-1)
    same_day = None
    if span is Span.DAY:
        start, before = today, _spent(session, user, last_month, this_month - timedelta(days=1))
        then = same_day_last_month(today)
        same_day = _spent(session, user, then, then)
    else:
        start, before = this_month, _spent(session, user, last_month, same_day_last_month(today))
    return SoFar(
        span,
        today,
        user.currency,
        _spent(session, user, start, today),
        before,
        _top(session, user, start, today),
        tuple(usage(session=session, user=user, today=today)),
        same_day,
    )
