"""Excel statements: `.xlsx` (openpyxl) and the older binary `.xls` (xlrd).

The first sheet that holds a transaction table (a header row LeakBot recognises in its first
rows) is read; its cells become the same text a CSV export would hold, with real dates
written as ISO dates (so a workbook's dates are never ambiguous) and numbers exactly as
decimals. Rows are placed by the sheet's own row numbers.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
import pandas as pd

from services.errors import ImportRefused
from services.importing.limits import MAX_ROWS
from services.importing.reader import HEADER_SEARCH_ROWS, Rows, find_header

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file, as Excel 97-2003 writes

IsHeader = Callable[[list[str]], bool]


def is_xlsx(data: bytes) -> bool:
    """A ZIP archive with a workbook part in it (an Excel or LibreOffice .xlsx)."""
    if not data.startswith(XLSX_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def cell_text(value: object) -> str:
    """A cell as a CSV export writes it: dates ISO, numbers as exact decimals (a float cell
    holding 250.5 gives "250.5", never "250.49999"), text stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        # Money typed into a sheet has at most a few decimals; the float's noise goes.
        text = format(Decimal(repr(value)).quantize(Decimal("0.000001")), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def read_workbook(data: bytes, is_header: IsHeader) -> tuple[list[str], Rows, str]:
    """(header, rows, what the file is) of the first sheet with a transaction table."""
    if data.startswith(XLS_MAGIC):
        sheets, kind = _xls_sheets(data), "Excel 97-2003 workbook"
    else:
        sheets, kind = _xlsx_sheets(data), "Excel workbook"
    names = []
    for name, rows in sheets:
        names.append(name)
        found = find_header((cells for _n, cells in _limited(rows)), is_header)
        if found is None:
            continue
        header, position = found
        body = _body(rows, header, position)
        above = tuple(" ".join(c for c in cells if c) for _n, cells in rows[:position])
        return header, replace(body, preamble=above), kind
    listed = ", ".join(f"'{n}'" for n in names[:5]) or "none"
    raise ImportRefused(
        f"No sheet of this workbook has a table with a date and an amount column in its first "
        f"{HEADER_SEARCH_ROWS} rows (sheets: {listed})."
    )


SheetRows = list[tuple[int, list[str]]]  # (sheet row number, cells as text)


def _limited(rows: SheetRows) -> Iterator[tuple[int, list[str]]]:
    return iter(rows[:HEADER_SEARCH_ROWS])


def _body(rows: SheetRows, header: list[str], header_position: int) -> Rows:
    """The rows under the header (blank ones skipped), as text columns of the header's width."""
    width = len(header)
    kept = [(n, cells) for n, cells in rows[header_position:] if any(c for c in cells)]
    if len(kept) > MAX_ROWS:
        raise ImportRefused(
            f"The sheet has more than {MAX_ROWS:,} rows. Split it by date and send the parts."
        )
    too_long = np.fromiter((any(c for c in cells[width:]) for _n, cells in kept), dtype=bool, count=len(kept))
    fixed = [cells[:width] + [""] * (width - len(cells)) for _n, cells in kept]
    frame = pd.DataFrame(fixed, columns=pd.Index(header), dtype=object)
    lines = np.fromiter((n for n, _c in kept), dtype=np.int64, count=len(kept))
    return Rows(frame, lines, too_long, unit="row")


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, SheetRows]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(f"This Excel file could not be opened ({type(exc).__name__}).") from exc
    try:
        for sheet in book.worksheets:
            rows: SheetRows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((number, [cell_text(v) for v in values]))
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            yield sheet.title, rows
    finally:
        book.close()


def _xls_sheets(data: bytes) -> Iterator[tuple[str, SheetRows]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd.XLRDError and struct errors for a damaged file
        raise ImportRefused(f"This .xls file could not be opened ({type(exc).__name__}).") from exc
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows: SheetRows = []
            for r in range(min(sheet.nrows, MAX_ROWS + HEADER_SEARCH_ROWS + 1)):
                cells = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        cells.append(cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode)))
                    elif cell.ctype == xlrd.XL_CELL_NUMBER:
                        value = cell.value
                        cells.append(cell_text(int(value) if float(value).is_integer() else value))
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        cells.append(cell_text(bool(cell.value)))
                    else:
                        cells.append(cell_text(cell.value) if cell.ctype != xlrd.XL_CELL_ERROR else "")
                rows.append((r + 1, cells))
            yield sheet.name, rows
            book.unload_sheet(index)
    finally:
        book.release_resources()
