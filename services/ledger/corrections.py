"""Fix what was logged: undo, delete, edit a field, relabel, record the person's own verdict.

Every function looks the entry up among the person's own entries only; anything else is
NotFound, and nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import NOTE_LENGTH, Entry, User
from services.catalog import (
    CONTEXTS,
    EntryType,
    closest_categories,
    normalise_choice,
    normalise_payment_mode,
)
from services.errors import LeakBotError, NotFound, ParseError
from services.ledger.completion import filled
from services.ledger.entries import EntryView, view_entry
from services.ledger.parsing import parse_date_word, parse_time_word
from services.ledger.vocabulary import vocabulary_of
from services.money import parse_amount
from services.scoring import rescoring
from services.timing import day_type_of, time_block_of
from services.wording import one_of

EDITABLE = ("amount", "category", "mode", "context", "necessary", "recurring", "note", "date", "time")
_YES = {"yes", "y", "true", "need", "necessary", "1"}
_NO = {"no", "n", "false", "want", "0"}


def owned_entry(session: Session, user: User, entry_id: int) -> Entry:
    """The person's entry with this id, or NotFound."""
    entry = session.scalar(select(Entry).where(Entry.id == entry_id, Entry.user_id == user.id))
    if entry is None:
        raise NotFound(f"You have no entry #{entry_id}. /recent shows your entries with their ids.")
    return entry


def undo_last(*, session: Session, user: User) -> EntryView:
    """Remove the person's most recently logged entry."""
    entry = session.scalar(select(Entry).where(Entry.user_id == user.id).order_by(Entry.id.desc()).limit(1))
    if entry is None:
        raise NotFound("There is nothing to undo.")
    shown = view_entry(entry, user)
    session.delete(entry)
    return shown


def delete_entry(*, session: Session, user: User, entry_id: int) -> EntryView:
    entry = owned_entry(session, user, entry_id)
    shown = view_entry(entry, user)
    session.delete(entry)
    return shown


def set_verdict(*, session: Session, user: User, entry_id: int, is_leak: bool | None) -> EntryView:
    """Store the person's own call (the models learn from it), or clear it (None): the
    entry's verdict follows at once."""
    entry = owned_entry(session, user, entry_id)
    if entry.type != EntryType.EXPENSE:
        raise LeakBotError(f"Only expenses can be leaks; this is {entry.type}.")
    entry.user_verdict = is_leak
    entry.verdict_at = datetime.now(UTC) if is_leak is not None else None
    rescoring.decide_entry(entry, user)
    return view_entry(entry, user)


def set_category(*, session: Session, user: User, entry_id: int, category: str) -> EntryView:
    """Move an entry to another category of its type (the person's own ones too), taking
    that category's defaults for necessity, context and recurrence, and re-score it."""
    entry = owned_entry(session, user, entry_id)
    kind = EntryType(entry.type)
    vocabulary = vocabulary_of(session, user)
    name = vocabulary.resolve(category, kind)
    if name is None:
        close = closest_categories(category, kind)
        hint = f" Did you mean {one_of(close)}?" if close else ""
        raise ParseError(f"I don't know the {kind.value} category {category!r}.{hint}")
    entry.category = name
    entry.is_necessary, _, entry.is_recurring, entry.context, _ = filled(name, None, None, None, None, None)
    if (need := vocabulary.necessary(name)) is not None:
        entry.is_necessary = need
    rescoring.score_entry(entry, user)
    return view_entry(entry, user)


def edit_entry(*, session: Session, user: User, entry_id: int, field: str, value: str) -> EntryView:
    """Change one field of an entry (see EDITABLE) and re-score it."""
    entry = owned_entry(session, user, entry_id)
    name = {
        "payment_mode": "mode",
        "payment": "mode",
        "is_necessary": "necessary",
        "is_recurring": "recurring",
        "tag": "context",
    }.get(field.casefold(), field.casefold())
    value = value.strip()
    if name not in EDITABLE:
        raise ParseError(f"I can't edit {field!r}. Fields: {', '.join(EDITABLE)}.")
    if name == "category":
        return set_category(session=session, user=user, entry_id=entry_id, category=value)
    if name == "amount":
        entry.amount_minor = parse_amount(value, user.currency)
    elif name == "mode":
        mode = normalise_payment_mode(value)
        if mode is None:
            raise ParseError(
                f"{value!r} is not a payment mode: cash, upi, debit card, credit card or net banking."
            )
        entry.payment_mode = mode
    elif name == "context":
        context = normalise_choice(value.lstrip("#"), CONTEXTS)
        if context is None:
            raise ParseError(f"{value!r} is not a context: {', '.join(CONTEXTS)}.")
        entry.context = context
    elif name in ("necessary", "recurring"):
        word = value.casefold()
        if word not in _YES | _NO:
            raise ParseError(f"{name} takes yes or no, not {value!r}.")
        setattr(entry, "is_necessary" if name == "necessary" else "is_recurring", word in _YES)
    elif name == "note":
        entry.note = value[:NOTE_LENGTH]
    else:
        _move(entry, user, name, value)
    rescoring.score_entry(entry, user)
    return view_entry(entry, user)


def _move(entry: Entry, user: User, name: str, value: str) -> None:
    """Change the local date or time, and with it the UTC time, time block and day type."""
    zone = ZoneInfo(user.timezone)
    local = entry.occurred_at.astimezone(zone)
    if name == "date":
        day = parse_date_word(value, datetime.now(zone).date())  # "yesterday" is the person's
        if day is None:
            raise ParseError(f"{value!r} is not a date: use 2024-05-03, 03-05-2024 or yesterday.")
        moved = datetime.combine(day, local.time(), tzinfo=zone)
    else:
        clock = parse_time_word(value, None)
        if clock is None:
            raise ParseError(f"{value!r} is not a time: use 8pm, 8:30pm or 20:30.")
        at: time = clock[0]
        moved = datetime.combine(local.date(), at, tzinfo=zone)
    entry.occurred_at = moved
    entry.local_date = moved.date()
    entry.time_block = time_block_of(moved.hour)
    entry.day_type = day_type_of(moved.date())
