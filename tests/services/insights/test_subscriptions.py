"""Planted subscriptions are found with their period among a realistic ledger; one-offs are not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from bot.render.learning import reminder_text
from services import synthetic
from services.insights import subscriptions
from services.ledger import entries as ledger
from services.ledger.completion import ScoringProfile
from tests.factories import make_user

TODAY = date(2025, 11, 20)


def _background(seed: int = 3) -> pd.DataFrame:
    entries = synthetic.generate_entries(
        months=24, seed=seed, profile=ScoringProfile("Asia/Kolkata", 30_000, 5)
    )
    expenses = entries[entries["type"] == "expense"]
    return expenses[["local_date", "amount_minor", "category", "note"]].reset_index(drop=True)


def _series(
    start: date,
    step_days: float,
    n: int,
    amount: int,
    *,
    note: str = "",
    category: str = "Subscription",
    rng=None,
    skip=(),
) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    rng = rng or np.random.default_rng(0)
    rows = []
    for i in range(n):
        if i in skip:
            continue
        jitter = int(rng.integers(-2, 3)) if step_days > 20 else 0
        day = start + timedelta(days=round(i * step_days) + jitter)
        rows.append({"local_date": day, "amount_minor": amount, "category": category, "note": note})
    return rows


def test_planted_subscriptions_are_found_with_their_period_price_rise_and_gaps() -> None:
    rng = np.random.default_rng(7)
    netflix = _series(date(2024, 6, 5), 30.44, 18, 49_900, note="NETFLIX.COM 8812", rng=rng, skip=(7,))
    for row in netflix[-2:]:
        row["amount_minor"] = 64_900  # the price went up for the last two payments
    gym = _series(date(2025, 8, 10), 7, 15, 30_000, category="Entertainment")  # no description: by amount
    insurance = _series(date(2023, 3, 10), 365.25, 3, 1_200_000, note="LIC premium", category="Utilities")
    cancelled = _series(date(2024, 1, 15), 30.44, 6, 19_900, note="spotify", rng=rng)
    one_offs = [
        {"local_date": date(2025, 3, 3), "amount_minor": 5_500_000, "category": "Travel", "note": "goa trip"},
        {
            "local_date": date(2025, 7, 9),
            "amount_minor": 899_900,
            "category": "Clothing",
            "note": "wedding suit",
        },
    ]
    frame = pd.concat(
        [_background(), pd.DataFrame(netflix + gym + insurance + cancelled + one_offs)], ignore_index=True
    )
    found = {d.label: d for d in subscriptions.detect(frame, today=TODAY)}

    assert found["Netflix"].period == "monthly"
    assert found["Netflix"].price_rise_from == 49_900 and found["Netflix"].amount_minor == 64_900
    assert found["Netflix"].yearly_minor == found["Netflix"].monthly_minor * 12 == 64_900 * 12
    assert not found["Netflix"].stopped
    assert found["Entertainment"].period == "weekly" and found["Entertainment"].amount_minor == 30_000
    assert found["Lic Premium"].period == "yearly"
    assert found["Spotify"].stopped and found["Spotify"].period == "monthly"
    assert "goa trip" not in found and "wedding suit" not in found
    # Nothing else in two years of ordinary spending looks like a subscription.
    assert set(found) == {"Netflix", "Entertainment", "Lic Premium", "Spotify"}


def test_a_habit_of_varying_amounts_is_no_subscription_and_bank_descriptions_read_as_merchants() -> None:
    """Weekly Zomato orders of ₹180 to ₹640 recur but keep to no price: no subscription (the
    plan covers habits). A bank's "UPI NETFLIX NETFLIX ICICI ICIC" reads as Netflix."""
    rng = np.random.default_rng(3)
    zomato = _series(date(2025, 1, 6), 7, 30, 40_000, note="UPI-ZOMATO-zomato@okicici", category="Dining Out")
    for row in zomato:
        row["amount_minor"] = int(rng.integers(18_000, 64_000))
    netflix = _series(date(2025, 3, 2), 30.44, 8, 64_900, note="UPI NETFLIX NETFLIX ICICI ICIC")
    found = {d.label for d in subscriptions.detect(pd.DataFrame(zomato + netflix), today=TODAY)}
    assert found == {"Netflix"}


def test_a_trial_then_the_full_price_is_one_subscription_with_no_price_rise() -> None:
    """Spotify's ₹2 first month, then ₹119: a monthly subscription at ₹119 that began with a
    trial (not a price rise from ₹2)."""
    from bot.render.learning import subscription_text

    spotify = _series(date(2025, 6, 1), 30.44, 6, 11_900, note="SPOTIFY INDIA")
    spotify[0]["amount_minor"] = 200
    (found,) = subscriptions.detect(pd.DataFrame(spotify), today=TODAY)
    assert (found.label, found.amount_minor, found.trial_from, found.price_rise_from) == (
        "Spotify",
        11_900,
        200,
        None,
    )
    assert "Began with a ₹2 trial" in subscription_text(found, "INR")


def test_dismissed_ones_stay_quiet_and_confirmed_ones_get_one_reminder(session: Session) -> None:
    user = make_user(session)
    start = date(2025, 8, 1)
    for i in range(5):
        for amount, offset, name in ((649, 0, "netflix"), (199, 3, "spotify")):
            day = start + timedelta(days=30 * i + offset)
            ledger.log_text(
                session=session,
                user=user,
                text=f"/spend {amount} subscription {day.isoformat()} {name}",
                now=datetime(2025, 12, 31, tzinfo=UTC),
                source_ref=f"{name}{i}",
            )
    listed = subscriptions.refresh(session=session, user=user, today=date(2025, 12, 10))
    assert {item.detected.label for item in listed} == {"Netflix", "Spotify"} and all(i.new for i in listed)
    by_label = {item.detected.label: item for item in listed}
    subscriptions.set_status(
        session=session, user=user, subscription_id=by_label["Spotify"].id, status="dismissed"
    )
    subscriptions.set_status(
        session=session, user=user, subscription_id=by_label["Netflix"].id, status="confirmed"
    )
    again = subscriptions.refresh(session=session, user=user, today=date(2025, 12, 10))
    assert [i.detected.label for i in again] == ["Netflix"] and not again[0].new

    renewal = by_label["Netflix"].detected.next_expected
    before = renewal - timedelta(days=user.renewal_reminder_days)
    assert subscriptions.due_reminders(session=session, today=before - timedelta(days=1)) == []
    reminders = subscriptions.due_reminders(session=session, today=before)
    assert [r.user_id for r in reminders] == [user.id]
    assert "Still using Netflix? It renews on" in reminder_text(reminders[0])
    assert subscriptions.due_reminders(session=session, today=before) == []  # once per renewal


def test_a_yearly_plan_costs_its_price_a_year_and_a_twelfth_of_it_a_month() -> None:
    expenses = pd.DataFrame(
        {
            "local_date": [date(2023, 3, 1), date(2024, 3, 2), date(2025, 3, 1)],
            "amount_minor": [99_900] * 3,
            "category": ["Subscription"] * 3,
            "note": ["Amazon Prime"] * 3,
        }
    )
    (prime,) = subscriptions.detect(expenses, today=date(2025, 6, 1))
    assert (prime.period, prime.yearly_minor, prime.monthly_minor) == ("yearly", 99_900, 8_325)


def test_one_the_person_means_to_cancel_is_reminded_the_day_before_it_renews(session: Session) -> None:
    """Remind me to cancel: no "Still using?" check any more, but a nudge the day before the
    renewal, once, naming what it costs a year."""
    from services.money import format_money
    from services.usecases import learning

    user = make_user(session)
    for i in range(5):
        day = date(2025, 8, 1) + timedelta(days=30 * i)
        ledger.log_text(
            session=session,
            user=user,
            text=f"/spend 649 subscription {day.isoformat()} netflix",
            now=datetime(2025, 12, 31, tzinfo=UTC),
            source_ref=f"n{i}",
        )
    (netflix,) = subscriptions.refresh(session=session, user=user, today=date(2025, 12, 10))
    learning.plan_to_cancel(session=session, person=user, subscription_id=netflix.id)
    renewal = netflix.detected.next_expected
    early = renewal - timedelta(days=user.renewal_reminder_days)
    assert subscriptions.due_reminders(session=session, today=early) == []
    (nudge,) = subscriptions.due_reminders(session=session, today=renewal - timedelta(days=1))
    assert nudge.cancelling
    yearly = format_money(netflix.detected.yearly_minor, "INR")
    assert reminder_text(nudge) == f"Cancel Netflix today: it renews tomorrow for ₹649 ({yearly} a year)."
    assert subscriptions.due_reminders(session=session, today=renewal - timedelta(days=1)) == []
