"""Text renderings shared by the chat replies and the command line."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from services.money import format_money, to_minor
from services.questions import QUESTIONS, QUESTIONS_BY_ID, LeakLine, QuestionResult, insight

EMPTY_HINT = "Nothing to show yet. Log a few spends (e.g. 250 dining upi) or upload a CSV, then ask again."


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def table_text(result: QuestionResult) -> str:
    """An aligned plain-text table: numbers right-aligned, text left-aligned."""
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [
        max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(result.columns)
    ]
    numeric = [
        all(isinstance(row[i], int | Decimal) and not isinstance(row[i], bool) for row in result.rows)
        for i in range(len(result.columns))
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(list(result.columns)), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def answer_html(result: QuestionResult) -> str:
    """A chat reply: title, the table in <pre>, and one insight line; a hint when empty."""
    if not result.rows:
        return f"<b>{html.escape(result.title)}</b>\n{html.escape(EMPTY_HINT)}"
    year = f" ({result.year})" if result.year else ""
    return (
        f"<b>{html.escape(result.title)}{year}</b>\n<pre>{html.escape(table_text(result))}</pre>\n"
        f"{html.escape(insight(result))}"
    )


def answer_csv(result: QuestionResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(
        [[("true" if v else "false") if isinstance(v, bool) else v for v in row] for row in result.rows]
    )
    return buffer.getvalue()


def answer_json(result: QuestionResult) -> str:
    """`{"question": id, "columns": [...], "rows": [[...]]}` with numbers as JSON numbers."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value) if value != value.to_integral_value() else int(value)
        return value

    return json.dumps(
        {
            "question": result.question,
            "columns": list(result.columns),
            "rows": [[plain(v) for v in row] for row in result.rows],
        },
        ensure_ascii=False,
    )


def largest_leaks_html(leaks: list[LeakLine], today: date) -> str:
    """The month's five largest leaks, under /top_leaks."""
    if not leaks:
        return f"No leaks so far in {today:%B %Y}."
    lines = [
        f"{x.local_date:%d %b} {html.escape(x.category)} {html.escape(x.amount)} (score {x.score})"
        for x in leaks
    ]
    return f"<b>Largest leaks in {today:%B %Y}</b>\n" + "\n".join(lines)


def savings_total_html(result: QuestionResult) -> str:
    """The yearly figure under /savings: the last 12 months of potential savings."""
    last = result.rows[-12:]
    total = sum((r[1] for r in last), Decimal(0))
    amount = format_money(to_minor(total, result.currency), result.currency)
    return f"<b>About {html.escape(amount)} a year</b> could stay in your pocket."


CALLBACK_PREFIX = "ask:"


def questions_keyboard() -> InlineKeyboardMarkup:
    """Every question as a button, two per row."""
    buttons = [InlineKeyboardButton(q.title, callback_data=f"{CALLBACK_PREFIX}{q.id}") for q in QUESTIONS]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def question_from_callback(data: str | None) -> str | None:
    """The question id in a button's data, or None for anything we did not send."""
    if not data or not data.startswith(CALLBACK_PREFIX):
        return None
    question_id = data.removeprefix(CALLBACK_PREFIX)
    return question_id if question_id in QUESTIONS_BY_ID else None
