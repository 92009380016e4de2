"""Logging spends and fixing them: log a message, list, undo, delete, edit, give a verdict,
move to another category."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.capture.alerts import looks_like_alert, read_alert
from services.capture.proposal import NotASpend
from services.catalog import OTHER_CATEGORY, EntryType, categories_of
from services.errors import LeakBotError, ParseError
from services.insights import budgets, habits
from services.insights.budgets import Alert
from services.insights.habits import Pace, Unusual
from services.learning.serving import ModelService
from services.ledger import captures, corrections
from services.ledger import entries as ledger
from services.ledger.captures import Pending
from services.ledger.entries import EntryView
from services.ledger.parsing import AmountChoice, entry_lines
from services.ledger.vocabulary import add_category, teach_word, vocabulary_of, word_of
from services.scoring import rescoring
from services.timing import local_datetime

RECENT_DEFAULT, RECENT_MAX = 10, 50
OTHER_NAMES = frozenset(OTHER_CATEGORY.values())  # the catch-alls an unknown word lands in


@dataclass(frozen=True, slots=True)
class Logged:
    """A logged entry with everything a reply says about it."""

    entry: EntryView  # with the model's probability when a model speaks for the person
    created: bool  # False: this message was stored before (a re-delivery), nothing new happened
    pace: Pace | None = None  # for a leak: its category this month, in a year's terms
    unusual: Unusual | None = None  # far above the person's usual amount in the category
    alerts: tuple[Alert, ...] = ()  # budgets this entry took past 80% or 100%
    # The line named no category: it is under Other; the word and the closest categories
    # (the reply offers them as buttons, and the pick is remembered for the word).
    unknown_word: str | None = None
    suggestions: tuple[str, ...] = ()

    @property
    def uncategorised(self) -> bool:
        return self.entry.category in OTHER_NAMES and self.created


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a message and what became of it: logged, asked about, or refused."""

    number: int  # 1-based, in the message
    text: str
    logged: Logged | None = None
    problem: str | None = None  # why nothing was stored for it
    choices: tuple[int, ...] = ()  # two numbers competed: the amounts to pick from


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """What became of a message: its lines; or, for a forwarded bank or UPI alert, the entry
    it made (lines[0], the alert's sender in alert_from), the capture waiting for Confirm, or
    why it is no spend."""

    lines: tuple[Line, ...]
    currency: str
    alert_from: str | None = None  # a sure alert: who sent it ("HDFC Bank")
    pending: Pending | None = None  # an unknown sender's alert: held until Confirm
    not_a_spend: str | None = None  # "an OTP", "a failed payment", ...

    @property
    def logged(self) -> tuple[Logged, ...]:
        return tuple(line.logged for line in self.lines if line.logged is not None)


def log_message(
    *,
    session: Session,
    person: User,
    text: str,
    now: datetime,
    source_ref: str,
    models: ModelService,
    pick: tuple[int, int] | None = None,
) -> LoggedMessage:
    """Log every line of a message as its own entry (once per message and line); a bad line
    says why and the others are stored. pick = (line number, choice) answers the question
    a line with two numbers raised: that line alone is logged, with the amount picked."""
    if pick is None and looks_like_alert(text):
        alert = _log_alert(session, person, text, now, source_ref, models)
        if alert is not None:
            return alert
    lines = entry_lines(text)
    if not lines:
        raise ParseError("Send an amount and what it was for, e.g. chai 20.")
    vocabulary = vocabulary_of(session, person)
    results: list[Line] = []
    for number, line in enumerate(lines, 1):
        if pick is not None and pick[0] != number:
            continue
        ref = source_ref if len(lines) == 1 else f"{source_ref}/{number}"
        try:
            logged = ledger.log_text(
                session=session,
                user=person,
                text=line,
                now=now,
                source_ref=ref,
                vocabulary=vocabulary,
                amount_choice=pick[1] if pick else None,
            )
        except AmountChoice as asked:
            results.append(Line(number, line, choices=asked.choices, problem=str(asked)))
            continue
        except ParseError as exc:
            results.append(Line(number, line, problem=str(exc)))
            continue
        results.append(Line(number, line, logged=followed_up(session, person, logged, models)))
    return LoggedMessage(tuple(results), person.currency)


def _log_alert(
    session: Session, person: User, text: str, now: datetime, source_ref: str, models: ModelService
) -> LoggedMessage | None:
    """A forwarded alert: a known sender's is stored (once per reference), an unknown one's
    waits for Confirm, a message that moved no money says so. None: not an alert after all."""
    reading = read_alert(text, today=local_datetime(now, person.timezone).date())
    if reading is None:
        return None
    if isinstance(reading, NotASpend):
        return LoggedMessage((), person.currency, not_a_spend=reading.reason)
    if not reading.sure:
        pending = captures.keep_pending(
            session=session, user=person, proposal=reading, source_ref=source_ref, now=now
        )
        return LoggedMessage((), person.currency, pending=pending)
    logged = captures.log_proposal(
        session=session, user=person, proposal=reading, now=now, source_ref=source_ref
    )
    line = Line(1, text, logged=followed_up(session, person, logged, models))
    return LoggedMessage((line,), person.currency, alert_from=reading.source)


def log_text(
    *, session: Session, person: User, text: str, now: datetime, source_ref: str, models: ModelService
) -> Logged:
    """Log one entry the way a line says it (`250 dining upi`), once per source_ref."""
    logged = ledger.log_text(session=session, user=person, text=text, now=now, source_ref=source_ref)
    return followed_up(session, person, logged, models)


def followed_up(session: Session, person: User, logged: ledger.LoggedEntry, models: ModelService) -> Logged:
    """The model's verdict on a new expense, and what logging it found (pace, budgets)."""
    parsed = logged.parsed
    asked = (
        (parsed.unknown_word, parsed.suggestions) if parsed and parsed.category in OTHER_NAMES else (None, ())
    )
    if not logged.created:
        return Logged(logged.entry, created=False)
    row, view = logged.row, logged.entry
    if row.type != EntryType.EXPENSE:
        return Logged(view, created=True, unknown_word=asked[0], suggestions=asked[1])
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
        unknown_word=asked[0],
        suggestions=asked[1],
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


def edit_entry(
    *,
    session: Session,
    person: User,
    entry_id: int,
    field: str,
    value: str,
    models: ModelService | None = None,
) -> EntryView:
    """Change one field of an entry (amount, category, mode, ...), re-score it and, when a
    model speaks for the person, re-serve it (its features changed with it)."""
    shown = corrections.edit_entry(session=session, user=person, entry_id=entry_id, field=field, value=value)
    return _reserved(session, person, shown, models)


def _reserved(session: Session, person: User, shown: EntryView, models: ModelService | None) -> EntryView:
    """The entry as it is once the serving model has decided it again (an expense, when one serves)."""
    if models is None or shown.type is not EntryType.EXPENSE:
        return shown
    session.flush()  # the model reads the changed entry with the connection, not the ORM
    if not models.predict_entries(session, person, [shown.id]):
        return shown
    entry = corrections.owned_entry(session, person, shown.id)
    session.refresh(entry)  # its probability and verdict were written with the connection
    return ledger.view_entry(entry, person)


def record_verdict(*, session: Session, person: User, entry_id: int, is_leak: bool | None) -> EntryView:
    """Store the person's own call on an expense (Leak / Not a leak; None clears it)."""
    return corrections.set_verdict(session=session, user=person, entry_id=entry_id, is_leak=is_leak)


@dataclass(frozen=True, slots=True)
class CategoryMenu:
    entry: EntryView
    categories: tuple[str, ...]  # the categories an entry of its type can move to, in order
    word: str | None = None  # an entry under Other: the word a pick will be remembered for


def category_menu(*, session: Session, person: User, entry_id: int) -> CategoryMenu:
    """The entry and the categories it can move to (the person's own ones too)."""
    entry = ledger.view_entry(corrections.owned_entry(session, person, entry_id), person)
    vocabulary = vocabulary_of(session, person)
    if entry.type in (EntryType.EXPENSE, EntryType.REFUND):
        names = vocabulary.expense_categories()
    else:
        names = tuple(c.name for c in categories_of(entry.type))
    word = word_of(entry.note) if entry.category in OTHER_NAMES else None
    return CategoryMenu(entry, names, word)


@dataclass(frozen=True, slots=True)
class Moved:
    entry: EntryView
    taught: str | None = None  # the word now remembered for the entry's new category


def pick_category(
    *, session: Session, person: User, entry_id: int, index: int, models: ModelService | None = None
) -> Moved:
    """Move an entry to the index-th category of its category_menu and re-score it; moved
    out of Other, its word is remembered for that category (`sabzi` -> Groceries)."""
    menu = category_menu(session=session, person=person, entry_id=entry_id)
    if not 0 <= index < len(menu.categories):
        raise LeakBotError("That is not one of the categories I offered.")
    return move_to(
        session=session, person=person, entry_id=entry_id, category=menu.categories[index], models=models
    )


def move_to(
    *, session: Session, person: User, entry_id: int, category: str, models: ModelService | None = None
) -> Moved:
    """Move an entry to a category by name (re-scored, and re-served when a model speaks for
    the person); out of Other, its word is remembered for it."""
    entry = corrections.owned_entry(session, person, entry_id)
    word, before = word_of(entry.note), entry.category
    shown = corrections.set_category(session=session, user=person, entry_id=entry_id, category=category)
    shown = _reserved(session, person, shown, models)
    taught = before in OTHER_NAMES and shown.category not in OTHER_NAMES and shown.type is EntryType.EXPENSE
    if not (taught and word):
        return Moved(shown)
    teach_word(session=session, user=person, word=word, category=shown.category)
    return Moved(shown, word)


def new_category_for(
    *, session: Session, person: User, entry_id: int, necessary: bool, models: ModelService | None = None
) -> Moved:
    """Make a category named after the word of an entry under Other (`sabzi` -> Sabzi) and
    move the entry there; the word is remembered for it."""
    entry = corrections.owned_entry(session, person, entry_id)
    word = word_of(entry.note)
    if word is None:
        raise LeakBotError("This entry has no word to name a category after; use /category add NAME need.")
    name = add_category(session=session, user=person, name=word, necessary=necessary)
    return move_to(session=session, person=person, entry_id=entry_id, category=name, models=models)
