from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from services.timing import (
    day_type_of,
    local_to_utc,
    local_to_utc_one,
    month_bounds,
    month_start,
    salary_weeks,
    time_block_of,
    weekdays,
)


def test_one_local_time_turns_into_utc_like_a_batch_across_daylight_saving() -> None:
    """Every half hour around spring-forward gaps and fall-back overlaps: the chat path's
    conversion equals the vectorised one (gaps shift forward, overlaps take the first time)."""
    around = {
        "America/New_York": ("2026-03-08", "2026-11-01"),
        "Pacific/Auckland": ("2026-04-05", "2026-09-27"),
        "Europe/London": ("2026-03-29", "2026-10-25"),
        "Asia/Kolkata": ("2026-03-08", "2026-11-01"),
    }
    for zone, days in around.items():
        for day in days:
            local = pd.Series(pd.date_range(f"{day} 00:00", periods=8 * 2, freq="30min"))
            batch = local_to_utc(local, zone)
            for moment, expected in zip(local, batch, strict=True):
                one = local_to_utc_one(moment.to_pydatetime(), zone)
                assert one == expected.to_pydatetime(), (zone, moment)


def test_time_blocks_and_weekends_match_the_calendar() -> None:
    assert [time_block_of(h) for h in (4, 5, 11, 12, 16, 17, 20, 21, 23)] == [
        "Night",
        "Morning",
        "Morning",
        "Afternoon",
        "Afternoon",
        "Evening",
        "Evening",
        "Night",
        "Night",
    ]
    days = pd.date_range("2024-06-10", periods=7, freq="D")  # a Monday to a Sunday
    assert weekdays(days.to_numpy()).tolist() == [d.weekday() for d in days]
    assert [day_type_of(d.date()) for d in days] == ["Weekday"] * 5 + ["Weekend"] * 2


def test_salary_week_follows_the_salary_day_across_month_ends() -> None:
    days = np.array(
        ["2024-01-31", "2024-02-05", "2024-02-06", "2024-02-29", "2024-03-06"], dtype="datetime64[D]"
    )
    assert salary_weeks(days, 31).tolist() == [True, True, True, True, True]
    assert salary_weeks(days, 30).tolist() == [True, True, False, True, True]
    assert salary_weeks(np.array(["2024-01-07", "2024-01-08"], dtype="datetime64[D]"), 1).tolist() == [
        True,
        False,
    ]


def test_months_end_where_the_calendar_says() -> None:
    assert month_bounds(date(2024, 2, 14)) == (date(2024, 2, 1), date(2024, 3, 1))
    assert month_bounds(date(2024, 12, 31)) == (date(2024, 12, 1), date(2025, 1, 1))
    assert month_start(2024, 1, plus=-1) == date(2023, 12, 1)
    assert month_start(2024, 11, plus=14) == date(2026, 1, 1)
