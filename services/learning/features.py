"""The frame a leak model sees: one row of MODEL_FEATURES per expense, each computed against
its owner's own history. One implementation for training (every expense at once) and for a
new chat entry (its month, its category and its description's count, fetched by three
small queries and passed through the same function)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from ml.features import MODEL_FEATURES
from services.catalog import normalise_description
from services.money import to_major
from services.scoring.features import compute_features
from services.timing import month_bounds

EXPENSE_COLUMNS = (
    Entry.id,
    Entry.user_id,
    Entry.occurred_at,
    Entry.local_date,
    Entry.category,
    Entry.amount_minor,
    Entry.is_necessary,
    Entry.payment_mode,
    Entry.is_recurring,
    Entry.context,
    Entry.time_block,
    Entry.day_type,
    Entry.note,
    Entry.leakage_score,
    Entry.is_leak,
    Entry.user_verdict,
)


def _frame(rows: Any) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c.key for c in EXPENSE_COLUMNS])
    return frame.rename(columns={"id": "entry_id"})


def load_expenses(session: Session, *, user_ids: list[int] | None = None) -> pd.DataFrame:
    """Expenses (one row each, `entry_id` and `user_id` included), optionally for some people."""
    query = select(*EXPENSE_COLUMNS).where(Entry.type == "expense")
    if user_ids is not None:
        query = query.where(Entry.user_id.in_(user_ids))
    return _frame(session.execute(query.order_by(Entry.user_id, Entry.occurred_at, Entry.id)).all())


def person_features(
    frame: pd.DataFrame, user: User, *, description_counts: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """MODEL_FEATURES for every row of one person's expenses (same index).

    Each feature reads the row's own calendar month, its category's amounts, and how often
    its description occurs (description_counts, when the rows are not the whole history).
    """
    base = frame.assign(local_date=pd.to_datetime(frame["local_date"]))
    core = compute_features(
        base, salary_day=user.salary_day, micro_threshold_minor=user.micro_threshold_minor
    )
    amount = frame["amount_minor"].astype(np.int64)
    median = amount.groupby(frame["category"]).transform("median")
    description = frame["note"].fillna("").map(normalise_description)
    counts = description.value_counts() if description_counts is None else pd.Series(description_counts)
    repeats = description.map(counts).fillna(0).where(description != "", 0)
    local = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(user.timezone)
    features = pd.DataFrame(
        {
            "category": frame["category"].astype(str),
            "payment_mode": frame["payment_mode"].astype(str),
            "context": frame["context"].astype(str),
            "time_block": frame["time_block"].astype(str),
            "day_type": frame["day_type"].astype(str),
            "weekday": core["day_of_week"].astype(str),
            "is_necessary": frame["is_necessary"].astype(float),
            "is_recurring": frame["is_recurring"].astype(float),
            "is_salary_week": core["is_salary_week"].astype(float),
            "is_micro_spend": core["is_micro_spend"].astype(float),
            "log_amount": np.log1p(to_major(amount.astype(float), user.currency)),
            "amount_vs_category_median": np.log(amount / median),
            "category_spend_ratio": core["category_spend_ratio"].astype(float),
            "log_daily_spend": np.log1p(to_major(core["daily_spend"].astype(float), user.currency)),
            "monthly_non_essential_pct": core["monthly_non_essential_pct"].astype(float),
            "hour": local.dt.hour.astype(float),
            "description_repeats": np.log1p(repeats.astype(float)),
            "leakage_score": pd.to_numeric(frame["leakage_score"]).fillna(0).astype(float),
        },
        index=frame.index,
    )
    return features[list(MODEL_FEATURES)]


def model_frame(expenses: pd.DataFrame, users: Mapping[int, User]) -> pd.DataFrame:
    """MODEL_FEATURES for every expense, each computed against its owner's own history."""
    if expenses.empty:
        return pd.DataFrame(columns=list(MODEL_FEATURES))
    parts = [person_features(rows, users[int(uid)]) for uid, rows in expenses.groupby("user_id", sort=False)]
    return pd.concat(parts).loc[expenses.index, list(MODEL_FEATURES)]


def entry_features(session: Session, user: User, entry: Entry) -> pd.DataFrame:
    """MODEL_FEATURES of one stored expense (one row), equal to its row in model_frame over
    the whole history: person_features over its month and its category, with the history's
    description counts."""
    start, end = month_bounds(entry.local_date)
    mine = (Entry.user_id == user.id, Entry.type == "expense")
    rows = session.execute(
        select(*EXPENSE_COLUMNS)
        .where(
            *mine,
            or_(Entry.category == entry.category, (Entry.local_date >= start) & (Entry.local_date < end)),
        )
        .order_by(Entry.occurred_at, Entry.id)
    ).all()
    counts: dict[str, int] = {}
    if normalise_description(entry.note):
        notes = session.execute(
            select(Entry.note, func.count()).where(*mine, Entry.note != "").group_by(Entry.note)
        )
        for note, count in notes:
            key = normalise_description(note)
            counts[key] = counts.get(key, 0) + int(count)
    frame = _frame(rows)
    features = person_features(frame, user, description_counts=counts)
    return features[frame["entry_id"].to_numpy() == entry.id]
