"""Complete and score entries: one set of rules for a chat message and a million-row file.

Given what a message or a file said, fill the gaps the documented way:
- is_necessary, context, is_recurring: the category's defaults (services/catalog.py);
- payment_mode: `Other`; note: empty;
- time_block and day_type: from the local hour and date (services/timing.py);
- occurred_at: the local wall-clock time in the person's time zone, stored as UTC;
then score expenses with the six rules (services/scoring/rules.py).
Values that were given always win over derived ones.

The rules are written once, for one entry (`filled`, `time_block_of`, `day_type_of`, the six
rules); `complete_one` applies them to a message and `complete` to a whole file, once per
distinct combination of the values they read (a statement repeats them a lot), so a chat
message needs no pandas and a file no per-row Python beyond a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from services.catalog import CATEGORIES, EntryType
from services.scoring.rules import score
from services.scoring.verdicts import DEFAULT_POLICY, derive
from services.timing import day_type_of, local_to_utc, local_to_utc_one, time_block_of

DEFAULT_PAYMENT_MODE = "Other"
DEFAULT_CONTEXT = "Unplanned"  # for a category that names none
FROM_CATEGORY = ("is_necessary", "payment_mode", "is_recurring", "context", "note")
FROM_TIME = ("time_block", "day_type")
OPTIONAL_COLUMNS = FROM_CATEGORY + FROM_TIME
SCORE_COLUMNS = ("leakage_score", "leak_rules", "rule_leak", "is_leak", "decided_by")

_CATEGORY = {c.name: c for c in CATEGORIES}


@dataclass(frozen=True, slots=True)
class ScoringProfile:
    """The person's settings that entries are derived and scored with."""

    timezone: str
    micro_threshold_minor: int
    leak_threshold: int
    salary_day: int = 1
    leak_policy: str = DEFAULT_POLICY  # how the rule's verdict is read (services/scoring/verdicts.py)


def filled(
    category: str, is_necessary: Any, payment_mode: Any, is_recurring: Any, context: Any, note: Any
) -> tuple[bool, str, bool, str, str]:
    """The values given (None where not), the gaps filled from the category's defaults."""
    known = _CATEGORY.get(category)
    return (
        bool(is_necessary if is_necessary is not None else (known.necessary if known else False)),
        payment_mode if payment_mode is not None else DEFAULT_PAYMENT_MODE,
        bool(is_recurring if is_recurring is not None else (known.recurring if known else False)),
        context if context is not None else (known.context if known else DEFAULT_CONTEXT),
        note if note is not None else "",
    )


def _timed(given: Any, derived: Any) -> Any:
    return derived if given is None else given


def _scored(row: dict[str, Any], profile: ScoringProfile) -> dict[str, Any]:
    """row with leakage_score, leak_rules, rule_leak and the verdict (is_leak, decided_by)
    the rule gives before anyone else decides (None for income and savings)."""
    scores = score(
        row, micro_threshold_minor=profile.micro_threshold_minor, leak_threshold=profile.leak_threshold
    )
    expense = row["type"] == EntryType.EXPENSE.value
    n = np.shape(scores.is_leak)
    leak, by = derive(
        category=np.reshape(row["category"], n),
        is_necessary=np.reshape(row["is_necessary"], n),
        rule_leak=np.reshape(scores.is_leak, n),
        model_probability=np.full(n, None, dtype=object),
        user_verdict=np.full(n, None, dtype=object),
        policy=profile.leak_policy,
    )
    return row | {
        "leakage_score": np.where(expense, scores.score.astype(object), None),
        "leak_rules": np.where(expense, scores.rules, None),
        "rule_leak": np.where(expense, scores.is_leak.astype(object), None),
        "is_leak": np.where(expense, leak.astype(object), None),
        "decided_by": np.where(expense, by, None),
    }


def complete_one(fields: Mapping[str, Any], *, profile: ScoringProfile) -> dict[str, Any]:
    """Every stored column of one entry given as plain values (None where not given):
    `type`, `category`, `amount_minor`, `local_dt` (naive local datetime) and any of
    OPTIONAL_COLUMNS."""
    local_dt: datetime = fields["local_dt"]
    category = fields["category"]
    necessary, mode, recurring, context, note = filled(category, *(fields.get(c) for c in FROM_CATEGORY))
    row: dict[str, Any] = {
        "occurred_at": local_to_utc_one(local_dt, profile.timezone),
        "local_date": local_dt.date(),
        "type": fields["type"],
        "category": category,
        "amount_minor": int(fields["amount_minor"]),
        "is_necessary": necessary,
        "payment_mode": mode,
        "is_recurring": recurring,
        "context": context,
        "time_block": _timed(fields.get("time_block"), time_block_of(local_dt.hour)),
        "day_type": _timed(fields.get("day_type"), day_type_of(local_dt.date())),
        "note": note,
    }
    scored = _scored(row, profile)
    for name in SCORE_COLUMNS:
        scored[name] = scored[name].item()
    return scored


def _per_distinct(rule: Callable[..., Any], *columns: Any) -> list[Any]:
    """rule applied to each row's values, computed once per distinct combination."""
    seen: dict[tuple[Any, ...], Any] = {}
    out = []
    for key in zip(*columns, strict=True):
        value = seen.get(key, _UNSEEN)
        if value is _UNSEEN:
            value = seen[key] = rule(*key)
        out.append(value)
    return out


_UNSEEN = object()


def complete(fields: Mapping[str, Any], *, profile: ScoringProfile) -> dict[str, np.ndarray]:
    """complete_one for many entries: fields holds arrays of equal length (None where a value
    was not given; `local_dt` as naive datetime64). `occurred_at` comes back as naive UTC
    datetime64, `local_date` as datetime.date objects."""
    local_dt = np.asarray(fields["local_dt"], dtype="datetime64[us]")
    n = len(local_dt)
    days = local_dt.astype("datetime64[D]")
    hours = (local_dt - days).astype("timedelta64[h]").astype(np.int64)
    category = np.asarray(fields["category"], dtype=object)

    def given(name: str) -> np.ndarray:
        values = fields.get(name)
        return np.full(n, None, dtype=object) if values is None else np.asarray(values, dtype=object)

    filled_rows = _per_distinct(filled, category, *(given(c) for c in FROM_CATEGORY))
    columns = list(zip(*filled_rows, strict=True)) if n else [()] * len(FROM_CATEGORY)
    local_dates = days.astype(object)
    row: dict[str, Any] = {
        "occurred_at": _to_utc(local_dt, profile.timezone),
        "local_date": local_dates,
        "type": np.asarray(fields["type"], dtype=object),
        "category": category,
        "amount_minor": np.asarray(fields["amount_minor"], dtype=np.int64),
        "is_necessary": np.array(columns[0], dtype=bool),
        "payment_mode": np.array(columns[1], dtype=object),
        "is_recurring": np.array(columns[2], dtype=bool),
        "context": np.array(columns[3], dtype=object),
        "time_block": np.array(
            _per_distinct(lambda g, h: _timed(g, time_block_of(h)), given("time_block"), hours), dtype=object
        ),
        "day_type": np.array(
            _per_distinct(lambda g, d: _timed(g, day_type_of(d)), given("day_type"), local_dates),
            dtype=object,
        ),
        "note": np.array(columns[4], dtype=object),
    }
    return _scored(row, profile)


def _to_utc(local_dt: np.ndarray, tz: str) -> np.ndarray:
    """Naive UTC datetime64 of naive local wall-clock times (the batch twin of local_to_utc_one)."""
    import pandas as pd

    utc = local_to_utc(pd.Series(local_dt), tz).dt.tz_localize(None)
    return utc.to_numpy(dtype="datetime64[us]")
