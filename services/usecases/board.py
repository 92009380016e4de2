"""The interactive dashboard (the Telegram Mini App): one month's numbers behind a filter.

Its taps change entries through the chat's own use cases (services/usecases/entries.py:
record_verdict for Leak / Not a leak, category_menu and move_to for the category).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.errors import LeakBotError
from services.reporting.board import Board, BoardFilter, board_data
from services.timing import local_today

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def board(
    *,
    session: Session,
    person: User,
    month: str | None,
    now: datetime,
    category: str | None = None,
    payment_mode: str | None = None,
    time_block: str | None = None,
    page: int = 0,
) -> Board:
    """One month (`YYYY-MM`; default: this month, or the latest with entries when this one
    has none) behind a filter on category, payment mode and time block."""
    chosen = BoardFilter(category=category, payment_mode=payment_mode, time_block=time_block)
    today = local_today(now, person.timezone)
    if month is None:
        year, number = today.year, today.month
        shown = board_data(session, person, year=year, month=number, chosen=chosen, page=page)
        last = shown.last_month
        if last is None or (last.year, last.month) >= (year, number):
            return shown
        return board_data(session, person, year=last.year, month=last.month, chosen=chosen, page=page)
    found = _MONTH.fullmatch(month.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 1970 <= int(found[1]) <= 2100:
        raise LeakBotError("Give a month as YYYY-MM, e.g. 2024-05.")
    return board_data(session, person, year=int(found[1]), month=int(found[2]), chosen=chosen, page=page)
