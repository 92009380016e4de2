"""After a statement import: which spends logged in chat are probably the same money as an
imported bank row? Nothing merges unless the person taps Merge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.catalog import OTHER_CATEGORY, EntryType
from services.errors import NotFound
from services.ledger.corrections import owned_entry
from services.ledger.entries import EntryView, view_entry
from services.scoring import rescoring

MATCH_DAYS = 2
MAX_OFFERS = 10
AMOUNTS_PER_QUERY = 500


def _compatible(chat: Entry, imported: Entry) -> bool:
    generic = OTHER_CATEGORY[EntryType(imported.type)]
    return chat.type == imported.type and imported.category in (chat.category, generic)


def possible_duplicates(*, session: Session, user: User, import_id: int) -> list[tuple[EntryView, EntryView]]:
    """Pairs (chat entry, imported entry): same type and amount, dates within MATCH_DAYS days,
    compatible category (the same, or the statement's generic Other). Each entry pairs once."""
    of_import = (Entry.user_id == user.id, Entry.import_id == import_id)
    start, end = session.execute(
        select(func.min(Entry.local_date), func.max(Entry.local_date)).where(*of_import)
    ).one()
    if start is None:
        return []
    chats = list(
        session.scalars(
            select(Entry)
            .where(
                Entry.user_id == user.id,
                Entry.source == "chat",
                Entry.local_date >= start - timedelta(days=MATCH_DAYS),
                Entry.local_date <= end + timedelta(days=MATCH_DAYS),
            )
            .order_by(Entry.local_date, Entry.id)
        )
    )
    # Only rows of a chat spend's amount can match: a 200,000-row import is not loaded whole.
    amounts = sorted({chat.amount_minor for chat in chats})
    imported: list[Entry] = []
    for first in range(0, len(amounts), AMOUNTS_PER_QUERY):
        imported.extend(
            session.scalars(
                select(Entry).where(
                    *of_import, Entry.amount_minor.in_(amounts[first : first + AMOUNTS_PER_QUERY])
                )
            )
        )
    imported.sort(key=lambda e: (e.local_date, e.id))
    pairs: list[tuple[EntryView, EntryView]] = []
    taken: set[int] = set()
    for chat in chats:
        for row in imported:
            if (
                row.id not in taken
                and row.amount_minor == chat.amount_minor
                and _compatible(chat, row)
                and abs((row.local_date - chat.local_date).days) <= MATCH_DAYS
            ):
                taken.add(row.id)
                pairs.append((view_entry(chat, user), view_entry(row, user)))
                break
        if len(pairs) >= MAX_OFFERS:
            break
    return pairs


def merge(*, session: Session, user: User, chat_id: int, imported_id: int) -> EntryView:
    """Keep the statement row (its reference stops a re-import) with what the person said in
    chat: category, payment mode, context, necessity, recurrence, note and time of day."""
    chat = owned_entry(session, user, chat_id)
    row = owned_entry(session, user, imported_id)
    if chat.source != "chat" or row.source != "csv" or not _compatible(chat, row):
        raise NotFound("Those two entries can't be merged.")
    for name in (
        "category",
        "payment_mode",
        "context",
        "is_necessary",
        "is_recurring",
        "time_block",
        "day_type",
    ):
        setattr(row, name, getattr(chat, name))
    row.note = chat.note or row.note
    row.occurred_at = chat.occurred_at
    row.local_date = chat.local_date
    if chat.user_verdict is not None:
        row.user_verdict = chat.user_verdict
        row.verdict_at = chat.verdict_at
    session.delete(chat)
    rescoring.score_entry(row, user)
    return view_entry(row, user)
