"""Queries and writes, each scoped to one person. They take the session; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Entry, Import, User

_IN_CHUNK = 500

ENTRY_FRAME_COLUMNS: tuple[str, ...] = (
    "id",
    "occurred_at",
    "local_date",
    "type",
    "category",
    "amount_minor",
    "is_necessary",
    "payment_mode",
    "is_recurring",
    "context",
    "time_block",
    "day_type",
    "note",
    "source",
    "source_ref",
    "import_id",
    "leakage_score",
    "leak_rules",
    "is_leak",
    "model_probability",
    "user_verdict",
)


# Statements every chat message runs are built once: building a statement and its cache key
# costs more than SQLite takes to run it.
_USER_BY_TELEGRAM_ID = select(User).where(User.telegram_id == bindparam("telegram_id"))


def get_user(session: Session, telegram_id: int) -> User | None:
    return session.scalar(_USER_BY_TELEGRAM_ID, {"telegram_id": telegram_id})


def add_user(session: Session, **fields: Any) -> User:
    user = User(**fields)
    session.add(user)
    session.flush()
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


def insert_entry_frame(session: Session, frame: pd.DataFrame) -> None:
    """Insert a frame of complete entries with one driver-level executemany.

    The bulk path of CSV import: values are converted column by column (vectorised) to what
    the driver stores, instead of row by row through the ORM. `occurred_at` must be UTC.
    """
    if frame.empty:
        return
    if "created_at" not in frame:
        frame = frame.assign(created_at=utcnow())
    connection = session.connection()
    dialect = connection.dialect
    columns = list(frame.columns)
    values: list[list[Any]] = []
    for name in columns:
        column = frame[name]
        if name in ("occurred_at", "created_at"):
            utc = pd.to_datetime(column, utc=True)
            if dialect.name == "sqlite":
                naive = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
                values.append(np.char.replace(np.datetime_as_string(naive, unit="us"), "T", " ").tolist())
            else:
                values.append(list(utc.dt.to_pydatetime()))
        elif name == "local_date" and dialect.name == "sqlite":
            values.append([d.isoformat() for d in column])
        elif column.isna().any():
            values.append(column.astype(object).where(column.notna(), None).tolist())
        else:
            values.append(column.tolist())
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {Entry.__tablename__} ({', '.join(columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    connection.exec_driver_sql(sql, list(zip(*values, strict=True)))


def entries_frame(
    session: Session,
    user_id: int,
    *,
    types: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Return this person's entries as a DataFrame, oldest first (local dates in [start, end))."""
    columns = [getattr(Entry, c) for c in ENTRY_FRAME_COLUMNS]
    query = select(*columns).where(Entry.user_id == user_id)
    if types:
        query = query.where(Entry.type.in_(list(types)))
    if start is not None:
        query = query.where(Entry.local_date >= start)
    if end is not None:
        query = query.where(Entry.local_date < end)
    query = query.order_by(Entry.occurred_at, Entry.id)
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=list(ENTRY_FRAME_COLUMNS))


def recent_entries(session: Session, user_id: int, limit: int) -> list[Entry]:
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.user_id == user_id)
            .order_by(Entry.occurred_at.desc(), Entry.id.desc())
            .limit(limit)
        )
    )


def count_entries(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Entry).where(Entry.user_id == user_id)) or 0


def add_import(session: Session, **fields: Any) -> Import:
    record = Import(**fields)
    session.add(record)
    session.flush()
    return record


def get_import(session: Session, user_id: int, import_id: int) -> Import | None:
    return session.scalar(select(Import).where(Import.id == import_id, Import.user_id == user_id))


def list_imports(session: Session, user_id: int) -> list[Import]:
    return list(session.scalars(select(Import).where(Import.user_id == user_id).order_by(Import.id.desc())))


def delete_import_entries(session: Session, user_id: int, import_id: int) -> int:
    result = session.execute(delete(Entry).where(Entry.user_id == user_id, Entry.import_id == import_id))
    return int(result.rowcount or 0)
