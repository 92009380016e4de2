"""The business questions in words: an aligned table, one plain-language line, and the
table as CSV or JSON for the command line."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from bot.render.plan import action_text
from bot.render.text import Reply, b, pre
from services.money import exponent, format_money, from_minor
from services.questions.canned import Kind, QuestionResult
from services.usecases.questions import Answer

EMPTY_HINT = (
    "Nothing to show yet. Log a few spends (e.g. 250 dining upi) or send a bank statement, then ask again."
)
NUMERIC = {Kind.MONEY, Kind.COUNT, Kind.SCORE, Kind.PERCENT, Kind.MONTH, Kind.RANK}


def value(v: Any, kind: Kind, currency: str) -> Any:
    """A cell as data for CSV and JSON: money in whole currency units (exact Decimal)."""
    return from_minor(int(v), currency) if kind is Kind.MONEY else v


def _cell(v: Any, kind: Kind, currency: str) -> str:
    if kind is Kind.FLAG:
        return "true" if v else "false"
    if kind is Kind.MONEY:
        return f"{from_minor(int(v), currency):,.{exponent(currency)}f}"
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    return str(v)


def table_text(result: QuestionResult) -> str:
    """An aligned plain-text table: numbers right-aligned, text left-aligned."""
    cells = [
        [_cell(v, k, result.currency) for v, k in zip(row, result.kinds, strict=True)] for row in result.rows
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]
    numeric = [k in NUMERIC for k in result.kinds]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(list(result.columns)), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def insight(answer: Answer) -> str:
    """One plain-language line that says what the answer means."""
    result = answer.result
    rows, cur = result.rows, result.currency
    if not rows:
        return ""
    first = rows[0]
    match result.question:
        case "monthly_spend":
            peak = max(rows, key=lambda r: (r[1], -r[0]))
            total, top = format_money(sum(r[1] for r in rows), cur), format_money(peak[1], cur)
            return f"{result.year}: {total} spent; the peak was month {peak[0]} with {top}."
        case "non_essential_count":
            peak = max(rows, key=lambda r: (r[1], -r[0]))
            return f"Most non-essential spends in month {peak[0]} of {result.year}: {peak[1]}."
        case "top_categories":
            return f"{first[0]} is your most frequent expense: {first[1]} times."
        case "micro_spend_modes":
            return f"Most micro spends go through {first[0]}: {first[1]} of them."
        case "recurring_vs_one_off":
            parts = {r[0]: r[1] for r in rows}
            if len(parts) == 2:
                bigger = "recurring" if parts[True] > parts[False] else "one-off"
                return f"Your {bigger} expenses are larger on average."
            return "All your expenses are " + ("recurring." if True in parts else "one-off.")
        case "weekday_spend":
            return f"{first[0]} is your most expensive day: {format_money(first[1], cur)} on average."
        case "leak_time_blocks":
            return f"{first[0]} is your leakiest time: {first[1]} leaks."
        case "high_score_contexts":
            return f"{first[0]} spends dominate your highest scores: {first[1]} of them."
        case "potential_savings":
            pace = answer.savings
            assert pace is not None
            span = "the last month" if pace.months == 1 else f"the last {pace.months} months"
            return (
                f"Halving your top tenth of leak-prone spends would have saved "
                f"{format_money(pace.total_minor, cur)} over {span}."
            )
        case "salary_week_categories":
            return f"Right after payday you spend most often on {first[0]} ({first[1]} times)."
        case "channel_risk":
            return f"{first[0]} is your riskiest channel: average score {first[1]}."
        case "top_leak_contexts_by_month":
            last = rows[-1][0]
            top = next(r for r in rows if r[0] == last)
            return f"In {last} your biggest leak context was {top[1]}: {format_money(top[2], cur)}."
        case "salary_week_jumps":
            worst = max(rows, key=lambda r: r[3])
            return f"Biggest jump after payday: {worst[0]}, up {worst[3]}%."
        case "channel_leak_rate":
            return f"{first[0]} leaks most often: {first[3]}% of its spends."
    return ""  # pragma: no cover


def _title(result: QuestionResult) -> str:
    return result.title + (f" ({result.year})" if result.year else "")


def answer_reply(a: Answer) -> Reply:
    """Title, the table, one insight line; /top_leaks adds the month's largest leaks and
    /savings the yearly figure. A hint when there is nothing to show."""
    result = a.result
    if not result.rows:
        return Reply.of(b(result.title), EMPTY_HINT)
    reply = Reply.of(b(_title(result)), pre(table_text(result)), insight(a))
    if result.question == "top_leak_contexts_by_month":
        month = f"{a.today:%B %Y}"
        if not a.largest_leaks:
            return reply + Reply.of(f"No leaks so far in {month}.") + _next(a)
        cur = result.currency
        leaks = [
            f"{x.local_date:%d %b} {x.category} {format_money(x.amount_minor, cur)} ({x.score} of 9 points)"
            for x in a.largest_leaks
        ]
        return reply + Reply.of(b(f"Largest leaks in {month}"), *leaks) + _next(a)
    if a.savings is not None:
        amount = format_money(a.savings.per_year_minor, result.currency)
        if a.savings.months >= 12:
            return reply + Reply.of((b(f"About {amount} a year"), " could stay in your pocket.")) + _next(a)
        known = "one month" if a.savings.months == 1 else f"{a.savings.months} months"
        return (
            reply
            + Reply.of(
                (b(f"About {amount} a year"), f" at this pace (from {known}) could stay in your pocket.")
            )
            + _next(a)
        )
    return reply


def _next(a: Answer) -> Reply:
    """The plan's first change, as the last line (/plan lists three)."""
    if a.next_step is None:
        return Reply.of()
    return Reply.of(f"Next step: {action_text(a.next_step, a.result.currency)} /plan for more.")


def answer_csv(result: QuestionResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        values = [value(v, k, result.currency) for v, k in zip(row, result.kinds, strict=True)]
        writer.writerow([("true" if v else "false") if isinstance(v, bool) else v for v in values])
    return buffer.getvalue()


def answer_json(result: QuestionResult) -> str:
    """`{"question": id, "columns": [...], "rows": [[...]]}` with numbers as JSON numbers."""

    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return float(v) if v != v.to_integral_value() else int(v)
        return v

    rows = [
        [plain(value(v, k, result.currency)) for v, k in zip(row, result.kinds, strict=True)]
        for row in result.rows
    ]
    return json.dumps(
        {"question": result.question, "columns": list(result.columns), "rows": rows}, ensure_ascii=False
    )
