"""Turn uploaded bytes into a header and rows with their line numbers, or refuse the file."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.errors import ImportRefused
from services.importing.limits import MAX_ROWS, too_big

MAX_FIELD_CHARS = 2_000
HEADER_SEARCH_ROWS = 40
_DELIMITERS = (",", ";", "\t", "|")

csv.field_size_limit(MAX_FIELD_CHARS * 10)


@dataclass(frozen=True, slots=True)
class RawTable:
    """A decoded file whose header row was found; the rows are read by read_rows."""

    header: list[str]
    header_line: int  # 1-based line of the header row
    encoding: str
    delimiter: str
    text: str
    data: bytes = b""  # the file as sent (for a UTF-8 file, the text's own bytes)


@dataclass(frozen=True, slots=True)
class Rows:
    frame: pd.DataFrame  # one string column per header cell
    lines: np.ndarray  # the file line each row starts on (1-based; a sheet's row; a PDF page's line)
    too_long: np.ndarray  # rows with non-empty cells beyond the header's width
    pages: np.ndarray | None = None  # a PDF's page of each row (1-based)
    unit: str = "line"  # what lines count: "line" of a text file or a PDF page, "row" of a sheet
    preamble: tuple[str, ...] = ()  # a PDF's or a sheet's lines above the table (its account)

    def places(self, which: np.ndarray) -> list[str]:
        """Where the chosen rows are, as a person finds them: `line 12`, `row 12`,
        `page 2, line 14`."""
        lines = self.lines[which]
        if self.pages is None:
            return [f"{self.unit} {n:,}" for n in lines]
        return [f"page {p}, {self.unit} {n}" for p, n in zip(self.pages[which], lines, strict=True)]


def find_header(
    records: Iterator[list[str]], is_header: Callable[[list[str]], bool]
) -> tuple[list[str], int] | None:
    """The first record in the first HEADER_SEARCH_ROWS that is_header accepts, as column
    names (see unique_names), with its 1-based position; None when there is none."""
    for position, record in enumerate(records, start=1):
        cells = [c.strip().lstrip("\ufeff") for c in record]
        if is_header(cells):
            return unique_names(cells), position
        if position >= HEADER_SEARCH_ROWS:
            break
    return None


# A currency written after a column's name without brackets: `Amount INR`, `Balance in GBP`.
_TRAILING_CURRENCY = re.compile(r"^(?P<name>[a-z0-9]{4,}?)(?:in)?(?:inr|usd|gbp|eur|aud|cad|chf|sgd|aed)$")


def normalise_header(name: str) -> str:
    """`Withdrawal Amt.` -> `withdrawalamt`: lowercase letters and digits only (accents
    dropped: `Währung` -> `wahrung`), without what banks put in brackets (a unit, a currency,
    a date format: `Amount (GBP)` -> `amount`, `Tran Date (dd/mm/yyyy)` -> `trandate`) or
    after the name (`Amount INR` -> `amount`)."""
    bare = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", name.strip().lstrip("\ufeff")) or name
    if not bare.isascii():
        bare = "".join(c for c in unicodedata.normalize("NFKD", bare) if not unicodedata.combining(c))
    norm = re.sub(r"[^a-z0-9]", "", bare.casefold())
    stem = _TRAILING_CURRENCY.match(norm)
    return stem["name"] if stem else norm


def unique_names(header: list[str]) -> list[str]:
    """Header cells as column names: an empty one named by its place, a repeated one
    numbered (`Amount`, `Amount 2`), so every column can be told apart."""
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(header):
        name = cell or f"column {i + 1}"
        base, n = name, 1
        while normalise_header(name) in seen or name in names:
            n += 1
            name = f"{base} {n}"
        seen.add(normalise_header(name))
        names.append(name)
    return names


def _utf16_without_bom(head: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when the bytes look like UTF-16 text without a byte-order
    mark (nearly every other byte zero, on one side: what Latin text is in UTF-16), else None."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0 : pairs * 2 : 2], head[1 : pairs * 2 : 2]
    zero_even, zero_odd = even.count(0) / pairs, odd.count(0) / pairs
    if zero_odd >= 0.6 and zero_even <= 0.05:
        return "utf-16-le"
    if zero_even >= 0.6 and zero_odd <= 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with or without BOM), else
    Windows-1252."""
    if not data.strip():
        raise ImportRefused("The file is empty.")
    if (refusal := too_big(len(data))) is not None:
        raise ImportRefused(refusal)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    head = data[:8192]
    if b"\x00" in head and (utf16 := _utf16_without_bom(head)) is not None:
        text = data[: len(data) // 2 * 2].decode(utf16, errors="replace")
        if "\x00" not in text:
            return text, utf16
    if b"\x00" in head or data.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise ImportRefused(
            "I can't read this file: it is neither text (CSV) nor an Excel workbook or a PDF. "
            "Send the statement as CSV, Excel (.xlsx, .xls) or PDF."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _delimiter_scores(text: str) -> list[tuple[int, str]]:
    """Each delimiter's score on the first lines, best first: how many records share the most
    common number of fields, times the fields beyond one. Quoted cells are read as one, so
    the commas of `"1.234,56"` or of a quoted description count for nothing."""
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    scores = []
    for delim in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delim) if any(r)]
        except csv.Error:
            continue
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=lambda w: (widths.count(w), w))
        scores.append((widths.count(common) * (common - 1), delim))
    return sorted(scores, key=lambda s: -s[0])


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines most consistently."""
    scores = _delimiter_scores(text)
    return scores[0][1] if scores else ","


def _find_header_row(
    text: str, delimiter: str, is_header: Callable[[list[str]], bool]
) -> tuple[list[str], int] | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if is_header(record):
                return unique_names([c.strip().lstrip("\ufeff") for c in record]), reader.line_num
            if reader.line_num >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise ImportRefused(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    return None


def read_table(data: bytes, is_header: Callable[[list[str]], bool]) -> RawTable:
    """Decode, pick the delimiter and find the header row (the first row is_header accepts).

    The delimiters are tried from the most consistent one on: the first under which a
    header row is found is the file's (a preamble of `Key;Value` lines or decimal commas
    in a comma-separated file do not decide)."""
    text, encoding = decode(data)
    candidates = [d for _score, d in _delimiter_scores(text)] or [","]
    malformed: ImportRefused | None = None
    for delimiter in candidates:
        try:
            found = _find_header_row(text, delimiter, is_header)
        except ImportRefused as exc:
            malformed = malformed or exc
            continue
        if found is not None:
            return RawTable(found[0], found[1], encoding, delimiter, text, data)
    if malformed is not None:
        raise malformed
    raise ImportRefused(
        "I couldn't find a header row with a date and an amount column in the first "
        f"{HEADER_SEARCH_ROWS} lines. Supported: LeakBot's export, the sample dataset's "
        "format, and bank or UPI statements (HDFC, SBI, ICICI, Axis, Kotak, Paytm, PhonePe, "
        "or any file with date, description and amount columns) as CSV, Excel or PDF."
    )


def _refuse_if_too_many(count: int) -> None:
    if count > MAX_ROWS:
        raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows. Split it by date and send the parts.")


def _fast_rows(table: RawTable) -> Rows | None:
    """Read the body with pandas' C parser when every row is exactly one line.

    The parser reads the file's UTF-8 bytes as they are (for a UTF-8 file, the very bytes
    sent: no copy of a 17 MB file is made). Returns None for irregular files (quoted line
    breaks, ragged or malformed rows); those go through the csv module, which tracks line
    numbers exactly.
    """
    source = _utf8(table)
    lines = _row_lines(source, table.header_line)
    _refuse_if_too_many(len(lines))
    if not len(lines):
        return Rows(
            pd.DataFrame(columns=table.header),
            np.array([], dtype=np.int64),
            np.array([], dtype=bool),
        )
    try:
        with warnings.catch_warnings():  # rows longer than the header: the csv module's path
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(source),
                encoding="utf-8",
                skiprows=table.header_line,
                skip_blank_lines=True,  # lines of nothing but spaces, tabs and CR, as _row_lines
                sep=table.delimiter,
                header=None,
                names=table.header,
                index_col=False,  # a trailing delimiter on every row does not shift the columns
                dtype=str,
                keep_default_na=False,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error):
        return None
    if len(frame) != len(lines):
        return None
    return Rows(frame, lines, np.zeros(len(frame), dtype=bool))


def _utf8(table: RawTable) -> bytes:
    """The file as UTF-8 bytes without a byte-order mark."""
    if table.encoding == "utf-8" and table.data:
        return table.data[len(codecs.BOM_UTF8) :] if table.data.startswith(codecs.BOM_UTF8) else table.data
    return table.text.encode("utf-8")


_BLANK_LINE = re.compile(rb"^[ \t\r]*$", re.MULTILINE)


def _row_lines(source: bytes, header_line: int) -> np.ndarray:
    """The 1-based line numbers, after the header, of the lines that hold more than spaces,
    tabs and CR: each one a row, when the file has no quoted line breaks."""
    breaks = np.flatnonzero(np.frombuffer(source, dtype=np.uint8) == ord("\n"))
    count = len(breaks) + 1  # the text after the last line break is a line too (maybe empty)
    blank = np.searchsorted(breaks, [m.start() for m in _BLANK_LINE.finditer(source)])
    keep = np.ones(count, dtype=bool)
    keep[:header_line] = False
    keep[blank] = False
    return np.flatnonzero(keep).astype(np.int64) + 1


def _csv_rows(table: RawTable) -> Rows:
    """Read the body with the csv module: exact line numbers, ragged rows padded or flagged."""
    stream = io.StringIO(table.text, newline="")
    reader = csv.reader(stream, delimiter=table.delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for _ in range(table.header_line):
            next(reader)
        start = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append(record)
                lines.append(start)
                _refuse_if_too_many(len(rows))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRefused(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    width = len(table.header)
    too_long = np.fromiter(
        (len(r) > width and any(c.strip() for c in r[width:]) for r in rows), dtype=bool, count=len(rows)
    )
    fixed = [r[:width] if len(r) >= width else r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(fixed, columns=pd.Index(table.header), dtype=object)
    return Rows(frame, np.asarray(lines, dtype=np.int64), too_long)


def read_rows(table: RawTable) -> Rows:
    """Return the data rows under the header, blank lines skipped."""
    return _fast_rows(table) or _csv_rows(table)


# What statements print around their transactions: totals, balances, the end of the statement
# (in English, and the German and Dutch words of the European banks' exports).
FURNITURE = (
    r"^\W*(?:opening|closing|beginning|ending|starting|total|sub ?total|grand total"
    r"|balance (?:b/?f|c/?f|brought|carried|as of|at)|brought forward|carried forward"
    r"|statement (?:summary|period)|summary amt|end of (?:the )?(?:statement|report)"
    r"|page \d|this is a (?:computer|system)[- ]generated|\*+"
    r"|(?:alter |neuer |letzter )?kontostand|anfangssaldo|endsaldo|beginsaldo|eindsaldo|saldo (?:alt|neu))"
)
# A cell on a transaction's line that makes it a balance line (Bank of America's first row:
# `01/01/2024, Beginning balance as of 01/01/2024, , 1,000.00`).
_BALANCE_CELL = (
    r"^\W*(?:(?:opening|closing|beginning|ending|starting|previous) balance|balance (?:b/?f|c/?f|brought"
    r"|carried|as of)|brought forward|carried forward|total (?:credits|debits|deposits|withdrawals))\b"
)

# A status cell of a row that moved no money: Revolut's REVERTED or DECLINED, PayPal's Denied.
_NO_MONEY_MOVED = r"reverted|declined|failed|cancell?ed|denied|rejected|voided?"


def is_furniture(rows: pd.DataFrame) -> np.ndarray:
    """Which rows are a statement's furniture, not a transaction: a line that starts with
    totals or balances words (`Opening Balance`, `Total`, `** End of Statement **`), or that
    has a cell saying it is a balance (`Beginning balance as of 01/01/2024`) or that it moved
    no money (a status of `DECLINED`, `REVERTED`)."""
    if rows.empty or not len(rows.columns):
        return np.zeros(len(rows), dtype=bool)
    cells = [rows[c].fillna("").astype(str).str.strip().str.casefold() for c in rows.columns]
    text = cells[0].str.cat(cells[1:], sep=" ") if len(cells) > 1 else cells[0]
    found = text.str.strip().str.contains(FURNITURE, regex=True).to_numpy(dtype=bool, copy=True)
    for cell in cells:
        found |= cell.str.contains(_BALANCE_CELL, regex=True).to_numpy(dtype=bool)
        found |= cell.str.fullmatch(_NO_MONEY_MOVED).to_numpy(dtype=bool)
    return found
