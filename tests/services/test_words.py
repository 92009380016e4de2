"""The category words (services/words.toml): each one reads as its category in a chat line."""

from __future__ import annotations

from datetime import date

import pytest

from services.catalog import CATEGORIES, EntryType
from services.ledger.parsing import parse_entry

TODAY = date(2026, 12, 3)
VERB = {
    EntryType.EXPENSE: "",
    EntryType.INCOME: "/income ",
    EntryType.SAVINGS: "/save ",
    EntryType.TRANSFER: "/transfer ",
}
EVERY_WORD = [(c.type, word, c.name) for c in CATEGORIES for word in c.aliases]


@pytest.mark.parametrize(("kind", "word", "category"), EVERY_WORD, ids=[w for _, w, _ in EVERY_WORD])
def test_every_word_names_its_category(kind: EntryType, word: str, category: str) -> None:
    parsed = parse_entry(f"{VERB[kind]}{word} 20", today=TODAY)
    assert (parsed.type, parsed.category) == (kind, category)
    assert parsed.unknown_word is None


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("chai 20", "Dining Out"),
        ("nashta 60", "Dining Out"),
        ("paan 30", "Dining Out"),
        ("150 sabzi cash", "Groceries"),
        ("doodh 56", "Groceries"),
        ("kirana 900", "Groceries"),
        ("dawai 240", "Medical"),
        ("auto 80 cash", "Travel"),
        ("rickshaw 40", "Travel"),
        ("parking 50", "Travel"),
        ("bijli 1800", "Utilities"),
        ("kiraya 15000", "Rent"),
        ("gym 1500", "Subscription"),
        ("amazon 1299", "Clothing"),
        ("चाय 20", "Dining Out"),
        ("\u0938\u092c\u094d\u095b\u0940 80", "Groceries"),  # सब्ज़ी with the nukta composed
        ("\u0938\u092c\u094d\u091c\u093c\u0940 80", "Groceries"),  # and as two marks
        ("Swiggy 350", "Dining Out"),
        ("zomato 420", "Dining Out"),
        ("Blinkit 610", "Groceries"),
        ("zepto 230", "Groceries"),
        ("BigBasket 1450", "Groceries"),
        ("ola 180", "Travel"),
        ("Uber 260", "Travel"),
        ("rapido 60", "Travel"),
        ("jio 299", "Mobile Recharge"),
        ("airtel 399", "Mobile Recharge"),
        ("IRCTC 1240", "Travel"),
    ],
)
def test_the_words_people_in_india_type_name_a_category(line: str, category: str) -> None:
    assert parse_entry(line, today=TODAY).category == category
