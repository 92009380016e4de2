"""Reports in words: chart captions, the dashboard's summary, the weekly digest, the overview."""

from __future__ import annotations

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
    from services.reporting.dashboard import Dashboard
    from services.reporting.digest import WeeklyDigest

NO_SPENDING_THIS_WEEK = "No spending logged this week. Send spends as you go: 250 dining upi"


def chart_caption(c: Chart) -> str:
    return f"{c.title} · {c.period.label}"


def report_caption(r: Report) -> str:
    return f"LeakBot report, {r.month:%Y-%m}"


def report_file_name(r: Report) -> str:
    return f"leakbot-report-{r.month:%Y-%m}.pdf"


def dashboard_summary(d: Dashboard) -> str:
    """The text that comes with the dashboard picture."""
    cur = d.currency
    rate = f"{d.savings_rate:.0f}%" if d.savings_rate is not None else "n/a (no income logged)"
    lines = [
        d.month.label,
        f"Income {format_money(d.income.value_minor, cur)} ({d.income.change_words})",
        f"Expenses {format_money(d.expenses.value_minor, cur)} ({d.expenses.change_words})",
        f"Savings {format_money(d.savings.value_minor, cur)} ({d.savings.change_words}), savings rate {rate}",
    ]
    if d.leak_share is not None:
        lines.append(f"Leaks {format_money(d.leak_total_minor, cur)}: {d.leak_share:.0f}% of spending")
    if d.by_category:
        top, amount = d.by_category[0]
        lines.append(f"Biggest category: {top} ({format_money(amount, cur)})")
    return "\n".join(lines)


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
