"""Updates from Telegram: kept in the inbox until handled (table `inbox`), recorded as
handled (table `handled_updates`) inside the transaction that handles them, which also takes
them out of the inbox; old records forgotten. None of these commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import HandledUpdate, InboxUpdate
from db.repositories import insert_once


def keep(session: Session, updates: Sequence[tuple[int, str]]) -> None:
    """Store (update id, JSON) pairs in the inbox; one already there (delivered again) stays."""
    rows = [{"update_id": i, "payload": payload, "received_at": utcnow()} for i, payload in updates]
    if rows:
        session.execute(insert_once(session, InboxUpdate, rows))


def waiting(session: Session) -> list[tuple[int, str]]:
    """What the inbox still holds, oldest first: updates taken but not handled."""
    rows = session.execute(select(InboxUpdate.update_id, InboxUpdate.payload).order_by(InboxUpdate.update_id))
    return [(int(update_id), payload) for update_id, payload in rows]


def claim(session: Session, update_id: int) -> bool:
    """Record the update as handled and take it out of the inbox, in the caller's
    transaction: True for the one handling that may act on it, False when it was handled
    before (a replay). Two handlings of one update at once (two webhook instances) meet at
    the primary key: the second waits for the first to commit and then finds it."""
    session.execute(delete(InboxUpdate).where(InboxUpdate.update_id == update_id))
    row = {"update_id": update_id, "handled_at": utcnow()}
    return (
        session.execute(insert_once(session, HandledUpdate, row).returning(HandledUpdate.update_id)).first()
        is not None
    )


def forget_before(session: Session, moment: datetime) -> int:
    """Remove the records of updates handled before moment (Telegram redelivers for a day),
    and inbox updates received before it that never got handled."""
    session.execute(delete(InboxUpdate).where(InboxUpdate.received_at < moment))
    return int(session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < moment)).rowcount or 0)
