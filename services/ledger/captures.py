"""Entries from what a person forwards or photographs (services/capture/proposal.py).

- **A sure alert** (a known bank's or app's debit or credit) is stored at once: a debit as an
  expense (a transfer for ATM cash or a card bill), a credit as income, a reversal as a
  refund of the spend it reverses. Its reference (UTR, UPI ref) is kept on the entry, so
  the same payment forwarded again, or arriving later in a statement, is not stored twice.
- **Anything else** (an unknown bank's alert, every photo) waits as a PendingCapture until
  the person confirms it; nothing is stored before Confirm, and a confirm pressed twice
  stores it once (the entry is keyed by the capture).
- The category comes from the payee: the person's taught words and own categories first,
  then the catalogue's words and keywords; none found leaves it under Other, to be taught.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry, PendingCapture, User
from services.capture.proposal import Proposal
from services.catalog import CATEGORIES, OTHER_CATEGORY, EntryType, alias_table, normalise_payment_mode
from services.errors import LeakBotError, NotFound
from services.ledger.entries import LoggedEntry, log_entry, view_entry
from services.ledger.parsing import ParsedEntry
from services.ledger.vocabulary import Vocabulary, vocabulary_of
from services.timing import local_datetime

if TYPE_CHECKING:
    import pandas as pd

REVERSAL_WINDOW = timedelta(days=45)  # a reversal names a spend at most this old
_WORD = re.compile(r"[^\W\d_]+")


def category_of(payee: str | None, kind: EntryType, vocabulary: Vocabulary) -> str | None:
    """The category a payee's name says (`Swiggy` -> Dining Out), or None."""
    if not payee:
        return None
    text = payee.casefold()
    words = _WORD.findall(text)
    if kind in (EntryType.EXPENSE, EntryType.REFUND):
        for word in words:
            if (found := vocabulary.resolve(word, kind)) is not None and found not in OTHER_CATEGORY.values():
                return found
    else:
        table = alias_table(kind)
        found = next((table[w] for w in words if w in table), None)
        if found is not None and found not in OTHER_CATEGORY.values():
            return found
    padded = f" {' '.join(words)} "
    catalogue = EntryType.EXPENSE if kind is EntryType.REFUND else kind
    for category in CATEGORIES:
        if category.type is catalogue and any(
            k.strip() and f" {k.strip()}" in padded for k in category.keywords
        ):
            return category.name
    return None


def _parsed(proposal: Proposal, vocabulary: Vocabulary, today: date) -> ParsedEntry:
    """The entry a proposal describes (see the module's rules)."""
    kind = (
        EntryType.TRANSFER
        if proposal.transfer
        else EntryType.REFUND
        if proposal.reversal
        else EntryType.INCOME
        if proposal.direction == "credit"
        else EntryType.EXPENSE
    )
    category = proposal.transfer or category_of(proposal.payee, kind, vocabulary)
    unknown = None
    if category is None:
        category = OTHER_CATEGORY[kind]
        unknown = next(iter(_WORD.findall((proposal.payee or "").casefold())), None)
    on_date = proposal.on_date if proposal.on_date and proposal.on_date <= today else None
    note = " · ".join(
        part
        for part in (
            proposal.payee,
            proposal.source if proposal.source not in ("", "generic", "receipt") else None,
            f"a/c {proposal.account_tail}" if proposal.account_tail else None,
        )
        if part
    )
    mode = normalise_payment_mode(proposal.payment_mode) if proposal.payment_mode else None
    return ParsedEntry(
        type=kind,
        amount_minor=proposal.amount_minor,
        category=category,
        payment_mode=mode,
        is_necessary=vocabulary.necessary(category),
        on_date=on_date,
        at_time=proposal.at_time if on_date is not None or proposal.on_date is None else None,
        note=note,
        unknown_word=unknown if kind is EntryType.EXPENSE else None,
    )


REVERSAL_PREFIX = "rev:"  # a reversal's own reference, told from the spend's it gives back


def _reference_key(proposal: Proposal) -> str | None:
    """What an entry from this proposal is known by: its reference, marked for a reversal
    (a bank reuses the spend's reference on the credit that reverses it)."""
    if not proposal.reference:
        return None
    return ((REVERSAL_PREFIX if proposal.reversal else "") + proposal.reference)[:64]


def _same_reference(session: Session, user: User, reference: str | None) -> Entry | None:
    if not reference:
        return None
    return session.scalar(
        select(Entry).where(Entry.user_id == user.id, Entry.reference == reference[:64]).limit(1)
    )


def _reversed_spend(session: Session, user: User, proposal: Proposal, today: date) -> Entry | None:
    """The spend a reversal gives back: the same reference, else the latest expense of the
    same amount in the last REVERSAL_WINDOW."""
    query = select(Entry).where(
        Entry.user_id == user.id,
        Entry.type == EntryType.EXPENSE.value,
        Entry.amount_minor == proposal.amount_minor,
        Entry.local_date >= today - REVERSAL_WINDOW,
    )
    return session.scalar(query.order_by(Entry.occurred_at.desc()).limit(1))


def log_proposal(
    *, session: Session, user: User, proposal: Proposal, now: datetime, source_ref: str
) -> LoggedEntry:
    """Store what an alert or a confirmed photo said, once per source_ref and per reference."""
    if proposal.currency.upper() != user.currency.upper():
        raise LeakBotError(
            f"That payment is in {proposal.currency}, but your ledger is in {user.currency}; "
            "log it by hand in your currency."
        )
    key = _reference_key(proposal)
    known = _same_reference(session, user, key)
    if known is not None:  # the same payment, forwarded again or imported before
        return LoggedEntry(entry=view_entry(known, user), created=False, row=known)
    today = local_datetime(now, user.timezone).date()
    vocabulary = vocabulary_of(session, user)
    parsed = _parsed(proposal, vocabulary, today)
    if proposal.reversal:
        spend = _same_reference(session, user, proposal.reference) or _reversed_spend(
            session, user, proposal, today
        )
        if spend is not None and spend.type == EntryType.EXPENSE.value:
            parsed = replace(parsed, category=spend.category, unknown_word=None)
    logged = log_entry(session=session, user=user, parsed=parsed, now=now, source_ref=source_ref)
    if logged.created and key:
        session.execute(Entry.__table__.update().where(Entry.id == logged.entry.id).values(reference=key))
    return replace(logged, parsed=parsed)


# --- captures waiting for Confirm ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Pending:
    id: int
    proposal: Proposal
    category: str  # where Confirm would put it
    currency: str


def _to_json(proposal: Proposal) -> dict[str, object]:
    data = asdict(proposal)
    data["on_date"] = proposal.on_date.isoformat() if proposal.on_date else None
    data["at_time"] = proposal.at_time.strftime("%H:%M") if proposal.at_time else None
    return data


def _from_json(data: dict[str, object]) -> Proposal:
    fields = dict(data)
    fields["on_date"] = date.fromisoformat(str(data["on_date"])) if data.get("on_date") else None
    fields["at_time"] = time.fromisoformat(str(data["at_time"])) if data.get("at_time") else None
    names = set(Proposal.__dataclass_fields__)
    return Proposal(**{k: v for k, v in fields.items() if k in names})  # type: ignore[arg-type]


def keep_pending(
    *, session: Session, user: User, proposal: Proposal, source_ref: str, now: datetime
) -> Pending:
    """Hold a proposal until the person confirms it (once per source_ref)."""
    found = session.scalar(
        select(PendingCapture).where(
            PendingCapture.user_id == user.id, PendingCapture.source_ref == source_ref
        )
    )
    if found is None:
        found = PendingCapture(user_id=user.id, source_ref=source_ref, proposal=_to_json(proposal))
        session.add(found)
        session.flush()
    return _view(session, user, found, now)


def _view(session: Session, user: User, found: PendingCapture, now: datetime) -> Pending:
    proposal = _from_json(found.proposal)
    return Pending(
        found.id,
        proposal,
        category_for(session=session, user=user, proposal=proposal, now=now),
        user.currency,
    )


def category_for(*, session: Session, user: User, proposal: Proposal, now: datetime) -> str:
    """Where a proposal would be logged."""
    today = local_datetime(now, user.timezone).date()
    return _parsed(proposal, vocabulary_of(session, user), today).category


def _owned_pending(session: Session, user: User, pending_id: int) -> PendingCapture | None:
    return session.scalar(
        select(PendingCapture).where(PendingCapture.id == pending_id, PendingCapture.user_id == user.id)
    )


def confirm_pending(*, session: Session, user: User, pending_id: int, now: datetime) -> LoggedEntry:
    """Store a held proposal as an entry; pressed again, it finds the entry stored before."""
    ref = f"capture:{pending_id}"
    found = _owned_pending(session, user, pending_id)
    if found is None:
        stored = session.scalar(select(Entry).where(Entry.user_id == user.id, Entry.source_ref == ref))
        if stored is None:
            raise NotFound("That capture was cancelled or isn't yours.")
        return LoggedEntry(entry=view_entry(stored, user), created=False, row=stored)
    proposal = _from_json(found.proposal)
    session.delete(found)
    return log_proposal(session=session, user=user, proposal=proposal, now=now, source_ref=ref)


def drop_pending(*, session: Session, user: User, pending_id: int, now: datetime) -> Pending:
    """Forget a held proposal (Cancel, or Edit: the person sends it corrected)."""
    found = _owned_pending(session, user, pending_id)
    if found is None:
        raise NotFound("That capture was already confirmed or cancelled.")
    shown = _view(session, user, found, now)
    session.delete(found)
    return shown


def alerted(session: Session, user: User, rows: pd.DataFrame) -> pd.Series:
    """Which statement rows are payments the person already logged from a forwarded alert:
    the alert's reference appears in the row's reference or description, for the same amount."""
    import pandas as pd

    logged = session.execute(
        select(Entry.reference, Entry.amount_minor).where(
            Entry.user_id == user.id, Entry.source == "chat", Entry.reference.is_not(None)
        )
    ).all()
    found = pd.Series(False, index=rows.index)
    if not logged or rows.empty:
        return found
    text = rows["note"].fillna("").astype(str)
    if "ref" in rows:
        text = rows["ref"].fillna("").astype(str) + " " + text
    for reference, amount in logged:
        bare = reference.removeprefix(REVERSAL_PREFIX) if reference else ""
        if len(bare) >= 6:
            found |= text.str.contains(re.escape(bare), regex=True) & (rows["amount_minor"] == amount)
    return found
