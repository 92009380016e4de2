"""Text renderings shared by the chat replies and the command line."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from services.budgets import BudgetUsage
from services.preferences import PreferencesView
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from services.catalog import EntryType, categories_of
from services.importing import ImportSummary
from services.ledger import EntryView
from services.money import format_money, to_minor
from services.questions import QUESTIONS, QUESTIONS_BY_ID, LeakLine, QuestionResult, insight, savings_pace
from services.wording import counted

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
    """The yearly figure under /savings: the last 12 months of potential savings, or their
    pace over a year when fewer months are known."""
    pace = savings_pace(result.rows)
    amount = html.escape(format_money(to_minor(pace.per_year, result.currency), result.currency))
    if pace.months >= 12:
        return f"<b>About {amount} a year</b> could stay in your pocket."
    known = "one month" if pace.months == 1 else f"{pace.months} months"
    return f"<b>About {amount} a year</b> at this pace (from {known}) could stay in your pocket."


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


# --- entries ----------------------------------------------------------------------------


def entry_html(e: EntryView, *, extra: Sequence[str] = ()) -> str:
    """One logged entry: amount, category, mode, when, note, verdict, then any extra lines."""
    head = f"{html.escape(e.amount)} {html.escape(e.category)} · {html.escape(e.payment_mode)}"
    when = f"{e.local_date:%d %b %Y} {e.local_time} ({e.time_block.lower()})"
    lines = [f"<b>{head}</b>", when]
    if e.note:
        lines.append(f"<i>{html.escape(e.note)}</i>")
    model = f" · model: {e.model_probability:.0%} leak" if e.model_probability is not None else ""
    lines.append(html.escape(e.verdict + model))
    if e.user_verdict is not None:
        lines.append("Your call: " + ("a leak" if e.user_verdict else "not a leak"))
    lines += [html.escape(x) for x in extra]
    return "\n".join(lines)


def entry_line(e: EntryView) -> str:
    """A short line for /recent."""
    verdict = e.verdict.split(" (")[0]
    return (
        f"<code>#{e.id}</code> {e.local_date:%d %b} {e.local_time} {html.escape(e.amount)} "
        f"{html.escape(e.category)} · {html.escape(verdict)}"
    )


def entry_keyboard(entry_id: int, entry_type: str) -> InlineKeyboardMarkup:
    """Undo and Change category under every entry; the verdict buttons under expenses only
    (income and savings are never leaks)."""
    first = [InlineKeyboardButton("Undo", callback_data=callbacks.encode("u", entry_id))]
    if entry_type == EntryType.EXPENSE:
        first += [
            InlineKeyboardButton("Not a leak", callback_data=callbacks.encode("v", entry_id, 0)),
            InlineKeyboardButton("Leak", callback_data=callbacks.encode("v", entry_id, 1)),
        ]
    return InlineKeyboardMarkup(
        [first, [InlineKeyboardButton("Change category", callback_data=callbacks.encode("c", entry_id))]]
    )


def category_keyboard(entry_id: int, kind: EntryType) -> InlineKeyboardMarkup:
    names = [c.name for c in categories_of(kind)]
    buttons = [
        InlineKeyboardButton(n, callback_data=callbacks.encode("s", entry_id, i)) for i, n in enumerate(names)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


# --- imports ----------------------------------------------------------------------------


def import_summary_html(summary: ImportSummary, *, shown_errors: int = 5) -> str:
    lines = [
        f"<b>Imported {html.escape(summary.file_name)}</b> ({html.escape(summary.layout)})",
        f"{summary.imported:,} imported · {counted(summary.duplicates, 'duplicate')} · "
        f"{summary.rejected:,} rejected",
    ]
    for error in summary.errors[:shown_errors]:
        lines.append(html.escape(error))
    if summary.rejected > shown_errors:
        lines.append(f"… and {counted(summary.rejected - shown_errors, 'more rejected line')}")
    return "\n".join(lines)


def revert_keyboard(import_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Revert this import", callback_data=callbacks.encode("rv", import_id))]]
    )


def duplicate_html(chat: EntryView, imported: EntryView) -> str:
    return (
        "<b>Possible duplicate</b>\n"
        f"You logged: {html.escape(chat.amount)} {html.escape(chat.category)} on {chat.local_date:%d %b}\n"
        f"Statement: {html.escape(imported.amount)} {html.escape(imported.category)} on "
        f"{imported.local_date:%d %b} <i>{html.escape(imported.note[:60])}</i>"
    )


def duplicate_keyboard(chat_id: int, imported_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Merge", callback_data=callbacks.encode("mg", chat_id, imported_id)),
                InlineKeyboardButton("Keep both", callback_data=callbacks.encode("kp", chat_id, imported_id)),
            ]
        ]
    )


# --- account ----------------------------------------------------------------------------


def preferences_html(p: PreferencesView) -> str:
    return (
        "<b>Your settings</b>\n"
        f"timezone: {html.escape(p.timezone)}\ncurrency: {html.escape(p.currency)}\n"
        f"micro: {html.escape(p.micro)} (spends below this are micro)\n"
        f"leak_threshold: {p.leak_threshold} (score that makes a leak)\nsalary_day: {p.salary_day}\n"
        f"reminder_days: {p.reminder_days} (days before a subscription renews)\n"
        "Change one with /settings NAME VALUE, e.g. /settings micro 200"
    )


def budgets_html(rows: Sequence[BudgetUsage]) -> str:
    if not rows:
        return "No budgets yet. Set one: /budget dining 3000 or /budget leaks 2000"
    lines = [
        f"{html.escape(r.label)}: {html.escape(r.used)} of {html.escape(r.limit)} ({r.percent}%)"
        for r in rows
    ]
    return "<b>Budgets this month</b>\n" + "\n".join(lines)


def forget_keyboard(telegram_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Yes, delete everything", callback_data=callbacks.encode("fg", telegram_id))]]
    )
