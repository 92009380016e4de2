"""Imports in words: the upload summary, a revert, a possible duplicate, the export's caption."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.render.text import Reply, b, i
from services.ledger.entries import EntryView
from services.money import format_money
from services.usecases.imports import DatesQuestion, Export, Reverted
from services.wording import counted

if TYPE_CHECKING:  # pandas-backed; the summary is only read here
    from services.importing.pipeline import ImportSummary

SHOWN_ERRORS = 5


def counts_line(s: ImportSummary) -> str:
    """`1,204 imported, 3 duplicates, 2 rejected (HDFC Bank statement)`, and the lines that
    were no transaction when there were some."""
    skipped = f", {counted(s.skipped, 'total or balance line')} skipped" if s.skipped else ""
    return (
        f"{s.imported:,} imported, {counted(s.duplicates, 'duplicate')}, {s.rejected:,} rejected"
        f"{skipped} ({s.layout})"
    )


def error_line(where: str, reason: str) -> str:
    """`line 12: …`, `row 12: …` (a sheet), `page 2, line 14: …` (a PDF)."""
    return f"{where}: {reason}"


def summary_reply(s: ImportSummary) -> Reply:
    more = s.rejected - SHOWN_ERRORS
    return Reply.of(
        (b(f"Imported {s.file_name}"), f" ({s.layout})"),
        f"{s.imported:,} imported · {counted(s.duplicates, 'duplicate')} · {s.rejected:,} rejected",
        f"{counted(s.skipped, 'total or balance line')} skipped" if s.skipped else None,
        *(error_line(n, why) for n, why in s.errors[:SHOWN_ERRORS]),
        f"… and {counted(more, 'more rejected line')}" if more > 0 else None,
        *(line for _doubt, line in doubts(s)),
    )


_ORDER_WORDS = {"DMY": "day first", "MDY": "month first", "YMD": "year first"}
SWAP_DATES, FLIP_SIGNS = "Swap day/month", "Flip signs"


def doubts(s: ImportSummary) -> list[tuple[str, str]]:
    """What of the file's reading could be wrong, a sentence each: ("dates", …), ("signs", …)."""
    lines = []
    if "dates" in s.doubts:
        order = _ORDER_WORDS.get(s.date_order or "", "one way")
        lines.append(("dates", f"Dates read {order}: each one fits both ways."))
    if "signs" in s.doubts:
        lines.append(("signs", "Spends and income were told apart by a guess."))
    return lines


def dates_question(q: DatesQuestion) -> Reply:
    """Which of two readings a date of the file is (the two are the buttons)."""
    return Reply.of(
        b(f"Which date is {q.example}?"),
        f"Every date in {q.file_name} reads two ways. Tap the right one and I import it.",
    )


def long_date(day: date) -> str:
    """`3 April 2024`."""
    return f"{day.day} {day:%B %Y}"


def reverted(r: Reverted) -> str:
    return f"Import #{r.import_id} reverted: {counted(r.removed, 'entry', 'entries')} removed."


def _spend(e: EntryView) -> str:
    return f"{format_money(e.amount_minor, e.currency)} {e.category} on {e.local_date:%d %b}"


def duplicate_reply(chat: EntryView, imported: EntryView) -> Reply:
    return Reply.of(
        b("Possible duplicate"),
        f"You logged: {_spend(chat)}",
        (f"Statement: {_spend(imported)} ", i(imported.note[:60])),
    )


def merged(e: EntryView) -> str:
    return f"Merged into #{e.id}: {format_money(e.amount_minor, e.currency)} {e.category} on {e.local_date}."


def export_caption(export: Export) -> str:
    return f"{counted(export.entries, 'entry', 'entries')}. Send this file back to import it."
