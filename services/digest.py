"""The weekly leakage digest: what it says, when it is due, and the claim that sends it once.

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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import Digest, User
from services import charts, reports, subscriptions
from services.errors import LeakBotError
from services.money import format_money, round_minor, short_money
from services.scoring import reasons

LATE_LIMIT = timedelta(hours=24)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WHEN = re.compile(r"^(?P<day>[a-z]{3,9})\s+(?P<h>\d{1,2}):(?P<m>\d{2})$")
WEEKS_PER_MONTH = 52 / 12


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
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Digest)
    result = session.execute(
        insert.values(user_id=user_id, week_ending=week_ending, status="claimed", claimed_at=now)
        .on_conflict_do_nothing()
        .returning(Digest.id)
    )
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
def describe_schedule(user: User) -> str:
    if not user.digest_enabled:
        return "Weekly digest: off. /digest on turns it on."
    hour, minute = divmod(user.digest_minute_of_day, 60)
    return (
        f"Weekly digest: on, {DAYS[user.digest_weekday].capitalize()} {hour:02d}:{minute:02d} "
        f"({user.timezone})."
    )


def set_schedule(*, session: Session, user: User, text: str) -> str:
    """`on`, `off` or `DAY HH:MM` (e.g. `sunday 09:00`, `fri 18:30`)."""
    raw = " ".join(text.lower().split())
    if raw in ("on", "off"):
        user.digest_enabled = raw == "on"
        return describe_schedule(user)
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
    return describe_schedule(user)


# --- what ------------------------------------------------------------------------------------
@dataclass
class Content:
    week_ending: date
    text: str
    images: list[bytes] = field(default_factory=list)
    spend_minor: int = 0
    leak_minor: int = 0


def _pct_change(now: int, before: int) -> str:
    if before == 0:
        return "no spending the week before"
    return f"{(now - before) * 100 / before:+.0f}% vs the week before"


def _week_figure(week: pd.DataFrame, currency: str, start: date) -> Figure:
    """Spend per day, the leak part on top."""
    days = pd.date_range(start, periods=7, freq="D")
    spend = (week["amount_minor"] / 100.0).groupby(week["local_date"]).sum().reindex(days, fill_value=0.0)
    leak_rows = week[week["is_leak"]]
    leaks = (
        (leak_rows["amount_minor"] / 100.0)
        .groupby(leak_rows["local_date"])
        .sum()
        .reindex(days, fill_value=0.0)
    )
    figure = Figure(figsize=(8.0, 4.5))  # fixed margins: constrained layout doubles the drawing time
    figure.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.1)
    ax = figure.add_subplot()
    labels = [d.strftime("%a %d") for d in days]
    ax.bar(labels, (spend - leaks).to_numpy(), color=charts.PALETTE["ok"], label="other spend")
    ax.bar(
        labels,
        leaks.to_numpy(),
        bottom=(spend - leaks).to_numpy(),
        color=charts.PALETTE["leak"],
        label="leaks",
    )
    ax.legend(fontsize=11)
    worst = labels[int(np.argmax(leaks.to_numpy()))] if leaks.sum() else None
    title = f"Leakiest day: {worst}" if worst else "No leaks this week"
    ax.set_title(title, fontsize=15, loc="left", color=charts.PALETTE["ink"])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, currency)))
    return figure


def _leak_categories_figure(week: pd.DataFrame, currency: str) -> Figure | None:
    leaks = week[week["is_leak"]]
    if leaks.empty:
        return None
    by_category = (leaks["amount_minor"] / 100.0).groupby(leaks["category"]).sum().sort_values().tail(6)
    figure = Figure(figsize=(8.0, 4.5))
    figure.subplots_adjust(left=0.22, right=0.97, top=0.88, bottom=0.1)
    ax = figure.add_subplot()
    ax.barh(by_category.index, by_category.to_numpy(), color=charts.PALETTE["leak"])
    ax.set_title(f"Leaks by category: {by_category.index[-1]} first", fontsize=15, loc="left")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: short_money(v, currency)))
    return figure


def build(session: Session, user: User, week_ending: date, *, today: date | None = None) -> Content:
    """The digest for the seven days before week_ending (local dates)."""
    start = week_ending - timedelta(days=7)
    frame = reports.entries(session, user, reports.Period(start - timedelta(days=7), week_ending, ""))
    expenses = frame[frame["type"] == "expense"]
    this_week = expenses[expenses["local_date"] >= pd.Timestamp(start)]
    before = expenses[expenses["local_date"] < pd.Timestamp(start)]
    spend, spend_before = int(this_week["amount_minor"].sum()), int(before["amount_minor"].sum())
    leak = int(this_week.loc[this_week["is_leak"], "amount_minor"].sum())
    money = format_money
    currency = user.currency
    period = f"{start:%d %b} – {week_ending - timedelta(days=1):%d %b}"
    lines = [f"<b>Your week, {period}</b>"]
    if spend == 0:
        lines.append("No spending logged this week. Send spends as you go: 250 dining upi")
        return Content(week_ending, "\n".join(lines))
    lines.append(f"Spent {money(spend, currency)} ({_pct_change(spend, spend_before)}).")
    lines.append(f"Leaks: {money(leak, currency)}, {leak * 100 // spend}% of spending.")
    top = this_week[this_week["is_leak"]].sort_values("amount_minor", ascending=False, kind="stable").head(3)
    if not top.empty:
        lines.append("Biggest leaks:")
        for row in top.itertuples():
            why = ", ".join(reasons(row.leak_rules, time_block=row.time_block, context=row.context))
            lines.append(
                f"• {money(int(row.amount_minor), currency)} {row.category} on {row.local_date:%a}: {why}"
            )
    new = [
        s
        for s in subscriptions.refresh(session=session, user=user, today=today or week_ending)
        if s.new and not s.detected.stopped
    ]
    for item in new[:3]:
        lines.append(f"New recurring charge: {subscriptions.describe(item.detected, currency)}.")
    if leak:
        monthly = round_minor(int(leak * WEEKS_PER_MONTH), currency)
        lines.append(
            f"At this pace leaks cost about {money(monthly, currency)} a month: that is what you could save."
        )
    images = [charts.png(_week_figure(this_week, currency, start))]
    categories = _leak_categories_figure(this_week, currency)
    if categories is not None:
        images.append(charts.png(categories))
    return Content(week_ending, "\n".join(lines), images, spend, leak)
