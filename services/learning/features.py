"""The frame a leak model sees: one row of MODEL_FEATURES per expense, each computed from the
expense and what came **before** it (point in time, in the order the spends happened:
occurred_at, then id): the day's and the month's spend so far, its category's median amount
so far, how often its description occurred so far. So a feature at training time is what
serving computed when the entry arrived, whatever came later. One implementation
(model_features) for training (every expense at once), a chat entry (its month up to it and
what preceded its month) and an import (a few months at a time, carrying what preceded them).
"""

from __future__ import annotations

from bisect import insort
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
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
from services.scoring.features import feature_arrays, group_cumsum, groups
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


@dataclass
class Before:
    """What a person's expenses before some rows held: each category's amounts (sorted) and
    each description's count. Empty for the first rows of a history."""

    category_amounts: dict[str, list[int]] = field(default_factory=dict)
    description_counts: Counter[str] = field(default_factory=Counter)

    def add(self, categories: Any, amounts: Any, notes: Any) -> None:
        for category, amount, note in zip(categories, amounts, notes, strict=True):
            insort(self.category_amounts.setdefault(str(category), []), int(amount))
            described = normalise_description(note)
            if described:
                self.description_counts[described] += 1


def _arrival_order(columns: Mapping[str, Any]) -> np.ndarray:
    """Row positions in the order the spends happened (occurred_at, then id)."""
    moments = pd.to_datetime(pd.Series(columns["occurred_at"]), utc=True).to_numpy(dtype="datetime64[ns]")
    return np.lexsort((np.asarray(columns["entry_id"], dtype=np.int64), moments))


def _so_far(
    order: np.ndarray, categories: np.ndarray, amounts: np.ndarray, notes: Any, before: Before
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's category median and description count, over what came before it and itself."""
    amounts_of = {c: list(v) for c, v in before.category_amounts.items()}
    counts = Counter(before.description_counts)
    medians = np.empty(len(order))
    repeats = np.zeros(len(order))
    described = [normalise_description(n) for n in notes]
    for i in order:
        seen = amounts_of.setdefault(categories[i], [])
        insort(seen, int(amounts[i]))
        n = len(seen)
        medians[i] = (seen[(n - 1) // 2] + seen[n // 2]) / 2
        if described[i]:
            counts[described[i]] += 1
            repeats[i] = counts[described[i]]
    return medians, repeats


def model_features(
    columns: Mapping[str, Any], user: User, *, before: Before | None = None
) -> dict[str, np.ndarray]:
    """MODEL_FEATURES for every row of one person's expenses, as arrays, point in time.

    The rows must be all of the person's expenses from the start of the first row's month on
    (as far as they go), and `before` what preceded them (nothing, for a whole history)."""
    core = feature_arrays(
        columns, salary_day=user.salary_day, micro_threshold_minor=user.micro_threshold_minor
    )
    order = _arrival_order(columns)
    amount = np.asarray(columns["amount_minor"], dtype=np.int64)
    categories = np.asarray(columns["category"], dtype=str)
    necessary = np.asarray(columns["is_necessary"], dtype=bool)
    median, repeats = _so_far(order, categories, amount, columns["note"], before or Before())
    days = np.asarray(columns["local_date"], dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    month_codes = groups(months)
    month_so_far = group_cumsum(month_codes, amount, order)
    category_so_far = group_cumsum(groups(months, categories), amount, order)
    day_so_far = group_cumsum(groups(days), amount, order)
    non_essential_so_far = group_cumsum(month_codes, np.where(necessary, 0, amount), order)
    score = np.nan_to_num(np.array([0 if s is None else s for s in columns["leakage_score"]], dtype=float))
    guarded = (user.leak_policy or DEFAULT_POLICY) == "guarded"
    rule = np.array([bool(v) for v in columns["rule_leak"]], dtype=bool)
    if guarded:
        rule &= ~is_necessity(categories.astype(object), necessary)
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
        "is_necessary": flags(necessary),
        "is_recurring": flags(columns["is_recurring"]),
        "is_salary_week": flags(core["is_salary_week"]),
        "is_micro_spend": flags(core["is_micro_spend"]),
        "log_amount": np.log1p(to_major(amount.astype(float), user.currency)),
        "amount_vs_category_median": np.log(amount / median),
        "category_spend_ratio": category_so_far / month_so_far,
        "log_daily_spend": np.log1p(to_major(day_so_far.astype(float), user.currency)),
        "monthly_non_essential_pct": non_essential_so_far * 100.0 / month_so_far,
        "hour": local_hours(np.asarray(columns["occurred_at"], dtype=object), user.timezone).astype(float),
        "description_repeats": np.log1p(repeats),
        "leakage_score": score,
        "merchant": merchants,
        "category_day_type": words("category") + "|" + words("day_type"),
        "category_time_block": words("category") + "|" + words("time_block"),
        "rule_leak": rule.astype(float),
        "day_of_month": (days - months.astype("datetime64[D]")).astype(np.int64).astype(float) + 1,
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
_EARLIER = select(_entries.category, _entries.amount_minor, _entries.note).where(
    *_mine, _entries.local_date >= bindparam("start"), _entries.local_date < bindparam("end")
)
_CATEGORY_EARLIER = select(_entries.amount_minor).where(
    *_mine, _entries.category == bindparam("category"), _entries.local_date < bindparam("end")
)
_NOTES_EARLIER = (
    select(_entries.note, func.count())
    .where(*_mine, _entries.note != "", _entries.local_date < bindparam("end"))
    .group_by(_entries.note)
)


def entry_features(session: Session, user: User, entry: Any) -> dict[str, object]:
    """MODEL_FEATURES of one stored expense (anything with its id, local_date, category and
    note), as it was when the spend happened, equal to its row in model_frame over the whole
    history: its month up to it, and its category's amounts and the descriptions' counts
    from before its month."""
    start, end = month_bounds(entry.local_date)
    connection = session.connection()
    person = {"user_id": user.id}
    rows = connection.execute(_MONTH, person | {"start": start, "end": end}).all()
    before = Before()
    amounts = connection.execute(
        _CATEGORY_EARLIER, person | {"category": entry.category, "end": start}
    ).scalars()
    before.category_amounts[entry.category] = sorted(int(a) for a in amounts)
    if normalise_description(entry.note):
        for note, count in connection.execute(_NOTES_EARLIER, person | {"end": start}):
            before.description_counts[normalise_description(note)] += int(count)
    columns = dict(zip(_NAMES, zip(*rows, strict=True), strict=True))
    at = columns["entry_id"].index(entry.id)
    later = _arrival_order(columns).tolist()
    upto = later[: later.index(at) + 1]  # the month up to the entry, as it happened
    columns = {name: [values[i] for i in upto] for name, values in columns.items()}
    features = model_features(columns, user, before=before)
    return {name: features[name][len(upto) - 1] for name in MODEL_FEATURES}


@dataclass
class ImportFeatures:
    """MODEL_FEATURES of an import's expenses a few months at a time, in date order: what
    preceded each batch's months is read once and carried on (never the whole history held)."""

    user: User
    before: Before = field(default_factory=Before)
    upto: date = date.min  # `before` holds every expense dated before this

    def batch(self, session: Session, entry_ids: list[int]) -> pd.DataFrame:
        """The features of these expenses (indexed by entry id), which must be later than the
        previous batch's (date order)."""
        connection = session.connection()
        person = {"user_id": self.user.id}
        days = connection.execute(
            select(func.min(_entries.local_date), func.max(_entries.local_date)).where(
                *_mine, _entries.id.in_(bindparam("ids", expanding=True))
            ),
            person | {"ids": entry_ids},
        ).one()
        if days[0] is None:
            return pd.DataFrame(columns=list(MODEL_FEATURES))
        start, end = month_bounds(days[0])[0], month_bounds(days[1])[1]
        if start > self.upto:
            earlier = connection.execute(_EARLIER, person | {"start": self.upto, "end": start}).all()
            if earlier:
                self.before.add(*zip(*earlier, strict=True))
            self.upto = start
        rows = connection.execute(_MONTH, person | {"start": start, "end": end}).all()
        columns = dict(zip(_NAMES, zip(*rows, strict=True), strict=True))
        features = pd.DataFrame(
            model_features(columns, self.user, before=self.before),
            index=pd.Index(columns["entry_id"], name="entry_id"),
        )
        return features.loc[features.index.isin(entry_ids), list(MODEL_FEATURES)]
