"""/today and /month in words: a sentence, the yardstick, the leaks, the budgets' room."""

from __future__ import annotations

from bot.render.questions import fitted, wrapped
from bot.render.text import Reply, b, pre
from services.insights.today import SoFar, Span
from services.money import format_money
from services.wording import counted


def _against(s: SoFar) -> str:
    cur, now, then = s.currency, s.now.spent_minor, s.yardstick_minor
    if s.span is Span.DAY:
        if not s.before.spent_minor:
            return "Nothing spent last month to compare with."
        assert s.same_day is not None
        same = f"{s.same_day.start:%-d %B}: {format_money(s.same_day.spent_minor, cur)}"
        return f"{same}; a usual day last month: {format_money(then, cur)}."
    since = f"By {s.before.end:%-d %B} you had spent {format_money(then, cur)}"
    if not then:
        return f"Nothing spent last month by {s.before.end:%-d %B}."
    if now == then:
        return f"{since}: the same."
    more = "more" if now > then else "less"
    return f"{since}: {format_money(abs(now - then), cur)} {more} this time."


def so_far_reply(s: SoFar) -> Reply:
    """Phone-first: every line at most 34 characters."""
    cur = s.currency
    when = "Today" if s.span is Span.DAY else f"{s.today:%B} so far"
    if s.now.spends == 0 and s.now.spent_minor == 0:
        head = f"{when}: nothing spent yet."
    else:
        head = f"{when}: {format_money(s.now.spent_minor, cur)} in {counted(s.now.spends, 'spend')}."
    leaks = (
        f"Leaks: {format_money(s.now.leaks_minor, cur)} in {counted(s.now.leaks, 'spend')}."
        if s.now.leaks
        else "No leaks."
    )
    top = [(category, format_money(amount, cur)) for category, amount in s.top]
    room = [_room(u.category, u.limit_minor - u.used_minor, cur) for u in s.budgets]
    return Reply.of(
        *wrapped(head),
        *wrapped(_against(s)),
        *wrapped(leaks),
        b("Where it went") if top else None,
        pre(fitted(top)) if top else None,
        b("Left this month") if room else None,
        pre(fitted(room)) if room else None,
        None if room else "No budgets yet: /budget dining 3000",
    )


def _room(category: str | None, left: int, currency: str) -> tuple[str, str]:
    name = category or "Leaks"
    if left >= 0:
        return name, f"{format_money(left, currency)} left"
    return name, f"{format_money(-left, currency)} over"
