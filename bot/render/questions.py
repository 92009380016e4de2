"""The business questions in words.

In chat an answer is phone-first: one plain sentence, then at most five rows (a "More"
button pages on), months by name, money with its currency, labels in words, no line wider
than 34 characters. The command line keeps the full aligned table (and CSV or JSON)."""

from __future__ import annotations

import calendar
import csv
import io
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.render.plan import action_text
from bot.render.text import Reply, b, pre
from services.money import exponent, format_money, from_minor
from services.questions.canned import Kind, QuestionResult
from services.usecases.questions import Answer
from services.wording import counted, label_words

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


PAGE_ROWS = 5  # rows on one chat page; "More" shows the next five
WIDTH = 34  # characters a portrait phone shows on one line without wrapping


def month_name(month: int, year: int | None = None) -> str:
    """`May`, or `May 2024` with the year."""
    name = calendar.month_name[month]
    return f"{name} {year}" if year else name


def year_month_name(ym: str) -> str:
    """`2024-05` as `May 2024`."""
    year, month = ym.split("-")
    return month_name(int(month), int(year))


def wrapped(text: str) -> list[str]:
    """A sentence as lines of at most WIDTH characters (words kept whole)."""
    return textwrap.wrap(text, WIDTH, break_long_words=True, break_on_hyphens=False) or [""]


def _month_of(result: QuestionResult, value: int) -> str:
    return month_name(value, result.year)


def insight(answer: Answer) -> str:
    """One plain sentence that says what the answer means."""
    result = answer.result
    rows, cur = result.rows, result.currency
    if not rows:
        return ""
    first = rows[0]
    label = _label(result, first[0]) if result.kinds[0] is Kind.LABEL else ""
    match result.question:
        case "monthly_spend":
            peak = max(rows, key=lambda r: (r[1], -r[0]))
            total, top = format_money(sum(r[1] for r in rows), cur), format_money(peak[1], cur)
            return f"You spent {total} in {result.year}, the most in {month_name(peak[0])}: {top}."
        case "non_essential_count":
            peak = max(rows, key=lambda r: (r[1], -r[0]))
            spends = counted(peak[1], "non-essential spend")
            return f"{_month_of(result, peak[0])} had the most: {spends}."
        case "top_categories":
            return f"{label} is your most frequent expense: {counted(first[1], 'time')}."
        case "micro_spend_modes":
            return f"Most small spends go through {label}: {first[1]:,} of them."
        case "recurring_vs_one_off":
            parts = {r[0]: r[1] for r in rows}
            if len(parts) == 2:
                bigger = "recurring" if parts[True] > parts[False] else "one-off"
                return f"Your {bigger} expenses are larger on average."
            return "All your expenses are " + ("recurring." if True in parts else "one-off.")
        case "weekday_spend":
            return f"{label} is your most expensive day: {format_money(first[1], cur)} on average."
        case "leak_time_blocks":
            return f"You leak most in the {label.lower()}: {counted(first[1], 'leak')}."
        case "high_score_contexts":
            return f"{label} spends score highest: {first[1]:,} of your top quarter."
        case "potential_savings":
            pace = answer.savings
            assert pace is not None
            span = "the last month" if pace.months == 1 else f"the last {pace.months} months"
            return (
                f"Halving your most leak-prone tenth of spends would have saved "
                f"{format_money(pace.total_minor, cur)} over {span}."
            )
        case "salary_week_categories":
            return f"Right after payday you spend most often on {label}: {counted(first[1], 'time')}."
        case "channel_risk":
            return f"{label} is your riskiest way to pay: {first[1]} of 9 points on average."
        case "top_leak_contexts_by_month":
            last = rows[-1][0]
            top = next(r for r in rows if r[0] == last)
            return (
                f"In {year_month_name(last)} your biggest leaks were {top[1].lower()}: "
                f"{format_money(top[2], cur)}."
            )
        case "salary_week_jumps":
            worst = max(rows, key=lambda r: r[3])
            return f"Your payday leaks jumped most in {year_month_name(worst[0])}: up {worst[3]:.0f}%."
        case "channel_leak_rate":
            return f"{label} leaks most often: {first[3]:.0f}% of its spends."
    return ""  # pragma: no cover


def _label(result: QuestionResult, value: str) -> str:
    return label_words(value, result.columns[0])


def _row(result: QuestionResult, row: tuple[Any, ...]) -> tuple[str, str]:
    """One row as a label and a value, in words."""
    cur = result.currency
    first = _label(result, row[0]) if result.kinds[0] is Kind.LABEL else row[0]
    match result.question:
        case "monthly_spend" | "potential_savings":
            name = month_name(row[0], result.year) if result.year else year_month_name(row[0])
            return name, format_money(row[1], cur)
        case "non_essential_count":
            return month_name(row[0], result.year), counted(row[1], "spend")
        case "top_categories" | "salary_week_categories":
            return first, counted(row[1], "time")
        case "micro_spend_modes":
            return first, counted(row[1], "small spend")
        case "recurring_vs_one_off":
            return ("Recurring" if row[0] else "One-off"), f"{format_money(row[1], cur)} avg"
        case "weekday_spend":
            return first, f"{format_money(row[1], cur)} a day"
        case "leak_time_blocks":
            return first, counted(row[1], "leak")
        case "high_score_contexts":
            return first, counted(row[1], "spend")
        case "channel_risk":
            return first, f"{row[1]} of 9 pts"
        case "top_leak_contexts_by_month":
            month = year_month_name(row[0])
            return f"{month[:3]} {month[-4:]} {row[1]}", format_money(row[2], cur)
        case "salary_week_jumps":
            return year_month_name(row[0]), f"{format_money(row[1], cur)} +{row[3]:.0f}%"
        case "channel_leak_rate":
            return first, f"{row[1]:,} of {row[2]:,} · {row[3]:.0f}%"
    return str(row[0]), str(row[1])  # pragma: no cover


def fitted(pairs: Sequence[tuple[str, str]]) -> str:
    """Label-value lines for a monospaced block no wider than WIDTH: values right-aligned,
    a label too long for its line shortened with an ellipsis."""
    if not pairs:
        return ""
    right = max(len(v) for _, v in pairs)
    left = min(max(len(k) for k, _ in pairs), WIDTH - right - 1)
    lines = []
    for k, v in pairs:
        shown = k if len(k) <= left else k[: max(left - 1, 0)] + "…"
        lines.append(f"{shown.ljust(left)} {v.rjust(right)}")
    return "\n".join(lines)


def _ordered(result: QuestionResult) -> tuple[tuple[Any, ...], ...]:
    """Rows in the order a phone reads them: per-month tables newest first."""
    if result.question in ("top_leak_contexts_by_month", "salary_week_jumps", "potential_savings"):
        newest = sorted({r[0] for r in result.rows}, reverse=True)
        return tuple(r for ym in newest for r in result.rows if r[0] == ym)
    return result.rows


def pages(result: QuestionResult) -> int:
    return max(1, -(-len(result.rows) // PAGE_ROWS))


@dataclass(frozen=True, slots=True)
class Page:
    """One chat page of an answer: the reply, which page it is, how many there are."""

    reply: Reply
    number: int  # 0-based
    count: int

    @property
    def more(self) -> bool:
        return self.number + 1 < self.count


def answer_page(a: Answer, page: int = 0) -> Page:
    """A plain sentence, then at most PAGE_ROWS rows (this page's), every line at most WIDTH
    characters. /top_leaks' first page adds this month's largest leaks and /savings' the yearly
    figure; both end with the plan's first change. A hint when there is nothing to show."""
    result = a.result
    if not result.rows:
        return Page(Reply.of(*wrapped(EMPTY_HINT)), 0, 1)
    count = pages(result)
    page = min(max(page, 0), count - 1)
    rows = _ordered(result)[page * PAGE_ROWS : (page + 1) * PAGE_ROWS]
    shown = pre(fitted([_row(result, r) for r in rows]))
    where = f"{page * PAGE_ROWS + 1}–{page * PAGE_ROWS + len(rows)} of {len(result.rows)}"
    if page > 0:
        return Page(Reply.of(*wrapped(f"{_title(result)}, {where}:"), shown), page, count)
    reply = Reply.of(*wrapped(insight(a)), shown, f"{where}: More for the rest." if count > 1 else None)
    return Page(reply + _extra(a), page, count)


def _extra(a: Answer) -> Reply:
    result, cur = a.result, a.result.currency
    if result.question == "top_leak_contexts_by_month":
        month = f"{a.today:%B %Y}"
        if not a.largest_leaks:
            return Reply.of(f"No leaks so far in {month}.") + _next(a)
        leaks = [
            (f"{x.local_date:%d %b} {x.category}", format_money(x.amount_minor, cur))
            for x in a.largest_leaks[:3]
        ]
        return Reply.of(b(f"Largest in {month}"), pre(fitted(leaks))) + _next(a)
    if a.savings is not None:
        amount = format_money(a.savings.per_year_minor, cur)
        if a.savings.months >= 12:
            sentence = f"About {amount} a year could stay in your pocket."
        else:
            known = "one month" if a.savings.months == 1 else f"{a.savings.months} months"
            sentence = f"About {amount} a year at this pace (from {known}) could stay in your pocket."
        return Reply.of(*wrapped(sentence)) + _next(a)
    return Reply.of()


def _title(result: QuestionResult) -> str:
    return result.title + (f" ({result.year})" if result.year else "")


def answer_reply(a: Answer) -> Reply:
    """The full answer for the command line: title, every row as a table, the sentence;
    /top_leaks adds the month's largest leaks and /savings the yearly figure."""
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
    return reply + _extra(a) if a.savings is not None else reply


def _next(a: Answer) -> Reply:
    """The plan's first change, as the last line (/plan lists three)."""
    if a.next_step is None:
        return Reply.of()
    return Reply.of(*wrapped(f"Next step: {action_text(a.next_step, a.result.currency)} /plan for more."))


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
