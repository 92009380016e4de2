"""Words for what the pictures and the PDF show: months by name, an unnamed payment mode
as "Not given", column ids as words."""

from __future__ import annotations

import calendar

from services.ledger.completion import DEFAULT_PAYMENT_MODE

NOT_GIVEN = "Not given"


def mode_label(mode: object) -> str:
    """A payment mode as people read it: the mode nobody named is "Not given", not "Other"."""
    text = "" if mode is None else str(mode)
    return NOT_GIVEN if text in ("", DEFAULT_PAYMENT_MODE, "nan", "None") else text


def month_name(number: int) -> str:
    """5 -> "May"."""
    return calendar.month_name[int(number)]


def year_month(ym: str) -> str:
    """ "2024-05" -> "May 2024"."""
    year, month = str(ym).split("-")[:2]
    return f"{month_name(int(month))} {year}"


def short_year_month(ym: str) -> str:
    """ "2024-05" -> "May 24", for axis labels."""
    year, month = str(ym).split("-")[:2]
    return f"{calendar.month_abbr[int(month)]} {year[2:]}"
