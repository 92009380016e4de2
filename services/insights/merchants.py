"""Merchant names as people say them, from what bank statements and chat notes write:
`UPI-ZOMATO LIMITED-zomato@okaxis-4065…` is Zomato, `NETFLIX.COM 866-579` is Netflix.

The table is data: each merchant with the words that name it in a description (matched as
whole words, lower case, the longest first, so `amazon prime` wins over `amazon`).
"""

from __future__ import annotations

import re

# (the merchant as people name it, the words that name it in a description)
MERCHANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Zomato", ("zomato",)),
    ("Swiggy", ("swiggy", "instamart")),
    ("Blinkit", ("blinkit", "grofers")),
    ("Zepto", ("zepto",)),
    ("BigBasket", ("bigbasket", "big basket")),
    ("Domino's", ("dominos", "domino s")),
    ("Starbucks", ("starbucks",)),
    ("Chai Point", ("chai point", "chaipoint")),
    ("Chaayos", ("chaayos",)),
    ("Netflix", ("netflix",)),
    ("Amazon Prime", ("amazon prime", "prime video", "primevideo")),
    ("Disney+ Hotstar", ("hotstar", "disney")),
    ("Spotify", ("spotify",)),
    ("YouTube Premium", ("youtube premium", "youtube", "google youtube")),
    ("Jio", ("jio", "reliance jio")),
    ("Airtel", ("airtel",)),
    ("Vi", ("vodafone idea", "vodafone")),
    ("Uber", ("uber",)),
    ("Ola", ("ola cabs", "olacabs", "ola")),
    ("Rapido", ("rapido",)),
    ("IRCTC", ("irctc",)),
    ("BookMyShow", ("bookmyshow", "book my show")),
    ("Myntra", ("myntra",)),
    ("Flipkart", ("flipkart",)),
    ("Amazon", ("amazon", "amzn")),
    ("Apollo Pharmacy", ("apollo pharmacy", "apollo")),
    ("Cult.fit", ("cult fit", "cultfit", "curefit")),
)
_WORDS = sorted(((word, name) for name, words in MERCHANTS for word in words), key=lambda pair: -len(pair[0]))
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(w) for w, _ in _WORDS) + r")\b")
_BY_WORD = dict(_WORDS)
_NOT_LETTERS = re.compile(r"[^a-z]+")


def merchant_of(description: str | None) -> str | None:
    """The merchant a description names, or None."""
    if not description:
        return None
    text = " ".join(_NOT_LETTERS.sub(" ", description.lower()).split())
    found = _PATTERN.search(text)
    return _BY_WORD[found.group(1)] if found else None


def display_name(description: str) -> str:
    """How a recurring charge is named to a person: its merchant (`upi netflix netflix icici
    icic` -> Netflix), else its first words without repeats, capitalised."""
    found = merchant_of(description)
    if found is not None:
        return found
    words: list[str] = []
    for word in description.split():
        if word not in words:
            words.append(word)
    return " ".join(words[:3]).title() or description


def slug(name: str) -> str:
    """`Dining Out` -> `dining_out`, `Domino's` -> `dominos`: a name as button data."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower().replace("'", "")).strip("_")
