"""A statement is not kept for ever: a week after a question nobody answered or a reading in
doubt its file is deleted; an import being stored keeps its file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Import, ImportFile
from db.session import within
from services.errors import LeakBotError
from services.importing.pipeline import read_again, read_held
from services.importing.unfinished import KEEP_FILES_FOR, forget_old_files
from tests.factories import make_user

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def _import(session: Session, user_id: int, status: str, age: timedelta) -> int:
    record = Import(user_id=user_id, file_name=f"{status}.csv", sha256="0" * 64, layout="", status=status)
    session.add(record)
    session.flush()
    session.add(
        ImportFile(import_id=record.id, data=b"Date,Amount\n", owner="gone:1:x", heartbeat_at=NOW - age)
    )
    session.flush()
    return record.id


def test_files_kept_a_week_for_an_answer_or_a_doubt_are_deleted(session: Session) -> None:
    person = make_user(session)
    week = KEEP_FILES_FOR + timedelta(hours=1)
    waiting = _import(session, person.id, "waiting", week)
    doubtful = _import(session, person.id, "completed", week)
    storing = _import(session, person.id, "importing", week)
    recent = _import(session, person.id, "completed", timedelta(days=2))

    assert forget_old_files(session, now=NOW) == 2
    kept = set(session.scalars(select(ImportFile.import_id)))
    assert kept == {storing, recent}
    imports = set(session.scalars(select(Import.id).where(Import.user_id == person.id)))
    assert imports == {doubtful, storing, recent}  # the waiting one stored nothing: it goes
    with pytest.raises(LeakBotError, match="send it again"):
        read_held(within(session), person, waiting, "DMY")
    with pytest.raises(LeakBotError, match=f"I no longer have the file of import #{doubtful}"):
        read_again(within(session), person, doubtful, flip_sign=True)
    assert forget_old_files(session, now=NOW) == 0
