"""Turn uploaded bytes into a header and rows with their line numbers, or refuse the file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from services.errors import ImportRefused

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may download, and plenty for a year
MAX_ROWS = 200_000
MAX_FIELD_CHARS = 2_000
HEADER_SEARCH_ROWS = 40
_DELIMITERS = (",", ";", "\t", "|")

csv.field_size_limit(MAX_FIELD_CHARS * 10)


@dataclass(frozen=True, slots=True)
class RawTable:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the file line each row starts on (1-based)
    header_line: int
    encoding: str
    delimiter: str
    text: str = ""


def fast_frame(table: RawTable) -> pd.DataFrame | None:
    """Read the rows after the header with pandas' C parser when every row is one line.

    Returns None when the file is irregular (quoted line breaks, ragged rows); the caller
    then uses the rows the csv module read, which carry exact line numbers.
    """
    body = table.text.splitlines()[table.header_line :]
    if len(body) != len(table.rows) or any(not ln.strip() for ln in body) or "\r" in table.text:
        return None
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(body)),
            sep=table.delimiter,
            header=None,
            names=[h if h else f"column {i + 1}" for i, h in enumerate(table.header)],
            dtype=str,
            keep_default_na=False,
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError):
        return None
    return frame if len(frame) == len(table.rows) else None


def normalise_header(name: str) -> str:
    """`Withdrawal Amt.` -> `withdrawalamt`: lowercase letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.strip().lstrip("\ufeff").casefold())


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if not data.strip():
        raise ImportRefused("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB. "
            "Split it by date and send the parts."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:8192]
    if b"\x00" in head or data.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise ImportRefused(
            "This is not a CSV file (it looks like binary data, a PDF or an Excel workbook). "
            "Export the statement as CSV and send that."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines most consistently."""
    sample = [ln for ln in text.splitlines()[:HEADER_SEARCH_ROWS] if ln.strip()]
    best, best_score = ",", -1
    for delim in _DELIMITERS:
        counts = [ln.count(delim) for ln in sample]
        if not counts or max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delim, score
    return best


def read_table(data: bytes, is_header: Callable[[list[str]], bool]) -> RawTable:
    """Decode, split and find the header row (the first row is_header accepts)."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if header is None:
                if is_header(record):
                    header, header_line = (
                        [c.strip().lstrip("\ufeff") for c in record],
                        reader.line_num,
                    )
                elif reader.line_num > HEADER_SEARCH_ROWS:
                    break
                start = reader.line_num + 1
                continue
            if any(cell.strip() for cell in record):
                rows.append(record)
                lines.append(start)
                if len(rows) > MAX_ROWS:
                    raise ImportRefused(
                        f"The file has more than {MAX_ROWS:,} rows. Split it by date and send the parts."
                    )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRefused(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    if header is None:
        raise ImportRefused(
            "I couldn't find a header row with a date and an amount column in the first "
            f"{HEADER_SEARCH_ROWS} lines. Supported: LeakBot's export, the sample dataset's "
            "format, and bank or UPI statements (HDFC, SBI, ICICI, Axis, Kotak, Paytm, or any "
            "CSV with date, description and amount columns)."
        )
    return RawTable(header, rows, lines, header_line, encoding, delimiter, text)
