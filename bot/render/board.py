"""The interactive dashboard as the Mini App's JSON: every amount exact (minor units) beside
its words (`₹1,250`), months by name, changes said against the month before."""

from __future__ import annotations

from typing import Any

from services.catalog import EntryType
from services.ledger.entries import EntryView
from services.money import format_money, short_money, to_major
from services.reporting.board import Board, EntryRow, Rate, Tile
from services.timing import month_start
from services.usecases.entries import CategoryMenu

VERDICT_WORDS = {True: "Leak", False: "Not a leak"}
DECIDED_WORDS = {
    "you": "your call",
    "model": "the model's call",
    "rule": "the rules' call",
    "need": "a necessity",
}


def _money(minor: int, currency: str) -> dict[str, Any]:
    short = short_money(float(to_major(minor, currency)), currency)
    return {"minor": minor, "text": format_money(minor, currency), "short": short}


def _change(t: Tile, before: str) -> dict[str, Any]:
    pct = t.change_pct
    if pct is None:
        text = f"nothing in {before}" if t.value_minor else f"none in {before} either"
    elif round(pct) == 0:
        text = f"same as {before}"
    else:
        text = f"{'▲' if pct > 0 else '▼'} {abs(pct):.0f}% vs {before}"
    return {"pct": pct, "text": text}


def _tile(key: str, t: Tile, currency: str, before: str, note: str | None = None) -> dict[str, Any]:
    change = _change(t, before)
    return {
        "key": key,
        "name": t.name,
        "value": _money(t.value_minor, currency),
        "previous": _money(t.previous_minor, currency),
        "change": change,
        "note": note or change["text"],
    }


def _rate_tile(r: Rate, before: str) -> dict[str, Any]:
    text = "no income" if r.value is None else f"{r.value:.0f}%"
    was = "no income before" if r.previous is None else f"{r.previous:.0f}% in {before}"
    return {"key": "rate", "name": "Savings rate", "value": {"percent": r.value, "text": text}, "note": was}


def entry_json(e: EntryRow | EntryView, currency: str) -> dict[str, Any]:
    kind = e.type.value if isinstance(e.type, EntryType) else str(e.type)
    expense = kind == EntryType.EXPENSE.value
    return {
        "id": e.id,
        "type": kind,
        "category": e.category,
        "amount": _money(e.amount_minor, currency),
        "date": e.local_date.isoformat(),
        "when": f"{e.local_date:%a} {e.local_date.day} {e.local_date:%b}, {e.local_time:%H:%M}",
        "payment_mode": e.payment_mode,
        "time_block": e.time_block,
        "note": e.note,
        "is_leak": bool(e.is_leak) if expense else None,
        "verdict": VERDICT_WORDS[bool(e.is_leak)] if expense else None,
        "user_verdict": e.user_verdict if expense else None,
        "decided": DECIDED_WORDS.get(e.decided_by or "", "") if expense else "",
    }


def board_json(b: Board) -> dict[str, Any]:
    """Everything the page draws for one month behind one filter."""
    cur = b.currency
    start = b.month.start
    before = f"{month_start(start.year, start.month, plus=-1):%B}"
    share = f"{b.leak_share:.0f}% of spending" if b.leak_share is not None else "no spending"
    months = []
    if b.first_month is not None and b.last_month is not None:
        first, last = min(b.first_month, start), max(b.last_month, start)
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        months = [month_start(last.year, last.month, plus=-i) for i in range(count)]
    else:
        months = [start]
    return {
        "month": f"{start:%Y-%m}",
        "label": b.month.label,
        "currency": cur,
        "months": [{"value": f"{m:%Y-%m}", "label": f"{m:%B %Y}"} for m in months],
        "filter": {
            "category": b.filter.category,
            "payment_mode": b.filter.payment_mode,
            "time_block": b.filter.time_block,
        },
        "tiles": [
            _tile("income", b.income, cur, before),
            _tile("expenses", b.expenses, cur, before),
            _tile("savings", b.savings, cur, before),
            _rate_tile(b.savings_rate, before),
            {**_tile("leaks", b.leaks, cur, before), "share": share},
        ],
        "expenses_by_category": [
            {"category": c.category, "amount": _money(c.spent_minor, cur)} for c in b.expenses_by_category
        ],
        "leaks_by_category": [
            {"category": c.category, "amount": _money(c.leak_minor, cur)} for c in b.leaks_by_category
        ],
        "grid": {
            "payment_modes": [m for m in b.payment_modes if any(c.payment_mode == m for c in b.grid)],
            "time_blocks": list(b.time_blocks),
            "cells": [
                {
                    "payment_mode": c.payment_mode,
                    "time_block": c.time_block,
                    "spent": _money(c.spent_minor, cur),
                    "leak": _money(c.leak_minor, cur),
                    "spends": c.spends,
                }
                for c in b.grid
            ],
        },
        "trend": [
            {
                "month": f"{m.month:%Y-%m}",
                "label": f"{m.month:%b}",
                "year": m.month.year,
                "income": _money(m.income_minor, cur),
                "expenses": _money(m.expenses_minor, cur),
                "leaks": _money(m.leak_minor, cur),
            }
            for m in b.trend
        ],
        "entries": {
            "items": [entry_json(e, cur) for e in b.entries],
            "total": b.entries_total,
            "page": b.page,
            "pages": b.pages,
        },
    }


def categories_json(menu: CategoryMenu, currency: str) -> dict[str, Any]:
    return {"entry": entry_json(menu.entry, currency), "categories": list(menu.categories)}
