"""Complete and score entries: one implementation for a chat message and a million-row file.

Given what a message or a file said, fill the gaps the documented way:
- is_necessary, context, is_recurring: the category's defaults (services/catalog.py);
- payment_mode: `Other`;
- time_block and day_type: from the local date and time (services/timing.py);
- occurred_at: the local wall-clock time in the person's time zone, stored as UTC;
then score expenses with the six rules (services/scoring/rules.py).
Values that were given always win over derived ones. numpy only: a chat message is an
array of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from services.catalog import CATEGORIES, EntryType
from services.scoring.rules import score
from services.timing import day_types, local_to_utc, local_to_utc_one, time_blocks

DEFAULT_PAYMENT_MODE = "Other"
DEFAULT_CONTEXT = "Unplanned"  # for a category that names none
OPTIONAL_COLUMNS = (
    "is_necessary",
    "payment_mode",
    "is_recurring",
    "context",
    "time_block",
    "day_type",
    "note",
)

_DEFAULTS = {
    "is_necessary": {c.name: c.necessary for c in CATEGORIES},
    "context": {c.name: c.context for c in CATEGORIES},
    "is_recurring": {c.name: c.recurring for c in CATEGORIES},
}
_FALLBACK = {"is_necessary": False, "context": DEFAULT_CONTEXT, "is_recurring": False}


@dataclass(frozen=True, slots=True)
class ScoringProfile:
    """The person's settings that entries are derived and scored with."""

    timezone: str
    micro_threshold_minor: int
    leak_threshold: int
    salary_day: int = 1


def _gaps(values: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The given values as an object array, and where they are missing (None)."""
    if values is None:
        return np.full(n, None, dtype=object), np.ones(n, dtype=bool)
    given = np.asarray(values, dtype=object)
    return given, np.equal(given, None)


def complete(fields: Mapping[str, Any], *, profile: ScoringProfile) -> dict[str, np.ndarray]:
    """Every stored column of the entries in fields, expenses scored.

    fields holds arrays (or lists) of equal length: `type`, `category`, `amount_minor`,
    `local_dt` (naive local wall-clock datetime64) and any of OPTIONAL_COLUMNS, with None
    where a value was not given. `occurred_at` comes back as naive UTC datetime64.
    """
    local_dt = np.asarray(fields["local_dt"], dtype="datetime64[us]")
    n = len(local_dt)
    category = np.asarray(fields["category"], dtype=object)
    out: dict[str, np.ndarray] = {
        "occurred_at": _to_utc(local_dt, profile.timezone),
        "local_date": local_dt.astype("datetime64[D]"),
        "type": np.asarray(fields["type"], dtype=object),
        "category": category,
        "amount_minor": np.asarray(fields["amount_minor"], dtype=np.int64),
    }
    derived = {
        "payment_mode": lambda: np.full(n, DEFAULT_PAYMENT_MODE, dtype=object),
        "time_block": lambda: time_blocks(
            (local_dt - local_dt.astype("datetime64[D]")).astype("timedelta64[h]")
        ),
        "day_type": lambda: day_types(local_dt),
        "note": lambda: np.full(n, "", dtype=object),
    }
    for name in OPTIONAL_COLUMNS:
        given, missing = _gaps(fields.get(name), n)
        if missing.any():
            if name in _DEFAULTS:
                table, fallback = _DEFAULTS[name], _FALLBACK[name]
                default = np.array([table.get(c, fallback) for c in category[missing]], dtype=object)
            else:
                default = derived[name]()[missing]
            given = given.copy()
            given[missing] = default
        out[name] = given.astype(bool) if name in ("is_necessary", "is_recurring") else given
    scores = score(
        out, micro_threshold_minor=profile.micro_threshold_minor, leak_threshold=profile.leak_threshold
    )
    expense = out["type"] == EntryType.EXPENSE.value
    out["leakage_score"] = np.where(expense, scores.score.astype(object), None)
    out["leak_rules"] = np.where(expense, scores.rules, None)
    out["is_leak"] = np.where(expense, scores.is_leak.astype(object), None)
    return out


def _to_utc(local_dt: np.ndarray, tz: str) -> np.ndarray:
    """Naive UTC datetime64 of naive local wall-clock times."""
    if len(local_dt) == 1:  # a chat message: zoneinfo, no pandas
        utc = local_to_utc_one(local_dt[0].astype(datetime), tz)
        return np.array([utc.replace(tzinfo=None)], dtype="datetime64[us]")
    import pandas as pd

    utc = local_to_utc(pd.Series(local_dt), tz).dt.tz_localize(None)
    return utc.to_numpy(dtype="datetime64[us]")


def complete_one(fields: Mapping[str, Any], *, profile: ScoringProfile) -> dict[str, Any]:
    """complete() for one entry given as plain values; returns plain Python values."""
    row = complete({k: [v] for k, v in fields.items()}, profile=profile)
    values = {name: column[0] for name, column in row.items()}
    values["occurred_at"] = values["occurred_at"].astype(datetime).replace(tzinfo=UTC)
    values["local_date"] = values["local_date"].astype(date)
    values["amount_minor"] = int(values["amount_minor"])
    for name in ("is_necessary", "is_recurring"):
        values[name] = bool(values[name])
    if values["leakage_score"] is not None:
        values["leakage_score"] = int(values["leakage_score"])
        values["is_leak"] = bool(values["is_leak"])
    return values
