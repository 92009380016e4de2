"""The account in words: settings, a changed setting, budgets, the digest's schedule."""

from __future__ import annotations

from bot.render.text import Reply, b
from services.insights.budgets import BudgetChange
from services.ledger.preferences import Change, Preferences
from services.money import format_money
from services.reporting.schedule import DAYS, Schedule
from services.usecases.account import Budgets
from services.wording import counted

RULE_MEANING = {
    "guarded": "a necessity is never a leak unless you say so",
    "seed": "every score from the threshold is a leak",
}
NO_BUDGETS = "No budgets yet. Set one: /budget dining 3000 or /budget leaks 2000"


def settings_reply(p: Preferences) -> Reply:
    return Reply.of(
        b("Your settings"),
        f"timezone: {p.timezone}",
        f"currency: {p.currency}",
        f"micro: {format_money(p.micro_threshold_minor, p.currency)} (spends below this are micro)",
        f"leak_threshold: {p.leak_threshold} (points, of 9, that make a leak)",
        f"leak_rule: {p.leak_rule} ({RULE_MEANING[p.leak_rule]})",
        f"salary_day: {p.salary_day}",
        f"reminder_days: {p.reminder_days} (days before a subscription renews)",
        f"ask: {'on' if p.ask else 'off'} (a daily 'Leak or not?' card)",
        "Change one with /settings NAME VALUE, e.g. /settings micro 200",
    )


def setting_value(setting: str, p: Preferences) -> str:
    if setting == "micro":
        return format_money(p.micro_threshold_minor, p.currency)
    if setting == "ask":
        return "on" if p.ask else "off: no daily card (/teach still asks)"
    values = {
        "timezone": p.timezone,
        "currency": p.currency,
        "leak_threshold": p.leak_threshold,
        "leak_rule": p.leak_rule,
        "salary_day": p.salary_day,
        "reminder_days": p.reminder_days,
    }
    return str(values[setting])


def changed(change: Change) -> str:
    """`micro is now ₹200. 1,204 entries re-scored.`"""
    done = "judged again" if change.setting == "leak_rule" else "re-scored"
    rescored = f" {counted(change.rescored, 'entry', 'entries')} {done}." if change.rescored else ""
    return f"{change.setting} is now {setting_value(change.setting, change.now)}.{rescored}"


def budget_label(category: str | None) -> str:
    return category or "leaks"


def budgets_reply(now: Budgets) -> Reply:
    rows, currency = now.usage, now.currency
    if not rows:
        return Reply.of(NO_BUDGETS)
    return Reply.of(
        b("Budgets this month"),
        *(
            f"{budget_label(r.category)}: {format_money(r.used_minor, currency)} of "
            f"{format_money(r.limit_minor, currency)} ({r.percent}%)"
            for r in rows
        ),
    )


def budget_changed(change: BudgetChange) -> str:
    label = budget_label(change.category)
    if change.limit_minor is None:
        return f"Budget on {label} removed."
    return f"Budget on {label}: {format_money(change.limit_minor, change.currency)} a month."


def schedule_text(s: Schedule) -> str:
    if not s.enabled:
        return "Weekly digest: off. /digest on turns it on."
    return f"Weekly digest: on, {DAYS[s.weekday].capitalize()} {s.at:%H:%M} ({s.timezone})."
