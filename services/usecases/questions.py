"""The business questions: answer one over the person's own entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.models import User
from services.insights.advice import Action
from services.ledger.vocabulary import vocabulary_of
from services.questions import asked, canned, plain
from services.questions.asked import Result
from services.questions.canned import LeakLine, QuestionResult, SavingsPace
from services.questions.plain import NotUnderstood, Query
from services.timing import local_today


@dataclass(frozen=True)
class Answer:
    result: QuestionResult
    today: date  # the person's own date when asked
    largest_leaks: tuple[LeakLine, ...] = ()  # top_leak_contexts_by_month: this month's five largest
    savings: SavingsPace | None = None  # potential_savings: what it adds up to in a year
    next_step: Action | None = None  # top_leaks and potential_savings: the plan's first change


def _next_step(session: Session, person: User, today: date) -> Action | None:
    from services.insights import plan

    advice = plan.plan_on(session=session, user=person, today=today)
    return advice.actions[0] if advice.actions else None


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
        return Answer(result, today, largest_leaks=tuple(leaks), next_step=_next_step(session, person, today))
    if question_id == "potential_savings":
        savings = canned.savings_pace(result.rows, person.currency)
        return Answer(result, today, savings=savings, next_step=_next_step(session, person, today))
    return Answer(result, today)


# --- questions in plain words ------------------------------------------------------------------
@dataclass(frozen=True)
class AskAnswer:
    """A question in plain words: how it was understood and its answer, or what was not."""

    text: str
    today: date
    query: Query | None
    result: Result | None
    not_understood: NotUnderstood | None = None
    no_merchant: str | None = None  # no spend named this merchant: the answer is its category's


def ask(*, session: Session, person: User, text: str, now: datetime) -> AskAnswer:
    """Understand a question in plain words ("zomato this year") and answer it."""
    today = local_today(now, person.timezone)
    words = vocabulary_of(session, person).words()
    query = plain.understand(text, today=today, words=words)
    if isinstance(query, NotUnderstood):
        return AskAnswer(text, today, None, None, not_understood=query)
    result = asked.answer(session=session, user=person, query=query)
    merchant = query.filters.merchant
    if merchant is not None and result.figures[0].count == 0 and query.merchant_category is not None:
        # chat lines name the merchant only through its category (`zomato 250` is Dining Out)
        query = plain.with_category(query, query.merchant_category)
        result = asked.answer(session=session, user=person, query=query)
        return AskAnswer(text, today, query, result, no_merchant=merchant)
    return AskAnswer(text, today, query, result)
