"""What an import understood of its file, for its summary: the account the file names, its
currency, the dates it covers, what its new rows are (spends, incomes, transfers by kind,
refunds) and its top leak.

The counts come from the rows stored (one grouped query over the import's entries), so
they say exactly what was added; the dates are those of every readable row, duplicates
too, so a file sent twice still says what it covers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import Entry
from services.catalog import EntryType
from services.importing.reader import normalise_header

if TYPE_CHECKING:
    import pandas as pd

# `Account No : 50100123456789`, `A/C No.,XXXXXXXX1234`, `Account Number: 0012 3456 7890`
_ACCOUNT = re.compile(
    r"\b(?:account|a/c|acct|ac)\s*(?:no\.?|number|num|#)?[\s:#,;\"'.=-]*"
    r"((?:[0-9Xx*•]{1,6}[ -]?){1,6}\d{3,})",
    re.IGNORECASE,
)
_ACCOUNT_COLUMNS = frozenset(
    {"account", "accountno", "accountnumber", "acctno", "accno", "acno", "accountid"}
)
_CURRENCY_IN_HEADER = re.compile(r"[(\[]\s*([A-Z]{3})\s*[)\]]")
_CURRENCY_COLUMNS = frozenset({"currency", "ccy", "curr"})
PREAMBLE_BYTES = 16_384


@dataclass(frozen=True, slots=True)
class TopLeak:
    category: str
    count: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Understood:
    currency: str
    account: str | None  # the last four digits of the account the file names
    first_date: date | None
    last_date: date | None
    by_type: tuple[tuple[str, int], ...]  # (entry type, rows added), in EntryType order
    transfers: tuple[tuple[str, int], ...]  # (transfer category, rows added), most first
    top_leak: TopLeak | None  # the category whose new leaks add up to most


def _text_of(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore")
    if b"\x00" in data[:200]:  # UTF-16 without its BOM, or a binary file
        return data.decode("utf-16-le", errors="ignore") if data[1:2] == b"\x00" else ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="ignore")


def _last_digits(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    return digits[-4:] if len(digits) >= 3 else None


def _one_value(frame: pd.DataFrame, names: frozenset[str]) -> str | None:
    """The one value the first column with one of these (normalised) names holds."""
    for position, name in enumerate(frame.columns):
        if normalise_header(str(name)) in names:
            values = frame.iloc[:, position].dropna().astype(str).str.strip()
            filled = set(values[values != ""].unique()[:2])
            return filled.pop() if len(filled) == 1 else None
    return None


def account_of(
    data: bytes, header: list[str], frame: pd.DataFrame, preamble: Sequence[str] = ()
) -> str | None:
    """The last four digits of the account the file names: from an account column with one
    value, else from the lines above the table (`Account No : 501001234`; for a PDF or a
    workbook, the preamble its reader kept); None for a file that names none."""
    if (value := _one_value(frame, _ACCOUNT_COLUMNS)) is not None:
        return _last_digits(value)
    if data.startswith(b"%PDF") or data.startswith(b"PK") or data.startswith(b"\xd0\xcf\x11\xe0"):
        for line in preamble:
            if found := _ACCOUNT.search(line):
                return _last_digits(found.group(1))
        return None
    first = [h for h in header[:2] if h]
    for line in _text_of(data[:PREAMBLE_BYTES]).splitlines():
        if first and all(h in line for h in first):
            break  # the table starts: its descriptions name other people's accounts
        if found := _ACCOUNT.search(line):
            return _last_digits(found.group(1))
    return None


def currency_of(header: list[str], frame: pd.DataFrame) -> str | None:
    """The currency the file states: in a header (`Amount (GBP)`) or a currency column
    holding one code; None when it states none."""
    for name in header:
        if found := _CURRENCY_IN_HEADER.search(name):
            return found.group(1)
    code = (_one_value(frame, _CURRENCY_COLUMNS) or "").upper()
    return code if re.fullmatch(r"[A-Z]{3}", code) else None


def of_import(
    session: Session,
    *,
    user_id: int,
    import_id: int,
    currency: str,
    account: str | None,
    first_date: date | None,
    last_date: date | None,
) -> Understood:
    """What the import added, by type, with its transfers by kind and its top leak."""
    leak = Entry.is_leak.is_(True)
    rows = session.execute(
        select(
            Entry.type,
            Entry.category,
            func.count(),
            func.coalesce(func.sum(case((leak, 1), else_=0)), 0),
            func.coalesce(func.sum(case((leak, Entry.amount_minor), else_=0)), 0),
        )
        .where(Entry.user_id == user_id, Entry.import_id == import_id)
        .group_by(Entry.type, Entry.category)
    ).all()
    types: Counter[str] = Counter()
    transfers: Counter[str] = Counter()
    leaks: list[TopLeak] = []
    for kind, category, count, leak_count, leak_minor in rows:
        types[kind] += int(count)
        if kind == EntryType.TRANSFER.value:
            transfers[category] += int(count)
        if int(leak_count):
            leaks.append(TopLeak(category, int(leak_count), int(leak_minor)))
    top = max(leaks, key=lambda t: (t.amount_minor, t.count, t.category), default=None)
    return Understood(
        currency=currency,
        account=account,
        first_date=first_date,
        last_date=last_date,
        by_type=tuple((t.value, types[t.value]) for t in EntryType if types[t.value]),
        transfers=tuple(sorted(transfers.items(), key=lambda kv: (-kv[1], kv[0]))),
        top_leak=top,
    )
