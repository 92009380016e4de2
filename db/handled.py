"""Updates already handled (table `handled_updates`): claim one inside the transaction that
handles it; forget old ones. Neither commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import HandledUpdate
from db.repositories import insert_once


def claim(session: Session, update_id: int) -> bool:
    """Record the update as handled, in the caller's transaction: True for the one handling
    that may act on it, False when it was handled before (a replay). Two handlings of one
    update at once (two webhook instances) meet at the primary key: the second waits for the
    first to commit and then finds it."""
    row = {"update_id": update_id, "handled_at": utcnow()}
    return (
        session.execute(insert_once(session, HandledUpdate, row).returning(HandledUpdate.update_id)).first()
        is not None
    )


def forget_before(session: Session, moment: datetime) -> int:
    """Remove the records of updates handled before moment (Telegram redelivers for a day)."""
    return int(session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < moment)).rowcount or 0)
