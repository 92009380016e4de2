"""PDF statements: the transaction table of a bank's or a UPI app's text PDF (pdfplumber).

Banks print statements as positioned words, with or without ruled lines, so the table is
rebuilt from the words' positions: the header row LeakBot recognises (one line, or two
lines read together) gives the columns; every word below it falls in the column its middle
lies in; a line whose date column starts with a date begins a transaction, and the lines
under it that hold only text (a narration that wraps, a UPI id, a time under the date)
belong to it. Pages after the first continue the table below their repeated header, or
from their first transaction. Lines that are no transaction (opening balance, totals, page
footers) become rows of their own, which the import skips or reports by page and line.

A locked PDF needs its password (PasswordNeeded), which is used to open it and nothing
else; a PDF without text (a scan) is refused.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.errors import ImportRefused, PasswordNeeded, WrongPassword
from services.importing.limits import MAX_ROWS
from services.importing.reader import FURNITURE, HEADER_SEARCH_ROWS, Rows, normalise_header, unique_names

PDF_MAGIC = b"%PDF"
MAX_PAGES = 500
IsHeader = Callable[[list[str]], bool]

# A cell that starts a transaction: 05/01/2024, 5-Jan-24, 2024-01-05, 05 Jan 2024, Jan 05, 2024
_DATE_START = re.compile(
    r"^(?:\d{1,2}[-/. ](?:\d{1,2}|[A-Za-z]{3,9})[-/. ,]+\d{2,4}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{2,4})\b"
)
# A cell of money: 1,250.00  (250.00)  250.00 Dr  -₹250  Rs. 1,25,000; not a bare number,
# which in a narration is a UPI reference or an account number.
_MONEY = re.compile(
    r"^[-+(]?\s*(?:(?:[₹$€£]|rs\.?|inr)\s*[-+]?\d[\d,]*(?:\.\d{1,2})?"
    r"|[-+]?\d[\d,]*\.\d{1,2}|[-+]?\d[\d,]*\s*(?:cr|dr)\.?)\)?\s*(?:cr|dr)?\.?$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based on its page
    words: tuple[_Word, ...]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def height(self) -> float:
        return max(w.bottom - w.top for w in self.words)

    def _spaced(self, words: tuple[_Word, ...]) -> bool:
        """Whether the words are set a space apart, as the words of one name are (`Debit`
        and `Credit` in two columns are not the column `Debit Credit`)."""
        return all(b.x0 - a.x1 <= 0.75 * self.height for a, b in itertools.pairwise(words))

    def cells(self, known: frozenset[str] = frozenset()) -> list[tuple[str, float, float]]:
        """The line split into cells, (text, x0, x1): words that together make a column name
        LeakBot knows are one cell (`Withdrawal` `Amt.`, even when the next column's name
        follows closely), and other words join their neighbour across a space's gap."""
        cells: list[tuple[str, float, float]] = []
        words = self.words
        i = 0
        while i < len(words):
            span = next(
                (
                    n
                    for n in range(min(4, len(words) - i), 1, -1)
                    if self._spaced(words[i : i + n])
                    and normalise_header("".join(w.text for w in words[i : i + n])) in known
                ),
                1,
            )
            run = words[i : i + span]
            text = " ".join(w.text for w in run)
            merges = span == 1 and cells and normalise_header(cells[-1][0]) not in known
            if merges and run[0].x0 - cells[-1][2] <= 0.75 * self.height:
                cells[-1] = (f"{cells[-1][0]} {text}", cells[-1][1], run[-1].x1)
            else:
                cells.append((text, run[0].x0, run[-1].x1))
            i += span
        return cells


@dataclass(frozen=True, slots=True)
class _Columns:
    names: list[str]
    spans: list[tuple[float, float]]  # where each column's name is printed, left to right

    def split(self, line: _Line) -> list[str]:
        """The line's text per column. Words a space apart are one phrase (a narration that
        runs past its column's name stays whole); a phrase goes to the column whose name it
        lies under most, or else to the nearest one, so a left-aligned narration and a
        right-aligned amount beside it are told apart however wide either is."""
        texts: list[list[str]] = [[] for _ in self.names]
        phrase: list[_Word] = []
        for word in (*line.words, None):
            if word is not None and (not phrase or word.x0 - phrase[-1].x1 <= 0.5 * line.height):
                phrase.append(word)
                continue
            texts[self._column_of(phrase[0].x0, phrase[-1].x1)].append(" ".join(w.text for w in phrase))
            phrase = [word] if word is not None else []
        return [" ".join(t) for t in texts]

    def _column_of(self, x0: float, x1: float) -> int:
        overlaps = [min(x1, b) - max(x0, a) for a, b in self.spans]
        best = int(np.argmax(overlaps))
        if overlaps[best] > 0:
            return best
        return int(np.argmin([max(a - x1, x0 - b) for a, b in self.spans]))


def read_pdf(data: bytes, is_header: IsHeader, password: str | None) -> tuple[list[str], Rows, str]:
    """(header, rows, what the file is) of the PDF's transaction table."""
    pages = _pages(data, password)
    if not any(lines for lines in pages):
        raise ImportRefused(
            "This PDF has no text in it (it looks like a scan or photos of the pages), so I can't "
            "read its transactions. Download the statement from your bank's website or app, as a "
            "PDF with text, or as CSV or Excel, and send that."
        )
    found = _header(pages, is_header)
    if found is None:
        raise ImportRefused(
            "I couldn't find a transaction table (a header with a date and an amount column) on "
            "the first pages of this PDF."
        )
    columns, first_page, header_line = found
    records: list[list[str]] = []
    places: list[tuple[int, int]] = []
    for page_index in range(first_page, len(pages)):
        lines = pages[page_index]
        start = header_line if page_index == first_page else _repeated_header(lines, columns, is_header)
        _page_records(lines[start:], columns, page_index + 1, start is None, records, places)
        if len(records) > MAX_ROWS:
            raise ImportRefused(
                f"The PDF has more than {MAX_ROWS:,} rows. Split it by date and send the parts."
            )
    frame = pd.DataFrame(records, columns=pd.Index(columns.names), dtype=object)
    above = [line for lines in pages[:first_page] for line in lines] + pages[first_page][:header_line]
    return (
        columns.names,
        Rows(
            frame,
            np.fromiter((n for _p, n in places), dtype=np.int64, count=len(places)),
            np.zeros(len(records), dtype=bool),
            pages=np.fromiter((p for p, _n in places), dtype=np.int64, count=len(places)),
            preamble=tuple(" ".join(w.text for w in line.words) for line in above),
        ),
        "PDF statement",
    )


def is_locked(data: bytes) -> bool:
    """Whether the PDF needs a password to be read."""
    try:
        _pages(data, None, max_pages=1)
    except PasswordNeeded:
        return True
    return False


def _pages(data: bytes, password: str | None, *, max_pages: int = MAX_PAGES) -> list[list[_Line]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ImportRefused(f"The PDF has {len(pdf.pages)} pages; I read up to {MAX_PAGES}.")
            return [_lines(page) for page in pdf.pages[:max_pages]]
    except ImportRefused:
        raise
    except Exception as exc:  # pdfplumber wraps what pdfminer raises in its own exception
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            if password:
                raise WrongPassword("That password does not open this PDF.") from None
            raise PasswordNeeded("This PDF is locked with a password.") from None
        if isinstance(cause, PDFSyntaxError | ValueError | KeyError | TypeError) or type(
            cause
        ).__module__.startswith(("pdfminer", "pdfplumber")):
            raise ImportRefused(
                f"This PDF could not be read ({type(cause).__name__}); it may be damaged."
            ) from None
        raise


def _lines(page: object) -> list[_Line]:
    """The page's words grouped into lines, top to bottom, each left to right."""
    words = [
        _Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        for w in page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)  # type: ignore[attr-defined]
        if w.get("upright", True)
    ]
    words.sort(key=lambda w: (w.top, w.x0))
    groups: list[list[_Word]] = []
    for word in words:
        if groups and abs(word.top - groups[-1][0].top) <= 3:
            groups[-1].append(word)
        else:
            groups.append([word])
    return [_Line(i, tuple(sorted(g, key=lambda w: w.x0))) for i, g in enumerate(groups, start=1)]


def _header(pages: list[list[_Line]], is_header: IsHeader) -> tuple[_Columns, int, int] | None:
    """The table's columns, the page they are on and the index of the first line under them."""
    seen = 0
    for page_index, lines in enumerate(pages):
        for i, line in enumerate(lines):
            columns = _columns_of(line, lines[i + 1] if i + 1 < len(lines) else None, is_header)
            if columns is not None:
                header, two_lines = columns
                return header, page_index, i + (2 if two_lines else 1)
            seen += 1
            if seen >= HEADER_SEARCH_ROWS * 3:
                return None
    return None


def _columns_of(line: _Line, below: _Line | None, is_header: IsHeader) -> tuple[_Columns, bool] | None:
    """Columns when this line (or this line and the one below, as banks print a header over
    two lines: `Withdrawal` over `Amt.`) is a header LeakBot recognises."""
    known = _known()
    cells = line.cells(known)
    alone = is_header([c[0] for c in cells])
    if below is None or below.top - line.top > 2.5 * line.height:
        return (_columns(cells), False) if alone else None
    under = below.cells(known)
    if alone and any(_DATE_START.match(t) or _MONEY.match(t) for t, _a, _b in under):
        return _columns(cells), False  # the first transaction, right under a one-line header
    merged = [list(c) for c in cells]
    for text, x0, x1 in under:
        over = [c for c in merged if min(c[2], x1) - max(c[1], x0) > 0]
        if over:
            over[0][0] = f"{over[0][0]} {text}"
            over[0][1], over[0][2] = min(over[0][1], x0), max(over[0][2], x1)
        elif alone:
            return _columns(cells), False  # text of its own below the header: not the header's
        else:
            merged.append([text, x0, x1])
    merged.sort(key=lambda c: c[1])
    joined = [(str(t), float(a), float(b)) for t, a, b in merged]
    if is_header([c[0] for c in joined]):
        return _columns(joined), True  # a header over two lines (`Withdrawal` over `Amt.`)
    return (_columns(cells), False) if alone else None


def _known() -> frozenset[str]:
    from services.importing.layouts import known_header_names

    return known_header_names()


def _columns(cells: list[tuple[str, float, float]]) -> _Columns:
    return _Columns(unique_names([c[0] for c in cells]), [(c[1], c[2]) for c in cells])


def _repeated_header(lines: list[_Line], columns: _Columns, is_header: IsHeader) -> int | None:
    """Where a later page's table starts: under its repeated header, if it has one."""
    for i, line in enumerate(lines[:HEADER_SEARCH_ROWS]):
        found = _columns_of(line, lines[i + 1] if i + 1 < len(lines) else None, is_header)
        if found is not None:
            return i + (2 if found[1] else 1)
    return None


_FURNITURE = re.compile(FURNITURE, re.I)
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d+\s*(?:of|/)\s*\d+$|^page \d+$", re.I)


def _wrapped(before: str, after: str) -> str:
    """A cell's text continued on the next line: a word split at a hyphen, slash or @ (as
    narrations wrap: `UPI-ZOMATO-` / `ZOMATO@PAYTM`) joins without a space."""
    if not before:
        return after
    return f"{before}{after}" if before.endswith(("-", "/", "@", "_", ":")) else f"{before} {after}"


def _page_records(
    lines: list[_Line],
    columns: _Columns,
    page: int,
    skip_to_first: bool,
    records: list[list[str]],
    places: list[tuple[int, int]],
) -> None:
    """Add the page's rows: a transaction per line that starts with a date, with the text
    lines under it; other lines (balances, totals, footers) as rows of their own.
    skip_to_first: the page repeats no header, so what is above its first transaction is
    the page's own heading, not the table."""
    date_column = next((i for i, n in enumerate(columns.names) if "date" in n.casefold()), 0)
    current: list[str] | None = None
    last: _Line | None = None
    for line in lines:
        cells = columns.split(line)
        if _PAGE_NUMBER.match(" ".join(c for c in cells if c)):
            continue  # the page's own footer
        starts = bool(_DATE_START.match(cells[date_column]))
        if skip_to_first and not starts:
            continue
        skip_to_first = False
        has_money = any(_MONEY.match(c.strip()) for c in cells if c.strip())
        close = last is not None and line.top - last.top <= 2.2 * max(last.height, line.height)
        furniture = bool(_FURNITURE.match(" ".join(c for c in cells if c)))
        if not starts and current is not None and not has_money and close and not furniture:
            for i, text in enumerate(cells):
                if text:
                    current[i] = _wrapped(current[i], text)
        else:
            current = cells
            records.append(current)
            places.append((page, line.number))
        last = line
