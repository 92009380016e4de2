"""Replies to questions in plain words: how the question was understood first (so a misreading
shows), then the answer; at most five rows in chat, every line at most 34 characters; the CLI
gets the same restatement and a full table, or json.

"Dining Out, weekends," / "1–31 May 2024:" / "₹4,250 in 17 spends"
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.render.text import Reply, b
from services.money import format_money
from services.questions.asked import Result, Row
from services.questions.plain import By, Filters, Measure, Period, Query
from services.usecases.questions import AskAnswer

WIDTH = 34  # characters a chat line may take on a portrait phone
CHAT_ROWS = 5
MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
BLOCKS = {"Morning": "mornings", "Afternoon": "afternoons", "Evening": "evenings", "Night": "nights"}
WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
NOT_UNDERSTOOD = "I couldn't read that question."


# --- words for what was understood -------------------------------------------------------------
def period_label(p: Period) -> str:
    """`1–31 May 2024`, `1 May–15 Jun 2024`, `20 Dec 2023–5 Jan 2024`, `20 June 2024`, `2023`."""
    s, e = p.start, p.end
    if s == e:
        return f"{s.day} {FULL_MONTHS[s.month]} {s.year}"
    if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
        return str(s.year)
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{e.day} {FULL_MONTHS[s.month]} {s.year}"
    if s.year == e.year:
        return f"{s.day} {MONTHS[s.month]}–{e.day} {MONTHS[e.month]} {s.year}"
    return f"{s.day} {MONTHS[s.month]} {s.year}–{e.day} {MONTHS[e.month]} {e.year}"


def subject(f: Filters) -> list[str]:
    """What the question is about, in words: ["Dining Out leaks", "weekends", "by UPI"]."""
    base = f.merchant or " and ".join(f.categories)
    if f.leak is True:
        base = f"{base} leaks" if base else "Leaks"
    parts = [base or "All spending"]
    if f.leak is False:
        parts.append("not leaks")
    if f.necessary is not None:
        parts.append("needs" if f.necessary else "non-essentials")
    if f.day_type is not None:
        parts.append(f.day_type.lower() + "s")
    if f.weekday is not None:
        parts.append(WEEKDAYS[f.weekday])
    if f.time_block is not None:
        parts.append(BLOCKS[f.time_block])
    if f.payment_modes:
        cards = {"Debit Card", "Credit Card"}
        modes = [
            "card" if set(f.payment_modes) >= cards and m == "Debit Card" else m for m in f.payment_modes
        ]
        modes = [m for m in modes if not (set(f.payment_modes) >= cards and m == "Credit Card")]
        parts.append("by " + " or ".join(modes))
    return parts


def fit(line: str, width: int = WIDTH) -> str:
    """One line cut to width (a long name ends in …)."""
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def wrap(pieces: list[str], width: int = WIDTH, sep: str = ", ") -> list[str]:
    """Pieces joined by sep into lines of at most width; a piece is never split unless it alone
    is too long (then it is cut)."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if len(candidate) + len(sep.rstrip()) <= width:
            current = candidate
            continue
        if current:
            lines.append(current + sep.rstrip())
        current = piece
    if current:
        lines.append(current)
    return [fit(line, width) for line in lines]


def _spends(n: int) -> str:
    return "1 spend" if n == 1 else f"{n:,} spends"


def _day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month]}"


def _month(d: date) -> str:
    return f"{FULL_MONTHS[d.month]} {d.year}"


def _row_label(row: Row, by: By | None) -> str:
    if by is By.MONTH and row.day is not None:
        return _month(row.day)
    if by is By.WEEK and row.day is not None:
        return f"week of {_day(row.day)}"
    if by is By.SPEND and row.day is not None:
        from services.insights.merchants import merchant_of

        return f"{_day(row.day)} {merchant_of(row.note) or row.label}"
    return row.label


def headline(query: Query, result: Result, no_merchant: str | None = None) -> list[str]:
    """How the question was understood and its answer's first line, as chat lines."""
    lead = [f"No spends name {no_merchant}."] if no_merchant else []
    first = result.figures[0]
    cur = result.currency
    if query.measure is Measure.COMPARE:
        return lead + wrap(subject(query.filters))
    if query.measure is Measure.BUDGET:
        return lead + wrap([*_budget_subject(query), _month(query.period.start) + ":"])
    head = wrap([*subject(query.filters), period_label(query.period) + ":"])
    if query.measure is Measure.COUNT:
        figure = f"{_spends(first.count)}, {format_money(first.total_minor, cur)}"
    elif query.measure is Measure.AVERAGE:
        if result.average_minor is None:
            figure = "No spends."
        else:
            figure = f"{format_money(result.average_minor, cur)} a spend ({_spends(first.count)})"
    else:
        figure = (
            f"{format_money(first.total_minor, cur)} in {_spends(first.count)}"
            if first.count
            else "No spends."
        )
        if first.count == 0 and first.total_minor:
            figure = f"{format_money(first.total_minor, cur)} (refunds)"
    return lead + head + [fit(figure)]


def _budget_subject(query: Query) -> list[str]:
    f = query.filters
    if f.categories:
        return [f"{' and '.join(f.categories)} budget"]
    return ["Leaks budget" if f.leak else "Your budgets"]


def rows_lines(query: Query, result: Result, *, limit: int | None) -> list[str]:
    """The rows under the headline: a top list, a trend, a comparison or budgets."""
    cur = result.currency
    if query.measure is Measure.COMPARE:
        return _comparison(result)
    if query.measure is Measure.BUDGET:
        return _budgets(query, result)
    rows = list(result.rows)
    more = result.more_rows
    if query.measure is Measure.TREND:
        shown = rows if limit is None else rows[-limit:]  # the latest
        earlier = len(rows) - len(shown)
        lines = [_money_line(_row_label(r, query.by), r.total_minor, cur) for r in shown]
        if earlier:
            unit = "week" if query.by is By.WEEK else "month"
            lines.insert(0, f"({earlier} earlier {unit}{'s' if earlier > 1 else ''} not shown)")
        return lines
    if limit is not None and len(rows) > limit:
        more += len(rows) - limit
        rows = rows[:limit]
    lines = [_money_line(_row_label(r, query.by), r.total_minor, cur) for r in rows]
    if more:
        lines.append(f"and {more} more")
    return lines


def _money_line(label: str, minor: int, currency: str) -> str:
    money = format_money(minor, currency)
    return f"{fit(label, WIDTH - len(money) - 1)} {money}"


def _comparison(result: Result) -> list[str]:
    """Both periods, then the change from the earlier to the later one."""
    cur = result.currency
    lines = []
    for fig in result.figures:
        lines.append(fit(period_label(fig.period) + ":"))
        lines.append(
            fit(
                f"  {format_money(fig.total_minor, cur)} in {_spends(fig.count)}"
                if fig.count
                else "  no spends"
            )
        )
    earlier, later = sorted(result.figures, key=lambda fig: fig.period.start)
    change = later.total_minor - earlier.total_minor
    if change == 0:
        lines.append("The same.")
    else:
        word = "Up" if change > 0 else "Down"
        pct = f" ({change * 100 / earlier.total_minor:+.0f}%)" if earlier.total_minor > 0 else ""
        lines.append(fit(f"{word} {format_money(abs(change), cur)}{pct}"))
    return lines


def _budgets(query: Query, result: Result) -> list[str]:
    cur = result.currency
    if not result.budgets:
        what = " and ".join(query.filters.categories) or ("leaks" if query.filters.leak else "")
        lines = wrap([f"You have no budget on {what}." if what else "You have no budgets."], sep=" ")
        return [*lines, "Set one: /budget dining 3000"]
    lines = []
    for budget in result.budgets:
        name = budget.category or "Leaks"
        limit = format_money(budget.limit_minor, cur)
        if budget.left_minor >= 0:
            state = f"{format_money(budget.left_minor, cur)} left of {limit}"
        else:
            state = f"{format_money(-budget.left_minor, cur)} over {limit}"
        lines.extend(wrap([name, state], sep=": ") if len(result.budgets) > 1 else [fit(state)])
    return lines


# --- the replies -------------------------------------------------------------------------------
def ask_reply(answer: AskAnswer) -> Reply:
    """The chat reply: the restatement (bold), then at most five rows."""
    if answer.not_understood is not None:
        return not_understood_reply(answer)
    assert answer.query is not None and answer.result is not None
    head = headline(answer.query, answer.result, answer.no_merchant)
    return Reply((b(head[0]), *head[1:], *rows_lines(answer.query, answer.result, limit=CHAT_ROWS)))


def not_understood_reply(answer: AskAnswer) -> Reply:
    assert answer.not_understood is not None
    unknown = answer.not_understood.unknown
    said = f"I don't know “{fit(unknown[0], 14)}” here." if unknown else NOT_UNDERSTOOD
    return Reply((*wrap(said.split(" "), sep=" "), "Try one of these:"))


def ask_text(answer: AskAnswer) -> str:
    """The command line: the same restatement and every row."""
    if answer.not_understood is not None:
        return not_understood_reply(answer).plain + "\n" + "\n".join(answer.not_understood.suggestions)
    assert answer.query is not None and answer.result is not None
    head = headline(answer.query, answer.result, answer.no_merchant)
    return "\n".join([*head, *rows_lines(answer.query, answer.result, limit=None)])


def _period_json(p: Period | None) -> dict[str, str] | None:
    return (
        None
        if p is None
        else {"start": p.start.isoformat(), "end": p.end.isoformat(), "label": period_label(p)}
    )


def ask_json(answer: AskAnswer) -> str:
    """{"query": {...as understood...}, "result": {...}} (money in minor units)."""
    if answer.not_understood is not None:
        payload: dict[str, Any] = {
            "query": None,
            "understood": False,
            "unknown": list(answer.not_understood.unknown),
            "suggestions": list(answer.not_understood.suggestions),
        }
        return json.dumps(payload, ensure_ascii=False, indent=2)
    q, r = answer.query, answer.result
    assert q is not None and r is not None
    f = q.filters
    query = {
        "text": answer.text,
        "measure": q.measure.value,
        "by": q.by.value if q.by else None,
        "limit": q.limit,
        "period": _period_json(q.period),
        "other_period": _period_json(q.other),
        "filters": {
            "categories": list(f.categories),
            "merchant": f.merchant,
            "payment_modes": list(f.payment_modes),
            "time_block": f.time_block,
            "day_type": f.day_type,
            "weekday": WEEKDAYS[f.weekday][:-1] if f.weekday is not None else None,
            "leak": f.leak,
            "necessary": f.necessary,
        },
        "no_merchant": answer.no_merchant,
        "restated": " ".join(headline(q, r, answer.no_merchant)),
    }
    result = {
        "currency": r.currency,
        "periods": [
            {**(_period_json(fig.period) or {}), "total_minor": fig.total_minor, "count": fig.count}
            for fig in r.figures
        ],
        "average_minor": r.average_minor,
        "rows": [
            {
                "label": row.label,
                "total_minor": row.total_minor,
                "count": row.count,
                "date": row.day.isoformat() if row.day else None,
                "note": row.note,
            }
            for row in r.rows
        ],
        "more_rows": r.more_rows,
        "budgets": [
            {
                "category": x.category,
                "limit_minor": x.limit_minor,
                "used_minor": x.used_minor,
                "left_minor": x.left_minor,
            }
            for x in r.budgets
        ],
    }
    return json.dumps({"query": query, "result": result}, ensure_ascii=False, indent=2)
