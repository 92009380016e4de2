"""The import summary in words: short phone-width lines saying what the file was read as."""

from __future__ import annotations

from datetime import date

import pytest

from bot.render.imports import PHONE_WIDTH, date_range, summary_reply, understood_lines
from services.importing.pipeline import ImportSummary
from services.importing.understood import TopLeak, Understood


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (date(2024, 4, 1), date(2024, 4, 30), "1–30 April 2024"),
        (date(2024, 4, 5), date(2024, 4, 5), "5 April 2024"),
        (date(2024, 3, 28), date(2024, 4, 30), "28 March – 30 April 2024"),
        (date(2023, 12, 28), date(2024, 1, 5), "28 Dec 2023 – 5 Jan 2024"),
    ],
)
def test_dates_are_said_as_a_range(first: date, last: date, words: str) -> None:
    assert date_range(first, last) == words


def _summary(understood: Understood, **counts: int) -> ImportSummary:
    return ImportSummary(
        import_id=7,
        file_name="april.csv",
        layout="HDFC Bank statement",
        total_rows=counts.get("total", 47),
        imported=counts.get("imported", 46),
        duplicates=0,
        rejected=1,
        errors=(("line 9", "'31/02/24' is not a date"),),
        skipped=2,
        understood=understood,
    )


def test_the_summary_reads_as_short_sentences_with_the_currency_on_money() -> None:
    understood = Understood(
        currency="INR",
        account="1234",
        first_date=date(2024, 4, 1),
        last_date=date(2024, 4, 30),
        by_type=(("expense", 41), ("income", 2), ("transfer", 2), ("refund", 1)),
        transfers=(("ATM Cash", 1), ("Card Bill", 1)),  # one line would be too wide
        top_leak=TopLeak("Dining Out", 14, 3_450_00),
    )
    lines = summary_reply(_summary(understood)).html.split("\n")
    assert lines == [
        "<b>Imported april.csv</b> (HDFC Bank statement)",
        "Account ending 1234",
        "1–30 April 2024 · INR",
        "46 imported · 0 duplicates · 1 rejected",
        "41 spends, 2 incomes, 1 refund",
        "2 transfers, not spending:",
        "ATM, card bill",
        "Top leak: Dining Out, ₹3,450 (14×)",
        "2 total or balance lines skipped",
        "line 9: &#x27;31/02/24&#x27; is not a date",
    ]


def test_lines_keep_to_phone_width_and_say_only_what_there_is() -> None:
    understood = Understood(
        currency="GBP",
        account=None,
        first_date=None,
        last_date=None,
        by_type=(("transfer", 3),),
        transfers=(("ATM Cash", 1), ("Own Account", 1), ("Wallet Top-up", 1)),
        top_leak=TopLeak("Mobile Recharge", 1, 12_345_678_00),
    )
    lines = understood_lines(understood)
    assert lines == [
        "Amounts in GBP",
        "3 transfers, not spending:",
        "ATM, own account, wallet",
        "Top leak: Mobile Recharge, £12,345,678",
    ]
    assert all(len(line) <= PHONE_WIDTH for line in lines[:-1])


def test_one_kind_of_transfer_fits_one_line() -> None:
    understood = Understood(
        "INR", None, date(2024, 4, 3), date(2024, 4, 3), (("transfer", 2),), (("ATM Cash", 2),), None
    )
    assert understood_lines(understood) == ["3 April 2024 · INR", "2 transfers (ATM): not spending"]
