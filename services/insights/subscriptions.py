"""Recurring charges and subscriptions, found from the dates and amounts alone.

Expenses are grouped by normalised description (or by category when there is none) and,
within a group, by similar amount (within AMOUNT_TOLERANCE of the band's first payment;
a described series keeps one band so a price rise stays in it). A group is a subscription
when it has at least MIN_OCCURRENCES payments whose gaps fit one period (weekly, monthly,
yearly) within its tolerance, allowing skipped periods (a gap of two or three periods)
but never two payments inside one period. For each: the monthly and yearly cost, the last
and next expected dates, a price rise (the last two payments at a new amount) and whether
it looks stopped (no payment for 1.5 periods).

People confirm or dismiss what is found (`subscriptions` table); dismissed ones stay quiet,
confirmed ones get a reminder `renewal_reminder_days` before the next charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry, Subscription, User
from services.catalog import normalise_description
from services.errors import NotFound
from services.insights.merchants import display_name


@dataclass(frozen=True)
class Period:
    name: str
    days: float
    tolerance: float  # days either side
    per_year: float  # payments in a year


PERIODS = (
    Period("weekly", 7, 1.5, 365.25 / 7),
    Period("monthly", 30.44, 5, 12),
    Period("yearly", 365.25, 12, 1),
)
MIN_OCCURRENCES = 3
AMOUNT_TOLERANCE = 0.10
MAX_SKIPPED = 3  # a gap may span up to this many periods (skipped months)
STOPPED_AFTER = 1.5  # periods without a payment
PRICE_CHANGE = 0.02  # relative change that counts as a new price
CANCEL_REMINDER_DAYS = 1  # a subscription to cancel: reminded the day before it renews
TRIAL_SHARE = 0.5  # a first charge below this share of the price is a trial
STABLE_SHARE = 0.6  # of a series' payments at one price, for its amount to count as stable


@dataclass(frozen=True)
class Detected:
    key: str
    label: str
    period: str
    period_days: int
    amount_minor: int  # the latest price
    monthly_minor: int
    yearly_minor: int
    last: date
    next_expected: date
    occurrences: int
    price_rise_from: int | None  # the previous price when the last two payments are at a new one
    stopped: bool
    trial_from: int | None = None  # a first charge far below the price (a trial), what it was


def _chain(days: np.ndarray, period: Period) -> np.ndarray:
    """Indices of a series in sorted days, skipping payments too soon after the last one kept."""
    kept = [0]
    for i in range(1, len(days)):
        if days[i] - days[kept[-1]] >= period.days - period.tolerance:
            kept.append(i)
    return np.array(kept)


def _fit_period(days: np.ndarray) -> Period | None:
    """The period every gap fits (as 1..MAX_SKIPPED periods), most gaps being exactly one."""
    gaps = np.diff(days)
    for period in PERIODS:
        multiples = np.rint(gaps / period.days)
        if (multiples < 1).any() or (multiples > MAX_SKIPPED).any():
            continue
        if (np.abs(gaps - multiples * period.days) > period.tolerance * multiples).any():
            continue
        if (multiples == 1).sum() * 2 >= len(gaps):
            return period
    return None


def _series(key: str, label: str, rows: pd.DataFrame, today: date) -> Detected | None:
    rows = rows.sort_values("local_date", kind="stable")
    if len(rows) < MIN_OCCURRENCES:
        return None
    day_numbers = np.array([d.toordinal() for d in rows["local_date"]], dtype=np.float64)
    period = _fit_period(day_numbers)
    if period is None:
        return None
    amounts = rows["amount_minor"].to_numpy(dtype=np.int64)
    latest = int(amounts[-1])
    trial = int(amounts[0]) if amounts[0] < TRIAL_SHARE * np.median(amounts[1:]) else None
    paid = amounts[1:] if trial is not None else amounts  # the price, after a trial
    rise = None
    if len(paid) >= 3:
        before = int(np.median(paid[:-2]))
        same_new = abs(paid[-1] - paid[-2]) <= PRICE_CHANGE * paid[-1]
        if same_new and paid[-1] > before * (1 + PRICE_CHANGE):
            rise = before
    last = rows["local_date"].iloc[-1]
    next_expected = last + timedelta(days=round(period.days))
    yearly = round(latest * period.per_year)
    return Detected(
        key=key,
        label=label,
        period=period.name,
        period_days=round(period.days),
        amount_minor=latest,
        monthly_minor=round(yearly / 12),
        yearly_minor=yearly,
        last=last,
        next_expected=next_expected,
        occurrences=len(rows),
        price_rise_from=rise,
        stopped=(today - last).days > STOPPED_AFTER * period.days,
        trial_from=trial,
    )


def detect(expenses: pd.DataFrame, *, today: date) -> list[Detected]:
    """Subscriptions among one person's expenses (`local_date`, `amount_minor`, `category`, `note`)."""
    if expenses.empty:
        return []
    frame = expenses.assign(description=expenses["note"].fillna("").map(normalise_description))
    found: list[Detected] = []
    described = frame["description"] != ""
    for description, rows in frame[described].groupby("description", sort=True):
        if not _stable(rows["amount_minor"].to_numpy(dtype=np.int64)):
            continue  # a habit of varying amounts (weekly Zomato orders) is no subscription: /plan
        hit = _series(f"d:{description}", display_name(str(description)), rows, today)
        if hit is not None:
            found.append(hit)
    plain = frame[~described]
    for category, rows in plain.groupby("category", sort=True):
        found.extend(_undescribed(str(category), rows, today))
    return sorted(found, key=lambda d: -d.monthly_minor)


def _stable(amounts: np.ndarray) -> bool:
    """Whether payments keep to a price: most of them at one level (within PRICE_CHANGE),
    or at most two levels in all (a price rise)."""
    levels: list[tuple[int, int]] = []  # (price, payments at it)
    for amount in np.sort(amounts):
        if levels and amount - levels[-1][0] <= PRICE_CHANGE * amount:
            levels[-1] = (levels[-1][0], levels[-1][1] + 1)
        else:
            levels.append((int(amount), 1))
    return len(levels) <= 2 or max(n for _p, n in levels) >= STABLE_SHARE * len(amounts)


def _undescribed(category: str, rows: pd.DataFrame, today: date) -> list[Detected]:
    """Series without a description: a price paid at least MIN_OCCURRENCES times, payments within
    AMOUNT_TOLERANCE of it, other spends in between skipped."""
    rows = rows.sort_values("local_date", kind="stable")
    counts = rows["amount_minor"].value_counts()
    found: list[Detected] = []
    used: set[int] = set()
    for price in counts[counts >= MIN_OCCURRENCES].index:
        near = rows[(rows["amount_minor"] - price).abs() <= AMOUNT_TOLERANCE * price]
        near = near[~near.index.isin(list(used))]
        exact_dates = near.loc[near["amount_minor"] == price, "local_date"]
        near = near[near["local_date"].between(exact_dates.min(), exact_dates.max())]
        days = np.array([d.toordinal() for d in near["local_date"]], dtype=np.float64)
        for period in PERIODS:
            if len(near) < MIN_OCCURRENCES:
                break
            members = near.iloc[_chain(days, period)]
            if (members["amount_minor"] == price).sum() < MIN_OCCURRENCES:
                continue
            hit = _series(f"c:{category}:{price}", category, members, today)
            if hit is not None and hit.period == period.name:
                found.append(hit)
                used.update(members.index)
                break
    return found


# --- with the database ----------------------------------------------------------------------
@dataclass(frozen=True)
class Listed:
    id: int
    status: str
    detected: Detected
    new: bool  # first seen in this call


def _expenses(session: Session, user: User) -> pd.DataFrame:
    rows = session.execute(
        select(Entry.local_date, Entry.amount_minor, Entry.category, Entry.note).where(
            Entry.user_id == user.id, Entry.type == "expense"
        )
    ).all()
    return pd.DataFrame(rows, columns=["local_date", "amount_minor", "category", "note"])


def refresh(*, session: Session, user: User, today: date) -> list[Listed]:
    """Detect, remember what is new, and return everything not dismissed (biggest first)."""
    detected = detect(_expenses(session, user), today=today)
    known = {s.key: s for s in session.scalars(select(Subscription).where(Subscription.user_id == user.id))}
    listed = []
    for d in detected:
        row = known.get(d.key)
        new = row is None
        if row is None:
            row = Subscription(
                user_id=user.id,
                key=d.key,
                label=d.label[:128],
                period_days=d.period_days,
                amount_minor=d.amount_minor,
            )
            session.add(row)
            session.flush()
        else:
            row.period_days, row.amount_minor = d.period_days, d.amount_minor
        if row.status != "dismissed":
            listed.append(Listed(row.id, row.status, d, new))
    return listed


def set_status(*, session: Session, user: User, subscription_id: int, status: str) -> Subscription:
    """Confirm or dismiss one of the person's subscriptions."""
    row = session.scalar(
        select(Subscription).where(Subscription.id == subscription_id, Subscription.user_id == user.id)
    )
    if row is None:
        raise NotFound("That subscription is not one of yours.")
    row.status = status
    return row


@dataclass(frozen=True)
class Reminder:
    """A confirmed subscription renews in the person's reminder_days (or, one the person
    means to cancel, tomorrow)."""

    user_id: int
    chat_id: int
    currency: str
    subscription: Detected
    subscription_id: int = 0
    cancelling: bool = False  # the person asked to be reminded to cancel it


def due_reminders(*, session: Session, today: date) -> list[Reminder]:
    """Reminders for confirmed subscriptions renewing in `renewal_reminder_days`, and for those
    the person means to cancel, the day before (each renewal once)."""
    reminders = []
    rows = session.execute(
        select(Subscription, User)
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.status.in_(["confirmed", "cancelling"]))
    ).all()
    detected_by_user: dict[int, dict[str, Detected]] = {}
    for sub, user in rows:
        if user.id not in detected_by_user:  # one detection per person, however many they confirmed
            detected_by_user[user.id] = {d.key: d for d in detect(_expenses(session, user), today=today)}
        d = detected_by_user[user.id].get(sub.key)
        if d is None or d.stopped or sub.reminded_for == d.next_expected:
            continue
        cancelling = sub.status == "cancelling"
        if (d.next_expected - today).days == (
            CANCEL_REMINDER_DAYS if cancelling else user.renewal_reminder_days
        ):
            sub.reminded_for = d.next_expected
            chat = user.chat_id or user.telegram_id
            reminders.append(Reminder(user.id, chat, user.currency, d, sub.id, cancelling))
    return reminders
