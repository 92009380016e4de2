"""The weekly digest's scheduler: who is due, the claim that sends each digest once, what it
says, and how delivery went. Each step runs in its own transaction at the door, so a claim is
committed before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db.models import User
from services.reporting import schedule
from services.usecases.reports import digest_for_week

if TYPE_CHECKING:
    from services.reporting.digest import WeeklyDigest
    from services.usecases.teaching import Card


@dataclass(frozen=True, slots=True)
class DueDigest:
    user_id: int
    chat_id: int
    week_ending: date


def due_digests(*, session: Session, now: datetime) -> tuple[DueDigest, ...]:
    """Digests due now and not claimed yet."""
    return tuple(
        DueDigest(d.user.id, d.user.chat_id or d.user.telegram_id, d.week_ending)
        for d in schedule.due(session, now)
    )


def claim_digest(*, session: Session, due: DueDigest, now: datetime) -> bool:
    """Claim one digest; True for the one caller that may send it (commit before sending)."""
    return schedule.claim(session, due.user_id, due.week_ending, now)


def build_digest(*, session: Session, due: DueDigest) -> WeeklyDigest:
    """What a claimed digest says."""
    user = session.get(User, due.user_id)
    assert user is not None
    return digest_for_week(session=session, person=user, week_ending=due.week_ending)


def digest_card(*, session: Session, due: DueDigest, now: datetime) -> Card | None:
    """The "Leak or not?" card a digest ends with: the person's card of the day, when one is
    due and useful (services/usecases/teaching.py)."""
    from services.usecases.teaching import daily_card

    user = session.get(User, due.user_id)
    assert user is not None
    return daily_card(session=session, person=user, now=now)


def record_delivery(*, session: Session, due: DueDigest, outcome: str, now: datetime) -> None:
    """`sent`; `blocked` (the person blocked the bot: the digest is turned off); or `failed`
    (the claim is released for a later tick)."""
    schedule.mark(session, due.user_id, due.week_ending, outcome, now)
