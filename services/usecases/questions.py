"""The business questions: answer one over the person's own entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.models import User
from services.questions import canned
from services.questions.canned import LeakLine, QuestionResult, SavingsPace
from services.timing import local_today


@dataclass(frozen=True)
class Answer:
    result: QuestionResult
    today: date  # the person's own date when asked
    largest_leaks: tuple[LeakLine, ...] = ()  # top_leak_contexts_by_month: this month's five largest
    savings: SavingsPace | None = None  # potential_savings: what it adds up to in a year


def answer(
    *, session: Session, person: User, question_id: str, now: datetime, year: int | None = None
) -> Answer:
    """One of the fourteen questions (by id), for a year where the question takes one."""
    result = canned.ask(session=session, user=person, question_id=question_id, year=year)
    today = local_today(now, person.timezone)
    if not result.rows:
        return Answer(result, today)
    if question_id == "top_leak_contexts_by_month":
        leaks = canned.largest_leaks(session=session, user=person, year=today.year, month=today.month)
        return Answer(result, today, largest_leaks=tuple(leaks))
    if question_id == "potential_savings":
        return Answer(result, today, savings=canned.savings_pace(result.rows, person.currency))
    return Answer(result, today)
