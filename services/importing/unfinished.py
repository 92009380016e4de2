"""Imports a stopped process left half stored, told from ones still running elsewhere.

Light on purpose (no pandas): the bot looks for them every minute (bot/imports.py).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Import, ImportFile

# Who stores an import's batches: this machine, this process and this run of it.
THIS_PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
STALE_AFTER = timedelta(minutes=2)  # an import whose batches stopped this long ago is cut off
# A statement is kept no longer than this for a question nobody answered (how its dates read)
# or for a reading in doubt (Swap day/month, Flip signs): a bank statement is not kept for ever.
KEEP_FILES_FOR = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Unfinished:
    """An import whose process stopped before its last batch."""

    import_id: int
    user_id: int
    owner: str
    chat_id: int | None
    file_name: str


def unfinished_imports(session: Session, *, now: datetime) -> list[Unfinished]:
    """Imports left 'importing' by a process that is gone: on this machine one no longer
    running (or this very process's number, reused after a restart), anywhere one silent
    for STALE_AFTER."""
    rows = session.execute(
        select(
            ImportFile.import_id,
            Import.user_id,
            ImportFile.owner,
            ImportFile.chat_id,
            Import.file_name,
            ImportFile.heartbeat_at,
        )
        .join(Import, Import.id == ImportFile.import_id)
        .where(Import.status == "importing")
        .order_by(ImportFile.import_id)
    ).all()
    return [
        Unfinished(r.import_id, r.user_id, r.owner, r.chat_id, r.file_name)
        for r in rows
        if r.owner != THIS_PROCESS and (r.heartbeat_at < now - STALE_AFTER or _gone(r.owner))
    ]


def forget_old_files(session: Session, *, now: datetime) -> int:
    """Delete the statements kept KEEP_FILES_FOR or longer: an import still waiting for the
    person to say how its dates read goes with its file (it stored nothing yet; the button
    then says to send the file again), a finished one keeps its entries and loses only the
    file (Swap day/month then says the same). An import being stored keeps its file. How
    many files were deleted."""
    old = session.execute(
        select(ImportFile.import_id, Import.status)
        .join(Import, Import.id == ImportFile.import_id)
        .where(ImportFile.heartbeat_at < now - KEEP_FILES_FOR, Import.status.in_(("waiting", "completed")))
    ).all()
    if not old:
        return 0
    ids = [r.import_id for r in old]
    session.execute(delete(ImportFile).where(ImportFile.import_id.in_(ids)))
    waiting = [r.import_id for r in old if r.status == "waiting"]
    if waiting:
        session.execute(delete(Import).where(Import.id.in_(waiting), Import.status == "waiting"))
    return len(ids)


def _gone(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # this process did not start it: the number was reused after a restart
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_over(session: Session, found: Unfinished) -> bool:
    """Make this process the import's owner, unless another took it over first."""
    taken = session.execute(
        ImportFile.__table__.update()
        .where(ImportFile.import_id == found.import_id, ImportFile.owner == found.owner)
        .values(owner=THIS_PROCESS, heartbeat_at=utcnow())
    )
    return bool(taken.rowcount)
