"""Replies waiting to be sent (table `outbox`): keep one, take the oldest out to send it,
put it back when it still cannot go. None of these commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class Kept:
    id: int
    method: str
    params: str  # JSON: the Bot API parameters
    kept_at: object


def keep(session: Session, method: str, params: str) -> None:
    session.add(OutboxMessage(method=method, params=params, kept_at=utcnow()))


def take_next(session: Session) -> Kept | None:
    """Remove the oldest kept reply and return it (committed before it is sent: never twice)."""
    row = session.scalar(select(OutboxMessage).order_by(OutboxMessage.id).limit(1))
    if row is None:
        return None
    kept = Kept(row.id, row.method, row.params, row.kept_at)
    session.execute(delete(OutboxMessage).where(OutboxMessage.id == row.id))
    return kept


def put_back(session: Session, kept: Kept) -> None:
    """Return a reply that could not be sent, in its place (its own id)."""
    session.add(OutboxMessage(id=kept.id, method=kept.method, params=kept.params, kept_at=kept.kept_at))
