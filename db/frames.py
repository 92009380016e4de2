"""Bulk reads and writes as DataFrames: a person's entries for charts, questions and models,
and the executemany insert of a CSV import. Each is scoped to one person; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Entry

# Every column of an entry but its owner and bookkeeping times, in table order.
ENTRY_FRAME_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in Entry.__table__.columns if c.name not in ("user_id", "verdict_at", "created_at")
)


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
