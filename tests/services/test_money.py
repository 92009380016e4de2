"""Money is exact integer minor units, formatted by one function that knows each currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.errors import ParseError
from services.money import (
    default_micro_threshold,
    format_money,
    from_minor,
    parse_amount,
    round_minor,
    short_money,
    to_major,
    to_minor,
)


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (12_550, "INR", "₹125.50"),
        (1_25_00_000, "INR", "₹1,25,000"),  # lakh grouping
        (99_99_99_900, "INR", "₹99,99,999"),
        (12_300, "JPY", "¥12,300"),  # no minor unit
        (1_234, "KWD", "KWD 1.234"),  # fils: three decimals
        (1_000, "KWD", "KWD 1"),
        (123_456_789, "USD", "$1,234,567.89"),
        (-4_50, "EUR", "-€4.50"),
    ],
)
def test_amounts_are_shown_with_their_currencys_decimals_and_grouping(
    minor: int, currency: str, shown: str
) -> None:
    assert format_money(minor, currency) == shown


def test_amounts_are_read_exactly_in_the_persons_currency() -> None:
    assert parse_amount("1,250.50", "INR") == 125_050
    assert parse_amount("1.2k", "INR") == 120_000
    assert parse_amount("120+80*2", "INR") == 28_000
    assert parse_amount("12300", "JPY") == 12_300
    assert parse_amount("1.234", "KWD") == 1_234
    with pytest.raises(ParseError, match="more decimal places than JPY allows"):
        parse_amount("12.5", "JPY")
    with pytest.raises(ParseError, match="more decimal places than INR allows"):
        parse_amount("1.234", "INR")
    assert to_minor(Decimal("4.5"), "KWD") == 4_500 and from_minor(4_500, "KWD") == Decimal("4.500")


def test_drawing_and_estimates_use_whole_units_of_the_currency() -> None:
    assert (
        to_major(12_300, "JPY") == 12_300
        and to_major(12_300, "INR") == 123
        and to_major(1_234, "KWD") == 1.234
    )
    assert short_money(125_000, "INR") == "₹1.25L" and short_money(2_500_000, "USD") == "$2.5M"
    assert round_minor(129_999, "INR") == 130_000 and round_minor(1_499, "JPY", 100) == 1_500


def test_the_default_micro_threshold_is_a_small_amount_in_each_currency() -> None:
    """₹300 in India; not 30,000 minor units copied into every currency (¥30,000 is a dinner
    for four, KWD 30 a week's shopping)."""
    assert default_micro_threshold("INR") == 30_000
    assert default_micro_threshold("USD") == 500
    assert default_micro_threshold("JPY") == 600
    assert default_micro_threshold("KWD") == 1_000
    assert parse_amount("12300", "JPY") > default_micro_threshold("JPY")
