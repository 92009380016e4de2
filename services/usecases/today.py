"""/today and /month: where the person stands now, against last month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.insights.today import SoFar, Span, so_far
from services.timing import local_today


def today(*, session: Session, person: User, now: datetime) -> SoFar:
    """Spent today, the leaks among it, every budget's room, against last month's usual day."""
    return so_far(session=session, user=person, today=local_today(now, person.timezone), span=Span.DAY)


def this_month(*, session: Session, person: User, now: datetime) -> SoFar:
    """This month so far against last month up to the same day, with every budget's room."""
    return so_far(session=session, user=person, today=local_today(now, person.timezone), span=Span.MONTH)
