"""When the weekly digest is due, and the claim that sends it once.

Each person with the digest on gets it at their weekday and time in their own time zone
(default Sunday 09:00). It covers the seven local days before that moment. A scheduler tick
(the bot's JobQueue every minute, or `leakbot digest --send-due` from cron) finds who is due:
their latest scheduled moment has passed, less than LATE_LIMIT ago, and no `digests` row
exists for it. The row is claimed (INSERT ... ON CONFLICT DO NOTHING) and committed before
sending, so several bot instances on one PostgreSQL database send each digest once; a digest
missed while the bot was down goes out when it is back, within LATE_LIMIT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Digest, User
from db.repositories import insert_once
from services.errors import LeakBotError

LATE_LIMIT = timedelta(hours=24)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WHEN = re.compile(r"^(?P<day>[a-z]{3,9})\s+(?P<h>\d{1,2}):(?P<m>\d{2})$")


# --- when ------------------------------------------------------------------------------------
def latest_schedule(user: User, now: datetime) -> datetime:
    """The person's most recent scheduled moment at or before now (aware, in their zone)."""
    zone = ZoneInfo(user.timezone)
    local_now = now.astimezone(zone)
    back = (local_now.weekday() - user.digest_weekday) % 7
    at = time(user.digest_minute_of_day // 60, user.digest_minute_of_day % 60)
    day = local_now.date() - timedelta(days=back)
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment > local_now:
        moment = datetime.combine(day - timedelta(days=7), at, tzinfo=zone)
    return moment


@dataclass(frozen=True)
class Due:
    user: User
    week_ending: date  # the scheduled local date
    scheduled: datetime


def due(session: Session, now: datetime) -> list[Due]:
    """People whose digest is due now and not yet claimed."""
    people = session.scalars(select(User).where(User.digest_enabled.is_(True)).order_by(User.id)).all()
    candidates = []
    for user in people:
        moment = latest_schedule(user, now)
        if now - moment <= LATE_LIMIT:
            candidates.append(Due(user, moment.date(), moment))
    if not candidates:
        return []
    claimed = set(
        session.execute(
            select(Digest.user_id, Digest.week_ending).where(
                Digest.user_id.in_([c.user.id for c in candidates])
            )
        ).all()
    )
    return [c for c in candidates if (c.user.id, c.week_ending) not in claimed]


def claim(session: Session, user_id: int, week_ending: date, now: datetime) -> bool:
    """Claim one digest; True for the one caller that may send it. Commit before sending."""
    row = {"user_id": user_id, "week_ending": week_ending, "status": "claimed", "claimed_at": now}
    result = session.execute(insert_once(session, Digest, row).returning(Digest.id))
    return result.first() is not None


def mark(session: Session, user_id: int, week_ending: date, outcome: str, now: datetime) -> None:
    """Record how sending went: `sent`, `blocked` (the digest is turned off) or `failed`
    (the claim is released so a later tick retries)."""
    where = (Digest.user_id == user_id, Digest.week_ending == week_ending)
    if outcome == "failed":
        session.execute(delete(Digest).where(*where))
        return
    row = session.scalars(select(Digest).where(*where)).one()
    row.status, row.sent_at = outcome, now
    if outcome == "blocked":
        user = session.get(User, user_id)
        if user is not None:
            user.digest_enabled = False


# --- settings --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Schedule:
    enabled: bool
    weekday: int  # Monday = 0
    at: time  # local
    timezone: str


def schedule_of(user: User) -> Schedule:
    hour, minute = divmod(user.digest_minute_of_day, 60)
    return Schedule(user.digest_enabled, user.digest_weekday, time(hour, minute), user.timezone)


def set_schedule(*, session: Session, user: User, text: str) -> Schedule:
    """`on`, `off` or `DAY HH:MM` (e.g. `sunday 09:00`, `fri 18:30`)."""
    raw = " ".join(text.lower().split())
    if raw in ("on", "off"):
        user.digest_enabled = raw == "on"
        return schedule_of(user)
    match = _WHEN.match(raw)
    days = [d for d in DAYS if match and d.startswith(match["day"])]
    if not match or len(days) != 1:
        raise LeakBotError("Usage: /digest on, /digest off, /digest sunday 09:00 or /digest now.")
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        raise LeakBotError(f"{match['h']}:{match['m']} is not a time of day.")
    user.digest_weekday = DAYS.index(days[0])
    user.digest_minute_of_day = hour * 60 + minute
    user.digest_enabled = True
    return schedule_of(user)
