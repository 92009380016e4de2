from __future__ import annotations

import pandas as pd
import pytest

from services.scoring.features import compute_features


def test_hand_checked_month() -> None:
    frame = pd.DataFrame(
        {
            "entry_id": [1, 2, 3],
            "local_date": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-03-09"]),
            "amount_minor": [10_000, 30_000, 60_000],
            "category": ["Dining Out", "Groceries", "Dining Out"],
            "is_necessary": [False, True, False],
            "is_recurring": [False, False, True],
            "context": ["Unplanned", "Routine", "Routine"],
            "time_block": ["Evening", "Morning", "Evening"],
            "day_type": ["Weekday", "Weekday", "Weekend"],
        }
    )
    f = compute_features(frame, salary_day=1, micro_threshold_minor=30_000)
    assert f["daily_spend"].tolist() == [40_000, 40_000, 60_000]
    assert f["monthly_total_spend"].tolist() == [100_000] * 3
    assert f["monthly_category_spend"].tolist() == [70_000, 30_000, 70_000]
    assert f["category_spend_ratio"].tolist() == pytest.approx([0.7, 0.3, 0.7])
    assert f["monthly_non_essential_pct"].tolist() == pytest.approx([70.0] * 3)
    assert f["cumulative_monthly_spend"].tolist() == [10_000, 40_000, 100_000]
    assert f["avg_spend_per_time_block"].tolist() == pytest.approx([35_000, 30_000, 35_000])
    assert f["is_salary_week"].tolist() == [True, True, False]
    assert f["is_micro_spend"].tolist() == [True, False, False]
    assert f["is_leakage_potential"].tolist() == [True, False, True]
    assert f["week_of_month"].tolist() == [1, 1, 2]
    assert f["day_of_week"].tolist() == ["Friday", "Friday", "Saturday"]
