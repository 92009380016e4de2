"""The vocabulary of the ledger: entry types, categories, payment modes, contexts.

Every category carries its documented defaults (is it a necessity, what context it usually
comes in, is it usually recurring) and the words people and banks use for it. The parser,
the CSV importer and the synthetic generator all read this one table.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType


class EntryType(StrEnum):
    EXPENSE = "expense"
    INCOME = "income"
    SAVINGS = "savings"
    # Money moved between the person's own pockets (ATM cash, a card bill, an own account, a
    # wallet top-up): never an expense, income or leak.
    TRANSFER = "transfer"
    # Money back on a purchase: it takes off the spend of its (expense) category and month.
    REFUND = "refund"


PAYMENT_MODES: tuple[str, ...] = (
    "Cash",
    "UPI",
    "Debit Card",
    "Credit Card",
    "Net Banking",
    "Other",
)
CONTEXTS: tuple[str, ...] = ("Planned", "Unplanned", "Seasonal", "Routine", "Emergency", "Festive")
TIME_BLOCKS: tuple[str, ...] = ("Morning", "Afternoon", "Evening", "Night")
DAY_TYPES: tuple[str, ...] = ("Weekday", "Weekend")
WORDS_FILE = "words.toml"  # the words people type for each category, as data


@dataclass(frozen=True, slots=True)
class Category:
    """A category with its defaults and the words that name it (aliases, from WORDS_FILE)."""

    name: str
    type: EntryType
    necessary: bool
    context: str
    recurring: bool = False
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@cache
def _words() -> dict[str, dict[str, dict[str, list[str]]]]:
    return tomllib.loads(resources.files("services").joinpath(WORDS_FILE).read_text(encoding="utf-8"))


def _words_of(entry_type: EntryType, name: str) -> tuple[str, ...]:
    """The words people type for a category, from WORDS_FILE (NFC, casefolded)."""
    words = _words().get(entry_type.value, {}).get(name, {}).get("words", [])
    return tuple(unicodedata.normalize("NFC", w).casefold() for w in words)


def _c(
    name: str,
    type_: EntryType,
    necessary: bool,
    context: str,
    recurring: bool = False,
    keywords: tuple[str, ...] = (),
) -> Category:
    return Category(name, type_, necessary, context, recurring, _words_of(type_, name), keywords)


E, I, S, T = EntryType.EXPENSE, EntryType.INCOME, EntryType.SAVINGS, EntryType.TRANSFER  # noqa: E741

# Defaults follow the sample dataset: e.g. every Dining Out row there is not necessary and
# Unplanned, every Groceries row is necessary and Routine.
CATEGORIES: tuple[Category, ...] = (
    _c(
        "Dining Out",
        E,
        False,
        "Unplanned",
        keywords=(
            "swiggy",
            "zomato",
            "restaurant",
            "cafe",
            "coffee",
            "starbucks",
            "dominos",
            "pizza",
            "mcdonald",
            "kfc",
            "burger",
            "eatsure",
            "hotel",
            "dhaba",
            "bakery",
        ),
    ),
    _c(
        "Groceries",
        E,
        True,
        "Routine",
        keywords=(
            "bigbasket",
            "blinkit",
            "zepto",
            "dmart",
            "grofers",
            "kirana",
            "supermarket",
            "reliance fresh",
            "more retail",
            "jiomart",
            "grocery",
            "vegetable",
        ),
    ),
    _c(
        "Rent",
        E,
        True,
        "Planned",
        recurring=True,
        keywords=("rent", "nobroker", "landlord"),
    ),
    _c(
        "EMI",
        E,
        True,
        "Planned",
        recurring=True,
        keywords=("emi", "loan", "bajaj fin", "installment", "ach d-"),
    ),
    _c(
        "Education",
        E,
        True,
        "Planned",
        keywords=(
            "school",
            "college",
            "university",
            "tuition",
            "udemy",
            "coursera",
            "byju",
            "unacademy",
            "fees",
        ),
    ),
    _c(
        "Utilities",
        E,
        True,
        "Routine",
        keywords=(
            "electricity",
            "bescom",
            "tata power",
            "adani",
            "water",
            "gas",
            "broadband",
            "airtel xstream",
            "act fibernet",
            "jio fiber",
            "bill pay",
            "billdesk",
        ),
    ),
    _c(
        "Medical",
        E,
        True,
        "Emergency",
        keywords=(
            "pharmacy",
            "apollo",
            "medplus",
            "1mg",
            "netmeds",
            "pharmeasy",
            "hospital",
            "clinic",
            "diagnostic",
            "chemist",
            "medical",
        ),
    ),
    _c(
        "Mobile Recharge",
        E,
        True,
        "Routine",
        keywords=("recharge", "prepaid", "jio", "airtel", "vodafone", "vi ", "bsnl"),
    ),
    _c(
        "Subscription",
        E,
        False,
        "Routine",
        recurring=True,
        keywords=(
            "netflix",
            "spotify",
            "prime video",
            "amazon prime",
            "hotstar",
            "youtube",
            "apple.com",
            "icloud",
            "google play",
            "sonyliv",
            "zee5",
            "membership",
            "subscription",
        ),
    ),
    _c(
        "Fuel",
        E,
        True,  # a necessity for most people who drive, whatever the sample dataset marks
        "Routine",
        keywords=(
            "petrol",
            "diesel",
            "fuel",
            "indian oil",
            "iocl",
            "hpcl",
            "bpcl",
            "shell",
            "filling station",
        ),
    ),
    _c(
        "Insurance",
        E,
        True,
        "Planned",
        recurring=True,
        keywords=("insurance", "lic of india", "premium", "policybazaar", "acko", "star health", "hdfc ergo"),
    ),
    _c(
        "Travel",
        E,
        False,
        "Seasonal",
        keywords=(
            "uber",
            "ola",
            "rapido",
            "irctc",
            "makemytrip",
            "goibibo",
            "indigo",
            "air india",
            "redbus",
            "metro",
            "cab",
            "yatra",
            "cleartrip",
        ),
    ),
    _c(
        "Entertainment",
        E,
        False,
        "Unplanned",
        keywords=("bookmyshow", "pvr", "inox", "cinema", "steam", "playstation", "concert"),
    ),
    _c(
        "Clothing",
        E,
        False,
        "Seasonal",
        keywords=(
            "myntra",
            "ajio",
            "zara",
            "h&m",
            "westside",
            "pantaloons",
            "lifestyle",
            "max fashion",
            "uniqlo",
            "nykaa fashion",
        ),
    ),
    _c(
        "Gift",
        E,
        False,
        "Festive",
        keywords=("gift", "ferns n petals", "archies", "donation"),
    ),
    _c("Other", E, False, "Unplanned"),
    _c(
        "Salary",
        I,
        False,
        "Routine",
        recurring=True,
        keywords=("salary", "sal ", "payroll"),
    ),
    _c("Bonus", I, False, "Planned"),
    _c("Freelance", I, False, "Unplanned"),
    _c(
        "Interest",
        I,
        False,
        "Routine",
        keywords=("interest", "int.pd", "int pd", "dividend"),
    ),
    _c("Other Income", I, False, "Unplanned"),
    _c(
        "Fixed Deposit",
        S,
        False,
        "Planned",
        keywords=("fixed deposit", " fd "),
    ),
    _c(
        "Recurring Deposit",
        S,
        False,
        "Routine",
        recurring=True,
        keywords=("recurring deposit", " rd "),
    ),
    _c(
        "Mutual Fund",
        S,
        False,
        "Planned",
        keywords=("mutual fund", "sip", "groww", "zerodha coin", "kuvera"),
    ),
    _c("Gold", S, False, "Seasonal"),
    _c(
        "Stock Investment",
        S,
        False,
        "Planned",
        keywords=("zerodha", "upstox", "angel one", "icici direct"),
    ),
    _c("Piggy Bank", S, False, "Planned"),
    _c(
        "Other Savings",
        S,
        False,
        "Planned",
        keywords=(" ppf ", "public provident", " nps ", "national pension"),
    ),
    # Transfers: how statements and people name them is in services/importing/transfers.py.
    _c(
        "ATM Cash",
        T,
        True,
        "Routine",
    ),
    _c(
        "Card Bill",
        T,
        True,
        "Planned",
    ),
    _c(
        "Own Account",
        T,
        True,
        "Planned",
    ),
    _c(
        "Wallet Top-up",
        T,
        True,
        "Routine",
    ),
    _c("Other Transfer", T, True, "Planned"),
)

OTHER_CATEGORY = {
    E: "Other",
    I: "Other Income",
    S: "Other Savings",
    T: "Other Transfer",
    EntryType.REFUND: "Other",  # a refund belongs to an expense category
}
# How a summary names each kind of transfer ("3 transfers (ATM, card bill)").
TRANSFER_LABELS = {
    "ATM Cash": "ATM",
    "Card Bill": "card bill",
    "Own Account": "own account",
    "Wallet Top-up": "wallet",
    "Other Transfer": "other",
}
# The types that are never spending or earning (and never scored).
NOT_SPENDING = (EntryType.TRANSFER, EntryType.REFUND)

_BY_NAME: dict[str, Category] = {c.name.casefold(): c for c in CATEGORIES}


def categories_of(entry_type: EntryType) -> tuple[Category, ...]:
    """Return the categories an entry of this type can have, in catalogue order (a refund's
    are the expense categories: it takes off the spend of one)."""
    kind = EntryType.EXPENSE if entry_type is EntryType.REFUND else entry_type
    return tuple(c for c in CATEGORIES if c.type is kind)


def category_named(name: str) -> Category | None:
    """Return the category with exactly this name (any case), or None."""
    return _BY_NAME.get(name.strip().casefold())


@cache
def alias_table(entry_type: EntryType) -> Mapping[str, str]:
    """Map every name and alias (casefolded) to its category name, for one entry type."""
    table: dict[str, str] = {}
    for c in categories_of(entry_type):
        table[c.name.casefold()] = c.name
        for alias in c.aliases:
            table.setdefault(alias.casefold(), c.name)
    return MappingProxyType(table)


def closest_categories(word: str, entry_type: EntryType, n: int = 3) -> list[str]:
    """Return up to n category names closest in spelling to word."""
    table = alias_table(entry_type)
    matches = difflib.get_close_matches(word.casefold(), list(table), n=n * 3, cutoff=0.5)
    names: list[str] = []
    for m in matches:
        if table[m] not in names:
            names.append(table[m])
    return names[:n]


# Payment modes: the words people type and the spellings files use.
PAYMENT_MODE_ALIASES: dict[str, str] = {
    "cash": "Cash",
    "upi": "UPI",
    "gpay": "UPI",
    "googlepay": "UPI",
    "phonepe": "UPI",
    "paytm": "UPI",
    "bhim": "UPI",
    "amazonpay": "UPI",
    "card": "Debit Card",
    "debit": "Debit Card",
    "debitcard": "Debit Card",
    "dc": "Debit Card",
    "credit": "Credit Card",
    "creditcard": "Credit Card",
    "cc": "Credit Card",
    "netbanking": "Net Banking",
    "neft": "Net Banking",
    "imps": "Net Banking",
    "rtgs": "Net Banking",
    "banktransfer": "Net Banking",
    "nb": "Net Banking",
    "other": "Other",
}


def normalise_payment_mode(value: str) -> str | None:
    """Return the canonical payment mode for a spelling such as `Upi` or `debit card`."""
    key = "".join(value.split()).casefold()
    for mode in PAYMENT_MODES:
        if key == "".join(mode.split()).casefold():
            return mode
    return PAYMENT_MODE_ALIASES.get(key)


def normalise_choice(value: str, choices: tuple[str, ...]) -> str | None:
    """Return the member of choices equal to value ignoring case and spaces, or None."""
    key = "".join(value.split()).casefold()
    for choice in choices:
        if key == "".join(choice.split()).casefold():
            return choice
    return None


_NOT_LETTERS = re.compile(r"[^a-z\s]+")


def normalise_description(note: str | None) -> str:
    """A description as recurring payments share it: lower-case letters only, spaces
    collapsed (`Netflix #123` -> `netflix`)."""
    return " ".join(_NOT_LETTERS.sub(" ", (note or "").lower()).split())
