"""Complete and score entries: one vectorised path for a chat message and a million-row file.

Given what a message or a file said, fill the gaps the documented way:
- is_necessary, context, is_recurring: the category's defaults (services/catalog.py);
- payment_mode: `Other`;
- time_block and day_type: from the local date and time (services/timing.py);
- occurred_at: the local wall-clock time in the person's time zone, stored as UTC;
then score expenses with the six rules (services/scoring.py).
Values that were given always win over derived ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from services.catalog import CATEGORIES
from services.scoring import score_frame, score_one
from services.timing import (
    day_type_of,
    day_types,
    local_to_utc,
    local_to_utc_one,
    time_block_of,
    time_blocks,
)

DEFAULT_PAYMENT_MODE = "Other"
OPTIONAL_COLUMNS = (
    "is_necessary",
    "payment_mode",
    "is_recurring",
    "context",
    "time_block",
    "day_type",
    "note",
)
ENTRY_COLUMNS = (
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
    "leakage_score",
    "leak_rules",
    "is_leak",
)

_DEFAULT_NECESSARY = {c.name: c.necessary for c in CATEGORIES}
_DEFAULT_CONTEXT = {c.name: c.context for c in CATEGORIES}
_DEFAULT_RECURRING = {c.name: c.recurring for c in CATEGORIES}


@dataclass(frozen=True, slots=True)
class ScoringProfile:
    """The person's settings that entries are derived and scored with."""

    timezone: str
    micro_threshold_minor: int
    leak_threshold: int
    salary_day: int = 1


def complete_entries(frame: pd.DataFrame, *, profile: ScoringProfile) -> pd.DataFrame:
    """Return frame's entries with every stored column filled and expenses scored.

    frame needs `type`, `category`, `amount_minor` and `local_dt` (naive local wall-clock
    datetime64); the OPTIONAL_COLUMNS may be present with gaps (NA) or absent.
    """
    out = pd.DataFrame(index=frame.index)
    local_dt = pd.to_datetime(frame["local_dt"])
    out["occurred_at"] = local_to_utc(local_dt, profile.timezone)
    out["local_date"] = local_dt.dt.date
    out["type"] = frame["type"].astype(object)
    out["category"] = frame["category"].astype(object)
    out["amount_minor"] = frame["amount_minor"].astype(np.int64)

    def filled(column: str, derive: Callable[[], object]) -> pd.Series:
        """The given values, with gaps filled from derive() (only computed when needed)."""
        if column not in frame:
            values = pd.Series(None, index=frame.index, dtype=object)
        else:
            values = frame[column].astype(object).where(frame[column].notna(), None)
        return values.fillna(derive()) if values.isna().any() else values

    category = out["category"]
    out["is_necessary"] = filled(
        "is_necessary", lambda: category.map(_DEFAULT_NECESSARY).fillna(False)
    ).astype(bool)
    out["payment_mode"] = filled("payment_mode", lambda: DEFAULT_PAYMENT_MODE)
    out["is_recurring"] = filled(
        "is_recurring", lambda: category.map(_DEFAULT_RECURRING).fillna(False)
    ).astype(bool)
    out["context"] = filled("context", lambda: category.map(_DEFAULT_CONTEXT).fillna("Unplanned"))
    out["time_block"] = filled("time_block", lambda: time_blocks(local_dt.dt.hour))
    out["day_type"] = filled("day_type", lambda: day_types(local_dt))
    out["note"] = filled("note", lambda: "")
    scores = score_frame(
        out,
        micro_threshold_minor=profile.micro_threshold_minor,
        leak_threshold=profile.leak_threshold,
    )
    out["leakage_score"] = scores["leakage_score"].astype(object).where(scores["leakage_score"].notna(), None)
    out["leak_rules"] = scores["leak_rules"]
    out["is_leak"] = scores["is_leak"].astype(object).where(scores["is_leak"].notna(), None)
    return out[list(ENTRY_COLUMNS)]


def complete_entry(fields: dict[str, Any], *, profile: ScoringProfile) -> dict[str, Any]:
    """complete_entries for one entry, without pandas frames (the chat path's hot loop).

    Gives exactly what complete_entries gives for the same row (tested).
    """
    local_dt: datetime = fields["local_dt"]
    category = fields["category"]

    def given(name: str, default: Any) -> Any:
        value = fields.get(name)
        return default if value is None else value

    row: dict[str, Any] = {
        "occurred_at": local_to_utc_one(local_dt, profile.timezone),
        "local_date": local_dt.date(),
        "type": fields["type"],
        "category": category,
        "amount_minor": int(fields["amount_minor"]),
        "is_necessary": bool(given("is_necessary", _DEFAULT_NECESSARY.get(category, False))),
        "payment_mode": given("payment_mode", DEFAULT_PAYMENT_MODE),
        "is_recurring": bool(given("is_recurring", _DEFAULT_RECURRING.get(category, False))),
        "context": given("context", _DEFAULT_CONTEXT.get(category, "Unplanned")),
        "time_block": given("time_block", time_block_of(local_dt.hour)),
        "day_type": given("day_type", day_type_of(local_dt.date())),
        "note": given("note", ""),
    }
    if row["type"] == "expense":
        score, rules, leak = score_one(
            amount_minor=row["amount_minor"],
            is_necessary=row["is_necessary"],
            context=row["context"],
            is_recurring=row["is_recurring"],
            time_block=row["time_block"],
            day_type=row["day_type"],
            micro_threshold_minor=profile.micro_threshold_minor,
            leak_threshold=profile.leak_threshold,
        )
        row |= {"leakage_score": score, "leak_rules": rules, "is_leak": leak}
    else:
        row |= {"leakage_score": None, "leak_rules": None, "is_leak": None}
    return row
