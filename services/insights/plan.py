"""A plan that saves money: the three changes worth the most, from the person's own leaks.

Two kinds of change:

- **A habit**: the leaks of one merchant (Zomato, from the description) or, without one, of
  one category, in the last WINDOW_DAYS, narrowed to when most of them happen (after 9 pm,
  in the evening, on weekends, on weekdays) when that slice holds at least
  SLICE_SHARE of them. At least MIN_COUNT of them. The change: FEWER_WHEN_OFTEN fewer a
  week when they come OFTEN_PER_WEEK or more times a week, else one fewer; it saves
  fewer × the average amount × 52 a year.
- **Subscriptions** that renew in the next 30 days (two or more, found by
  services/insights/subscriptions.py): cancelling one saves between the cheapest's and the
  dearest's yearly cost.

Changes are ranked by the yearly saving (a subscription change by its smallest). A habit can
be adopted as a goal: its baseline (times a week, average amount) is kept, and each week's
count against it is the saving (`progress`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.frames import entries_frame
from db.models import Goal, User
from services.errors import LeakBotError, NotFound
from services.insights import subscriptions
from services.insights.advice import SLICES, Action, GoalProgress, Habit, Plan, Renewals
from services.insights.merchants import merchant_of, slug
from services.timing import local_datetime

WINDOW_DAYS = 30
WEEKS_IN_WINDOW = WINDOW_DAYS / 7
MIN_COUNT = 3
SLICE_SHARE = 0.6
OFTEN_PER_WEEK = 3.0
FEWER_WHEN_OFTEN = 2
SHOWN = 3


def _local_frame(session: Session, user: User, start: date, end: date) -> pd.DataFrame:
    frame = entries_frame(session, user.id, types=["expense"], start=start, end=end)
    if frame.empty:
        return frame
    frame["is_leak"] = frame["is_leak"].astype("boolean").fillna(False).astype(bool)
    merchants = frame["note"].map(merchant_of)
    frame["target"] = np.where(
        merchants.notna(), "m_" + merchants.fillna("").map(slug), "c_" + frame["category"].map(slug)
    )
    frame["name"] = merchants.fillna(frame["category"])
    return frame


def _in_slice(frame: pd.DataFrame, code: str) -> pd.Series:
    if code == "night":
        return frame["time_block"] == "Night"
    if code == "evening":
        return frame["time_block"] == "Evening"
    if code == "weekend":
        return frame["day_type"] == "Weekend"
    if code == "weekday":
        return frame["day_type"] == "Weekday"
    return pd.Series(True, index=frame.index)


def _habit(target: str, rows: pd.DataFrame) -> Habit | None:
    if len(rows) < MIN_COUNT:
        return None
    best, most = "all", 0
    for code in ("night", "evening", "weekend", "weekday"):  # the narrowest slice that holds most
        inside = int(_in_slice(rows, code).sum())
        if inside >= MIN_COUNT and inside >= SLICE_SHARE * len(rows) and inside > most:
            best, most = code, inside
    chosen = rows[_in_slice(rows, best)]
    count, total = len(chosen), int(chosen["amount_minor"].sum())
    per_week = count / WEEKS_IN_WINDOW
    average = round(total / count)
    fewer = FEWER_WHEN_OFTEN if per_week >= OFTEN_PER_WEEK else 1
    return Habit(
        target=target,
        name=str(chosen["name"].iloc[0]),
        slice=best,
        count=count,
        total_minor=total,
        per_week=per_week,
        average_minor=average,
        fewer_per_week=fewer,
        yearly_saving_minor=fewer * average * 52,
    )


def habits(session: Session, user: User, today: date) -> list[Habit]:
    """The person's repeated leaks of the last WINDOW_DAYS, most saving first."""
    start = today - timedelta(days=WINDOW_DAYS - 1)
    frame = _local_frame(session, user, start, today + timedelta(days=1))
    if frame.empty:
        return []
    leaks = frame[frame["is_leak"]]
    found = [h for target, rows in leaks.groupby("target", sort=True) if (h := _habit(str(target), rows))]
    return sorted(found, key=lambda h: (-h.yearly_saving_minor, h.title))


def renewals(session: Session, user: User, today: date) -> Renewals | None:
    """Two or more confirmed or detected subscriptions renewing in the next 30 days."""
    listed = [
        s
        for s in subscriptions.refresh(session=session, user=user, today=today)
        if s.status != "dismissed"
        and not s.detected.stopped
        and s.detected.next_expected <= today + timedelta(days=30)
    ]
    if len(listed) < 2:
        return None
    soon = [s.detected for s in listed]
    yearly = sorted(d.yearly_minor for d in soon)
    to_cancel = tuple((s.id, s.detected.label) for s in listed if s.status != "cancelling")
    return Renewals(tuple((d.label, d.amount_minor) for d in soon), yearly[0], yearly[-1], to_cancel)


def plan(*, session: Session, user: User, now: datetime) -> Plan:
    """The SHOWN changes that would save the most, and the progress of adopted goals."""
    return plan_on(session=session, user=user, today=local_datetime(now, user.timezone).date())


def plan_on(*, session: Session, user: User, today: date) -> Plan:
    """plan() as of the end of a local day (the digest's last day)."""
    actions: list[Action] = list(habits(session, user, today))
    if (soon := renewals(session, user, today)) is not None:
        actions.append(soon)
    actions.sort(key=lambda a: -a.yearly_saving_minor)
    return Plan(
        tuple(actions[:SHOWN]), tuple(progress(session=session, user=user, today=today)), user.currency
    )


def adopt(*, session: Session, user: User, target: str, slice_code: str, now: datetime) -> Goal:
    """Keep a habit as a goal, with its baseline as it is now (adopting it again keeps the first)."""
    if slice_code not in SLICES:
        raise LeakBotError("That is not a habit I suggested.")
    today = local_datetime(now, user.timezone).date()
    found = next(
        (h for h in habits(session, user, today) if h.target == target and h.slice == slice_code), None
    )
    if found is None:
        raise NotFound("That habit is no longer in your last 30 days; /plan shows what is.")
    existing = session.scalar(
        select(Goal).where(Goal.user_id == user.id, Goal.target == target, Goal.slice == slice_code)
    )
    if existing is not None:
        return existing
    goal = Goal(
        user_id=user.id,
        target=target,
        slice=slice_code,
        title=found.title,
        baseline_per_week_x100=round(found.per_week * 100),
        average_minor=found.average_minor,
        adopted_on=today,
        adopted_at=now.astimezone(UTC),
    )
    session.add(goal)
    session.flush()
    return goal


def _count(frame: pd.DataFrame, goal: Goal, start: date, end: date) -> int:
    days = pd.to_datetime(frame["local_date"]).dt.date
    rows = frame[(frame["target"] == goal.target) & frame["is_leak"] & (days >= start) & (days < end)]
    return int(_in_slice(rows, goal.slice).sum())


def progress(*, session: Session, user: User, today: date) -> list[GoalProgress]:
    """Each adopted goal: this week's count (the seven days to today) against its baseline,
    and what the weeks since adoption saved (fewer than the baseline, at its average)."""
    goals = session.scalars(select(Goal).where(Goal.user_id == user.id).order_by(Goal.id)).all()
    if not goals:
        return []
    first = min(g.adopted_on for g in goals)
    frame = _local_frame(session, user, first, today + timedelta(days=1))
    found = []
    for goal in goals:
        baseline = goal.baseline_per_week_x100 / 100
        week_start = today - timedelta(days=6)
        this_week = _count(frame, goal, week_start, today + timedelta(days=1)) if not frame.empty else 0
        saved_so_far = 0
        start = goal.adopted_on
        while start + timedelta(days=7) <= today + timedelta(days=1):  # whole weeks since adoption
            count = _count(frame, goal, start, start + timedelta(days=7)) if not frame.empty else 0
            saved_so_far += max(0.0, baseline - count) * goal.average_minor
            start += timedelta(days=7)
        found.append(
            GoalProgress(
                goal_id=goal.id,
                title=goal.title,
                baseline_per_week=baseline,
                this_week=this_week,
                saved_this_week_minor=round(max(0.0, baseline - this_week) * goal.average_minor),
                saved_so_far_minor=round(saved_so_far),
                since=goal.adopted_on,
            )
        )
    return found
