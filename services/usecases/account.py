"""The person's own account: settings, time zone from a location, budgets, the digest's schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.insights import budgets as budget_rules
from services.insights.budgets import BudgetChange, BudgetUsage
from services.ledger import preferences
from services.ledger.preferences import Change, Preferences
from services.reporting import schedule
from services.reporting.schedule import Schedule
from services.timing import local_today


def settings(*, session: Session, person: User) -> Preferences:
    """Every setting as it is now."""
    return preferences.view(person)


def change_setting(*, session: Session, person: User, name: str, value: str) -> Change:
    """Change one setting; a new time zone or threshold re-derives and re-scores the entries."""
    return preferences.change(session=session, user=person, setting=name, value=value)


def set_timezone_at(*, session: Session, person: User, latitude: float, longitude: float) -> Change:
    """Set the time zone of a shared location (offline lookup)."""
    zone = preferences.timezone_at(latitude=latitude, longitude=longitude)
    return preferences.change(session=session, user=person, setting="timezone", value=zone)


@dataclass(frozen=True, slots=True)
class Budgets:
    currency: str
    usage: tuple[BudgetUsage, ...]  # by category, the budget on leaks last


def budgets(*, session: Session, person: User, now: datetime) -> Budgets:
    """Every budget with this month's use."""
    today = local_today(now, person.timezone)
    return Budgets(person.currency, tuple(budget_rules.usage(session=session, user=person, today=today)))


def set_budget(*, session: Session, person: User, target: str, amount: str) -> BudgetChange:
    """Set a monthly limit on a category or on leaks (`off` removes it)."""
    return budget_rules.set_budget(session=session, user=person, target=target, amount=amount)


def digest_schedule(*, session: Session, person: User) -> Schedule:
    """When the weekly digest goes out, if at all."""
    return schedule.schedule_of(person)


def set_digest_schedule(*, session: Session, person: User, text: str) -> Schedule:
    """`on`, `off` or `DAY HH:MM` (e.g. `sunday 09:00`)."""
    return schedule.set_schedule(session=session, user=person, text=text)
