"""What a person says about how to read a file, and what is remembered of it: the columns
they name, and the date order and sign convention of their earlier files of one layout."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Import
from services.errors import ImportRefused
from services.importing.layouts import GENERIC_LAYOUT, LAYOUTS, Layout, StatementColumns, statement_layout
from services.importing.reader import normalise_header

NAMED_LAYOUT = "bank statement (columns you named)"
# The fields a person can name a column for, and where each goes in StatementColumns.
COLUMN_FIELDS = {
    "date": "date",
    "description": "description",
    "amount": "amount",
    "withdrawal": "withdrawal",
    "debit": "withdrawal",
    "deposit": "deposit",
    "credit": "deposit",
    "type": "flag",
    "ref": "ref",
    "balance": "balance",
    "time": "time",
}
_KNOWN_NAMES = frozenset(layout.name for layout in LAYOUTS if layout.name != GENERIC_LAYOUT)


def named_header(named: Mapping[str, str]) -> Callable[[list[str]], bool]:
    """The header row is the first that holds every column the person named."""
    wanted = {normalise_header(v) for v in named.values()}
    return lambda record: wanted <= {normalise_header(c) for c in record}


def named_layout(detected: Layout | None, header: list[str], named: Mapping[str, str]) -> Layout:
    """The detected layout with the columns the person named in place of its own (ImportRefused
    for a field or column that is not there)."""
    by_norm = {normalise_header(h): h for h in header}
    fields: dict[str, str] = {}
    for name, column in named.items():
        target = COLUMN_FIELDS.get(name.strip().casefold())
        if target is None:
            raise ImportRefused(
                f"I don't know the field '{name[:30]}': name one of {', '.join(COLUMN_FIELDS)}."
            )
        if normalise_header(column) not in by_norm:
            shown = ", ".join(h for h in header if h)[:300]
            raise ImportRefused(f"The file has no column '{column[:40]}'. Its columns: {shown}.")
        fields[target] = normalise_header(column)
    if detected is not None and detected.columns is None:
        raise ImportRefused(f"This file is a {detected.name}: its columns are read by their names.")
    base = detected.columns(header) if detected is not None and detected.columns is not None else None
    if "amount" in fields:
        fields.setdefault("withdrawal", ""), fields.setdefault("deposit", "")
    elif "withdrawal" in fields or "deposit" in fields:
        fields.setdefault("amount", ""), fields.setdefault("flag", "")
    cols = replace(base or StatementColumns(date="", description=""), **fields)  # type: ignore[arg-type]
    cols = replace(
        cols,
        amount=cols.amount or None,
        withdrawal=cols.withdrawal or None,
        deposit=cols.deposit or None,
        flag=cols.flag or None,
    )
    if not cols.date or not (cols.amount or (cols.withdrawal and cols.deposit)):
        raise ImportRefused(
            "Say which column holds the date and which the amount (or the withdrawals and the deposits)."
        )
    return statement_layout(NAMED_LAYOUT, cols)


def layout_key(layout: Layout, header: list[str]) -> str:
    """What files of one layout share: a known layout's name, else their header's columns."""
    if layout.name in _KNOWN_NAMES:
        return layout.name[:80]
    names = "\x1f".join(sorted(normalise_header(h) for h in header))
    return "columns:" + hashlib.blake2b(names.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Remembered:
    date_order: str | None = None  # DMY or MDY: how the person's last file of the layout read
    flip_sign: bool = False  # its debits were read as credits


def remembered(session: Session, user_id: int, key: str) -> Remembered:
    """How the person's earlier imports of this layout were read (the newest decides)."""
    rows = session.execute(
        select(Import.date_order, Import.flip_sign)
        .where(Import.user_id == user_id, Import.layout_key == key, Import.status == "completed")
        .order_by(Import.id.desc())
        .limit(50)
    ).all()
    order = next((r.date_order for r in rows if r.date_order in ("DMY", "MDY")), None)
    return Remembered(order, bool(rows[0].flip_sign) if rows else False)
