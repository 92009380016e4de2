"""Reports in words: chart captions, the dashboard's summary, the weekly digest, the overview."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.render.entries import reasons
from bot.render.learning import subscription_text
from bot.render.plan import action_text, goal_text
from bot.render.text import Reply, b
from services.money import format_money
from services.usecases.reports import Chart, Report
from services.wording import change_words

if TYPE_CHECKING:  # pandas-backed modules; their results are only read here
    from services.insights.overview import LeakOverview
    from services.reporting.dashboard import Dashboard, Kpi
    from services.reporting.digest import WeeklyDigest

NO_SPENDING_THIS_WEEK = "No spending logged this week. Send spends as you go: 250 dining upi"


CAPTION_WIDTH = 34  # characters a portrait phone shows on one line


def _fitted(*lines: str | None) -> str:
    """Lines of at most CAPTION_WIDTH characters (a longer one wraps at a word)."""
    return "\n".join(
        wrapped
        for line in lines
        if line is not None
        for wrapped in textwrap.wrap(line, CAPTION_WIDTH, break_on_hyphens=False) or [""]
    )


def chart_caption(c: Chart) -> str:
    """One sentence: `Expense by category, last 30 days.` (the picture's title says the takeaway)."""
    return f"{c.title}, {c.period.label}."


def report_caption(r: Report) -> str:
    return _fitted(
        f"Your LeakBot report for {r.month:%B %Y}:",
        "the dashboard, charts for twelve months and the question tables.",
    )


def report_file_name(r: Report) -> str:
    return f"leakbot-report-{r.month:%Y-%m}.pdf"


def dashboard_summary(d: Dashboard) -> str:
    """The text that comes with the dashboard picture: a sentence, then one figure a line,
    each against the month before."""
    cur = d.currency
    before = f"{d.month.start - timedelta(days=1):%b}"

    def line(name: str, value: str, kpi: Kpi) -> str:
        change = kpi.change_pct
        return f"{name} {value} ({'none in ' + before if change is None else f'{change:+.0f}% vs {before}'})"

    spent = format_money(d.expenses.value_minor, cur)
    sentence = f"In {d.month.label} you spent {spent}."
    if not (d.expenses.value_minor or d.income.value_minor or d.savings.value_minor):
        sentence = f"Nothing logged for {d.month.label} yet."
    if d.leak_share is not None and d.leak_total_minor:
        sentence += f" {format_money(d.leak_total_minor, cur)} of it ({d.leak_share:.0f}%) went on leaks."
    rate = f"{d.savings_rate:.0f}%" if d.savings_rate is not None else "n/a, no income"
    top = d.by_category[0] if d.by_category else None
    leak = d.top_leaks[0] if d.top_leaks else None
    return _fitted(
        sentence,
        "",
        line("Income", format_money(d.income.value_minor, cur), d.income),
        line("Expenses", spent, d.expenses),
        line("Savings", format_money(d.savings.value_minor, cur), d.savings),
        f"Savings rate {rate}",
        line("Leaks", format_money(d.leak_total_minor, cur), d.leaks),
        f"Top category: {top[0]}, {format_money(top[1], cur)}" if top else None,
        (
            f"Top leak: {format_money(leak.amount_minor, cur)} {leak.category}, "
            f"{leak.local_date.day} {leak.local_date:%b}"
            if leak
            else None
        ),
    )


def digest_reply(d: WeeklyDigest) -> Reply:
    """Last week's spend and leaks, the biggest leaks with their reasons, new recurring charges,
    and what the leaks cost a month at this pace."""
    cur = d.currency
    head = b(f"Your week, {d.start:%d %b} – {d.week_ending - timedelta(days=1):%d %b}")
    if d.spend_minor == 0:
        return Reply.of(head, NO_SPENDING_THIS_WEEK)
    spend_change = change_words(
        d.spend_minor,
        d.spend_before_minor,
        against="the week before",
        nothing_before="no spending the week before",
    )
    leaks = [
        f"• {format_money(x.amount_minor, cur)} {x.category} on {x.local_date:%a}: "
        + ", ".join(reasons(x.rules, time_block=x.time_block, context=x.context))
        for x in d.top_leaks
    ]
    pace = f"At this pace leaks cost about {format_money(d.leak_pace_month_minor, cur)} a month."
    return Reply.of(
        head,
        f"Spent {format_money(d.spend_minor, cur)} ({spend_change}).",
        f"Leaks: {format_money(d.leak_minor, cur)}, {d.leak_minor * 100 // d.spend_minor}% of spending.",
        "Biggest leaks:" if leaks else None,
        *leaks,
        *(f"New recurring charge: {subscription_text(s, cur)}." for s in d.new_subscriptions),
        pace if d.leak_minor else None,
        *(goal_text(g, cur) for g in d.goals),
        f"Next step: {action_text(d.next_step, cur)}" if d.next_step is not None else None,
    )


def overview_lines(o: LeakOverview) -> list[str]:
    """What `leakbot demo` prints after the import line."""
    cur = o.currency
    lines = [
        f"{o.leaks} of {o.expenses} expenses are leaks: {format_money(o.leak_spend_minor, cur)} of "
        f"{format_money(o.spend_minor, cur)} spent ({o.leak_share_pct:.1f}%).",
        "Top leak categories:",
    ]
    lines += [
        f"  {c.category:<16} {format_money(c.amount_minor, cur):>10} in {c.count} leaks"
        for c in o.top_categories
    ]
    lines.append("Examples:")
    lines += [
        f"  {x.local_date} {x.category} {format_money(x.amount_minor, cur)}: score {x.score} "
        f"({', '.join(reasons(x.rules, time_block=x.time_block, context=x.context))})"
        for x in o.examples
    ]
    return lines
