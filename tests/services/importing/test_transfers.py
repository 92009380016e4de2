"""Statement rows that are no spending: transfers never count, refunds take off their category."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from services.importing.pipeline import ImportSummary, import_csv
from services.importing.transfers import is_refund, transfer_kind, transfer_kinds
from services.insights.budgets import BudgetUsage, set_budget, usage
from services.insights.overview import leak_overview
from services.questions.canned import ask, largest_leaks
from services.reporting.dashboard import dashboard_data
from tests.factories import HDFC_HEADER, csv_bytes, make_user


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("ATM WDL-ATM CASH 1234 MG ROAD", "ATM Cash"),
        ("NWD-512345XXXXXX1234-S1CNBE12", "ATM Cash"),
        ("CASH WITHDRAWAL SELF", "ATM Cash"),
        ("AWB/CASH WDL/HDFC0001", "ATM Cash"),
        ("CC PAYMENT 4315XXXXXXXX1234", "Card Bill"),
        ("CREDIT CARD BILL PAYMENT ICICI", "Card Bill"),
        ("BIL/ONL/000123456/HDFC CREDIT CARD/", "Card Bill"),
        ("AUTOPAY PAYMENT - THANK YOU", "Card Bill"),
        ("PAYTM ADD MONEY", "Wallet Top-up"),
        ("Amazon Pay balance top-up", "Wallet Top-up"),
        ("TRANSFER TO OWN A/C 1234", "Own Account"),
        ("IMPS-SELF TRANSFER-SBIN", "Own Account"),
        ("ATM WDL CHARGES INCL GST", None),  # the bank's fee is spending
        ("UPI-SWIGGY-swiggy@axis", None),
        ("UPI-PAYTM-merchant@paytm", None),  # paying a shop through Paytm is spending
        ("BIL/ONL/000123/BESCOM", None),  # an electricity bill
    ],
)
def test_descriptions_name_the_transfers_banks_write(description: str, kind: str | None) -> None:
    assert transfer_kind(description) == kind  # as migration 0013 reads them
    assert transfer_kinds(pd.Series([description])).tolist() == [kind]  # as an import reads them


def test_refunds_and_reversals_are_told_by_their_words() -> None:
    assert all(is_refund(d) for d in ("REFUND-SWIGGY", "UPI REV 4123", "REVERSAL OF TXN", "Cashback Amazon"))
    assert not any(is_refund(d) for d in ("SALARY ACME", "REVATHI STORES", "UPI-ZOMATO"))


# April 2024 of an HDFC account: spends, a salary, ATM cash, a card bill, a wallet top-up,
# the bank's ATM fee and a refund from Swiggy.
APRIL = [
    ["01/04/24", "UPI-SWIGGY-swiggy@axis-PAYMENT", "401", "01/04/24", "450.00", "", "99550.00"],
    ["03/04/24", "ATM WDL-ATM CASH 1234 MG ROAD", "402", "03/04/24", "2000.00", "", "97550.00"],
    ["05/04/24", "CREDIT CARD BILL PAYMENT", "403", "05/04/24", "15000.00", "", "82550.00"],
    ["10/04/24", "UPI-ZOMATO-zomato@hdfc", "404", "10/04/24", "300.00", "", "82250.00"],
    ["12/04/24", "REFUND-SWIGGY-ORDER 8812", "405", "12/04/24", "", "200.00", "82450.00"],
    ["15/04/24", "PAYTM ADD MONEY", "406", "15/04/24", "500.00", "", "81950.00"],
    ["20/04/24", "SALARY ACME LTD", "407", "20/04/24", "", "50000.00", "131950.00"],
    ["25/04/24", "ATM WDL CHARGES", "408", "25/04/24", "23.60", "", "131926.40"],
    ["30/04/24", "MYNTRA DESIGNS", "409", "30/04/24", "1200.00", "", "130726.40"],
]
PREAMBLE = ["HDFC BANK Ltd.", "Account No : 50100012345678", "Statement From : 01/04/2024 To : 30/04/2024"]


def _april(session: Session) -> tuple[object, ImportSummary]:
    user = make_user(session)
    data = csv_bytes(HDFC_HEADER, APRIL, preamble=PREAMBLE)
    return user, import_csv(session=session, user=user, data=data, file_name="april.csv")


def test_a_statement_s_transfers_and_refund_are_stored_as_such(session: Session) -> None:
    user, summary = _april(session)
    assert summary.imported == 9
    rows = {
        e.note.split("-")[0]: e
        for e in session.scalars(select(Entry).where(Entry.user_id == user.id))  # type: ignore[attr-defined]
    }
    assert (rows["ATM WDL"].type, rows["ATM WDL"].category, rows["ATM WDL"].payment_mode) == (
        "transfer",
        "ATM Cash",
        "Cash",
    )
    assert (rows["CREDIT CARD BILL PAYMENT"].type, rows["CREDIT CARD BILL PAYMENT"].category) == (
        "transfer",
        "Card Bill",
    )
    assert (rows["PAYTM ADD MONEY"].type, rows["PAYTM ADD MONEY"].category) == ("transfer", "Wallet Top-up")
    assert (rows["REFUND"].type, rows["REFUND"].category) == ("refund", "Dining Out")
    assert (rows["ATM WDL CHARGES"].type, rows["ATM WDL CHARGES"].category) == ("expense", "Other")
    for movement in ("ATM WDL", "CREDIT CARD BILL PAYMENT", "PAYTM ADD MONEY", "REFUND"):
        assert rows[movement].leakage_score is None and rows[movement].is_leak is None


def test_the_summary_counts_each_type_and_names_the_transfers(session: Session) -> None:
    _user, summary = _april(session)
    understood = summary.understood
    assert understood is not None
    assert understood.account == "5678" and understood.currency == "INR"
    assert (understood.first_date, understood.last_date) == (date(2024, 4, 1), date(2024, 4, 30))
    assert understood.by_type == (("expense", 4), ("income", 1), ("transfer", 3), ("refund", 1))
    assert understood.transfers == (("ATM Cash", 1), ("Card Bill", 1), ("Wallet Top-up", 1))


def test_totals_are_net_of_the_refund_and_never_count_a_transfer(session: Session) -> None:
    user, _summary = _april(session)
    spend = 450_00 + 300_00 - 200_00 + 23_60 + 1200_00  # no ATM cash, card bill or top-up
    assert ask(session=session, user=user, question_id="monthly_spend", year=2024).rows == ((4, spend),)
    month = dashboard_data(session, user, year=2024, month=4)  # type: ignore[arg-type]
    assert month.expenses.value_minor == spend and month.income.value_minor == 50_000_00
    assert dict(month.by_category)["Dining Out"] == 450_00 + 300_00 - 200_00
    assert "ATM Cash" not in dict(month.by_category) and month.monthly[-1][1:] == (50_000_00, spend)
    set_budget(session=session, user=user, target="dining", amount="1000")  # type: ignore[arg-type]
    assert usage(session=session, user=user, today=date(2024, 4, 30)) == [  # type: ignore[arg-type]
        BudgetUsage("Dining Out", 1000_00, 550_00)
    ]
    assert leak_overview(session=session, user=user).spend_minor == spend  # type: ignore[arg-type]


def test_a_transfer_is_never_a_leak(session: Session) -> None:
    user = make_user(session, micro_threshold_minor=1_000_000, leak_threshold=1)  # everything leaks
    rows = [r for r in APRIL if "ATM WDL-" in r[1] or "SWIGGY-swiggy" in r[1]]
    summary = import_csv(session=session, user=user, data=csv_bytes(HDFC_HEADER, rows), file_name="a.csv")
    leaks = largest_leaks(session=session, user=user, year=2024, month=4)
    assert [leak.category for leak in leaks] == ["Dining Out"]
    assert summary.understood is not None and summary.understood.top_leak is not None
    assert summary.understood.top_leak.category == "Dining Out"
    top_contexts = ask(session=session, user=user, question_id="top_leak_contexts_by_month")
    assert [row[2] for row in top_contexts.rows] == [450_00]


def test_a_ledger_file_s_refund_logged_as_income_comes_in_as_a_refund(session: Session) -> None:
    user = make_user(session)
    header = ["Date", "Type", "Category", "Value", "IsNecessary", "PaymentMode", "IsRecurring"]
    header += ["Context", "TimeBlock", "DayType"]
    rows = [
        ["05-04-2024", "income", "Refund", "300", "No", "UPI", "No", "Unplanned", "Evening", "Weekday"],
        ["06-04-2024", "transfer", "ATM Cash", "2000", "Yes", "Cash", "No", "Routine", "Morning", "Weekday"],
    ]
    summary = import_csv(session=session, user=user, data=csv_bytes(header, rows), file_name="s.csv")
    assert summary.rejected == 0, summary.errors
    stored = {e.type: e.category for e in session.scalars(select(Entry).where(Entry.user_id == user.id))}  # type: ignore[attr-defined]
    assert stored == {"refund": "Other", "transfer": "ATM Cash"}
