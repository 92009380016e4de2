"""Statement headers and type columns as banks write them."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from db.frames import entries_frame
from services.importing.layouts import directions
from services.importing.options import ImportOptions
from services.importing.pipeline import import_csv
from tests.factories import HDFC_HEADER, csv_bytes, make_user

# Their rows' dates read both ways (day or month first): which is not what these tests are about.
DAY_FIRST = ImportOptions(date_order="DMY")


def _stored(session: Session, user_id: int) -> pd.DataFrame:
    return entries_frame(session, user_id).sort_values("local_date").reset_index(drop=True)


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        (  # units, currencies and date formats in brackets
            ["Tran Date (dd/mm/yyyy)", "Particulars", "Amount (GBP)"],
            [["03/02/2024", "TESCO STORES", "-12.50"], ["04/02/2024", "PAYROLL", "1500.00"]],
        ),
        (  # Revolut's names
            ["Type", "Product", "Started Date", "Completed Date", "Description", "Amount", "Currency"],
            [
                [
                    "CARD_PAYMENT",
                    "Current",
                    "2024-02-03 10:12:00",
                    "2024-02-04 09:00:00",
                    "TESCO STORES",
                    "-12.50",
                    "GBP",
                ],
                [
                    "TOPUP",
                    "Current",
                    "2024-02-04 11:00:00",
                    "2024-02-04 11:00:00",
                    "PAYROLL",
                    "1500.00",
                    "GBP",
                ],
            ],
        ),
        (  # two columns of the same name: the first amount is the one
            ["Date", "Description", "Amount", "Amount"],
            [["03/02/2024", "TESCO STORES", "-12.50", "x"], ["04/02/2024", "PAYROLL", "1500.00", "y"]],
        ),
    ],
    ids=["brackets", "revolut", "repeated-name"],
)
def test_headers_as_banks_write_them_are_recognised(session: Session, header: list[str], rows: list) -> None:  # type: ignore[type-arg]
    user = make_user(session, currency="GBP")
    summary = import_csv(
        options=DAY_FIRST, session=session, user=user, data=csv_bytes(header, rows), file_name="s.csv"
    )
    assert (summary.imported, summary.rejected) == (2, 0), summary.errors
    stored = _stored(session, user.id)
    assert stored["type"].tolist() == ["expense", "income"]
    assert stored["amount_minor"].tolist() == [1250, 150000]
    assert [d.day for d in stored["local_date"]] == [3, 4]


def test_a_trailing_delimiter_on_every_row_shifts_no_column(session: Session) -> None:
    user = make_user(session)
    data = b"Date,Narration,Amount\n03/02/2024,ZOMATO,-250.00,\n04/02/2024,SALARY,50000.00,\n"
    summary = import_csv(options=DAY_FIRST, session=session, user=user, data=data, file_name="trailing.csv")
    assert (summary.imported, summary.rejected) == (2, 0), summary.errors
    stored = _stored(session, user.id)
    assert stored["amount_minor"].tolist() == [25000, 5000000]
    assert stored["note"].tolist() == ["ZOMATO", "SALARY"]


def test_type_column_words_are_read_by_meaning_not_first_letter() -> None:
    words = pd.Series(
        ["Sale", "Payment", "ATM", "DR", "Debit", "ACH_CREDIT", "Deposit", "Cr", "Refund", "Interest", "???"]
    )
    outflow, inflow = directions(words)
    assert outflow.tolist() == [True] * 5 + [False] * 6
    assert inflow.tolist() == [False] * 5 + [True] * 5 + [False]


def test_a_decimal_comma_is_read_as_one_not_as_a_hundred_times_the_amount(session: Session) -> None:
    """A European bank writes 1.234,56 and 12,50 (amounts ×100 before); an Indian one
    1,25,000.00 and 1,250: each column is read its own way."""
    user = make_user(session, currency="EUR")
    data = csv_bytes(
        ["Date", "Description", "Amount"],
        [
            ["03/02/2024", "MIETE", "-1.234,56"],
            ["04/02/2024", "CAFE", "-12,50"],
            ["05/02/2024", "GEHALT", "2.500,00"],
        ],
        delimiter=";",
    )
    assert (
        import_csv(options=DAY_FIRST, session=session, user=user, data=data, file_name="eu.csv").rejected == 0
    )
    assert _stored(session, user.id)["amount_minor"].tolist() == [123456, 1250, 250000]
    indian = make_user(session)
    data = csv_bytes(
        ["Date", "Narration", "Withdrawal Amt.", "Deposit Amt."],
        [["03/02/2024", "RENT", "1,25,000.00", ""], ["04/02/2024", "CHAI", "1,250", ""]],
    )
    assert (
        import_csv(options=DAY_FIRST, session=session, user=indian, data=data, file_name="in.csv").rejected
        == 0
    )
    assert _stored(session, indian.id)["amount_minor"].tolist() == [12_500_000, 125_000]


def test_totals_balances_and_footers_are_skipped_and_counted_not_rejected(session: Session) -> None:
    user = make_user(session)
    header = ["Date", "Narration", "Chq./Ref.No.", "Withdrawal Amt.", "Deposit Amt.", "Closing Balance"]
    rows = [
        ["", "Opening Balance", "", "", "", "10,000.00"],
        ["03/02/2024", "UPI-ZOMATO", "410100000001", "250.00", "", "9,750.00"],
        ["04/02/2024", "UPI-CHAI", "410100000002", "20.00", "", "9,730.00"],
        ["05/02/2024", "UPI-BROKEN", "410100000003", "twenty", "", "9,710.00"],
        ["", "Total", "", "270.00", "", ""],
        ["", "Closing Balance", "", "", "", "9,730.00"],
        ["** End of Statement **", "", "", "", "", ""],
    ]
    summary = import_csv(
        options=DAY_FIRST, session=session, user=user, data=csv_bytes(header, rows), file_name="feb.csv"
    )
    assert (summary.imported, summary.rejected, summary.skipped) == (2, 1, 4)
    assert [where for where, _ in summary.errors] == ["line 5"]


def test_odd_spaces_other_scripts_and_written_amounts_read_as_plain_ones_do(session: Session) -> None:
    """Descriptions with no-break, wide or tab spaces and letters beyond ASCII: the spaces
    are squeezed as before, the keywords still decide the category, the amounts are exact."""
    user = make_user(session)
    rows = [
        ["01/04/24", "UPI-SWIGGY\u00a0\u00a0ORDER", "401", "01/04/24", "450.00", "", "99550.00"],
        ["02/04/24", "CAFÉ\u2003SWIGGY  ORDER", "402", "02/04/24", "1,200.50", "", "98349.50"],
        ["03/04/24", "ATM WDL\tMG ROAD", "403", "03/04/24", "2000.00", "", "96349.50"],
        ["04/04/24", "SALARY\u3000ACME LTD", "404", "04/04/24", "", "50000", "146349.50"],
    ]
    summary = import_csv(session=session, user=user, data=csv_bytes(HDFC_HEADER, rows), file_name="odd.csv")
    assert (summary.imported, summary.rejected) == (4, 0)
    got = entries_frame(session, user.id)[["note", "type", "category", "amount_minor"]]
    assert got.values.tolist() == [
        ["UPI-SWIGGY ORDER", "expense", "Dining Out", 45_000],
        ["CAFÉ SWIGGY ORDER", "expense", "Dining Out", 120_050],
        ["ATM WDL MG ROAD", "transfer", "ATM Cash", 200_000],
        ["SALARY ACME LTD", "income", "Salary", 5_000_000],
    ]
