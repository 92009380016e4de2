"""Excel statements: .xlsx and real .xls workbooks import like the bank's CSV of them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from db.session import within
from services.errors import ImportRefused
from services.importing.pipeline import import_csv, import_statement
from tests.documents import workbook_xls, workbook_xlsx
from tests.factories import csv_bytes, make_user

HDFC = ["Date", "Narration", "Chq./Ref.No.", "Value Dt", "Withdrawal Amt.", "Deposit Amt.", "Closing Balance"]


def _rows(dates_as_cells: bool) -> list[list[object]]:
    """Three HDFC rows as a workbook holds them: real date cells, numbers as numbers (a
    float 250.5 among them), an empty deposit cell."""
    days = [dt.date(2024, 4, 3), dt.date(2024, 4, 5), dt.date(2024, 4, 12)]
    cells = [
        ["UPI-ZOMATO LIMITED-zomato@okicici", "0000411234500001", 250.5, None, 9749.5],
        ["SALARY APRIL ACME", "0000411234500002", None, 85000, 94749.5],
        ["POS 4321 APOLLO PHARMACY", "0000411234500003", 1234.56, None, 93514.94],
    ]
    out: list[list[object]] = []
    for day, (narration, ref, withdrawal, deposit, balance) in zip(days, cells, strict=True):
        written = day if dates_as_cells else day.strftime("%d/%m/%y")
        out.append([written, narration, ref, written, withdrawal, deposit, balance])
    return out


def _entries(session: Session, user_id: int) -> list[tuple[str, dt.date, int, str]]:
    return [
        (e.type, e.local_date, e.amount_minor, e.note[:10])
        for e in session.scalars(select(Entry).where(Entry.user_id == user_id).order_by(Entry.local_date))
    ]


EXPECTED = [
    ("expense", dt.date(2024, 4, 3), 25_050, "UPI-ZOMATO"),
    ("income", dt.date(2024, 4, 5), 8_500_000, "SALARY APR"),
    ("expense", dt.date(2024, 4, 12), 123_456, "POS 4321 A"),
]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_workbook_imports_its_statement_sheet_exactly(session: Session, kind: str) -> None:
    """The transaction sheet is found behind a cover sheet and under the bank's heading;
    real date cells are read as dates (3 April, never 4 March) and 250.5 as ₹250.50."""
    write = workbook_xlsx if kind == "xlsx" else workbook_xls
    data = write(HDFC, _rows(dates_as_cells=True), preamble=4)
    user = make_user(session)
    summary = import_statement(turn=within(session), user=user, data=data, file_name=f"april.{kind}")
    assert (summary.layout, summary.imported, summary.rejected) == ("HDFC Bank statement", 3, 0), (
        summary.errors
    )
    assert summary.understood is not None and summary.understood.account == "4321"  # the heading
    assert _entries(session, user.id) == EXPECTED


def test_a_workbook_and_the_csv_of_the_same_statement_add_nothing_twice(session: Session) -> None:
    user = make_user(session)
    first = import_statement(
        turn=within(session), user=user, data=workbook_xlsx(HDFC, _rows(True)), file_name="april.xlsx"
    )
    assert first.imported == 3
    text_rows = [
        ["" if c is None else f"{c:.2f}" if isinstance(c, float | int) else c for c in r]
        for r in _rows(False)
    ]
    again = import_csv(session=session, user=user, data=csv_bytes(HDFC, text_rows), file_name="april.csv")
    assert (again.imported, again.duplicates) == (0, 3)


def test_a_bad_cell_is_named_by_its_row_on_the_sheet(session: Session) -> None:
    rows = _rows(True)
    rows[1][5] = "85,000 only"
    user = make_user(session)
    summary = import_statement(
        turn=within(session), user=user, data=workbook_xlsx(HDFC, rows, preamble=2), file_name="april.xlsx"
    )
    assert (summary.imported, summary.rejected) == (2, 1)
    assert summary.errors == (("row 5", "'85,000 only' is not an amount"),)


def test_a_workbook_without_a_transaction_table_names_its_sheets(session: Session) -> None:
    data = workbook_xlsx(["Name", "City"], [["Ravi", "Pune"]])
    user = make_user(session)
    with pytest.raises(ImportRefused, match=r"Summary.*Transactions"):
        import_statement(turn=within(session), user=user, data=data, file_name="people.xlsx")
    assert _entries(session, user.id) == []
