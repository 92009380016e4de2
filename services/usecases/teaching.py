"""Teaching LeakBot the person's idea of a leak: the "Leak or not?" questions.

/teach asks a round of ROUND; a daily card (at most one a day, after a logged spend or at
the end of the weekly digest) asks one when it is useful. Which entries are asked about is
services/learning/asking.py's choice; an answer is recorded as the entry's own Leak / Not a
leak buttons record it (services/usecases/entries.py record_verdict), ownership included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db.models import User
from services.errors import LeakBotError
from services.learning.asking import ROUND, questions_for
from services.ledger import corrections
from services.ledger import entries as ledger
from services.ledger.entries import EntryView
from services.timing import local_today
from services.usecases.entries import record_verdict

# A daily card is sent only for a question worth at least this (asking.py: uncertainty +
# novelty, each 0..1, + likeness to a leak while leaks are few). 1.0 is a spend whose every
# side is new to the person's verdicts, or a near coin-flip on sides judged once or twice:
# there an answer still changes what the model knows; below it the model is fairly sure, and
# the person is not bothered. /teach asks anyway.
USEFUL_PRIORITY = 1.0
# Nor in the person's first NEWCOMER_DAYS with LeakBot: their first days are for logging
# (and importing), not for being quizzed; by then there are habits worth asking about.
NEWCOMER_DAYS = 7


@dataclass(frozen=True, slots=True)
class Card:
    """One "Leak or not?" question: the entry as it stands, and its place in the round."""

    entry: EntryView
    number: int = 1  # 1-based
    of: int = 1  # the round's size (1: the daily card)


@dataclass(frozen=True, slots=True)
class Answered:
    entry: EntryView  # after the answer
    recorded: bool  # False: the entry had been judged meanwhile; its verdict stands
    number: int  # the card answered
    of: int
    next: Card | None  # the round's next card; None: the round is over


def questions(*, session: Session, person: User, now: datetime, limit: int = ROUND) -> tuple[EntryView, ...]:
    """The entries the person's verdicts would teach the most, best first (nothing changes)."""
    today = local_today(now, person.timezone)
    chosen = questions_for(session=session, user=person, today=today, limit=limit)
    return tuple(_view(session, person, q.entry_id) for q in chosen)


def start_round(*, session: Session, person: User, now: datetime) -> Card | None:
    """The first card of a /teach round, or None when there is nothing to ask. A round
    counts as the day's card: no daily card follows it the same day."""
    first = questions(session=session, person=person, now=now, limit=1)
    if not first:
        return None
    person.asked_on = local_today(now, person.timezone)
    return Card(first[0], 1, ROUND)


def daily_card(*, session: Session, person: User, now: datetime) -> Card | None:
    """The day's one card, when it is due (ask on, none looked for today, past the first
    week) and useful (a question of USEFUL_PRIORITY or more). The questions are looked for
    once a day: after that the day is used up, card or not, so later spends that day cost
    no look through the person's history."""
    today = local_today(now, person.timezone)
    if not person.ask_enabled or person.asked_on == today:
        return None
    if person.created_at is not None and now - person.created_at < timedelta(days=NEWCOMER_DAYS):
        return None
    person.asked_on = today
    best = questions_for(session=session, user=person, today=today, limit=1)
    if not best or best[0].worth < USEFUL_PRIORITY:
        return None
    return Card(_view(session, person, best[0].entry_id))


def answer(
    *, session: Session, person: User, now: datetime, entry_id: int, is_leak: bool, number: int, of: int
) -> Answered:
    """Record the answer to card `number` of `of` as the entry's Leak / Not a leak would (not
    the person's entry: NotFound, nothing changes); an entry judged meanwhile keeps its
    verdict. Then the round's next card, if any is left."""
    if not 1 <= number <= of <= ROUND:
        raise LeakBotError("That question is not one I asked.")
    entry = corrections.owned_entry(session, person, entry_id)
    recorded = entry.user_verdict is None
    shown = (
        record_verdict(session=session, person=person, entry_id=entry_id, is_leak=is_leak)
        if recorded
        else ledger.view_entry(entry, person)
    )
    following = None
    if number < of:
        after = questions(session=session, person=person, now=now, limit=1)
        following = Card(after[0], number + 1, of) if after else None
    return Answered(shown, recorded, number, of, following)


def stop_round(*, session: Session, person: User, entry_id: int) -> EntryView:
    """Stop a round at the card about entry_id (the person's own card: else NotFound)."""
    return ledger.view_entry(corrections.owned_entry(session, person, entry_id), person)


def _view(session: Session, person: User, entry_id: int) -> EntryView:
    return ledger.view_entry(corrections.owned_entry(session, person, entry_id), person)
