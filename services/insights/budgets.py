"""Monthly budgets per category (or on the month's leaks) and the alerts they raise.

An alert comes with the entry that crosses 80% or 100% of a budget, once per budget, month
and level: the budget_alerts table remembers what was sent, so restarts and several bot
instances never repeat one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from db.models import LEAKS_BUDGET, Budget, BudgetAlert, Entry, User
from db.repositories import insert_once
from services.catalog import EntryType, closest_categories
from services.errors import LeakBotError, ParseError
from services.ledger.spending import SPENDING_TYPES, net_amount
from services.ledger.vocabulary import vocabulary_of
from services.money import parse_amount
from services.timing import month_bounds
from services.wording import one_of

ALERT_LEVELS = (100, 80)
LEAK_WORDS = ("leaks", "leak", "leakage")
OFF_WORDS = ("off", "none", "remove", "0")


@dataclass(frozen=True, slots=True)
class BudgetUsage:
    """A budget and this month's use of it. category is None for the budget on leaks."""

    category: str | None
    limit_minor: int
    used_minor: int

    @property
    def percent(self) -> int:
        return self.used_minor * 100 // self.limit_minor


@dataclass(frozen=True, slots=True)
class BudgetChange:
    category: str | None  # None: the budget on leaks
    limit_minor: int | None  # None: removed
    currency: str


@dataclass(frozen=True, slots=True)
class Alert:
    """A budget crossed a level (80 or 100 percent) this month."""

    usage: BudgetUsage
    level: int


def _target(session: Session, user: User, name: str) -> str:
    word = name.strip().casefold()
    if word in LEAK_WORDS:
        return LEAKS_BUDGET
    category = vocabulary_of(session, user).resolve(name)
    if category is None:
        close = closest_categories(name, EntryType.EXPENSE)
        hint = f" Did you mean {one_of(close)}?" if close else ""
        raise ParseError(f"I don't know the expense category {name!r}.{hint}")
    return category


def _category(stored: str) -> str | None:
    return None if stored == LEAKS_BUDGET else stored


def set_budget(*, session: Session, user: User, target: str, amount: str) -> BudgetChange:
    """Set (or with `off` remove) a monthly limit on a category or on the month's leaks."""
    category = _target(session, user, target)
    budget = session.scalar(select(Budget).where(Budget.user_id == user.id, Budget.category == category))
    if amount.strip().casefold() in OFF_WORDS:
        if budget is None:
            raise LeakBotError(f"You have no budget on {_category(category) or 'leaks'}.")
        session.delete(budget)
        return BudgetChange(_category(category), None, user.currency)
    limit = parse_amount(amount, user.currency)
    if budget is None:
        session.add(Budget(user_id=user.id, category=category, limit_minor=limit))
    else:
        budget.limit_minor = limit
    return BudgetChange(_category(category), limit, user.currency)


def _used(session: Session, user: User, category: str, day: date) -> int:
    start, end = month_bounds(day)
    if category == LEAKS_BUDGET:  # the month's leaks: expenses only (a refund is never a leak)
        query = select(func.coalesce(func.sum(Entry.amount_minor), 0)).where(
            Entry.type == "expense", Entry.is_leak.is_(True)
        )
    else:  # the category's spend net of its refunds
        query = select(func.coalesce(func.sum(net_amount()), 0)).where(
            Entry.type.in_(SPENDING_TYPES), Entry.category == category
        )
    query = query.where(Entry.user_id == user.id, Entry.local_date >= start, Entry.local_date < end)
    return int(session.scalar(query) or 0)


def usage(*, session: Session, user: User, today: date) -> list[BudgetUsage]:
    """Every budget with this month's use."""
    budgets = session.scalars(select(Budget).where(Budget.user_id == user.id).order_by(Budget.category))
    return [
        BudgetUsage(_category(b.category), b.limit_minor, _used(session, user, b.category, today))
        for b in budgets
    ]


_budgets = Budget.__table__.c
# Built once: every logged expense runs it, and most people have no budget to alert on.
_BUDGETS_FOR = select(_budgets.id, _budgets.category, _budgets.limit_minor).where(
    _budgets.user_id == bindparam("user_id"), _budgets.category.in_(bindparam("categories", expanding=True))
)


def alerts_for(*, session: Session, user: User, entry: Entry) -> list[Alert]:
    """Alerts this entry triggers (each budget, month and level at most once)."""
    if entry.type != "expense":
        return []
    targets = [entry.category] + ([LEAKS_BUDGET] if entry.is_leak else [])
    budgets = session.connection().execute(_BUDGETS_FOR, {"user_id": user.id, "categories": targets}).all()
    month = entry.local_date.strftime("%Y-%m")
    alerts = []
    for budget in budgets:
        used = BudgetUsage(
            _category(budget.category),
            budget.limit_minor,
            _used(session, user, budget.category, entry.local_date),
        )
        reached = [level for level in ALERT_LEVELS if used.percent >= level]
        if reached and _claim(session, budget.id, month, reached):
            alerts.append(Alert(used, reached[0]))
    return alerts


def _claim(session: Session, budget_id: int, month: str, levels: list[int]) -> bool:
    """Record the alert levels reached; True when the highest was not sent before."""
    rows = [{"budget_id": budget_id, "month": month, "level": level} for level in levels]
    result = session.execute(insert_once(session, BudgetAlert, rows).returning(BudgetAlert.level))
    return levels[0] in {r[0] for r in result}
