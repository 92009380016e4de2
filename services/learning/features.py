"""The frame a leak model sees: one row of MODEL_FEATURES per expense, each computed against
its owner's own history. One implementation (model_features, numpy) for training, where it
reads every expense at once, and for a new chat entry, where it reads the entry's month and
category and its description's count, fetched by three small queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from ml.features import MODEL_FEATURES
from services.catalog import normalise_description
from services.insights.merchants import merchant_of
from services.money import to_major
from services.scoring.features import feature_arrays, group_median, groups
from services.scoring.verdicts import DEFAULT_POLICY, is_necessity
from services.timing import days_since_salary, local_hours, month_bounds

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
    Entry.rule_leak,
    Entry.user_verdict,
)
_NAMES = [c.key if c.key != "id" else "entry_id" for c in EXPENSE_COLUMNS]


def load_expenses(session: Session, *, user_ids: list[int] | None = None) -> pd.DataFrame:
    """Expenses (one row each, `entry_id` and `user_id` included), optionally for some people."""
    query = select(*EXPENSE_COLUMNS).where(Entry.type == "expense")
    if user_ids is not None:
        query = query.where(Entry.user_id.in_(user_ids))
    rows = session.execute(query.order_by(Entry.user_id, Entry.occurred_at, Entry.id)).all()
    return pd.DataFrame(rows, columns=_NAMES)


def model_features(
    columns: Mapping[str, Any],
    user: User,
    *,
    category_medians: Mapping[str, float] | None = None,
    description_counts: Mapping[str, int] | None = None,
) -> dict[str, np.ndarray]:
    """MODEL_FEATURES for every row of one person's expenses, as arrays.

    Each feature reads the row's own calendar month, the median amount of its category, and
    how often its description occurs in the history. When the rows are not the whole history,
    the caller passes those two (category_medians, description_counts) from it.
    """
    core = feature_arrays(
        columns, salary_day=user.salary_day, micro_threshold_minor=user.micro_threshold_minor
    )
    amount = np.asarray(columns["amount_minor"], dtype=np.int64)
    categories = np.asarray(columns["category"], dtype=str)
    median = (
        group_median(groups(categories), amount)
        if category_medians is None
        else np.array([category_medians.get(c, np.nan) for c in categories], dtype=float)
    )
    descriptions = [normalise_description(note) for note in columns["note"]]
    counts = Counter(descriptions) if description_counts is None else description_counts
    repeats = np.array([counts.get(d, 0) if d else 0 for d in descriptions], dtype=float)
    score = np.nan_to_num(np.array([0 if s is None else s for s in columns["leakage_score"]], dtype=float))
    days = np.asarray(columns["local_date"], dtype="datetime64[D]")
    guarded = (user.leak_policy or DEFAULT_POLICY) == "guarded"
    rule = np.array([bool(v) for v in columns["rule_leak"]], dtype=bool)
    if guarded:
        rule &= ~is_necessity(categories.astype(object), np.asarray(columns["is_necessary"], dtype=bool))
    merchants = np.array([merchant_of(note) or "" for note in columns["note"]], dtype=object)

    def words(name: str) -> np.ndarray:
        return np.asarray(columns[name], dtype=str).astype(object)

    def flags(values: Any) -> np.ndarray:
        return np.asarray(values, dtype=bool).astype(float)

    return {
        "category": words("category"),
        "payment_mode": words("payment_mode"),
        "context": words("context"),
        "time_block": words("time_block"),
        "day_type": words("day_type"),
        "weekday": core["day_of_week"],
        "is_necessary": flags(columns["is_necessary"]),
        "is_recurring": flags(columns["is_recurring"]),
        "is_salary_week": flags(core["is_salary_week"]),
        "is_micro_spend": flags(core["is_micro_spend"]),
        "log_amount": np.log1p(to_major(amount.astype(float), user.currency)),
        "amount_vs_category_median": np.log(amount / median),
        "category_spend_ratio": core["category_spend_ratio"].astype(float),
        "log_daily_spend": np.log1p(to_major(core["daily_spend"].astype(float), user.currency)),
        "monthly_non_essential_pct": core["monthly_non_essential_pct"].astype(float),
        "hour": local_hours(np.asarray(columns["occurred_at"], dtype=object), user.timezone).astype(float),
        "description_repeats": np.log1p(repeats),
        "leakage_score": score,
        "merchant": merchants,
        "category_day_type": words("category") + "|" + words("day_type"),
        "category_time_block": words("category") + "|" + words("time_block"),
        "rule_leak": rule.astype(float),
        "day_of_month": (days - days.astype("datetime64[M]")).astype(np.int64).astype(float) + 1,
        "days_since_salary": days_since_salary(days, user.salary_day).astype(float),
    }


def model_frame(expenses: pd.DataFrame, users: Mapping[int, User]) -> pd.DataFrame:
    """MODEL_FEATURES for every expense, each computed against its owner's own history."""
    if expenses.empty:
        return pd.DataFrame(columns=list(MODEL_FEATURES))
    parts = [
        pd.DataFrame(model_features(rows, users[int(uid)]), index=rows.index)
        for uid, rows in expenses.groupby("user_id", sort=False)
    ]
    return pd.concat(parts).loc[expenses.index, list(MODEL_FEATURES)]


_entries = Entry.__table__.c
_mine = (_entries.user_id == bindparam("user_id"), _entries.type == "expense")
# Built once: asked for every chat entry while a model serves the person.
_MONTH = (
    select(*(_entries[c.key] for c in EXPENSE_COLUMNS))
    .where(*_mine, _entries.local_date >= bindparam("start"), _entries.local_date < bindparam("end"))
    .order_by(_entries.occurred_at, _entries.id)
)
_CATEGORY_AMOUNTS = select(_entries.amount_minor).where(*_mine, _entries.category == bindparam("category"))
_NOTE_COUNTS = select(_entries.note, func.count()).where(*_mine, _entries.note != "").group_by(_entries.note)


def entry_features(session: Session, user: User, entry: Any) -> dict[str, object]:
    """MODEL_FEATURES of one stored expense (anything with its id, local_date, category and
    note), equal to its row in model_frame over the whole history: model_features over its
    month, with its category's median and the descriptions' counts from the whole history."""
    start, end = month_bounds(entry.local_date)
    connection = session.connection()
    person = {"user_id": user.id}
    rows = connection.execute(_MONTH, person | {"start": start, "end": end}).all()
    amounts = connection.execute(_CATEGORY_AMOUNTS, person | {"category": entry.category}).scalars().all()
    median = group_median(np.zeros(len(amounts), dtype=np.int64), amounts)[0]
    counts: Counter[str] = Counter()
    if normalise_description(entry.note):
        for note, count in connection.execute(_NOTE_COUNTS, person):
            counts[normalise_description(note)] += int(count)
    columns = dict(zip(_NAMES, zip(*rows, strict=True), strict=True))
    features = model_features(
        columns, user, category_medians={entry.category: median}, description_counts=counts
    )
    at = columns["entry_id"].index(entry.id)
    return {name: features[name][at] for name in MODEL_FEATURES}


def history_totals(session: Session, user: User) -> tuple[dict[str, float], Counter[str]]:
    """What a feature reads from the person's whole history: each category's median amount
    and how often each description occurs (see model_features)."""
    connection = session.connection()
    person = {"user_id": user.id}
    categories = connection.execute(
        select(_entries.category).where(*_mine).group_by(_entries.category), person
    ).scalars()
    medians = {}
    for category in list(categories):
        amounts = connection.execute(_CATEGORY_AMOUNTS, person | {"category": category}).scalars().all()
        medians[category] = float(group_median(np.zeros(len(amounts), dtype=np.int64), amounts)[0])
    counts: Counter[str] = Counter()
    for note, count in connection.execute(_NOTE_COUNTS, person):
        counts[normalise_description(note)] += int(count)
    return medians, counts


def month_features(
    session: Session,
    user: User,
    entry_ids: list[int],
    category_medians: Mapping[str, float],
    description_counts: Mapping[str, int],
) -> pd.DataFrame:
    """MODEL_FEATURES of some of the person's expenses (indexed by entry id), each equal to
    its row in model_frame over the whole history: the whole months they fall in are read,
    the history's medians and counts come from history_totals."""
    connection = session.connection()
    person = {"user_id": user.id}
    days = connection.execute(
        select(func.min(_entries.local_date), func.max(_entries.local_date)).where(
            *_mine, _entries.id.in_(bindparam("ids", expanding=True))
        ),
        person | {"ids": entry_ids},
    ).one()
    if days[0] is None:
        return pd.DataFrame(columns=list(MODEL_FEATURES))
    start, end = month_bounds(days[0])[0], month_bounds(days[1])[1]
    rows = connection.execute(_MONTH, person | {"start": start, "end": end}).all()
    columns = dict(zip(_NAMES, zip(*rows, strict=True), strict=True))
    features = pd.DataFrame(
        model_features(
            columns, user, category_medians=category_medians, description_counts=description_counts
        ),
        index=pd.Index(columns["entry_id"], name="entry_id"),
    )
    return features.loc[features.index.isin(entry_ids), list(MODEL_FEATURES)]
