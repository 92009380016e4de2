"""The plan: the changes that would save the person the most, and the goals they adopted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.insights.advice import Plan


def make_plan(*, session: Session, person: User, now: datetime) -> Plan:
    """The three changes worth the most a year, each from the person's own pattern, and how
    the goals they adopted are going."""
    from services.insights import plan as planning

    return planning.plan(session=session, user=person, now=now)


def plan_to_cancel(*, session: Session, person: User, subscription_id: int, now: datetime) -> Plan:
    """Mark a subscription the plan names as one to cancel (reminded the day before it renews);
    the plan as it is then."""
    from services.insights import plan as planning
    from services.insights import subscriptions

    subscriptions.set_status(
        session=session, user=person, subscription_id=subscription_id, status="cancelling"
    )
    return planning.plan(session=session, user=person, now=now)


def adopt_goal(*, session: Session, person: User, target: str, slice_code: str, now: datetime) -> Plan:
    """Adopt one suggested habit change as a goal; the plan as it is then."""
    from services.insights import plan as planning

    planning.adopt(session=session, user=person, target=target, slice_code=slice_code, now=now)
    return planning.plan(session=session, user=person, now=now)
