"""Imports in words: the upload summary, a revert, a possible duplicate, the export's caption."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.render.text import Reply, b, i
from services.catalog import TRANSFER_LABELS
from services.ledger.entries import EntryView
from services.money import format_money
from services.usecases.imports import DatesQuestion, Export, Reverted
from services.wording import counted

if TYPE_CHECKING:  # pandas-backed; the summary is only read here
    from services.importing.pipeline import ImportSummary
    from services.importing.understood import Understood

SHOWN_ERRORS = 5
PHONE_WIDTH = 34  # characters a line of a reply keeps to where it can
# How the counts by type name each type (`41 spends, 2 incomes, 1 refund`).
TYPE_WORDS = {
    "expense": ("spend", "spends"),
    "income": ("income", "incomes"),
    "savings": ("saving", "savings"),
    "refund": ("refund", "refunds"),
}


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


def date_range(first: date, last: date) -> str:
    """`1–30 April 2024`, `28 March – 30 April 2024`, `28 Dec 2023 – 5 Jan 2024`, `5 April 2024`."""
    if first == last:
        return f"{first.day} {first:%B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {last.day} {last:%B %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def file_lines(u: Understood) -> list[str]:
    """Which file it was: the account it names, the dates it covers, its currency."""
    lines = [f"Account ending {u.account}"] if u.account else []
    when = date_range(u.first_date, u.last_date) if u.first_date and u.last_date else None
    lines.append(f"{when} · {u.currency}" if when else f"Amounts in {u.currency}")
    return lines


def contents_lines(u: Understood) -> list[str]:
    """What its new rows are: by type, the transfers (not spending), the top leak."""
    lines = []
    kinds = [counted(n, *TYPE_WORDS[kind]) for kind, n in u.by_type if kind in TYPE_WORDS]
    if kinds:
        lines.append(", ".join(kinds))
    moved = sum(n for _kind, n in u.transfers)
    if moved:
        labels = ", ".join(TRANSFER_LABELS.get(kind, kind.lower()) for kind, _n in u.transfers)
        one = f"{counted(moved, 'transfer')} ({labels}): not spending"
        lines += (
            [one] if len(one) <= PHONE_WIDTH else [f"{counted(moved, 'transfer')}, not spending:", labels]
        )
    if (top := u.top_leak) is not None:
        line = f"Top leak: {top.category}, {format_money(top.amount_minor, u.currency)}"
        times = ["once"] if top.count == 1 else [f"{top.count} times", f"{top.count}×"]
        fits = [f"{line} ({t})" for t in times if len(line) + len(t) + 3 <= PHONE_WIDTH]
        lines.append(fits[0] if fits else line)
    return lines


def understood_lines(u: Understood) -> list[str]:
    """Everything the file was read as (the CLI prints these under its counts line)."""
    return [*file_lines(u), *contents_lines(u)]


def summary_reply(s: ImportSummary) -> Reply:
    more = s.rejected - SHOWN_ERRORS
    return Reply.of(
        (b(f"Imported {s.file_name}"), f" ({s.layout})"),
        *(file_lines(s.understood) if s.understood is not None else ()),
        f"{s.imported:,} imported · {counted(s.duplicates, 'duplicate')} · {s.rejected:,} rejected",
        *(contents_lines(s.understood) if s.understood is not None else ()),
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


SHOWN_DUPLICATES = 5  # pairs listed, each with its buttons; Merge all takes every one


def duplicates_reply(pairs: Sequence[tuple[EntryView, EntryView]]) -> Reply:
    """The chat spends that look like statement rows, in one message, numbered."""
    shown = pairs[:SHOWN_DUPLICATES]
    head = (
        "A spend you logged in chat looks like a row of this statement:"
        if len(pairs) == 1
        else f"{len(pairs)} spends you logged in chat look like rows of this statement:"
    )
    more = len(pairs) - len(shown)
    return Reply.of(
        b(head),
        *(
            (f"{k}. {_spend(chat)} · statement: ", i(imported.note[:40]))
            for k, (chat, imported) in enumerate(shown, start=1)
        ),
        f"… and {more} more: Merge all takes them too." if more > 0 else None,
    )


def merged_all(n: int) -> str:
    return f"Merged {counted(n, 'chat spend')} into the statement's rows." if n else "Nothing left to merge."


def merged(e: EntryView) -> str:
    return f"Merged into #{e.id}: {format_money(e.amount_minor, e.currency)} {e.category} on {e.local_date}."


def export_caption(export: Export) -> str:
    return f"{counted(export.entries, 'entry', 'entries')}. Send this file back to import it."
