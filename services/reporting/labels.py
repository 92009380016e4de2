"""Words for what the pictures and the PDF show: months by name, the unnamed payment mode
as chat answers name it (services/wording.py label_words)."""

from __future__ import annotations

import calendar

from services.wording import UNNAMED_PAYMENT_MODE, label_words


def mode_label(mode: object) -> str:
    """A payment mode as people read it: the mode nobody named is "Mode not given", not "Other"."""
    text = UNNAMED_PAYMENT_MODE if mode is None or str(mode) in ("", "nan", "None") else str(mode)
    return label_words(text, "payment_mode")


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
