"""Test factories: people, and CSV files built from rows."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Entry, User
from services import synthetic
from services.learning.features import load_expenses
from services.ledger.people import UserDefaults, ensure_user

_ids = itertools.count(10_000)
HDFC_HEADER = list(synthetic.HDFC_HEADER)  # an HDFC Bank statement export's


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


def give_verdicts(
    session: Session, user: User, *, months: int, taste: str, share: float, seed: int
) -> pd.DataFrame:
    """Store `months` of generated spending for the person and their verdicts, by a taste
    (services/synthetic.py TASTES), on a random share of the expenses. Returns the expenses,
    with each one's `truth` (what the taste calls a leak) and whether it was `judged`."""
    synthetic.store_generated(session, user, months=months, seed=seed)
    expenses = load_expenses(session, user_ids=[user.id])
    verdicts = synthetic.simulated_verdicts(expenses, taste, share=share, seed=seed + 1)
    for value in (True, False):
        ids = expenses.loc[(verdicts == value).fillna(False).to_numpy(), "entry_id"].astype(int).tolist()
        session.execute(update(Entry).where(Entry.id.in_(ids)).values(user_verdict=value))
    return expenses.assign(truth=synthetic.taste_truth(expenses, taste), judged=verdicts.notna().to_numpy())


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
