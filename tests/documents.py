"""Statements as banks send them, written by the tests: Excel workbooks (.xlsx, .xls) and
PDFs laid out like the banks' and UPI apps' own (positioned words, wrapped narrations, a
heading and footer on every page, a header repeated per page or not, ruled or not,
locked with a password or not). The values are invented."""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

from services.synthetic import HDFC_HEADER


def workbook_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]], *, preamble: int = 0) -> bytes:
    """An .xlsx with a cover sheet first (no table on it) and the statement on the second:
    preamble rows of bank heading above the header, dates as real dates when given so."""
    from openpyxl import Workbook

    book = Workbook()
    cover = book.active
    cover.title = "Summary"
    cover.append(["Account summary"])
    cover.append(["Opening balance", 1000])
    sheet = book.create_sheet("Transactions")
    for i in range(preamble):
        sheet.append(["Account No: XXXXXXXX4321" if i == 0 else f"Statement line {i + 1}"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_xls(header: Sequence[str], rows: Sequence[Sequence[object]], *, preamble: int = 0) -> bytes:
    """A real Excel 97-2003 .xls (OLE2), dates stored as date cells."""
    import datetime as dt

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Statement")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for i in range(preamble):
        sheet.write(i, 0, "Account No: XXXXXXXX4321" if i == 0 else f"Statement line {i + 1}")
    for c, name in enumerate(header):
        sheet.write(preamble, c, name)
    for r, row in enumerate(rows, start=preamble + 1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class PdfLayout:
    """How one bank prints its statement table."""

    header: Sequence[str]
    widths: Sequence[float]  # mm per column
    right: frozenset[int] = frozenset()  # columns printed right-aligned (amounts)
    wrap: dict[int, int] = field(default_factory=dict)  # column -> characters per line
    header_lines: Sequence[Sequence[str]] | None = None  # a header printed over two lines
    ruled: bool = False
    repeat_header: bool = True
    font_size: float = 8.0


def statement_pdf(
    layout: PdfLayout,
    rows: Sequence[Sequence[str]],
    *,
    rows_per_page: int = 25,
    password: str | None = None,
    title: str = "Statement of account",
    before: Sequence[Sequence[str]] = (),
    after: Sequence[Sequence[str]] = (),
) -> bytes:
    """A text PDF of the rows (cells may hold line breaks: a time under a date, a UTR under
    a narration), rows_per_page transactions a page, with the bank's heading and a page
    footer; before/after: balance and total lines printed in the table's columns."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    font = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    pdf.add_font("DejaVu", fname=font)
    if password:
        pdf.set_encryption(
            owner_password="owner-" + password,
            user_password=password,
            encryption_method=EncryptionMethod.AES_128,
        )
    size = layout.font_size
    line_mm = size * 0.45
    lines = [*(("row", r) for r in before), *(("row", r) for r in rows), *(("row", r) for r in after)]
    pages: list[list[Sequence[str]]] = [[]]
    used = 0.0
    for _kind, cells in lines:  # a page holds rows_per_page rows, or fewer when they are tall
        tall = max(len(_cell_lines(layout, i, str(c))) for i, c in enumerate(cells)) * line_mm + 2.0
        if len(pages[-1]) >= rows_per_page or used + tall > 240:
            pages.append([])
            used = 0.0
        pages[-1].append(cells)
        used += tall
    for number, page_rows in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("DejaVu", size=12)
        pdf.text(12, 14, title)
        pdf.set_font("DejaVu", size=size)
        pdf.text(12, 20, "Account No: XXXXXXXX4321    Branch: MG Road, Bengaluru")
        y = 30.0
        if number == 1 or layout.repeat_header:
            for header_row in layout.header_lines or [layout.header]:
                y = _row(pdf, layout, list(header_row), y, line_mm, ruled=layout.ruled)
            y += 1
        for cells in page_rows:
            y = _row(pdf, layout, list(cells), y, line_mm, ruled=layout.ruled)
        pdf.set_font("DejaVu", size=7)
        pdf.text(90, 287, f"Page {number} of {len(pages)}")
        pdf.set_font("DejaVu", size=size)
    return bytes(pdf.output())


def _cell_lines(layout: PdfLayout, column: int, text: str) -> list[str]:
    lines: list[str] = []
    for part in text.split("\n"):
        wrap = layout.wrap.get(column)
        lines.extend(textwrap.wrap(part, wrap, break_on_hyphens=True) if wrap and part else [part])
    return lines


def _row(pdf, layout: PdfLayout, cells: list[str], y: float, line_mm: float, *, ruled: bool) -> float:  # type: ignore[no-untyped-def]
    """Print one table row at y, each cell's lines under each other; the next row's y."""
    x = 10.0
    tallest = 1
    for i, (text, width) in enumerate(zip(cells, layout.widths, strict=True)):
        lines = _cell_lines(layout, i, str(text))
        tallest = max(tallest, len(lines))
        for k, line in enumerate(lines):
            left = x + width - 1 - pdf.get_string_width(line) if i in layout.right else x + 1
            pdf.text(left, y + k * line_mm + line_mm, line)
        x += width
    height = tallest * line_mm + 1.2
    if ruled:
        pdf.set_line_width(0.1)
        pdf.rect(10, y, sum(layout.widths), height + 0.4)
        edge = 10.0
        for width in layout.widths[:-1]:
            edge += width
            pdf.line(edge, y, edge, y + height + 0.4)
    return y + height + 0.8


# How the banks and UPI apps print their statement tables (column names as they print them).
HDFC_PDF = PdfLayout(
    header=list(HDFC_HEADER),
    widths=[18, 62, 30, 18, 22, 22, 24],
    right=frozenset({4, 5, 6}),
    wrap={1: 34},
)
SBI_PDF = PdfLayout(  # ruled cells, the header not repeated on later pages
    header=["Txn Date", "Value Date", "Description", "Ref No./Cheque No.", "Debit", "Credit", "Balance"],
    widths=[20, 20, 58, 30, 20, 20, 24],
    right=frozenset({4, 5, 6}),
    wrap={2: 30, 3: 16},
    ruled=True,
    repeat_header=False,
)
ICICI_PDF = PdfLayout(  # the header over two lines
    header=[
        "S No.",
        "Value Date",
        "Transaction Date",
        "Cheque Number",
        "Transaction Remarks",
        "Withdrawal Amount (INR )",
        "Deposit Amount (INR )",
        "Balance (INR )",
    ],
    header_lines=[
        ["S No.", "Value", "Transaction", "Cheque", "Transaction", "Withdrawal", "Deposit", "Balance"],
        ["", "Date", "Date", "Number", "Remarks", "Amount (INR )", "Amount (INR )", "(INR )"],
    ],
    widths=[10, 18, 22, 18, 50, 24, 24, 24],
    right=frozenset({5, 6, 7}),
    wrap={4: 28},
    font_size=7.5,
)
AXIS_PDF = PdfLayout(
    header=["Tran Date", "Chq No", "Particulars", "Debit", "Credit", "Balance", "Init. Br"],
    widths=[20, 18, 64, 22, 22, 24, 14],
    right=frozenset({3, 4, 5}),
    wrap={2: 36},
)
KOTAK_PDF = PdfLayout(
    header=["Date", "Narration", "Chq/Ref No", "Withdrawal (Dr)", "Deposit (Cr)", "Balance"],
    widths=[20, 64, 30, 24, 24, 28],
    right=frozenset({3, 4, 5}),
    wrap={1: 36},
)
PHONEPE_PDF = PdfLayout(  # the time under the date; ids and the account under the payee
    header=["Date", "Transaction Details", "Type", "Amount"],
    widths=[32, 100, 24, 30],
    right=frozenset({3}),
)
PAYTM_PDF = PdfLayout(
    header=["Date & Time", "Transaction Details", "Notes & Tags", "Your Account", "Amount"],
    widths=[28, 80, 26, 30, 26],
    right=frozenset({4}),
)
GPAY_PDF = PdfLayout(
    header=["Date & time", "Transaction details", "Amount"],
    widths=[34, 120, 32],
    right=frozenset({2}),
)


def scanned_pdf() -> bytes:
    """A PDF of pictures of pages, with no text in it (as a scanner or a phone camera makes)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(picture)
    for y in range(60, 760, 24):
        draw.line((40, y, 560, y), fill="black", width=2)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())
