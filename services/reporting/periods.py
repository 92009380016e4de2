"""A person's entries for a period, as the charts, the dashboard and the digest read them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.frames import entries_frame
from db.models import User
from services.errors import LeakBotError
from services.timing import month_bounds

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAYS = re.compile(r"^(?:last)?(\d{1,4})d$")
DEFAULT_PERIOD = "365d"


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # exclusive
    label: str


def month_period(year: int, month: int) -> Period:
    """One calendar month."""
    start, end = month_bounds(date(year, month, 1))
    return Period(start, end, f"{start:%B %Y}")


def parse_period(text: str | None, *, today: date) -> Period:
    """`2024-05` (a month), `2024` (a year), `30d` / `last90d` (days up to today), `all`."""
    raw = (text or DEFAULT_PERIOD).strip().lower()
    if raw == "all":
        return Period(date(1970, 1, 1), today + timedelta(days=1), "all time")
    if m := _MONTH.match(raw):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12 and 1970 <= year <= 2100:
            return month_period(year, month)
    if m := _YEAR.match(raw):
        year = int(m[1])
        if 1970 <= year <= 2100:
            return Period(date(year, 1, 1), date(year + 1, 1, 1), str(year))
    if m := _DAYS.match(raw):
        days = int(m[1])
        if 1 <= days <= 3660:
            return Period(today - timedelta(days=days - 1), today + timedelta(days=1), f"last {days} days")
    raise LeakBotError(f"{text!r} is not a period. Use 2024-05, 2024, 30d or all.")


def entries(session: Session, user: User, period: Period) -> pd.DataFrame:
    """The person's entries in the period (all types), oldest first; local_date as datetime64."""
    frame = entries_frame(session, user.id, start=period.start, end=period.end)
    frame["local_date"] = pd.to_datetime(frame["local_date"])
    frame["is_leak"] = frame["is_leak"].astype("boolean").fillna(False).astype(bool)
    return frame
