"""Read a chat line as an entry: `/spend 250 dining UPI`, `chai 20`, `spent 200 on petrol`,
`100/- sabzi cash`, `₹४० चाय`, one entry per line of a message.

The amount may stand anywhere, with `rs`, `₹`, `inr`, `/-` before or after it, Indian
grouping (`1,20,000`), `1.2k`, `1.5l` and digits of any script. Two numbers compete
(`2 chai 40`): the one with a currency sign wins, else the person is asked (AmountChoice,
likeliest first: ₹40, ₹80 = 2 × ₹40, ₹2). Around it, tokens come in any order:
- a category word or alias (`dining`, `swiggy`, `netflix`, `petrol`, `recharge`, ...),
- a payment mode (`upi`, `gpay`, `cash`, `card`, `credit`, `netbanking`, `neft`, ...),
- a context tag (`#planned`, `#unplanned`, `#seasonal`, `#routine`, `#emergency`, `#festive`),
- necessity (`need` / `want`), recurrence (`recurring`, `monthly`, `weekly`; `once`),
- a date (`today`, `yesterday`, `2024-05-03`, `03-05-2024`, `03/05`) or a time (`8pm`,
  `8:30pm`, `20:15`, `morning`, `evening`, ...),
- anything else is the note. A word that names no category never loses the entry: it is
  stored under Other, with the closest categories offered (ParsedEntry.unknown_word).
Category words are data (services/words.toml: English, Hinglish, Devanagari, merchants);
a person's own words and custom categories are read first (`words`).
Words that say the money is no spending change the type: `2000 atm`, `5000 card bill`,
`1000 wallet` log a transfer (never spending or a leak), `300 refund swiggy` or
`/income 900 refund` a refund of that category (it takes off its spend, and is no income).
The parser is pure: it returns a ParsedEntry or raises ParseError, nothing else.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta

from db.models import NOTE_LENGTH
from services.catalog import (
    CONTEXTS,
    NOT_SPENDING,
    OTHER_CATEGORY,
    EntryType,
    alias_table,
    closest_categories,
    normalise_choice,
    normalise_payment_mode,
)
from services.errors import ParseError
from services.money import exponent, format_money, looks_like_amount, parse_amount
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
    "paid": EntryType.EXPENSE,
    "kharcha": EntryType.EXPENSE,
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
# Words before the first note word that say nothing (`spent 200 on petrol`, `chai ke liye 20`).
FILLER_WORDS = {
    *("on", "at", "via", "by", "paid", "using", "for", "to", "of", "the", "a", "an", "spent", "bought"),
    *(
        "ka",
        "ki",
        "ke",
        "liye",
        "pe",
        "par",
        "mein",
        "me",
        "diye",
        "diya",
        "kharcha",
        "kharch",
        "wala",
        "wali",
    ),
}
_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^\d{1,2}(?:[:.]\d{2})?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")  # `4.50` is an amount, never 4 of a 50th month
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
    # A word that named no category (the entry is then under Other) and the categories
    # closest to it, for the reply's buttons; the person's pick is remembered for the word.
    unknown_word: str | None = None
    suggestions: tuple[str, ...] = ()


def split_verb(text: str) -> tuple[EntryType | None, str]:
    """Strip a leading `/spend`, `/income@LeakBot`, `spent` ...; return its type and the rest."""
    stripped = text.strip()
    head, _, rest = stripped.partition(" ")
    word = head.lstrip("/").split("@", 1)[0].casefold()
    if word in VERBS and (head.startswith("/") or not looks_like_amount(head)):
        return VERBS[word], rest.strip()
    return None, stripped


MAX_ENTRY_WORDS = 12  # a plain message longer than this is talk, not an entry


def looks_like_entry(text: str) -> bool:
    """Tell whether a plain message is meant as entries: its lines are short and one at least
    names an amount somewhere (`250 dining`, `chai 20`, `100/- chai`, `₹४० चाय`)."""
    lines = [_marked_tokens(split_verb(plain_digits(line))[1]) for line in text.splitlines() if line.strip()]
    first = lines[0][0] if lines and lines[0] else None
    if first is not None and (first.marked or _numberish(first.text)):
        return True  # it starts with an amount: meant as an entry, however long (and told why not)
    if not lines or any(len(tokens) > MAX_ENTRY_WORDS for tokens in lines):
        return False
    if _asks(text):
        return False
    return any(_names_an_amount(tokens) for tokens in lines)


QUESTION_WORDS = frozenset(
    {"how", "what", "when", "where", "which", "who", "why", "did", "do", "does", "is", "are", "can", "show"}
    | {"kitna", "kitne", "kya", "kab", "kaun", "kaise", "kahan"}
)


def _asks(text: str) -> bool:
    """A question (it ends with `?` or starts with a question word): talk, not an entry."""
    words = text.strip().split(maxsplit=1)
    return text.rstrip().endswith("?") or (bool(words) and words[0].casefold().strip(",") in QUESTION_WORDS)


def _names_an_amount(tokens: list[_Token]) -> bool:
    return any(
        t.marked or (_numberish(t.text) and not _ISO_DATE.match(t.text) and not _DMY_DATE.match(t.text))
        for t in tokens
    )


MAX_LINES = 20  # entries in one message


def entry_lines(text: str) -> list[str]:
    """The lines of a message that each hold one entry (blank lines skipped)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise ParseError(f"That is {len(lines)} lines; send up to {MAX_LINES} entries in one message.")
    return lines


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
    text: str,
    *,
    today: date,
    currency: str = "INR",
    entry_type: EntryType | None = None,
    words: Mapping[str, str] | None = None,
    amount_choice: int | None = None,
) -> ParsedEntry:
    """Parse one line into a ParsedEntry, or raise ParseError saying what to fix.

    words: the person's own words and custom categories (casefolded word -> category), read
    before the catalogue's. amount_choice: which of AmountChoice.choices the person picked
    when the line named two numbers.
    """
    if len(text) > MAX_MESSAGE_CHARS:
        raise ParseError(f"That message is too long for an entry (over {MAX_MESSAGE_CHARS} characters).")
    verb_type, body = split_verb(plain_digits(text))
    kind = entry_type or verb_type or EntryType.EXPENSE
    tokens = _marked_tokens(body)
    if not tokens:
        raise ParseError(_usage(kind, "Send an amount and what it was for."))
    if entry_type is None:
        kind = _kind_from_words(kind, [t.text.strip(",;").casefold() for t in tokens], words)

    aliases = _aliases(kind, words)
    category: str | None = None
    fields: dict[str, object] = {}
    leftovers: list[str] = []
    amounts: list[_Amount] = []
    maybe_time: list[tuple[_Amount, time]] = []  # `8.30`: a time, or the amount if none other
    negative = ""
    i = 0
    while i < len(tokens):
        current = tokens[i]
        token = current.text.strip(",;")
        nxt = tokens[i + 1].text.strip(",;") if i + 1 < len(tokens) else None
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
        elif (
            not current.marked
            and not _DECIMAL.match(word)
            and (day := parse_date_word(word, today)) is not None
        ):
            fields["on_date"] = day
        elif not current.marked and (clock := parse_time_word(token, nxt)) is not None:
            if _DECIMAL.match(word) and not clock[1]:  # `4.50`: the amount, unless another is
                maybe_time.append((_Amount(token, False, len(leftovers)), clock[0]))
                continue
            fields["at_time"], consumed = clock
            i += int(consumed)
        elif token[:1] in "-−" and looks_like_amount(token[1:]):
            negative = negative or token  # a note word, unless the line has no other amount
            leftovers.append(token)
        elif looks_like_amount(token):
            amounts.append(_Amount(token, current.marked, len(leftovers)))
        elif category is None and word in aliases:
            category = aliases[word]
        elif normalise_payment_mode(word) is not None:
            fields["payment_mode"] = normalise_payment_mode(word)
        elif (word in FILLER_WORDS and not leftovers) or (kind is EntryType.REFUND and word in REFUND_WORDS):
            continue
        else:
            leftovers.append(token)

    if negative and not amounts and not maybe_time:
        parse_amount(negative, currency)  # raises: amounts must be positive
    if maybe_time and not amounts:
        amounts.append(maybe_time.pop(0)[0])
    if maybe_time:
        fields.setdefault("at_time", maybe_time[0][1])
    amount, leftovers = _the_amount(amounts, leftovers, text, kind, currency, amount_choice)
    if kind is EntryType.TRANSFER and category in TRANSFER_MODES:
        fields.setdefault("payment_mode", TRANSFER_MODES[category])
    unknown: str | None = None
    suggestions: tuple[str, ...] = ()
    if category is None:
        category = OTHER_CATEGORY[kind]
        unknown = next((w for w in leftovers if any(ch.isalpha() for ch in w)), None)
        if kind not in NOT_SPENDING or unknown is not None:
            close = closest_categories(unknown, kind) if unknown else []
            suggestions = tuple(c for c in close if c != category)
    note = " ".join(leftovers)[:NOTE_LENGTH]
    return ParsedEntry(
        type=kind,
        amount_minor=amount,
        category=category,
        note=note,
        unknown_word=unknown.casefold() if unknown else None,
        suggestions=suggestions,
        **fields,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    marked: bool  # a currency sign or word was attached to it or beside it (₹40, 40rs, 100/-)


@dataclass(frozen=True, slots=True)
class _Amount:
    text: str
    marked: bool
    at: int  # how many note words came before it (where it goes back into the note)


_PREFIX = re.compile(r"^(?:₹|rs\.?|inr|\$|usd|€|eur|£|gbp)\s*(?=[\d.])", re.IGNORECASE)
_SUFFIX = re.compile(r"(?<=[\dkKlL])\s*(?:/-|/=|₹|rs\.?|inr|rupees?|rupaye|rupay|रुपये|रुपए)$", re.IGNORECASE)
_CURRENCY_TOKENS = {"rs", "rs.", "inr", "₹", "rupees", "rupee", "rupaye", "rupay", "रुपये", "रुपए", "/-"}


def plain_digits(text: str) -> str:
    """text with digits of any script (Devanagari ४०, Bengali, Tamil ...) as ASCII, in NFC."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def _marked_tokens(body: str) -> list[_Token]:
    """Split a line into tokens, taking currency signs and words off the numbers they mark."""
    raw = body.split()
    tokens: list[_Token] = []
    pending = False  # a currency word just before: it marks the next number
    for word in raw:
        folded = word.casefold().strip(",;")
        if folded in _CURRENCY_TOKENS:
            if tokens and not pending and _numberish(tokens[-1].text) and not tokens[-1].marked:
                tokens[-1] = _Token(tokens[-1].text, True)
            else:
                pending = True
            continue
        core, marked = _PREFIX.sub("", word), False
        if core != word:
            marked = True
        stripped = _SUFFIX.sub("", core)
        if stripped != core and stripped:
            core, marked = stripped, True
        if pending and _numberish(core):
            marked, pending = True, False
        tokens.append(_Token(core if marked else word, marked))
    return tokens


def _numberish(token: str) -> bool:
    return looks_like_amount(token.strip(",;"))


def _the_amount(
    amounts: list[_Amount],
    leftovers: list[str],
    text: str,
    kind: EntryType,
    currency: str,
    choice: int | None,
) -> tuple[int, list[str]]:
    """The line's amount and its note words: the only number, or the one with a currency
    sign; two or more compete and the person is asked (AmountChoice), or has answered."""
    if not amounts:
        raise ParseError(_usage(kind, "How much? I found no amount in that."))
    readable = [a for a in amounts if _valid(a.text, currency)]
    if not readable:
        parse_amount(amounts[0].text, currency)  # raises with the reason
    marked = [a for a in readable if a.marked]
    if len(readable) == 1 or len(marked) == 1:
        chosen = marked[0] if len(marked) == 1 else readable[0]
        return parse_amount(chosen.text, currency), _with_numbers(leftovers, amounts, chosen)
    choices = amount_choices([parse_amount(a.text, currency) for a in readable], currency)
    if choice is None or not 0 <= choice < len(choices):
        raise AmountChoice(text, choices, currency)
    picked = choices[choice]
    chosen = next((a for a in readable if parse_amount(a.text, currency) == picked), None)
    note = _with_numbers(leftovers, amounts, chosen)
    if chosen is None:  # the product: `2 chai 40` meant two at 40
        note = [w for w in note if not looks_like_amount(w)]
        low, high = sorted(parse_amount(a.text, currency) for a in readable)
        note.insert(0, f"{low // 10 ** exponent(currency)} × {format_money(high, currency)}")
    return picked, note


def _valid(token: str, currency: str) -> bool:
    try:
        parse_amount(token, currency)
    except ParseError:
        return False
    return True


def _with_numbers(leftovers: list[str], amounts: list[_Amount], chosen: _Amount | None) -> list[str]:
    """The note words with the numbers that were not the amount put back where they stood."""
    note = list(leftovers)
    for a in sorted((a for a in amounts if a is not chosen), key=lambda a: a.at, reverse=True):
        note.insert(a.at, a.text)
    return note


MAX_QUANTITY = 20  # `2 chai 40`: a whole number up to this beside a price may be a count


def amount_choices(values: list[int], currency: str) -> tuple[int, ...]:
    """What two or more numbers on a line could mean, likeliest first: for a count and a
    price (`2 chai 40`) the price, the count times the price, the count; else each number,
    largest first."""
    whole = 10 ** exponent(currency)
    distinct = sorted(set(values), reverse=True)[:4]
    if len(distinct) == 2:
        high, low = distinct
        if low % whole == 0 and 2 <= low // whole <= MAX_QUANTITY:
            return (high, high * (low // whole), low)
    return tuple(distinct)


class AmountChoice(ParseError):
    """A line named two or more numbers that could each be the amount."""

    def __init__(self, line: str, choices: tuple[int, ...], currency: str) -> None:
        shown = one_of([format_money(c, currency) for c in choices])
        super().__init__(f"Which is the amount in “{line.strip()}”: {shown}?")
        self.line = line
        self.choices = choices
        self.currency = currency


def _aliases(kind: EntryType, words: Mapping[str, str] | None) -> Mapping[str, str]:
    """The words that name a category of this type: the person's first, then the catalogue's."""
    table = alias_table(kind)
    if not words or kind not in (EntryType.EXPENSE, EntryType.REFUND):
        return table
    return {**table, **words}


def _kind_from_words(kind: EntryType, words: list[str], own: Mapping[str, str] | None = None) -> EntryType:
    """The type the message's words say, where its verb (or none) left it open."""
    if kind in (EntryType.EXPENSE, EntryType.INCOME) and REFUND_WORDS.intersection(words):
        return EntryType.REFUND
    if kind is not EntryType.EXPENSE:
        return kind
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    if pairs & TRANSFER_PAIRS:
        return EntryType.TRANSFER
    expense = _aliases(EntryType.EXPENSE, own)
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
