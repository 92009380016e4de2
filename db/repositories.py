"""Queries and writes, each scoped to one person. They take the session; they never commit.

The bulk paths that read and write DataFrames are in db/frames.py (pandas is loaded only there)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from db.base import utcnow
from db.models import Entry, Import, User

_IN_CHUNK = 500


# Statements every chat message runs are built once: building a statement and its cache key
# costs more than SQLite takes to run it.
_USER_BY_TELEGRAM_ID = select(User).where(User.telegram_id == bindparam("telegram_id"))


def get_user(session: Session, telegram_id: int) -> User | None:
    return session.scalar(_USER_BY_TELEGRAM_ID, {"telegram_id": telegram_id})


def add_user(session: Session, **fields: Any) -> User:
    """Register a person unless they are already there, and return them: safe when several
    first messages of theirs race (the losers find the winner's row)."""
    session.execute(insert_once(session, User, {"created_at": utcnow(), **fields}))
    user = get_user(session, fields["telegram_id"])
    assert user is not None
    return user


def entry_by_ref(session: Session, user_id: int, source_ref: str) -> Entry | None:
    return session.scalar(select(Entry).where(Entry.user_id == user_id, Entry.source_ref == source_ref))


_entry_columns = Entry.__table__.c
_ENTRY_ID_BY_REF = select(_entry_columns.id).where(
    _entry_columns.user_id == bindparam("user_id"), _entry_columns.source_ref == bindparam("source_ref")
)
# Core rather than the ORM's flush, and not the dialects' ON CONFLICT insert: that one is
# compiled afresh on every call (SQLAlchemy cannot cache it).
_INSERT_ENTRY = insert(Entry.__table__).returning(_entry_columns.id)


def add_entry_once(session: Session, **fields: Any) -> int | None:
    """Insert one entry unless the person already has its source_ref.

    Returns the new id, or None when (user_id, source_ref) was stored before. The chat
    path's insert: two cached Core statements on the session's connection, no flush.
    """
    connection = session.connection()
    ref = {"user_id": fields["user_id"], "source_ref": fields["source_ref"]}
    if connection.execute(_ENTRY_ID_BY_REF, ref).first() is not None:
        return None
    return int(connection.execute(_INSERT_ENTRY, fields).scalar_one())


def existing_refs(session: Session, user_id: int, refs: Sequence[str]) -> set[str]:
    """Return which of refs this person already has."""
    if len(refs) > _IN_CHUNK * 4:  # one scan of the person's refs beats hundreds of IN lists
        prefixes = {ref.split(":", 1)[0] + ":%" for ref in refs[:1]}
        query = select(Entry.source_ref).where(Entry.user_id == user_id)
        if len(prefixes) == 1:
            query = query.where(Entry.source_ref.like(prefixes.pop()))
        return set(session.scalars(query)) & set(refs)
    found: set[str] = set()
    for start in range(0, len(refs), _IN_CHUNK):
        chunk = list(refs[start : start + _IN_CHUNK])
        found.update(
            session.scalars(
                select(Entry.source_ref).where(Entry.user_id == user_id, Entry.source_ref.in_(chunk))
            )
        )
    return found


def imported_refs(session: Session, user_id: int) -> Iterator[str]:
    """The refs of every row the person imported from files, one at a time."""
    rows = session.connection().execute(
        select(Entry.source_ref).where(Entry.user_id == user_id, Entry.source_ref.like("csv:%"))
    )
    yield from rows.scalars()


def recent_entries(session: Session, user_id: int, limit: int) -> list[Entry]:
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.user_id == user_id)
            .order_by(Entry.occurred_at.desc(), Entry.id.desc())
            .limit(limit)
        )
    )


def add_import(session: Session, **fields: Any) -> Import:
    record = Import(**fields)
    session.add(record)
    session.flush()
    return record


def get_import(session: Session, user_id: int, import_id: int) -> Import | None:
    return session.scalar(select(Import).where(Import.id == import_id, Import.user_id == user_id))


def list_imports(session: Session, user_id: int) -> list[Import]:
    """The person's imports that finished (completed or reverted), newest first."""
    return list(
        session.scalars(
            select(Import)
            .where(Import.user_id == user_id, Import.status.in_(("completed", "reverted")))
            .order_by(Import.id.desc())
        )
    )


def delete_import_entries(session: Session, user_id: int, import_id: int) -> int:
    result = session.execute(delete(Entry).where(Entry.user_id == user_id, Entry.import_id == import_id))
    return int(result.rowcount or 0)


def insert_once(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]] | dict[str, Any]
) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING for this session's database: a row that would break a
    unique constraint is skipped, so several instances can race to claim one thing."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).values(rows).on_conflict_do_nothing()
