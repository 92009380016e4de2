"""Time of day and kind of day, in the person's own time zone.

Time blocks: Morning 05:00-11:59, Afternoon 12:00-16:59, Evening 17:00-20:59,
Night 21:00-04:59. Saturday and Sunday are the weekend.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
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
WEEKEND_DAYS = (5, 6)  # Saturday, Sunday

_HOUR_TO_BLOCK = np.array(
    [next((b for h, b in reversed(TIME_BLOCK_STARTS) if hour >= h), "Night") for hour in range(24)],
    dtype=object,
)


def time_block_of(hour: int) -> str:
    """Return the time block of a local hour (0-23)."""
    return str(_HOUR_TO_BLOCK[hour])


def day_type_of(day: date) -> str:
    """Return `Weekend` for Saturday and Sunday, `Weekday` otherwise."""
    return "Weekend" if day.weekday() in WEEKEND_DAYS else "Weekday"


def time_blocks(hours: pd.Series) -> pd.Series:
    """Vectorised time_block_of."""
    return pd.Series(_HOUR_TO_BLOCK[hours.to_numpy(dtype=np.int64)], index=hours.index, dtype=object)


def day_types(days: pd.Series) -> pd.Series:
    """Vectorised day_type_of over a datetime64 series."""
    weekend = days.dt.day_of_week.isin(WEEKEND_DAYS).to_numpy()
    return pd.Series(np.where(weekend, "Weekend", "Weekday"), index=days.index, dtype=object)


def local_to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Turn naive local wall-clock datetimes into UTC (DST gaps shift forward, overlaps pick the first)."""
    aware = local.dt.tz_localize(ZoneInfo(tz), ambiguous=True, nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC")


def local_to_utc_one(local: datetime, tz: str) -> datetime:
    """local_to_utc for one naive datetime, without pandas (the chat path)."""
    zone = ZoneInfo(tz)
    utc = local.replace(tzinfo=zone, fold=0).astimezone(UTC)  # fold=0: an overlap's first time
    if utc.astimezone(zone).replace(tzinfo=None) == local:
        return utc
    # In a DST gap (a wall-clock time that never happened): shift forward, as the batch does.
    series = local_to_utc(pd.Series([pd.Timestamp(local)]), tz)
    return series.iloc[0].to_pydatetime()  # type: ignore[no-any-return]


def local_datetime(moment: datetime, tz: str) -> datetime:
    """Return an aware datetime as wall-clock time in tz."""
    return moment.astimezone(ZoneInfo(tz))


def combine_local(day: date, at: time, tz: str) -> datetime:
    """Return the aware datetime for a local date and time in tz."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz))
