"""Photos and held captures: read a receipt or payment screenshot, then Confirm, Edit or
Cancel what it proposes (an unknown bank's alert waits the same way)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.models import User
from services.capture.proposal import Proposal
from services.catalog import OTHER_CATEGORY
from services.learning.serving import ModelService
from services.ledger import captures
from services.ledger.captures import Pending
from services.money import format_money
from services.usecases.entries import Logged, followed_up


@dataclass(frozen=True, slots=True)
class PhotoReading:
    proposal: Proposal
    scaled_from: tuple[int, int] | None = None  # (width, height) of an image scaled down to read it


def read_photo(*, data: bytes, today: date) -> PhotoReading:
    """What a photo of a receipt or a payment screen says (OCR, offline; a second or two of
    CPU: doors run it off their event loop). Raises ImageRefused saying why it can't."""
    from services.capture.receipts import MAX_SIDE_PX, image_size, read_image

    proposal = read_image(data, today=today)
    size = image_size(data)
    return PhotoReading(proposal, size if size and max(size) > MAX_SIDE_PX else None)


def propose(*, session: Session, person: User, proposal: Proposal, source_ref: str, now: datetime) -> Pending:
    """Hold what a photo said until the person confirms it (once per photo)."""
    return captures.keep_pending(
        session=session, user=person, proposal=proposal, source_ref=source_ref, now=now
    )


def category_for(*, session: Session, person: User, proposal: Proposal, now: datetime) -> str:
    """The category a proposal would be logged under."""
    return captures.category_for(session=session, user=person, proposal=proposal, now=now)


def log_capture(
    *,
    session: Session,
    person: User,
    proposal: Proposal,
    source_ref: str,
    now: datetime,
    models: ModelService,
) -> Logged:
    """Store what a photo said at once (`leakbot scan --yes`), once per source_ref."""
    logged = captures.log_proposal(
        session=session, user=person, proposal=proposal, now=now, source_ref=source_ref
    )
    return followed_up(session, person, logged, models)


def confirm_capture(
    *, session: Session, person: User, pending_id: int, now: datetime, models: ModelService
) -> Logged:
    """Store a held capture as an entry (pressed twice, stored once)."""
    logged = captures.confirm_pending(session=session, user=person, pending_id=pending_id, now=now)
    return followed_up(session, person, logged, models)


def cancel_capture(*, session: Session, person: User, pending_id: int, now: datetime) -> Pending:
    """Forget a held capture; nothing was stored."""
    return captures.drop_pending(session=session, user=person, pending_id=pending_id, now=now)


def edit_capture(*, session: Session, person: User, pending_id: int, now: datetime) -> str:
    """Forget a held capture and give it back as a line to correct and send (`250 chai
    point upi 03-12-2026`), which logs like any typed line."""
    held = captures.drop_pending(session=session, user=person, pending_id=pending_id, now=now)
    return typed_line(held)


def typed_line(held: Pending) -> str:
    """A held capture as the line a person would type for it."""
    p = held.proposal
    amount = format_money(p.amount_minor, held.currency).replace(",", "")
    parts = [
        amount.lstrip("₹$€£") if amount[:1] in "₹$€£" else amount,
        "" if held.category in OTHER_CATEGORY.values() else held.category.lower(),
        p.payee or "",
        {
            "UPI": "upi",
            "Cash": "cash",
            "Debit Card": "card",
            "Credit Card": "credit card",
            "Net Banking": "neft",
        }.get(p.payment_mode or "", ""),
        f"{p.on_date:%d-%m-%Y}" if p.on_date else "",
        p.at_time.strftime("%H:%M") if p.at_time else "",
    ]
    return " ".join(part for part in parts if part)
