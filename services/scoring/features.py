"""Per-expense features, as in the seed analysis, computed for a whole history at once.

Input: one row per expense with `local_date` (datetime64), `amount_minor`, `category`,
`is_necessary`, `is_recurring`, `context`, `time_block` and an ordering key
(`occurred_at`, `entry_id`). Money features are integer minor units; shares are 0-100.

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

import numpy as np
import pandas as pd

from services.scoring.rules import IMPULSIVE_CONTEXTS
from services.timing import salary_weeks

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


def _order(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("local_date", "occurred_at", "entry_id") if c in frame]


def compute_features(frame: pd.DataFrame, *, salary_day: int, micro_threshold_minor: int) -> pd.DataFrame:
    """Return the feature columns for every row of frame (same index), computed vectorised."""
    if frame.empty:
        return pd.DataFrame(columns=list(FEATURE_COLUMNS), index=frame.index)
    days = pd.to_datetime(frame["local_date"]).dt.normalize()
    amount = frame["amount_minor"].astype(np.int64)
    necessary = frame["is_necessary"].astype(bool)
    recurring = frame["is_recurring"].astype(bool)
    ym = days.dt.to_period("M")
    work = pd.DataFrame(
        {
            "day": days,
            "ym": ym,
            "amount": amount,
            "category": frame["category"],
            "non_essential": amount.where(~necessary, 0),
            "recurring": recurring.astype(np.int64),
            "time_block": frame["time_block"],
            "day_type": frame["day_type"],
        },
        index=frame.index,
    )
    out = pd.DataFrame(index=frame.index)
    out["daily_spend"] = work.groupby("day")["amount"].transform("sum")
    out["monthly_total_spend"] = work.groupby("ym")["amount"].transform("sum")
    out["monthly_category_spend"] = work.groupby(["ym", "category"])["amount"].transform("sum")
    out["category_spend_ratio"] = out["monthly_category_spend"] / out["monthly_total_spend"]
    out["recurring_expense_count"] = work.groupby("ym")["recurring"].transform("sum")
    out["monthly_non_essential_pct"] = (
        work.groupby("ym")["non_essential"].transform("sum") * 100.0 / out["monthly_total_spend"]
    )
    out["avg_spend_per_time_block"] = work.groupby("time_block")["amount"].transform("mean")
    out["avg_spend_per_day_type"] = work.groupby("day_type")["amount"].transform("mean")
    ordered = frame.sort_values(_order(frame), kind="stable").index
    out["cumulative_monthly_spend"] = work.loc[ordered].groupby("ym")["amount"].cumsum().reindex(frame.index)
    out["month"] = days.dt.month
    out["year"] = days.dt.year
    out["day_of_week"] = days.dt.day_name()
    out["week_of_month"] = (days.dt.day - 1) // 7 + 1
    out["is_salary_week"] = salary_weeks(days.to_numpy(), salary_day)
    out["is_micro_spend"] = amount < micro_threshold_minor
    out["is_leakage_potential"] = (~necessary & recurring) | frame["context"].isin(IMPULSIVE_CONTEXTS)
    return out[list(FEATURE_COLUMNS)]
