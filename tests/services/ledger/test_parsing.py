from __future__ import annotations

import re
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.catalog import EntryType
from services.errors import ParseError
from services.ledger.parsing import AmountChoice, entry_lines, looks_like_entry, parse_entry

TODAY = date(2024, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/spend 250 dining UPI",
            dict(amount_minor=25_000, category="Dining Out", payment_mode="UPI"),
        ),
        ("250 dining upi", dict(amount_minor=25_000, category="Dining Out", payment_mode="UPI")),
        (
            "₹120 swiggy gpay #festive 8pm want",
            dict(
                amount_minor=12_000,
                category="Dining Out",
                payment_mode="UPI",
                context="Festive",
                is_necessary=False,
                at_time=time(20, 0),
            ),
        ),
        (
            "Rs.99 netflix monthly credit card",
            dict(
                amount_minor=9_900,
                category="Subscription",
                is_recurring=True,
                payment_mode="Credit Card",
            ),
        ),
        (
            "Rs 1,250.50 petrol card yesterday",
            dict(
                amount_minor=125_050,
                category="Fuel",
                payment_mode="Debit Card",
                on_date=date(2024, 6, 14),
            ),
        ),
        (
            "1.2k recharge neft 2024-05-03",
            dict(
                amount_minor=120_000,
                category="Mobile Recharge",
                payment_mode="Net Banking",
                on_date=date(2024, 5, 3),
            ),
        ),
        (
            "40 chai cash 8:30 am with ravi",
            dict(
                amount_minor=4_000,
                category="Dining Out",
                payment_mode="Cash",
                at_time=time(8, 30),
                note="with ravi",
            ),
        ),
        (
            "/spend@LeakBot 300 groceries need #routine 03-05",
            dict(category="Groceries", is_necessary=True, context="Routine", on_date=date(2024, 5, 3)),
        ),
        (
            "/income 50000 salary net banking",
            dict(type=EntryType.INCOME, category="Salary", payment_mode="Net Banking"),
        ),
        ("/save 2000 mutual fund", dict(type=EntryType.SAVINGS, category="Mutual Fund")),
    ],
)
def test_every_documented_form_reads_as_the_entry_meant(text: str, expected: dict[str, object]) -> None:
    parsed = parse_entry(text, today=TODAY)
    for field, value in expected.items():
        assert getattr(parsed, field) == value, field


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-250 dining", "must be positive"),
        ("0 dining", "more than zero"),
        ("50000000 rent", "largest entry"),
        ("12.345 dining", "decimal places"),
        ("dining upi", "I found no amount"),
        ("250 dining #lazy", "Unknown tag"),
        ("250 dining 31/02/2024", "not a real date"),
        (
            "250 dining 2030-01-01",
            "2030-01-01 is in the future; log spends on or before today (15 Jun 2024).",
        ),
        ("250 dining 1900-01-01", "1900-01-01 is before 2000; is that a typo?"),
        ("250 dining 13pm", "not a time"),
    ],
)
def test_bad_messages_get_a_specific_message(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_entry(text, today=TODAY)


def test_plain_messages_are_entries_when_their_short_lines_name_an_amount() -> None:
    assert looks_like_entry("250 dining upi")
    assert looks_like_entry("Rs 250 dining")
    assert looks_like_entry("chai 20\nsabzi 40")
    assert not looks_like_entry("hello there")
    assert not looks_like_entry("meeting on 2024-05-03")
    assert not looks_like_entry("how much did I spend on chai in 2024?")  # a question, not ₹2,024
    assert not looks_like_entry("kitna kharcha hua 2 din mein")
    assert not looks_like_entry("did you get 2 files")
    assert looks_like_entry("chai 20\nforgot the rest")  # the bad line is answered, the other kept
    assert not looks_like_entry("I paid 20 for the thing we talked about at lunch and it was fine really")


@pytest.mark.parametrize(
    ("text", "amount", "category", "mode"),
    [
        ("chai 20", 2_000, "Dining Out", None),
        ("auto 80 cash", 8_000, "Travel", "Cash"),
        ("spent 200 on petrol", 20_000, "Fuel", None),
        ("paid 1.2k for groceries", 120_000, "Groceries", None),
        ("petrol 500 card", 50_000, "Fuel", "Debit Card"),
        ("200rs chai", 20_000, "Dining Out", None),
        ("rs200 chai", 20_000, "Dining Out", None),
        ("100/- chai", 10_000, "Dining Out", None),
        ("chai 40 rupees", 4_000, "Dining Out", None),
        ("inr 250 dining", 25_000, "Dining Out", None),
        ("150 sabzi cash", 15_000, "Groceries", "Cash"),
        ("kiraya 1,20,000 neft", 12_000_000, "Rent", "Net Banking"),
        ("₹४० चाय", 4_000, "Dining Out", None),  # Devanagari digits and word
        ("৫০ doodh", 5_000, "Groceries", None),  # Bengali digits
        ("vada pav 30", 3_000, "Dining Out", None),
        ("2 chai ₹40", 4_000, "Dining Out", None),  # the number with a sign is the amount
    ],
)
def test_the_amount_may_stand_anywhere_in_any_currency_form(
    text: str, amount: int, category: str, mode: str | None
) -> None:
    parsed = parse_entry(text, today=TODAY)
    assert (parsed.amount_minor, parsed.category, parsed.payment_mode) == (amount, category, mode)


def test_two_competing_numbers_are_asked_about_likeliest_first() -> None:
    with pytest.raises(AmountChoice) as asked:
        parse_entry("2 chai 40", today=TODAY)
    assert asked.value.choices == (4_000, 8_000, 200)
    assert "₹40, ₹80 or ₹2" in str(asked.value)
    two_at_forty = parse_entry("2 chai 40", today=TODAY, amount_choice=1)
    assert (two_at_forty.amount_minor, two_at_forty.category, two_at_forty.note) == (
        8_000,
        "Dining Out",
        "2 × ₹40",
    )
    forty = parse_entry("2 chai 40", today=TODAY, amount_choice=0)
    assert (forty.amount_minor, forty.note) == (4_000, "2")


@pytest.mark.parametrize(
    ("text", "word", "closest"),
    [("250 fod", "fod", "Dining Out"), ("250 netflx", "netflx", "Subscription")],
)
def test_an_unknown_word_is_stored_under_other_with_the_closest_categories(
    text: str, word: str, closest: str
) -> None:
    parsed = parse_entry(text, today=TODAY)
    assert (parsed.category, parsed.unknown_word, parsed.note) == ("Other", word, word)
    assert parsed.suggestions[0] == closest


def test_a_persons_own_words_name_their_categories_first() -> None:
    mine = {"sabzi": "Vegetables", "fod": "Dining Out"}
    assert parse_entry("150 sabzi", today=TODAY, words=mine).category == "Vegetables"
    assert parse_entry("250 fod", today=TODAY, words=mine).unknown_word is None


def test_several_lines_are_several_entries_and_blank_lines_are_skipped() -> None:
    assert entry_lines("chai 20\n\n  auto 80 cash \n") == ["chai 20", "auto 80 cash"]
    with pytest.raises(ParseError, match="up to 20 entries"):
        entry_lines("\n".join(f"chai {i}" for i in range(1, 30)))


def test_a_date_without_a_year_is_never_in_the_future() -> None:
    assert parse_entry("100 dining 20/12", today=TODAY).on_date == date(2023, 12, 20)


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=80) | st.from_regex(r"/?(spend|income|save)? ?[-₹]?[0-9.,]{0,8}k? [a-z #:/0-9-]{0,30}")
)
def test_the_parser_only_ever_raises_its_own_error(text: str) -> None:
    try:
        parsed = parse_entry(text, today=TODAY)
    except ParseError:
        return
    assert parsed.amount_minor > 0


@pytest.mark.parametrize(
    ("text", "kind", "category", "note"),
    [
        ("2000 atm", EntryType.TRANSFER, "ATM Cash", ""),
        ("/transfer 2000 atm", EntryType.TRANSFER, "ATM Cash", ""),
        ("/transfer 5000", EntryType.TRANSFER, "Other Transfer", ""),
        ("20000 credit card bill", EntryType.TRANSFER, "Card Bill", "bill"),
        ("1000 wallet", EntryType.TRANSFER, "Wallet Top-up", ""),
        ("5000 own account", EntryType.TRANSFER, "Own Account", ""),
        ("1500 clothing wallet", EntryType.EXPENSE, "Clothing", "wallet"),  # a wallet bought
        ("300 refund swiggy", EntryType.REFUND, "Dining Out", ""),
        ("/refund 250 dining", EntryType.REFUND, "Dining Out", ""),
        ("/refund 300", EntryType.REFUND, "Other", ""),
        ("/income 900 refund", EntryType.REFUND, "Other", ""),  # money back is never income
        ("199 topup", EntryType.EXPENSE, "Mobile Recharge", ""),
    ],
)
def test_transfers_and_refunds_are_told_by_their_words(
    text: str, kind: EntryType, category: str, note: str
) -> None:
    entry = parse_entry(text, today=date(2024, 5, 5))
    assert (entry.type, entry.category, entry.note) == (kind, category, note)


def test_atm_cash_is_paid_in_cash_unless_the_message_says_otherwise() -> None:
    assert parse_entry("2000 atm", today=date(2024, 5, 5)).payment_mode == "Cash"
    assert parse_entry("2000 atm card", today=date(2024, 5, 5)).payment_mode == "Debit Card"
