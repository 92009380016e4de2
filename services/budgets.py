"""Monthly budgets per category (or on the month's leaks) and the alerts they raise.

An alert comes with the entry that crosses 80% or 100% of a budget, once per budget, month
and level: the budget_alerts table remembers what was sent, so restarts and several bot
instances never repeat one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import LEAKS_BUDGET, Budget, BudgetAlert, Entry, User
from services.catalog import EntryType, alias_table, closest_categories
from services.errors import LeakBotError, ParseError
from services.money import format_money, parse_amount
from services.wording import one_of

ALERT_LEVELS = (100, 80)
LEAKS_LABEL = "leaks"


@dataclass(frozen=True, slots=True)
class BudgetUsage:
    label: str
    limit: str
    used: str
    percent: int


def _target(name: str) -> str:
    word = name.strip().casefold()
    if word in ("leaks", "leak", "leakage"):
        return LEAKS_BUDGET
    category = alias_table(EntryType.EXPENSE).get(word)
    if category is None:
        close = closest_categories(name, EntryType.EXPENSE)
        hint = f" Did you mean {one_of(close)}?" if close else ""
        raise ParseError(f"I don't know the expense category {name!r}.{hint}")
    return category


def _label(category: str) -> str:
    return LEAKS_LABEL if category == LEAKS_BUDGET else category


def set_budget(*, session: Session, user: User, target: str, amount: str) -> str:
    """Set (or with `off` remove) a monthly limit; returns what is now in force."""
    category = _target(target)
    budget = session.scalar(select(Budget).where(Budget.user_id == user.id, Budget.category == category))
    if amount.strip().casefold() in ("off", "none", "remove", "0"):
        if budget is None:
            raise LeakBotError(f"You have no budget on {_label(category)}.")
        session.delete(budget)
        return f"Budget on {_label(category)} removed."
    limit = parse_amount(amount, user.currency)
    if budget is None:
        session.add(Budget(user_id=user.id, category=category, limit_minor=limit))
    else:
        budget.limit_minor = limit
    return f"Budget on {_label(category)}: {format_money(limit, user.currency)} a month."


def _month_range(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def _used(session: Session, user: User, category: str, day: date) -> int:
    start, end = _month_range(day)
    query = select(func.coalesce(func.sum(Entry.amount_minor), 0)).where(
        Entry.user_id == user.id, Entry.type == "expense", Entry.local_date >= start, Entry.local_date < end
    )
    query = (
        query.where(Entry.is_leak.is_(True))
        if category == LEAKS_BUDGET
        else query.where(Entry.category == category)
    )
    return int(session.scalar(query) or 0)


def usage(*, session: Session, user: User, today: date) -> list[BudgetUsage]:
    """Every budget with this month's use."""
    budgets = session.scalars(select(Budget).where(Budget.user_id == user.id).order_by(Budget.category))
    result = []
    for b in budgets:
        used = _used(session, user, b.category, today)
        result.append(
            BudgetUsage(
                _label(b.category),
                format_money(b.limit_minor, user.currency),
                format_money(used, user.currency),
                used * 100 // b.limit_minor,
            )
        )
    return result


_budgets = Budget.__table__.c
# Built once: every logged expense runs it, and most people have no budget to alert on.
_BUDGETS_FOR = select(_budgets.id, _budgets.category, _budgets.limit_minor).where(
    _budgets.user_id == bindparam("user_id"), _budgets.category.in_(bindparam("categories", expanding=True))
)


def alerts_for(*, session: Session, user: User, entry: Entry) -> list[str]:
    """Alerts this entry triggers (each budget, month and level at most once)."""
    if entry.type != "expense":
        return []
    targets = [entry.category] + ([LEAKS_BUDGET] if entry.is_leak else [])
    budgets = session.connection().execute(_BUDGETS_FOR, {"user_id": user.id, "categories": targets}).all()
    month = entry.local_date.strftime("%Y-%m")
    messages = []
    for budget in budgets:
        used = _used(session, user, budget.category, entry.local_date)
        percent = used * 100 // budget.limit_minor
        reached = [level for level in ALERT_LEVELS if percent >= level]
        if not reached or not _claim(session, budget.id, month, reached):
            continue
        label, money = _label(budget.category), format_money(used, user.currency)
        limit = format_money(budget.limit_minor, user.currency)
        if reached[0] == 100:
            messages.append(f"Over budget: {label} {money} of {limit} this month ({percent}%).")
        else:
            messages.append(f"Heads-up: {label} at {money} of {limit} this month ({percent}%).")
    return messages


def _claim(session: Session, budget_id: int, month: str, levels: list[int]) -> bool:
    """Record the alert levels reached; True when the highest was not sent before."""
    rows = [{"budget_id": budget_id, "month": month, "level": level} for level in levels]
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(BudgetAlert)
    result = session.execute(insert.values(rows).on_conflict_do_nothing().returning(BudgetAlert.level))
    return levels[0] in {r[0] for r in result}
