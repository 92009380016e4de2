"""Test factories: people, and CSV files built from rows."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.ledger.people import UserDefaults, ensure_user

_ids = itertools.count(10_000)


def make_user(
    session: Session,
    *,
    telegram_id: int | None = None,
    timezone: str = "Asia/Kolkata",
    currency: str = "INR",
    **settings: object,
) -> User:
    """Register a person; settings override the defaults (salary_day, leak_threshold, ...)."""
    user = ensure_user(
        session=session,
        telegram_id=telegram_id or next(_ids),
        defaults=UserDefaults(timezone, currency),
    )
    for name, value in settings.items():
        setattr(user, name, value)
    session.flush()
    return user


def count_entries(session: Session, user_id: int) -> int:
    """How many entries the person has."""
    return int(session.scalar(select(func.count()).select_from(Entry).where(Entry.user_id == user_id)) or 0)


def csv_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    preamble: Sequence[str] = (),
) -> bytes:
    """Render rows as a CSV file, optionally after some preamble lines."""
    buffer = io.StringIO()
    for line in preamble:
        buffer.write(line + "\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
