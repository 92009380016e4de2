"""The chat parser as it was before issue #17 (amount first, one line), kept only as the
baseline of benchmarks/bench_capture.py. Not used by LeakBot.

Read a chat message as an entry: `/spend 250 dining UPI`, `250 dining upi #festive 8pm`.

After the amount, tokens come in any order:
- a category word or alias (`dining`, `swiggy`, `netflix`, `petrol`, `recharge`, ...),
- a payment mode (`upi`, `gpay`, `cash`, `card`, `credit`, `netbanking`, `neft`, ...),
- a context tag (`#planned`, `#unplanned`, `#seasonal`, `#routine`, `#emergency`, `#festive`),
- necessity (`need` / `want`), recurrence (`recurring`, `monthly`, `weekly`; `once`),
- a date (`today`, `yesterday`, `2024-05-03`, `03-05-2024`, `03/05`) or a time (`8pm`,
  `8:30pm`, `20:15`, `morning`, `evening`, ...),
- anything else is the note.
Words that say the money is no spending change the type: `2000 atm`, `5000 card bill`,
`1000 wallet` log a transfer (never spending or a leak), `300 refund swiggy` or
`/income 900 refund` a refund of that category (it takes off its spend, and is no income).
The parser is pure: it returns a ParsedEntry or raises ParseError, nothing else.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from db.models import NOTE_LENGTH
from services.catalog import (
    CONTEXTS,
    NOT_SPENDING,
    OTHER_CATEGORY,
    EntryType,
    alias_table,
    categories_of,
    closest_categories,
    normalise_choice,
    normalise_payment_mode,
)
from services.errors import ParseError
from services.money import looks_like_amount, parse_amount
from services.timing import BLOCK_REPRESENTATIVE_HOUR
from services.wording import one_of

MAX_MESSAGE_CHARS = 1000
EARLIEST_DATE = date(2000, 1, 1)  # an earlier date on a spend is a typo

VERBS: dict[str, EntryType] = {
    "spend": EntryType.EXPENSE,
    "spent": EntryType.EXPENSE,
    "expense": EntryType.EXPENSE,
    "income": EntryType.INCOME,
    "earn": EntryType.INCOME,
    "earned": EntryType.INCOME,
    "save": EntryType.SAVINGS,
    "saved": EntryType.SAVINGS,
    "savings": EntryType.SAVINGS,
    "transfer": EntryType.TRANSFER,
    "transferred": EntryType.TRANSFER,
    "refund": EntryType.REFUND,
    "refunded": EntryType.REFUND,
}
REFUND_WORDS = {"refund", "refunded", "reversal", "reversed", "cashback"}
# Words that make a plain amount a transfer, unless an expense category is named too
# (pairs always do: `20000 credit card bill` is the card's bill, not a utility bill).
TRANSFER_WORDS = {"atm", "withdrawal", "withdrew", "self", "wallet", "transfer", "transferred", "sweep"}
TRANSFER_PAIRS = {"card bill", "cc bill", "own account", "add money", "cash withdrawal", "atm cash"}
# The payment mode a transfer category goes by unless the message names one.
TRANSFER_MODES = {"ATM Cash": "Cash"}
NECESSARY_WORDS = {
    "need": True,
    "needed": True,
    "necessary": True,
    "essential": True,
    "want": False,
    "wanted": False,
    "impulse": False,
    "nonessential": False,
    "luxury": False,
}
RECURRING_WORDS = {
    "recurring": True,
    "monthly": True,
    "weekly": True,
    "yearly": True,
    "annual": True,
    "repeat": True,
    "once": False,
    "oneoff": False,
    "one-off": False,
}
FILLER_WORDS = {"on", "at", "via", "by", "paid", "using", "rs", "inr", "₹"}
_CURRENCY_WORDS = {"rs", "rs.", "inr", "₹"}
_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^\d{1,2}(?:[:.]\d{2})?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """What a message said; fields left None are filled from defaults by the ledger."""

    type: EntryType
    amount_minor: int
    category: str
    payment_mode: str | None = None
    context: str | None = None
    is_necessary: bool | None = None
    is_recurring: bool | None = None
    on_date: date | None = None
    at_time: time | None = None
    note: str = ""


def split_verb(text: str) -> tuple[EntryType | None, str]:
    """Strip a leading `/spend`, `/income@LeakBot`, `spent` ...; return its type and the rest."""
    stripped = text.strip()
    head, _, rest = stripped.partition(" ")
    word = head.lstrip("/").split("@", 1)[0].casefold()
    if word in VERBS and (head.startswith("/") or not looks_like_amount(head)):
        return VERBS[word], rest.strip()
    return None, stripped


def looks_like_entry(text: str) -> bool:
    """Tell whether a plain message starts with an amount (so it is meant as an entry)."""
    tokens = text.strip().split(maxsplit=2)
    if not tokens:
        return False
    if tokens[0].casefold() in _CURRENCY_WORDS and len(tokens) > 1:
        return looks_like_amount(tokens[1])
    return looks_like_amount(tokens[0])


def parse_time_word(token: str, next_token: str | None) -> tuple[time, bool] | None:
    """Return (time, consumed_next) for `8pm`, `8:30pm`, `20:15`, `8 pm`, or None."""
    word = token.casefold()
    if word in ("noon", "midday"):
        return time(12, 0), False
    if word == "midnight":
        return time(0, 0), False
    if word.capitalize() in BLOCK_REPRESENTATIVE_HOUR or word == "tonight":
        block = "Night" if word == "tonight" else word.capitalize()
        return time(BLOCK_REPRESENTATIVE_HOUR[block], 0), False
    consumed = False
    if next_token is not None and next_token.casefold() in ("am", "pm") and _CLOCK.match(token):
        word, consumed = word + next_token.casefold(), True
    match = _TIME.match(word)
    if not match or (match["m"] is None and match["ampm"] is None):
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ParseError(f"{token!r} is not a time: use 8pm, 8:30pm or 20:30.")
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(f"{token!r} is not a time: use 8pm, 8:30pm or 20:30.")
    return time(hour, minute), consumed


def parse_date_word(token: str, today: date) -> date | None:
    """The date a word names (None when it names none), or ParseError for a date that cannot
    be a spend's: not a real date, after today, or before EARLIEST_DATE (both typos)."""
    day = _date_word(token, today)
    if day is not None and day > today:
        raise ParseError(f"{token} is in the future; log spends on or before today ({today:%d %b %Y}).")
    if day is not None and day < EARLIEST_DATE:
        raise ParseError(f"{token} is before {EARLIEST_DATE.year}; is that a typo?")
    return day


def _date_word(token: str, today: date) -> date | None:
    word = token.casefold()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    try:
        if match := _ISO_DATE.match(word):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY_DATE.match(word):
            day, month, year = int(match[1]), int(match[2]), match[3]
            if year is None:
                guess = date(today.year, month, day)
                return guess if guess <= today else date(today.year - 1, month, day)
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    except ValueError as exc:
        raise ParseError(f"{token!r} is not a real date: use 2024-05-03 or 03-05-2024.") from exc
    return None


def parse_entry(
    text: str, *, today: date, currency: str = "INR", entry_type: EntryType | None = None
) -> ParsedEntry:
    """Parse a message into a ParsedEntry, or raise ParseError saying what to fix."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise ParseError(f"That message is too long for an entry (over {MAX_MESSAGE_CHARS} characters).")
    verb_type, body = split_verb(text)
    kind = entry_type or verb_type or EntryType.EXPENSE
    tokens = body.split()
    if tokens and tokens[0].casefold() in _CURRENCY_WORDS and len(tokens) > 1:
        tokens = [tokens[0] + tokens[1], *tokens[2:]]
    if not tokens:
        raise ParseError(_usage(kind, "Start with the amount."))
    if tokens[0][:1] in "-−" and looks_like_amount(tokens[0][1:]):
        parse_amount(tokens[0], currency)  # raises: amounts must be positive
    if not looks_like_amount(tokens[0]):
        raise ParseError(_usage(kind, f"{tokens[0]!r} is not an amount; start with the amount."))
    amount = parse_amount(tokens[0], currency)
    if entry_type is None:
        kind = _kind_from_words(kind, [t.strip(",;").casefold() for t in tokens[1:]])

    aliases = alias_table(kind)
    category: str | None = None
    fields: dict[str, object] = {}
    leftovers: list[str] = []
    rest = tokens[1:]
    i = 0
    while i < len(rest):
        token = rest[i].strip(",;")
        nxt = rest[i + 1].strip(",;") if i + 1 < len(rest) else None
        word = token.casefold()
        pair = f"{word} {nxt.casefold()}" if nxt else None
        i += 1
        if not token:
            continue
        if word.startswith("#"):
            ctx = normalise_choice(word[1:], CONTEXTS)
            if ctx is None:
                tags = ", ".join(f"#{c.lower()}" for c in CONTEXTS)
                raise ParseError(f"Unknown tag {token!r}. Tags: {tags}.")
            fields["context"] = ctx
        elif category is None and pair and pair in aliases:
            category, i = aliases[pair], i + 1
        elif pair and (mode := normalise_payment_mode(pair)) is not None:
            fields["payment_mode"], i = mode, i + 1
        elif word in NECESSARY_WORDS:
            fields["is_necessary"] = NECESSARY_WORDS[word]
        elif word in RECURRING_WORDS:
            fields["is_recurring"] = RECURRING_WORDS[word]
        elif (day := parse_date_word(word, today)) is not None:
            fields["on_date"] = day
        elif (clock := parse_time_word(token, nxt)) is not None:
            fields["at_time"], consumed = clock
            i += int(consumed)
        elif category is None and word in aliases:
            category = aliases[word]
        elif normalise_payment_mode(word) is not None:
            fields["payment_mode"] = normalise_payment_mode(word)
        elif (word in FILLER_WORDS and not leftovers) or (kind is EntryType.REFUND and word in REFUND_WORDS):
            continue
        else:
            leftovers.append(token)

    if category is None and kind in NOT_SPENDING and not leftovers:
        category = OTHER_CATEGORY[kind]  # `/refund 300`, `/transfer 5000`
    if kind is EntryType.TRANSFER and category in TRANSFER_MODES:
        fields.setdefault("payment_mode", TRANSFER_MODES[category])
    if category is None:
        if not leftovers:
            names = ", ".join(c.name for c in categories_of(kind)[:6])
            raise ParseError(_usage(kind, f"Which category? For example: {names}."))
        unknown = leftovers[0]
        close = closest_categories(unknown, kind)
        hint = f" Did you mean {one_of(close)}?" if close else ""
        raise ParseError(f"I don't know the category {unknown!r}.{hint} /help lists them all.")
    note = " ".join(leftovers)[:NOTE_LENGTH]
    return ParsedEntry(type=kind, amount_minor=amount, category=category, note=note, **fields)  # type: ignore[arg-type]


def _kind_from_words(kind: EntryType, words: list[str]) -> EntryType:
    """The type the message's words say, where its verb (or none) left it open."""
    if kind in (EntryType.EXPENSE, EntryType.INCOME) and REFUND_WORDS.intersection(words):
        return EntryType.REFUND
    if kind is not EntryType.EXPENSE:
        return kind
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    if pairs & TRANSFER_PAIRS:
        return EntryType.TRANSFER
    expense = alias_table(EntryType.EXPENSE)
    named = any(w in expense for w in words) or any(p in expense for p in pairs)
    if TRANSFER_WORDS.intersection(words) and not named:
        return EntryType.TRANSFER
    return kind


def _usage(kind: EntryType, problem: str) -> str:
    example = {
        EntryType.EXPENSE: "/spend 250 dining upi",
        EntryType.INCOME: "/income 50000 salary",
        EntryType.SAVINGS: "/save 2000 mutual fund",
        EntryType.TRANSFER: "/transfer 2000 atm",
        EntryType.REFUND: "/refund 300 dining",
    }[kind]
    return f"{problem} Example: {example}"
