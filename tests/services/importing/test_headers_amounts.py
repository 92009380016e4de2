"""Statement headers and amounts as banks write them (issue 15, item 3): what a person sees
stored from files whose columns, signs and lines are written each bank's way."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from db.frames import entries_frame
from services.importing.layouts import bank_categories, generic_columns
from services.importing.pipeline import import_csv
from services.importing.reader import decode, normalise_header, sniff_delimiter
from tests.factories import csv_bytes, make_user


def _stored(session: Session, user_id: int) -> pd.DataFrame:
    return entries_frame(session, user_id).sort_values(["local_date", "id"]).reset_index(drop=True)


def _import(session: Session, data: bytes, currency: str = "USD") -> tuple[object, pd.DataFrame]:
    user = make_user(session, currency=currency)
    summary = import_csv(session=session, user=user, data=data, file_name="s.csv")
    return summary, _stored(session, user.id)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Amount (GBP)", "amount"),
        ("Tran Date (dd/mm/yyyy)", "trandate"),
        ("Withdrawal Amount (INR )", "withdrawalamount"),
        ("Amount INR", "amount"),
        ("Balance in GBP", "balance"),
        ("Begünstigter / Auftraggeber", "begunstigterauftraggeber"),
        ("  Chq./Ref.No. ", "chqrefno"),
        ("Particulars", "particulars"),  # a name ending in letters that look like a currency's
        ("\ufeffDate", "date"),
    ],
)
def test_header_names_are_read_without_case_spacing_units_currencies_and_accents(
    written: str, normalised: str
) -> None:
    assert normalise_header(written) == normalised


@pytest.mark.parametrize(
    ("header", "picked"),
    [
        (["Started Date", "Description", "Amount"], ("starteddate", "description", "amount")),
        (["Time", "Merchant", "Amount"], ("time", "merchant", "amount")),
        (["Value Dt", "Particulars", "Paid out", "Paid in"], ("valuedt", "particulars", "paidout")),
        (["Date", "Counter Party", "Money Out", "Money In"], ("date", "counterparty", "moneyout")),
        (["Date", "Payee", "Withdrawal Amt.", "Deposit Amt."], ("date", "payee", "withdrawalamt")),
        (["Completed Date", "Memo", "Amount"], ("completeddate", "memo", "amount")),
        (["Date", "Name", "Gross", "Fee", "Net"], ("date", "name", "net")),
        (["Buchungstag", "Verwendungszweck", "Soll", "Haben"], ("buchungstag", "verwendungszweck", "soll")),
    ],
)
def test_common_column_names_are_recognised(header: list[str], picked: tuple[str, str, str]) -> None:
    cols = generic_columns(header)
    assert cols is not None
    money = cols.net or cols.amount or cols.withdrawal
    assert (cols.date, cols.description, money) == picked


def test_negatives_written_every_way_banks_write_them_tell_the_direction(session: Session) -> None:
    """`(12.50)`, `12.50-`, `12.50 Dr` and `−12.50` are money out; `1,500.00 Cr` money in;
    none of them is refused as a negative amount."""
    rows = [
        ["14/03/2024", "TESCO STORES", "(12.50)"],
        ["15/03/2024", "PRET A MANGER", "3.20-"],
        ["16/03/2024", "SHELL FUEL", "40.00 Dr"],
        ["17/03/2024", "BOOTS", "\u22127.99"],
        ["18/03/2024", "ACME PAYROLL", "1,500.00 Cr"],
    ]
    summary, stored = _import(session, csv_bytes(["Date", "Description", "Amount"], rows), "GBP")
    assert summary.errors == ()  # type: ignore[attr-defined]
    assert stored["amount_minor"].tolist() == [1250, 320, 4000, 799, 150000]
    assert stored["type"].tolist() == ["expense"] * 4 + ["income"]


def test_a_signed_amount_decides_over_the_type_words(session: Session) -> None:
    """Monzo calls a salary a "Faster payment" and N26 a refund a "MasterCard Payment": the
    plus sign says the money came in."""
    header = ["Date", "Type", "Description", "Amount"]
    rows = [
        ["14/03/2024", "Faster payment", "ACME LTD SALARY", "2000.00"],
        ["15/03/2024", "Card payment", "PRET A MANGER", "-3.20"],
        ["16/03/2024", "MasterCard Payment", "REFUND ZALANDO", "25.00"],
    ]
    summary, stored = _import(session, csv_bytes(header, rows), "GBP")
    assert summary.errors == ()  # type: ignore[attr-defined]
    assert stored["type"].tolist() == ["income", "expense", "refund"]  # money back is no income
    assert stored["category"].tolist()[0] == "Salary"


def test_a_card_export_with_charges_positive_is_told_by_its_payment_row(session: Session) -> None:
    header = ["Date", "Description", "Amount"]
    rows = [
        ["03/14/2024", "STARBUCKS", "4.75"],
        ["03/15/2024", "UBER TRIP", "18.20"],
        ["03/20/2024", "AUTOPAY PAYMENT RECEIVED - THANK YOU", "-500.00"],
    ]
    _summary, stored = _import(session, csv_bytes(header, rows))
    assert stored["type"].tolist() == ["expense", "expense", "transfer"]  # the bill paid: no income
    assert stored["amount_minor"].tolist() == [475, 1820, 50000]


def test_a_bank_account_paying_its_card_bill_is_not_taken_for_a_card_export(session: Session) -> None:
    """A checking account's card-bill payment is negative like its other spending: no sign is turned."""
    header = ["Date", "Description", "Amount"]
    rows = [
        ["03/14/2024", "STARBUCKS", "-4.75"],
        ["03/15/2024", "CHASE CREDIT CRD AUTOPAY", "-300.00"],
        ["03/20/2024", "ACME PAYROLL", "2000.00"],
    ]
    _summary, stored = _import(session, csv_bytes(header, rows))
    assert stored["type"].tolist() == ["expense", "expense", "income"]


def test_type_words_that_contradict_the_sign_on_every_row_mean_charges_positive(session: Session) -> None:
    header = ["Date", "Description", "Type", "Amount"]
    rows = [
        ["03/14/2024", "STARBUCKS", "Purchase", "4.75"],
        ["03/15/2024", "UBER", "Purchase", "18.20"],
        ["03/20/2024", "ACH DEPOSIT INTERNET TRANSFER", "Payment", "-500.00"],
    ]
    _summary, stored = _import(session, csv_bytes(header, rows))
    assert stored["type"].tolist() == ["expense", "expense", "income"]


def test_paypal_gross_fee_and_net_store_the_net_and_revolut_fees_are_added(session: Session) -> None:
    header = ["Date", "Time", "Name", "Type", "Gross", "Fee", "Net"]
    rows = [
        ["03/14/2024", "10:00:00", "Client A", "Payment Received", "100.00", "-3.20", "96.80"],
        ["03/15/2024", "11:00:00", "Shop B", "Express Checkout Payment", "-25.00", "0.00", "-25.00"],
    ]
    _summary, stored = _import(session, csv_bytes(header, rows))
    assert stored["amount_minor"].tolist() == [9680, 2500]
    assert stored["type"].tolist() == ["income", "expense"]
    header = ["Type", "Started Date", "Description", "Amount", "Fee", "Currency"]
    rows = [["ATM", "2024-03-14 10:00:00", "ATM LISBON", "-50.00", "1.00", "EUR"]]
    _summary, stored = _import(session, csv_bytes(header, rows))
    assert stored["amount_minor"].tolist() == [5100]


def test_header_and_rows_that_end_with_a_delimiter_or_only_some_rows_do_shift_nothing(
    session: Session,
) -> None:
    data = (
        b"Date,Description,Amount,\n"
        b"14/03/2024,TESCO,-12.50,\n"
        b"15/03/2024,PAYROLL,1500.00\n"  # this row has none
        b"16/03/2024,BOOTS,-7.99,,\n"  # this one two
    )
    summary, stored = _import(session, data, "GBP")
    assert summary.errors == ()  # type: ignore[attr-defined]
    assert stored["amount_minor"].tolist() == [1250, 150000, 799]
    assert stored["note"].tolist() == ["TESCO", "PAYROLL", "BOOTS"]


def test_balance_lines_inside_the_table_and_german_footers_are_skipped_not_rejected(session: Session) -> None:
    header = ["Date", "Description", "Amount", "Running Bal."]
    rows = [
        ["03/01/2024", "Beginning balance as of 03/01/2024", "", "1,000.00"],
        ["03/14/2024", "STARBUCKS", "-4.75", "995.25"],
        ["03/15/2024", "BROKEN ROW", "four", "990.00"],
    ]
    summary, _stored_rows = _import(session, csv_bytes(header, rows))
    assert (summary.imported, summary.rejected, summary.skipped) == (1, 1, 1)  # type: ignore[attr-defined]
    data = "Buchungstag;Verwendungszweck;Betrag\n14.03.2024;REWE;-12,50\nKontostand;31.03.2024;1.234,56\n"
    summary, stored = _import(session, data.encode("cp1252"), "EUR")
    assert (summary.imported, summary.rejected, summary.skipped) == (1, 0, 1)  # type: ignore[attr-defined]
    assert stored["amount_minor"].tolist() == [1250]


def test_the_banks_own_category_is_mapped_onto_ours_and_catch_alls_left_to_the_keywords() -> None:
    words = pd.Series(
        [
            "Eating out",
            "EATING_OUT",
            "Food & Drink",
            "Merchandise & Supplies-Groceries",
            "Transportation-Fuel",
            "Gas/Automotive",
            "Health & Wellness",
            "General",
            "Payments and Credits",
            "Something New",
            "Coffee Shops",
            "Interest",
        ]
    )
    outflow = pd.Series([True] * 11 + [False])
    category, types = bank_categories(words, outflow)
    assert category.tolist() == [
        "Dining Out",
        "Dining Out",
        "Dining Out",
        "Groceries",
        "Fuel",
        "Fuel",
        "Medical",
        None,
        None,
        None,
        "Dining Out",
        "Interest",
    ]
    assert types.tolist()[:2] == ["expense", "expense"]
    assert types.tolist()[-1] == "income"


def test_utf16_without_a_byte_order_mark_is_read_and_quoted_decimal_commas_do_not_pick_the_delimiter() -> (
    None
):
    text = 'Datum,Naam,Bedrag\n"2024-03-14","Café Ñandú","-1.234,56"\n'
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode(text.encode(encoding))[0] == text
    assert decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))[0] == text
    assert sniff_delimiter(text) == ","
    assert sniff_delimiter(text.replace(",", ";").replace('"-1.234;56"', '"-1.234,56"')) == ";"


def test_each_money_column_decides_its_own_decimal_mark(session: Session) -> None:
    """Amounts in 1.234,56 and a balance in 1234.56 (a spreadsheet re-saved it); a column of
    whole amounts follows the others."""
    header = ["Date", "Description", "Debit", "Credit", "Balance"]
    rows = [
        ["14.03.2024", "MIETE", "1.234,56", "", "8765.44"],
        ["15.03.2024", "GEHALT", "", "2.500", "11265.44"],
    ]
    summary, stored = _import(session, csv_bytes(header, rows, delimiter=";"), "EUR")
    assert summary.errors == ()  # type: ignore[attr-defined]
    assert stored["amount_minor"].tolist() == [123456, 250000]


def test_a_dr_cr_statement_with_one_negative_amount_is_still_read_by_its_words(session: Session) -> None:
    """Kotak writes every amount positive beside DR or CR; a reversal written negative does
    not turn the file into a signed one (its debits would become income)."""
    header = ["Transaction Date", "Description", "Chq / Ref No.", "Amount", "Dr / Cr"]
    rows = [
        ["14-03-2024", "UPI-SWIGGY", "UPI-1", "250.00", "DR"],
        ["15-03-2024", "UPI-UBER", "UPI-2", "180.00", "DR"],
        ["16-03-2024", "NEFT SALARY ACME", "NEFT-3", "50,000.00", "CR"],
        ["17-03-2024", "REVERSAL UPI-SWIGGY", "UPI-4", "-250.00", "CR"],
    ]
    summary, stored = _import(session, csv_bytes(header, rows), "INR")
    assert summary.errors == ()  # type: ignore[attr-defined]
    assert stored["type"].tolist() == ["expense", "expense", "income", "refund"]


def test_whole_amounts_with_dots_between_thousands_are_thousands(session: Session) -> None:
    header = ["Buchungstag", "Verwendungszweck", "Betrag"]
    rows = [
        ["14.03.2024", "MIETE", "-1.500"],
        ["15.03.2024", "GEHALT", "2.750"],
        ["16.03.2024", "CAFE", "-4"],
    ]
    summary, stored = _import(session, csv_bytes(header, rows, delimiter=";"), "EUR")
    assert summary.errors == ()  # type: ignore[attr-defined]
    assert stored["amount_minor"].tolist() == [150000, 275000, 400]


def test_a_declined_or_reverted_payment_is_skipped_not_spent(session: Session) -> None:
    header = ["Type", "Started Date", "Description", "Amount", "Currency", "State"]
    rows = [
        ["CARD_PAYMENT", "2024-03-14 10:00:00", "PRET A MANGER", "-3.20", "GBP", "COMPLETED"],
        ["CARD_PAYMENT", "2024-03-14 10:05:00", "PRET A MANGER", "-3.20", "GBP", "DECLINED"],
        ["CARD_PAYMENT", "2024-03-15 12:00:00", "TFL TRAVEL", "-2.80", "GBP", "REVERTED"],
        ["CARD_PAYMENT", "2024-03-16 12:00:00", "TESCO", "-12.00", "GBP", "PENDING"],
    ]
    summary, stored = _import(session, csv_bytes(header, rows), "GBP")
    assert (summary.imported, summary.rejected, summary.skipped) == (2, 0, 2)  # type: ignore[attr-defined]
    assert stored["note"].tolist() == ["PRET A MANGER", "TESCO"]
