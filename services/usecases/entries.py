"""Logging spends and fixing them: log a message, list, undo, delete, edit, give a verdict,
move to another category."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.catalog import EntryType, categories_of
from services.errors import LeakBotError
from services.insights import budgets, habits
from services.insights.budgets import Alert
from services.insights.habits import Pace, Unusual
from services.learning.serving import ModelService
from services.ledger import corrections
from services.ledger import entries as ledger
from services.ledger.entries import EntryView
from services.scoring import rescoring

RECENT_DEFAULT, RECENT_MAX = 10, 50


@dataclass(frozen=True, slots=True)
class Logged:
    """A logged entry with everything a reply says about it."""

    entry: EntryView  # with the model's probability when a model speaks for the person
    created: bool  # False: this message was stored before (a re-delivery), nothing new happened
    pace: Pace | None = None  # for a leak: its category this month, in a year's terms
    unusual: Unusual | None = None  # far above the person's usual amount in the category
    alerts: tuple[Alert, ...] = ()  # budgets this entry took past 80% or 100%


def log_text(
    *, session: Session, person: User, text: str, now: datetime, source_ref: str, models: ModelService
) -> Logged:
    """Log one entry the way a message says it (`250 dining upi`), once per source_ref."""
    logged = ledger.log_text(session=session, user=person, text=text, now=now, source_ref=source_ref)
    if not logged.created:
        return Logged(logged.entry, created=False)
    row, view = logged.row, logged.entry
    if row.type != EntryType.EXPENSE:
        return Logged(view, created=True)
    probability = models.predict_entries(session, person, [row.id])
    if row.id in probability:  # the model decides now (stored so by predict_entries)
        row.model_probability = probability[row.id]
        rescoring.decide_entry(row, person)
        view = replace(
            view, model_probability=row.model_probability, is_leak=row.is_leak, decided_by=row.decided_by
        )
    history = habits.category_history(session=session, user=person, entry=row)
    return Logged(
        view,
        created=True,
        pace=habits.pace(user=person, entry=row, history=history),
        unusual=habits.unusual(entry=row, history=history),
        alerts=tuple(budgets.alerts_for(session=session, user=person, entry=row)),
    )


def recent(*, session: Session, person: User, limit: int = RECENT_DEFAULT) -> tuple[EntryView, ...]:
    """The person's latest entries, newest first (1 to RECENT_MAX)."""
    if not 1 <= limit <= RECENT_MAX:
        raise LeakBotError(f"I show 1 to {RECENT_MAX} entries at a time, e.g. /recent 20.")
    return tuple(ledger.recent(session=session, user=person, limit=limit))


def undo_last(*, session: Session, person: User) -> EntryView:
    """Remove the person's most recently logged entry."""
    return corrections.undo_last(session=session, user=person)


def delete_entry(*, session: Session, person: User, entry_id: int) -> EntryView:
    """Remove one of the person's entries."""
    return corrections.delete_entry(session=session, user=person, entry_id=entry_id)


def edit_entry(*, session: Session, person: User, entry_id: int, field: str, value: str) -> EntryView:
    """Change one field of an entry (amount, category, mode, ...) and re-score it."""
    return corrections.edit_entry(session=session, user=person, entry_id=entry_id, field=field, value=value)


def record_verdict(*, session: Session, person: User, entry_id: int, is_leak: bool | None) -> EntryView:
    """Store the person's own call on an expense (Leak / Not a leak; None clears it)."""
    return corrections.set_verdict(session=session, user=person, entry_id=entry_id, is_leak=is_leak)


@dataclass(frozen=True, slots=True)
class CategoryMenu:
    entry: EntryView
    categories: tuple[str, ...]  # the categories an entry of its type can move to, in order


def category_menu(*, session: Session, person: User, entry_id: int) -> CategoryMenu:
    """The entry and the categories it can move to."""
    entry = ledger.view_entry(corrections.owned_entry(session, person, entry_id), person)
    return CategoryMenu(entry, tuple(c.name for c in categories_of(entry.type)))


def pick_category(*, session: Session, person: User, entry_id: int, index: int) -> EntryView:
    """Move an entry to the index-th category of its category_menu, and re-score it."""
    menu = category_menu(session=session, person=person, entry_id=entry_id)
    if not 0 <= index < len(menu.categories):
        raise LeakBotError("That is not one of the categories I offered.")
    return corrections.set_category(
        session=session, user=person, entry_id=entry_id, category=menu.categories[index]
    )
