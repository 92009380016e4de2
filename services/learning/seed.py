"""The seed write-up's ML experiment on a person's own data: its columns plus `is_leakage`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.models import User
from ml.seed_experiment import AGGREGATES
from services.learning.features import load_expenses
from services.money import to_major
from services.scoring.features import FEATURE_COLUMNS, compute_features

SEED_LEAK_SCORE = 5  # the seed labels is_leakage = score >= 5, whatever the person's threshold
# The columns the seed's models saw: the entry's own fields and every seed feature but the year.
SEED_CATEGORICAL = ("category", "payment_mode", "context", "time_block", "day_type", "day_of_week")
SEED_NUMERIC = (
    "amount",
    "is_necessary",
    "is_recurring",
    *(c for c in FEATURE_COLUMNS if c not in SEED_CATEGORICAL and c != "year"),
)


def seed_frame(session: Session, user: User) -> pd.DataFrame:
    """The person's expenses as the seed's experiment saw them, without the aggregates: the
    entry's fields, `local_date`, `order` (arrival rank), the row-level seed features and
    `is_leakage`. The aggregates are learned inside the experiment's pipeline."""
    expenses = load_expenses(session, user_ids=[user.id])
    dates = pd.to_datetime(expenses["local_date"])
    core = compute_features(
        expenses.assign(local_date=dates),
        salary_day=user.salary_day,
        micro_threshold_minor=user.micro_threshold_minor,
    ).drop(columns=list(AGGREGATES))  # ml.seed_experiment computes them on training rows only
    frame = pd.concat(
        [expenses[["category", "payment_mode", "context", "time_block", "day_type"]], core], axis=1
    )
    frame["local_date"] = dates
    arrival = expenses.assign(local_date=dates).sort_values(
        ["local_date", "occurred_at", "entry_id"], kind="stable"
    )
    frame["order"] = np.argsort(expenses.index.get_indexer(arrival.index))
    frame["amount"] = to_major(expenses["amount_minor"].astype(float), user.currency)
    for column in ("is_necessary", "is_recurring"):
        frame[column] = expenses[column].astype(int)
    for column in ("is_salary_week", "is_micro_spend", "is_leakage_potential"):
        frame[column] = frame[column].astype(int)
    frame["is_leakage"] = (pd.to_numeric(expenses["leakage_score"]).fillna(0) >= SEED_LEAK_SCORE).astype(int)
    return frame
