"""Per-expense features, as in the seed analysis: one numpy implementation for a whole history
and for the few rows around one new entry.

Input: columns (a DataFrame or a dict of arrays) with one row per expense: `local_date`,
`amount_minor`, `category`, `is_necessary`, `is_recurring`, `context`, `time_block`,
`day_type`, and an ordering key (`occurred_at`, `entry_id`) when present. Money features are
integer minor units; shares are 0-100.

| feature                   | meaning                                                        |
|---------------------------|----------------------------------------------------------------|
| daily_spend               | the day's expense total                                        |
| monthly_total_spend       | the calendar month's expense total                             |
| monthly_category_spend    | the month's total for this entry's category                    |
| category_spend_ratio      | monthly_category_spend / monthly_total_spend                   |
| recurring_expense_count   | recurring expenses in the month                                |
| monthly_non_essential_pct | share (0-100) of the month's spend that was not necessary      |
| avg_spend_per_time_block  | mean expense in this time block over the whole history         |
| avg_spend_per_day_type    | mean expense on this kind of day over the whole history        |
| cumulative_monthly_spend  | the month's running total up to and including this entry       |
| month, year, day_of_week, week_of_month (1-5)                                               |
| is_salary_week            | within 7 days from the salary day (the month's last day when   |
|                           | the salary day is beyond it)                                   |
| is_micro_spend            | amount below the micro-spend threshold                         |
| is_leakage_potential      | (not necessary and recurring) or an impulsive context          |
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from services.scoring.rules import IMPULSIVE_CONTEXTS
from services.timing import salary_weeks, weekdays

if TYPE_CHECKING:
    import pandas as pd

FEATURE_COLUMNS: tuple[str, ...] = (
    "daily_spend",
    "monthly_total_spend",
    "monthly_category_spend",
    "category_spend_ratio",
    "recurring_expense_count",
    "monthly_non_essential_pct",
    "avg_spend_per_time_block",
    "avg_spend_per_day_type",
    "cumulative_monthly_spend",
    "month",
    "year",
    "day_of_week",
    "week_of_month",
    "is_salary_week",
    "is_micro_spend",
    "is_leakage_potential",
)
_DAY_NAMES = np.array(list(calendar.day_name), dtype=object)  # Monday first
_ORDER = ("local_date", "occurred_at", "entry_id")


# --- groups ---------------------------------------------------------------------------------
def groups(*keys: Any) -> np.ndarray:
    """One integer code per row for the combination of the key columns."""
    codes = np.zeros(len(np.asarray(keys[0])), dtype=np.int64)
    for key in keys:
        _, inverse = np.unique(np.asarray(key), return_inverse=True)
        codes = codes * (int(inverse.max(initial=0)) + 1) + inverse
    return np.unique(codes, return_inverse=True)[1]  # type: ignore[no-any-return]


def group_sum(codes: np.ndarray, values: Any) -> np.ndarray:
    """Each row's group total (exact for integers)."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        totals = np.zeros(int(codes.max(initial=-1)) + 1, dtype=np.int64)
        np.add.at(totals, codes, values.astype(np.int64))
        return totals[codes]
    return np.bincount(codes, weights=values.astype(float))[codes]


def group_mean(codes: np.ndarray, values: Any) -> np.ndarray:
    return group_sum(codes, np.asarray(values, dtype=float)) / np.bincount(codes)[codes]


def group_median(codes: np.ndarray, values: Any) -> np.ndarray:
    """Each row's group median (the mean of the two middle values for an even count)."""
    values = np.asarray(values, dtype=float)
    order = np.lexsort((values, codes))
    counts = np.bincount(codes)
    starts = np.cumsum(counts) - counts
    ordered = values[order]
    middle = (ordered[starts + (counts - 1) // 2] + ordered[starts + counts // 2]) / 2
    return middle[codes]  # type: ignore[no-any-return]


def group_cumsum(codes: np.ndarray, values: Any, order: np.ndarray) -> np.ndarray:
    """Each row's running group total, rows taken in the given order (positions)."""
    values = np.asarray(values, dtype=np.int64)
    ranked = order[np.argsort(codes[order], kind="stable")]
    running = np.cumsum(values[ranked])
    first = np.r_[True, codes[ranked][1:] != codes[ranked][:-1]]
    offsets = np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0))
    before = np.r_[0, running][offsets]
    out = np.empty(len(values), dtype=np.int64)
    out[ranked] = running - before
    return out


# --- the features ---------------------------------------------------------------------------
def _order(columns: Mapping[str, Any]) -> np.ndarray:
    """Row positions by date, then time, then id (ties keep their row order)."""
    ranks = [np.unique(np.asarray(columns[c]), return_inverse=True)[1] for c in _ORDER if c in columns]
    return np.lexsort(ranks[::-1])  # lexsort's last key is the primary one


def feature_arrays(
    columns: Mapping[str, Any], *, salary_day: int, micro_threshold_minor: int
) -> dict[str, np.ndarray]:
    """FEATURE_COLUMNS for every row, as arrays in row order."""
    days = np.asarray(columns["local_date"], dtype="datetime64[D]")
    amount = np.asarray(columns["amount_minor"], dtype=np.int64)
    necessary = np.asarray(columns["is_necessary"], dtype=bool)
    recurring = np.asarray(columns["is_recurring"], dtype=bool)
    months = days.astype("datetime64[M]")
    month_codes = groups(months)
    day_spend = group_sum(groups(days), amount)
    month_total = group_sum(month_codes, amount)
    month_category = group_sum(groups(months, np.asarray(columns["category"], dtype=str)), amount)
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return {
        "daily_spend": day_spend,
        "monthly_total_spend": month_total,
        "monthly_category_spend": month_category,
        "category_spend_ratio": month_category / month_total,
        "recurring_expense_count": group_sum(month_codes, recurring),
        "monthly_non_essential_pct": group_sum(month_codes, np.where(necessary, 0, amount))
        * 100.0
        / month_total,
        "avg_spend_per_time_block": group_mean(groups(np.asarray(columns["time_block"], dtype=str)), amount),
        "avg_spend_per_day_type": group_mean(groups(np.asarray(columns["day_type"], dtype=str)), amount),
        "cumulative_monthly_spend": group_cumsum(month_codes, amount, _order(columns)),
        "month": months.astype(np.int64) % 12 + 1,
        "year": months.astype(np.int64) // 12 + 1970,
        "day_of_week": _DAY_NAMES[weekdays(days)],
        "week_of_month": (day_of_month - 1) // 7 + 1,
        "is_salary_week": salary_weeks(days, salary_day),
        "is_micro_spend": amount < micro_threshold_minor,
        "is_leakage_potential": (~necessary & recurring)
        | np.isin(np.asarray(columns["context"], dtype=object), IMPULSIVE_CONTEXTS),
    }


def compute_features(frame: pd.DataFrame, *, salary_day: int, micro_threshold_minor: int) -> pd.DataFrame:
    """FEATURE_COLUMNS for every row of a frame (same index)."""
    import pandas as pd

    if frame.empty:
        return pd.DataFrame(columns=list(FEATURE_COLUMNS), index=frame.index)
    arrays = feature_arrays(frame, salary_day=salary_day, micro_threshold_minor=micro_threshold_minor)
    return pd.DataFrame(arrays, index=frame.index)[list(FEATURE_COLUMNS)]
