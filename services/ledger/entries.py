"""A person's entries: log one from a message (once per message), list them, describe them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from db import repositories as repo
from db.base import utcnow
from db.models import Entry, User
from services.catalog import EntryType
from services.ledger.completion import complete_one
from services.ledger.parsing import ParsedEntry, parse_entry
from services.ledger.people import profile_of
from services.ledger.vocabulary import Vocabulary, vocabulary_of
from services.scoring.rules import rule_codes
from services.timing import DATE_ONLY_HOUR, local_datetime

# A time given without a date that lies this far in the future means "yesterday at that time".
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry as every door shows it: its fields, the rules' verdict and the person's own."""

    id: int
    type: EntryType
    category: str
    amount_minor: int
    currency: str
    payment_mode: str
    context: str
    time_block: str
    day_type: str
    local_date: date
    local_time: time
    note: str
    score: int | None  # the six-rule score; None for income and savings
    leak_threshold: int
    rules: tuple[str, ...]  # codes of the rules that fired, in table order
    is_leak: bool | None  # the effective verdict (services/scoring/verdicts.py)
    user_verdict: bool | None = None  # the person's own call, from the Leak / Not a leak buttons
    model_probability: float | None = None  # P(leak) from the model that speaks for the person
    decided_by: str | None = None  # who gave is_leak: verdicts.DECIDERS
    rule_leak: bool | None = None  # the rule's own verdict (score >= threshold)
    is_necessary: bool | None = None
    is_recurring: bool | None = None
    source: str = ""  # chat or csv (a file)


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    entry: EntryView
    created: bool  # False when this message had been stored before (a re-delivery)
    # The stored entry's values, for follow-ups in the same transaction (alerts, pace); a new
    # entry's object is not attached to the session: change it through queries, not here.
    row: Entry
    parsed: ParsedEntry | None = None  # what the line said (its unknown word, for the buttons)


def resolve_local_datetime(parsed: ParsedEntry, *, now: datetime, timezone: str) -> datetime:
    """The naive local wall-clock time an entry happened at."""
    local_now = local_datetime(now, timezone).replace(tzinfo=None)
    if parsed.on_date is None and parsed.at_time is None:
        return local_now.replace(microsecond=0)
    if parsed.on_date is None:
        assert parsed.at_time is not None
        moment = datetime.combine(local_now.date(), parsed.at_time)
        return moment - timedelta(days=1) if moment > local_now + FUTURE_TOLERANCE else moment
    at = parsed.at_time or (
        local_now.time().replace(microsecond=0)
        if parsed.on_date == local_now.date()
        else time(DATE_ONLY_HOUR)
    )
    return datetime.combine(parsed.on_date, at)


def log_entry(
    *, session: Session, user: User, parsed: ParsedEntry, now: datetime, source_ref: str
) -> LoggedEntry:
    """Store one entry from chat (once per source_ref) and return it scored."""
    fields = {
        "type": parsed.type.value,
        "category": parsed.category,
        "amount_minor": parsed.amount_minor,
        "local_dt": resolve_local_datetime(parsed, now=now, timezone=user.timezone),
        "is_necessary": parsed.is_necessary,
        "payment_mode": parsed.payment_mode,
        "is_recurring": parsed.is_recurring,
        "context": parsed.context,
        "note": parsed.note,
    }
    values = {
        "user_id": user.id,
        "source": "chat",
        "source_ref": source_ref,
        "created_at": utcnow(),
        **complete_one(fields, profile=profile_of(user)),
    }
    entry_id = repo.add_entry_once(session, **values)
    if entry_id is None:  # this message was stored before: a re-delivery
        existing = repo.entry_by_ref(session, user.id, source_ref)
        assert existing is not None
        return LoggedEntry(entry=view_entry(existing, user), created=False, row=existing)
    entry = Entry(id=entry_id, **values)  # what was stored, without loading it back
    return LoggedEntry(entry=view_entry(entry, user), created=True, row=entry)


def log_text(
    *,
    session: Session,
    user: User,
    text: str,
    now: datetime,
    source_ref: str,
    vocabulary: Vocabulary | None = None,
    amount_choice: int | None = None,
) -> LoggedEntry:
    """Parse one line in the person's own time zone, currency and words, then log it (once
    per source_ref). A custom category brings its own necessity."""
    own = vocabulary if vocabulary is not None else vocabulary_of(session, user)
    parsed = parse_entry(
        text,
        today=local_datetime(now, user.timezone).date(),
        currency=user.currency,
        words=own.words() or None,
        amount_choice=amount_choice,
    )
    if parsed.is_necessary is None and (need := own.necessary(parsed.category)) is not None:
        parsed = replace(parsed, is_necessary=need)
    return replace(
        log_entry(session=session, user=user, parsed=parsed, now=now, source_ref=source_ref), parsed=parsed
    )


def view_entry(entry: Entry, user: User) -> EntryView:
    """The entry as data, in the person's own time zone and currency."""
    local = local_datetime(entry.occurred_at, user.timezone)
    scored = entry.type == EntryType.EXPENSE.value
    return EntryView(
        id=entry.id,
        type=EntryType(entry.type),
        category=entry.category,
        amount_minor=entry.amount_minor,
        currency=user.currency,
        payment_mode=entry.payment_mode,
        context=entry.context,
        time_block=entry.time_block,
        day_type=entry.day_type,
        local_date=entry.local_date,
        local_time=local.time().replace(second=0, microsecond=0, tzinfo=None),
        note=entry.note,
        score=entry.leakage_score if scored else None,
        leak_threshold=user.leak_threshold,
        rules=rule_codes(entry.leak_rules),
        is_leak=entry.is_leak,
        user_verdict=entry.user_verdict,
        model_probability=entry.model_probability,
        decided_by=entry.decided_by,
        rule_leak=entry.rule_leak,
        is_necessary=entry.is_necessary,
        is_recurring=entry.is_recurring,
        source=entry.source,
    )


def recent(*, session: Session, user: User, limit: int = 10) -> list[EntryView]:
    """The person's latest entries, newest first."""
    return [view_entry(e, user) for e in repo.recent_entries(session, user.id, limit)]
