"""The plan in words: each change with what it saves a year, and the goals' progress."""

from __future__ import annotations

import re

from bot.render.text import Reply, b
from services.insights.advice import GoalProgress, Habit, Plan, Renewals
from services.insights.merchants import merchant_of
from services.money import format_money

NOTHING_TO_CHANGE = (
    "No change to suggest yet: your leaks of the last 30 days repeat too little. "
    "Keep logging (or send a statement) and ask again."
)
_FEWER = {1: "One fewer", 2: "Two fewer"}


def about(minor: int, currency: str) -> str:
    """A yearly saving rounded as a person says it: ₹21,060 -> ₹21,000, ₹3,588 -> ₹3,600."""
    step = 100_000 if minor >= 1_000_000 else 10_000  # ₹1,000 from ₹10,000 up, else ₹100
    return format_money(round(minor / step) * step, currency)


def habit_text(h: Habit, currency: str) -> str:
    """`Zomato after 9 pm: 9 times, ₹3,150 in 30 days. Two fewer a week saves about ₹21,000 a year.`"""
    times = "once" if h.count == 1 else f"{h.count} times"
    return (
        f"{h.title}: {times}, {format_money(h.total_minor, currency)} in 30 days. "
        f"{_FEWER.get(h.fewer_per_week, f'{h.fewer_per_week} fewer')} a week saves about "
        f"{about(h.yearly_saving_minor, currency)} a year."
    )


def subscription_name(label: str) -> str:
    return merchant_of(label) or label.title()


def renewals_text(r: Renewals, currency: str) -> str:
    """`Netflix ₹649 and Amazon Prime ₹299 renew within 30 days: cancelling one saves ₹3,588–7,788 a year.`"""
    names = [f"{subscription_name(label)} {format_money(price, currency)}" for label, price in r.names]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    low, high = format_money(r.yearly_low_minor, currency), format_money(r.yearly_high_minor, currency)
    prefix = re.match(r"\D*", high).group(0)  # type: ignore[union-attr]  # the currency, written once
    span = low if low == high else f"{low}–{high.removeprefix(prefix) if low.startswith(prefix) else high}"
    return f"{listed} renew within 30 days: cancelling one saves {span} a year."


def goal_text(g: GoalProgress, currency: str) -> str:
    """`Zomato after 9 pm: 3 this week, 6 a week before: ₹1,200 saved (₹2,400 since 3 Nov).`"""
    before = f"{g.baseline_per_week:.1f}".removesuffix(".0")
    saved = format_money(g.saved_this_week_minor, currency)
    so_far = (
        f" ({format_money(g.saved_so_far_minor, currency)} since {g.since:%d %b})"
        if g.saved_so_far_minor
        else ""
    )
    return f"{g.title}: {g.this_week} this week, {before} a week before: {saved} saved{so_far}."


def action_text(action: Habit | Renewals, currency: str) -> str:
    return habit_text(action, currency) if isinstance(action, Habit) else renewals_text(action, currency)


def plan_reply(p: Plan) -> Reply:
    cur = p.currency
    goals = [goal_text(g, cur) for g in p.goals]
    if not p.actions:
        return Reply.of(NOTHING_TO_CHANGE, b("Your goals") if goals else None, *goals)
    head = (
        "The change that would save you the most:"
        if len(p.actions) == 1
        else (f"The {len(p.actions)} changes that would save you the most:")
    )
    return Reply.of(
        head,
        *(f"{k}. {action_text(a, cur)}" for k, a in enumerate(p.actions, start=1)),
        b("Your goals") if goals else None,
        *goals,
    )
