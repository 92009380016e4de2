"""PDF statements as Indian banks and UPI apps print them: every layout reads into the right
entries, a PDF and a CSV of one month add nothing twice, locked PDFs open with their
password only, scans are refused, and unreadable lines are named by page and line."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from db.session import within
from services.errors import ImportRefused, PasswordNeeded, WrongPassword
from services.importing import pipeline
from services.importing.options import ImportOptions
from services.importing.pipeline import StatementFile, import_csv, import_statement
from tests.documents import (
    AXIS_PDF,
    GPAY_PDF,
    HDFC_PDF,
    ICICI_PDF,
    KOTAK_PDF,
    PAYTM_PDF,
    PHONEPE_PDF,
    SBI_PDF,
    PdfLayout,
    scanned_pdf,
    statement_pdf,
)
from tests.factories import csv_bytes, make_user


@dataclass(frozen=True)
class Txn:
    day: int
    payee: str
    minor: int
    out: bool = True


MONTH = [  # March 2024: spends, a salary, a refund; two identical chais on the 9th
    Txn(1, "ZOMATO LIMITED", 45_000),
    Txn(2, "SALARY ACME TECHNOLOGIES PVT LTD", 8_500_000, out=False),
    Txn(3, "SWIGGY INSTAMART", 123_450),
    Txn(5, "BHARAT PETROLEUM", 200_000),
    *(Txn(9, "CHAI POINT", 2_000) for _ in range(2)),
    Txn(14, "AMAZON PAY INDIA", 99_900),
    Txn(18, "UBER INDIA SYSTEMS", 34_500),
    Txn(21, "NETFLIX ENTERTAINMENT", 64_900),
    Txn(25, "BLINKIT COMMERCE", 56_780),
    Txn(28, "INTEREST CREDIT", 1_234, out=False),
    Txn(30, "APOLLO PHARMACY", 87_600),
] * 3  # 36 rows: three pages on most layouts


def _money(minor: int) -> str:
    return f"{minor / 100:,.2f}"


def _bank_rows(layout: str) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """(rows, lines before, lines after) of MONTH as the bank prints them."""
    balance = 5_000_000
    rows: list[list[str]] = []
    for i, t in enumerate(MONTH):
        balance += -t.minor if t.out else t.minor
        day = f"{t.day:02d}/03/2024"
        narration = (
            f"UPI-{t.payee}-{t.payee.split()[0].lower()}@okaxis-HDFC0000{i:03d}-40651234{i:04d}-PAYMENT"
        )
        ref = f"0000{406512340000 + i}"
        out, into = (_money(t.minor), "") if t.out else ("", _money(t.minor))
        rows.append(
            {
                "hdfc": [day[:6] + "24", narration, ref, day[:6] + "24", out, into, _money(balance)],
                "sbi": [
                    day,
                    day,
                    f"TO TRANSFER-UPI/DR/{t.payee}",
                    "TRANSFER TO 4897694",
                    out,
                    into,
                    _money(balance),
                ],
                "icici": [
                    str(i + 1),
                    day,
                    day,
                    "",
                    narration,
                    out or "0.00",
                    into or "0.00",
                    _money(balance),
                ],
                "axis": [day.replace("/", "-"), "", narration, out, into, _money(balance), "248"],
                "kotak": [
                    day.replace("/", "-"),
                    narration,
                    f"UPI-{406512340000 + i}",
                    out,
                    into,
                    _money(balance) + "(Cr)",
                ],
            }[layout]
        )
    width = len(rows[0])
    before = [_spread(width, 1 if layout != "icici" else 4, "Opening Balance", width - 1, _money(5_000_000))]
    after = [_spread(width, 1 if layout != "icici" else 4, "Total", width - 1, _money(balance))]
    return rows, before, after


def _spread(width: int, text_at: int, text: str, money_at: int, money: str) -> list[str]:
    cells = [""] * width
    cells[text_at], cells[money_at] = text, money
    return cells


BANKS: dict[str, tuple[PdfLayout, str]] = {
    "hdfc": (HDFC_PDF, "HDFC Bank statement"),
    "sbi": (SBI_PDF, "SBI statement"),
    "icici": (ICICI_PDF, "ICICI Bank statement"),
    "axis": (AXIS_PDF, "Axis Bank statement"),
    "kotak": (KOTAK_PDF, "bank statement (columns detected)"),
}


def _spent(session: Session, user_id: int) -> tuple[int, int, int]:
    rows = session.execute(select(Entry.type, Entry.amount_minor).where(Entry.user_id == user_id)).all()
    return (
        len(rows),
        sum(a for t, a in rows if t != "income"),
        sum(a for t, a in rows if t == "income"),
    )


EXPECTED = (
    len(MONTH),
    sum(t.minor for t in MONTH if t.out),
    sum(t.minor for t in MONTH if not t.out),
)


@pytest.mark.parametrize("bank", list(BANKS))
def test_bank_pdf_statements_import_every_transaction_once(session: Session, bank: str) -> None:
    """Every bank's PDF, with its wrapped narrations, page headings, footers and balance
    lines, gives exactly the month's transactions; sending it again adds nothing."""
    layout, name = BANKS[bank]
    rows, before, after = _bank_rows(bank)
    data = statement_pdf(layout, rows, rows_per_page=15, before=before, after=after)
    user = make_user(session)
    summary = import_statement(turn=within(session), user=user, data=data, file_name="march.pdf")
    assert (summary.layout, summary.rejected, summary.skipped) == (name, 0, 2), summary.errors
    assert summary.understood is not None and summary.understood.account == "4321"  # above the table
    assert _spent(session, user.id) == EXPECTED
    notes = session.scalars(select(Entry.note).where(Entry.user_id == user.id)).all()
    assert any("ZOMATO LIMITED" in n for n in notes)
    again = import_statement(turn=within(session), user=user, data=data, file_name="march.pdf")
    assert (again.imported, again.duplicates) == (0, len(MONTH))


def test_a_pdf_and_a_csv_of_the_same_month_add_nothing_twice(session: Session) -> None:
    """SBI's references repeat, so rows are known by their content: the PDF's narrations
    wrap over lines and print 1,234.00, the CSV's don't; the same month adds nothing."""
    rows, _before, _after = _bank_rows("sbi")
    user = make_user(session)
    pdf = statement_pdf(SBI_PDF, rows, rows_per_page=12)
    assert import_statement(turn=within(session), user=user, data=pdf, file_name="m.pdf").imported == len(
        MONTH
    )
    plain = [[*r[:4], *(c.replace(",", "") for c in r[4:])] for r in rows]
    again = import_csv(session=session, user=user, data=csv_bytes(SBI_PDF.header, plain), file_name="m.csv")
    assert (again.imported, again.duplicates) == (0, len(MONTH))


UPI_APPS = {
    "phonepe": (
        PHONEPE_PDF,
        "PhonePe UPI statement (PDF)",
        lambda t, i: [
            f"Mar {t.day:02d}, 2024\n{(i % 12) + 1:02d}:15 {'am' if i % 2 else 'pm'}",
            f"{'Paid to' if t.out else 'Received from'} {t.payee.title()}\nTransaction ID T24030{i:010d}\n"
            f"UTR No. 4065{i:08d}\n{'Debited from' if t.out else 'Credited to'} XX1234",
            "DEBIT" if t.out else "CREDIT",
            f"₹{t.minor / 100:,.2f}",
        ],
    ),
    "paytm": (
        PAYTM_PDF,
        "Paytm UPI statement (PDF)",
        lambda t, i: [
            f"{t.day:02d} Mar 2024\n{(i % 12) + 1}:15 PM",
            f"{'Paid to' if t.out else 'Received from'} {t.payee.title()}\nUPI Ref No: 4065{i:08d}",
            "#Food" if i % 3 == 0 else "",
            "HDFC Bank - 34",
            f"{'-' if t.out else '+'} Rs.{t.minor / 100:,.2f}",
        ],
    ),
    "gpay": (
        GPAY_PDF,
        "Google Pay statement (PDF)",
        lambda t, i: [
            f"{t.day:02d} Mar, 2024\n{(i % 12) + 1:02d}:15 AM",
            f"{'Paid to' if t.out else 'Received from'} {t.payee.title()}\nUPI Transaction ID: 4065{i:08d}\n"
            f"{'Paid by' if t.out else 'Paid to'} HDFC Bank 1234",
            f"₹{t.minor / 100:,.2f}",
        ],
    ),
}


@pytest.mark.parametrize("app", list(UPI_APPS))
def test_upi_app_pdfs_read_payee_time_and_utr(session: Session, app: str) -> None:
    """PhonePe, Paytm and Google Pay print the time under the date and the ids under the
    payee: each entry gets its time, the payee as its note, UPI as its mode, and the UTR
    as its identity (two identical chais stay two)."""
    layout, name, row = UPI_APPS[app]
    data = statement_pdf(layout, [row(t, i) for i, t in enumerate(MONTH)], rows_per_page=14)
    user = make_user(session)
    summary = import_statement(turn=within(session), user=user, data=data, file_name="upi.pdf")
    assert (summary.layout, summary.imported, summary.rejected) == (name, len(MONTH), 0), summary.errors
    assert _spent(session, user.id) == EXPECTED
    first = session.scalars(select(Entry).where(Entry.user_id == user.id).order_by(Entry.id)).first()
    assert first is not None
    assert (first.note, first.payment_mode, first.category) == ("Paid to Zomato Limited", "UPI", "Dining Out")
    local = first.occurred_at.astimezone(ZoneInfo(user.timezone))
    assert (local.hour, local.minute) == {"phonepe": (13, 15), "paytm": (13, 15), "gpay": (1, 15)}[app]


def test_a_locked_pdf_opens_with_its_password_only_and_keeps_no_password(session: Session) -> None:
    rows, before, after = _bank_rows("hdfc")
    data = statement_pdf(HDFC_PDF, rows, password="ravi1234", before=before, after=after)
    with pytest.raises(PasswordNeeded, match="locked with a password"):
        StatementFile.read(data)
    with pytest.raises(WrongPassword, match="does not open"):
        StatementFile.read(data, ImportOptions(password="ravi12345"))
    opened = StatementFile.read(data, ImportOptions(password="ravi1234"))
    assert b"ravi1234" not in opened.kept and not opened.kept.startswith(b"%PDF")
    assert "ravi1234" not in repr(ImportOptions(password="ravi1234"))
    rerun = StatementFile.read(opened.kept)  # a restart runs the import again from what was kept
    assert rerun.rows.frame.equals(opened.rows.frame) and rerun.rows.places(rerun.rows.lines > 0)[:1] == [
        "page 1, line 4"
    ]
    user = make_user(session)
    summary = import_statement(
        turn=within(session),
        user=user,
        data=data,
        file_name="locked.pdf",
        options=ImportOptions(password="ravi1234"),
    )
    assert summary.imported == len(MONTH)


def test_a_scanned_pdf_is_refused_with_what_to_send_instead(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(ImportRefused, match=r"no text in it .* as CSV or Excel"):
        import_statement(turn=within(session), user=user, data=scanned_pdf(), file_name="scan.pdf")
    assert _spent(session, user.id) == (0, 0, 0)


def test_unreadable_pdf_lines_are_named_by_page_and_line_and_the_rest_imports(session: Session) -> None:
    rows, _before, _after = _bank_rows("hdfc")
    rows[20][4] = "12O.00"  # a letter O for a zero, on the second page
    data = statement_pdf(HDFC_PDF, rows, rows_per_page=15)
    user = make_user(session)
    summary = import_statement(turn=within(session), user=user, data=data, file_name="march.pdf")
    assert (summary.imported, summary.rejected) == (len(MONTH) - 1, 1)
    assert summary.errors == (("page 2, line 17", "'12O.00' is not an amount"),)


def test_a_pdf_without_a_transaction_table_is_refused(session: Session) -> None:
    layout = PdfLayout(header=["Name", "Address"], widths=[60, 120])
    data = statement_pdf(layout, [["Ravi", "MG Road"]])
    with pytest.raises(ImportRefused, match="couldn't find a transaction table"):
        pipeline.StatementFile.read(data)
