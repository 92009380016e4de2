"""Time in the person's own time zone: time blocks, weekdays and weekends, calendar months,
the salary week, and local wall-clock time to UTC.

Time blocks: Morning 05:00-11:59, Afternoon 12:00-16:59, Evening 17:00-20:59,
Night 21:00-04:59. Saturday and Sunday are the weekend. The salary date of a month is the
person's salary day, or the month's last day when the salary day is beyond it; the salary
week is the SALARY_WEEK_DAYS days from the latest salary date.

Each rule has one implementation: time_block_of and day_type_of for one value (a file applies
them once per distinct hour and date), weekdays and salary_weeks for arrays (the features).
numpy only: pandas is loaded only to convert many local times to UTC at once, following the
same rule as local_to_utc_one (tested equal across DST changes).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# (first hour, block); a block runs until the next one starts.
TIME_BLOCK_STARTS: tuple[tuple[int, str], ...] = (
    (5, "Morning"),
    (12, "Afternoon"),
    (17, "Evening"),
    (21, "Night"),
)
# When a file gives only the block, the entry is placed at this local hour.
BLOCK_REPRESENTATIVE_HOUR: dict[str, int] = {
    "Morning": 9,
    "Afternoon": 14,
    "Evening": 19,
    "Night": 22,
}
# When a file gives only a date (bank statements), the entry is placed at local noon.
DATE_ONLY_HOUR = 12
WEEKEND_DAYS = (5, 6)  # Saturday, Sunday (Monday = 0)
SALARY_WEEK_DAYS = 7

_HOUR_TO_BLOCK = np.array(
    [next((b for h, b in reversed(TIME_BLOCK_STARTS) if hour >= h), "Night") for hour in range(24)],
    dtype=object,
)
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday


def time_block_of(hour: int) -> str:
    """The time block of one local hour."""
    return str(_HOUR_TO_BLOCK[hour])


def _days(values: Any) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def weekdays(days: Any) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 for each date."""
    return (_days(days).astype(np.int64) + _EPOCH_WEEKDAY) % 7  # type: ignore[no-any-return]


def day_type_of(day: date) -> str:
    """`Weekend` for Saturdays and Sundays, `Weekday` otherwise."""
    return "Weekend" if day.weekday() in WEEKEND_DAYS else "Weekday"


# --- calendar months ---------------------------------------------------------------------------
def month_bounds(day: date) -> tuple[date, date]:
    """The first day of day's month and the first day of the next month."""
    start = day.replace(day=1)
    return start, start + timedelta(days=calendar.monthrange(start.year, start.month)[1])


def month_start(year: int, month: int, *, plus: int = 0) -> date:
    """The first day of the month `plus` months after year-month (plus may be negative)."""
    index = year * 12 + month - 1 + plus
    return date(index // 12, index % 12 + 1, 1)


def _salary_dates(months: np.ndarray, salary_day: int) -> np.ndarray:
    """The salary date in each month (datetime64[M]): the salary day, or the month's last day."""
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first + (np.minimum(salary_day, length) - 1)  # type: ignore[no-any-return]


def days_since_salary(days: Any, salary_day: int) -> np.ndarray:
    """Days from the latest salary date (0 on payday) to each date."""
    days = _days(days)
    months = days.astype("datetime64[M]")
    this_month = _salary_dates(months, salary_day)
    latest = np.where(days >= this_month, this_month, _salary_dates(months - 1, salary_day))
    return (days - latest).astype(np.int64)  # type: ignore[no-any-return]


def salary_weeks(days: Any, salary_day: int) -> np.ndarray:
    """True where a date lies within SALARY_WEEK_DAYS days from the latest salary date."""
    return days_since_salary(days, salary_day) < SALARY_WEEK_DAYS  # type: ignore[no-any-return]


# --- time zones --------------------------------------------------------------------------------
def local_datetime(moment: datetime, tz: str) -> datetime:
    """An aware datetime as wall-clock time in tz."""
    return moment.astimezone(ZoneInfo(tz))


def local_today(now: datetime, tz: str) -> date:
    """The person's own date at the moment now."""
    return local_datetime(now, tz).date()


def local_hours(moments: Any, tz: str) -> np.ndarray:
    """The local hour (0-23) in tz of each aware moment."""
    zone = ZoneInfo(tz)
    return np.fromiter((m.astimezone(zone).hour for m in moments), dtype=np.int64, count=len(moments))


def local_to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Naive local wall-clock datetimes to UTC: DST gaps shift forward to the first valid
    time, overlaps take the first (earlier) of the two."""
    aware = local.dt.tz_localize(ZoneInfo(tz), ambiguous=True, nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC")


def local_to_utc_one(local: datetime, tz: str) -> datetime:
    """local_to_utc for one naive datetime (the chat path, without pandas)."""
    zone = ZoneInfo(tz)
    utc = local.replace(tzinfo=zone, fold=0).astimezone(UTC)  # fold=0: an overlap's first time
    if utc.astimezone(zone).replace(tzinfo=None) == local:
        return utc
    # A wall-clock time that never happened (a DST gap): rare, so the batch rule decides.
    import pandas as pd

    return local_to_utc(pd.Series([pd.Timestamp(local)]), tz).iloc[0].to_pydatetime()  # type: ignore[no-any-return]
