"""Questions in plain words, read offline without a language model: "how much did I spend on
food last month?", "zomato this year", "weekend dining in May", "kitna kharcha food pe is
mahine".

`understand` turns a question into a Query: a measure (total, count, average, a top list, a
comparison of two periods, a trend per month or week, what is left of a budget), filters
(categories and merchants through the same words a chat line is read with, payment mode, time
block, weekday or weekend, leak or not, necessary or not) and a period. Every word must be
understood: a question with a word it cannot place is NotUnderstood (with three suggestions),
never answered as if the word were not there. No I/O here; the answer is services/questions/asked.py.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from services.catalog import (
    PAYMENT_MODES,
    EntryType,
    alias_table,
    normalise_payment_mode,
)
from services.insights.merchants import MERCHANTS
from services.timing import month_bounds, month_start


class Measure(StrEnum):
    TOTAL = "total"
    COUNT = "count"
    AVERAGE = "average"
    TOP = "top"
    COMPARE = "compare"
    TREND = "trend"
    BUDGET = "budget_left"


class By(StrEnum):
    """What a top list or a trend is per."""

    SPEND = "spend"  # the single spends themselves
    CATEGORY = "category"
    PAYMENT_MODE = "payment_mode"
    TIME_BLOCK = "time_block"
    MONTH = "month"
    WEEK = "week"


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOP_DEFAULT = 5
MAX_NAME_WORDS = 6  # the most words a category's name or word is read across
CLOSE_ENOUGH = 0.75  # how alike an unknown word and a category's word must be to suggest it
TREND_MONTHS = 5  # a trend without a period: these many months to today
TREND_WEEKS = 5


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates from start to end, both included."""

    start: date
    end: date
    unit: str  # day, week, weekend, month, year or span: what "the one before" means

    def previous(self) -> Period:
        """The period before, of the same kind (a whole month before a month, ...)."""
        if self.unit == "month":
            start = month_start(self.start.year, self.start.month, plus=-1)
            return Period(start, month_bounds(start)[1] - timedelta(days=1), "month")
        if self.unit == "year":
            return Period(date(self.start.year - 1, 1, 1), date(self.start.year - 1, 12, 31), "year")
        if self.unit == "weekend":
            start = self.start - timedelta(days=7)
            return Period(start, start + timedelta(days=1), "weekend")
        if self.unit == "week":
            start = self.start - timedelta(days=7)
            return Period(start, start + timedelta(days=6), "week")
        length = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=length), self.start - timedelta(days=1), self.unit)


@dataclass(frozen=True, slots=True)
class Filters:
    categories: tuple[str, ...] = ()
    merchant: str | None = None
    payment_modes: tuple[str, ...] = ()
    time_block: str | None = None
    day_type: str | None = None  # Weekday or Weekend
    weekday: int | None = None  # Monday = 0
    leak: bool | None = None
    necessary: bool | None = None


@dataclass(frozen=True, slots=True)
class Query:
    measure: Measure
    filters: Filters
    period: Period
    other: Period | None = None  # a comparison's second period (the earlier, usually)
    by: By | None = None  # a top list's or a trend's rows
    limit: int | None = None  # a top list's length, when the question gives one ("top 3")
    merchant_category: str | None = None  # the category the merchant's word names, if any


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    unknown: tuple[str, ...]  # the words that could not be placed
    suggestions: tuple[str, ...]  # three questions that would be understood
    recognised: bool = False  # whether anything in it was understood (a period, a category...)


# --- words -------------------------------------------------------------------------------------
# Words a question is made of besides what it asks about; they carry no meaning here.
_FILLER = """
    a an the i me my mine we our you your it its is are was were be been am do does did done
    have has had of on in at for to from by with and or about over during into per spent spend
    spending spends expense expenses expenditure paid pay money cost costs how much what whats
    which where when show tell give list see please total sum all overall amount amounts so far
    there that those these get got buy bought take took taken use used go went
    kitna kitne kitni kya kharcha kharch kharche kharchi maine mera meri mere pe par mein ka
    ki ke ko se hai hain tha thi hua hui kiya kiye li le liya diya ek bata batao dikhao
    transaction transactions purchase purchases payment payments order orders time
    ride rides trip
"""
FILLER = frozenset(_FILLER.split())
COUNT_WORDS = frozenset({"many", "often", "count", "times", "number", "baar", "bar", "frequency"})
AVERAGE_WORDS = frozenset({"average", "avg", "mean", "typical", "usually", "usual", "aam", "ausat"})
TOP_WORDS = frozenset(
    {
        "top",
        "biggest",
        "largest",
        "highest",
        "most",
        "big",
        "expensive",
        "sabse",
        "bada",
        "bade",
        "badi",
    }
)
TOP_NOUNS = {
    "category": By.CATEGORY,
    "categories": By.CATEGORY,
    "where": By.CATEGORY,
    "mode": By.PAYMENT_MODE,
    "modes": By.PAYMENT_MODE,
    "method": By.PAYMENT_MODE,
    "methods": By.PAYMENT_MODE,
    "block": By.TIME_BLOCK,
    "blocks": By.TIME_BLOCK,
    "times_of_day": By.TIME_BLOCK,
}
SPEND_NOUNS = frozenset({"spends", "expenses", "purchases", "items", "ones", "payments", "transactions"})
COMPARE_WORDS = frozenset({"compare", "compared", "comparison", "vs", "versus", "against"})
TREND_WORDS = frozenset({"trend", "trends", "monthly", "weekly", "breakdown", "har", "each", "every"})
BUDGET_WORDS = frozenset(
    {"budget", "budgets", "left", "remaining", "remain", "bacha", "bache", "baki", "baaki"}
)
LEAK_WORDS = frozenset({"leak", "leaks", "leaky", "leakage", "leaked", "wasteful", "waste"})
NECESSARY = {
    "necessary": True,
    "essential": True,
    "essentials": True,
    "needs": True,
    "need": True,
    "zaroori": True,
    "zaruri": True,
    "unnecessary": False,
    "nonessential": False,
    "wants": False,
    "luxury": False,
    "luxuries": False,
    "faltu": False,
}
NEGATIONS = frozenset({"not", "non", "no", "without", "excluding", "except", "nahi", "bina"})
TIME_BLOCK_WORDS = {
    "morning": "Morning",
    "mornings": "Morning",
    "breakfast_time": "Morning",
    "subah": "Morning",
    "afternoon": "Afternoon",
    "afternoons": "Afternoon",
    "dopahar": "Afternoon",
    "evening": "Evening",
    "evenings": "Evening",
    "shaam": "Evening",
    "sham": "Evening",
    "night": "Night",
    "nights": "Night",
    "tonight": "Night",
    "late_night": "Night",
    "raat": "Night",
    "midnight": "Night",
}
DAY_TYPE_WORDS = {
    "weekend": "Weekend",
    "weekends": "Weekend",
    "saturday_sunday": "Weekend",
    "weekday": "Weekday",
    "weekdays": "Weekday",
    "workday": "Weekday",
    "workdays": "Weekday",
}
WEEKDAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower() + "s": i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower()[:3]: i for i, name in enumerate(WEEKDAY_NAMES)},
}
# Payment modes as questions name them ("by card" is either card).
MODE_WORDS: dict[str, tuple[str, ...]] = {
    "card": ("Debit Card", "Credit Card"),
    "cards": ("Debit Card", "Credit Card"),
    "debit_card": ("Debit Card",),
    "credit_card": ("Credit Card",),
    "net_banking": ("Net Banking",),
    "google_pay": ("UPI",),
    "phone_pe": ("UPI",),
}
MONTH_WORDS = {
    **{calendar.month_name[m].lower(): m for m in range(1, 13)},
    **{calendar.month_abbr[m].lower(): m for m in range(1, 13)},
    "sept": 9,
}
UNIT_WORDS = {
    "day": "day",
    "days": "day",
    "din": "day",
    "week": "week",
    "weeks": "week",
    "hafte": "week",
    "hafta": "week",
    "month": "month",
    "months": "month",
    "mahine": "month",
    "mahina": "month",
    "year": "year",
    "years": "year",
    "saal": "year",
    "sal": "year",
}
THIS_WORDS = frozenset({"this", "current", "is", "iss", "ye", "yeh"})
LAST_WORDS = frozenset(
    {"last", "previous", "past", "prior", "pichle", "pichhle", "pichla", "pichhla", "pichli"}
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twelve": 12}

# Multi-word phrases read as one token before anything else.
PHRASES = (
    ("late night", "late_night"),
    ("time of day", "times_of_day"),
    ("times of day", "times_of_day"),
    ("time block", "block"),
    ("time blocks", "blocks"),
    ("payment mode", "mode"),
    ("payment modes", "modes"),
    ("debit card", "debit_card"),
    ("credit card", "credit_card"),
    ("net banking", "net_banking"),
    ("google pay", "google_pay"),
    ("phone pe", "phone_pe"),
    ("non essential", "nonessential"),
    ("not necessary", "unnecessary"),
    ("not essential", "nonessential"),
    ("month by month", "monthly"),
    ("week by week", "weekly"),
    ("per month", "monthly"),
    ("by month", "monthly"),
    ("each month", "monthly"),
    ("every month", "monthly"),
    ("eating out", "eatout"),
    ("eat out", "eatout"),
    ("ate out", "eatout"),
    ("har mahine", "monthly"),
    ("per week", "weekly"),
    ("by week", "weekly"),
    ("each week", "weekly"),
    ("every week", "weekly"),
    ("har hafte", "weekly"),
    ("how many", "many"),
    ("how often", "often"),
    ("kitni baar", "baar"),
    ("kitne baar", "baar"),
    ("by category", "categories"),
    ("per category", "categories"),
    ("saturday and sunday", "saturday_sunday"),
)
_PHRASES = sorted(PHRASES, key=lambda p: -len(p[0]))
_TOKEN = re.compile(r"[a-z0-9\u0900-\u097f][a-z0-9\u0900-\u097f+&._-]*")
_MERCHANT_WORDS = {w: name for name, words in MERCHANTS for w in words}


def _normalise(text: str) -> str:
    text = text.casefold().replace("’", "'").replace("'", "").replace("–", "-").replace("—", "-")
    text = re.sub(r"[?!,;:()\"]", " ", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # non-leaks, non-essential
    text = " " + " ".join(text.split()) + " "
    for phrase, token in _PHRASES:
        text = text.replace(f" {phrase} ", f" {token} ")
    return text


# --- periods -----------------------------------------------------------------------------------
class _Clock:
    """Builds periods relative to the person's today (a period never ends after today)."""

    def __init__(self, today: date) -> None:
        self.today = today

    def clip(self, start: date, end: date, unit: str) -> Period:
        return Period(start, min(end, self.today) if start <= self.today else end, unit)

    def day(self, day: date) -> Period:
        return Period(day, day, "day")

    def week(self, plus: int) -> Period:
        start = self.today - timedelta(days=self.today.weekday()) + timedelta(weeks=plus)
        return self.clip(start, start + timedelta(days=6), "week")

    def month(self, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return self.clip(start, month_bounds(start)[1] - timedelta(days=1), "month")

    def month_from_now(self, plus: int) -> Period:
        start = month_start(self.today.year, self.today.month, plus=plus)
        return self.month(start.year, start.month)

    def year(self, year: int) -> Period:
        return self.clip(date(year, 1, 1), date(year, 12, 31), "year")

    def latest_month(self, month: int) -> Period:
        """`in May`: the latest May that has begun."""
        year = self.today.year if month <= self.today.month else self.today.year - 1
        return self.month(year, month)

    def last_n(self, n: int, unit: str) -> Period:
        if unit == "day":
            start = self.today - timedelta(days=n - 1)
        elif unit == "week":
            start = self.today - timedelta(days=7 * n - 1)
        elif unit == "month":
            start = _add_months(self.today, -n) + timedelta(days=1)
        else:
            start = _add_months(self.today, -12 * n) + timedelta(days=1)
        return Period(start, self.today, "span")

    def latest_date(self, month: int, day: int, year: int | None) -> date:
        if year is not None:
            return _date(year, month, day)
        candidate = _date(self.today.year, month, day)
        return candidate if candidate <= self.today else _date(self.today.year - 1, month, day)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise _Unreadable(f"{day} {calendar.month_name[month]} {year}") from error


def _add_months(day: date, months: int) -> date:
    start = month_start(day.year, day.month, plus=months)
    last = calendar.monthrange(start.year, start.month)[1]
    return start.replace(day=min(day.day, last))


class _Unreadable(Exception):
    pass


_MONTH = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"
_DAY_MONTH = (
    rf"(?:(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})|({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?)(?: ({_YEAR}))?"
)
_ISO = r"(\d{4})-(\d{2})-(\d{2})"
_RANGE = re.compile(
    rf" (?:between|from) (?:{_DAY_MONTH}|{_ISO}) (?:and|to|till|until|-) (?:{_DAY_MONTH}|{_ISO}) "
)
_MONTH_RANGE = re.compile(
    rf" (?:between|from) ({_MONTH})(?: ({_YEAR}))? (?:and|to|till|until|-) ({_MONTH})(?: ({_YEAR}))? "
)
_WEEKEND = re.compile(r" (this|last|previous|pichle) weekend ")
_SINCE = re.compile(rf" since (?:{_DAY_MONTH}|{_ISO}|({_MONTH})(?: ({_YEAR}))?) ")
_LAST_N = re.compile(
    r" (?:last|past|previous|pichle|pichhle) (\d{1,3}|" + "|".join(NUMBER_WORDS) + r") (\w+) "
)
_MONTH_YEAR = re.compile(rf" (?:in |for |during |of )?({_MONTH}) ({_YEAR}) ")
_NAMED_MONTH = re.compile(rf" (?:in|for|during|of|since) ({_MONTH}) ")
_BARE_MONTH = re.compile(rf" ({'|'.join(n for n in MONTH_WORDS if n not in ('may', 'mar'))}) ")
_YEAR_ONLY = re.compile(rf" (?:in |for |during |of )?({_YEAR}) ")
_RELATIVE = re.compile(
    r" (this|current|is|iss|ye|yeh|last|previous|past|prior|pichle|pichhle|pichla|pichhla|pichli) (\w+) "
)
_AND_LAST = re.compile(
    r" (?:and|vs|versus|with|to|against|aur) (?:the )?(?:last|previous|pichle|before)(?: one)? "
)


def _date_of(groups: tuple[str | None, ...], clock: _Clock) -> date:
    """A date from one _DAY_MONTH|_ISO group of 8: (d, mon, mon, d, year, Y, M, D)."""
    d1, m1, m2, d2, year, iy, im, iday = groups
    if iy is not None:
        try:
            return date(int(iy), int(im or 0), int(iday or 0))
        except ValueError as error:
            raise _Unreadable(f"{iy}-{im}-{iday}") from error
    day = int(d1 or d2 or 0)
    month = MONTH_WORDS[(m1 or m2 or "").lower()]
    return clock.latest_date(month, day, int(year) if year else None)


def _periods(text: str, clock: _Clock) -> tuple[str, list[tuple[int, Period]]]:
    """Find the periods a question names (their place in it and what they mean) and take them out."""
    found: list[tuple[int, Period]] = []

    def take(match: re.Match[str], period: Period) -> str:
        found.append((match.start(), period))
        return " " + "\0" * (len(match.group(0)) - 2) + " "

    def range_of(m: re.Match[str]) -> str:
        g = m.groups()
        start, end = _date_of(g[:8], clock), _date_of(g[8:], clock)
        if not any(g[4:6]) and not any(g[12:14]) and start > end:  # "from 20 dec to 5 jan"
            start = start.replace(year=start.year - 1)
        if start > end:
            raise _Unreadable(m.group(0).strip())
        return take(m, Period(start, end, "span"))

    def since(m: re.Match[str]) -> str:
        g = m.groups()
        if g[8] is not None:
            month = MONTH_WORDS[g[8]]
            start = clock.month(int(g[9]), month).start if g[9] else clock.latest_month(month).start
        else:
            start = _date_of(g[:8], clock)
        if start > clock.today:  # "since July 2030"
            raise _Unreadable(m.group(0).strip())
        return take(m, Period(start, clock.today, "span"))

    def last_n(m: re.Match[str]) -> str:
        unit = UNIT_WORDS.get(m.group(2))
        if unit is None:
            return m.group(0)
        n = int(m.group(1)) if m.group(1).isdecimal() else NUMBER_WORDS[m.group(1)]
        if not 1 <= n <= 400:
            raise _Unreadable(m.group(0).strip())
        return take(m, clock.last_n(n, unit))

    def relative(m: re.Match[str]) -> str:
        unit = UNIT_WORDS.get(m.group(2))
        if unit is None or unit == "day":
            return m.group(0)
        plus = 0 if m.group(1) in THIS_WORDS else -1
        if unit == "week":
            return take(m, clock.week(plus))
        if unit == "month":
            return take(m, clock.month_from_now(plus))
        return take(m, clock.year(clock.today.year + plus))

    def named(m: re.Match[str]) -> str:
        return take(m, clock.latest_month(MONTH_WORDS[m.group(1)]))

    def month_range(m: re.Match[str]) -> str:
        first_month, first_year, last_month, last_year = m.groups()
        last = (
            clock.month(int(last_year), MONTH_WORDS[last_month])
            if last_year
            else clock.latest_month(MONTH_WORDS[last_month])
        )
        month = MONTH_WORDS[first_month]
        year = int(first_year) if first_year else last.start.year - (month > last.start.month)
        start = date(year, month, 1)
        if start > last.start:
            raise _Unreadable(m.group(0).strip())
        return take(m, Period(start, last.end, "span"))

    def weekend(m: re.Match[str]) -> str:
        """`this weekend`: the latest that has begun; `last weekend`: the one before today's week."""
        saturday = clock.today - timedelta(days=(clock.today.weekday() - 5) % 7)
        if m.group(1) != "this" and clock.today.weekday() >= 5:
            saturday -= timedelta(days=7)
        return take(m, clock.clip(saturday, saturday + timedelta(days=1), "weekend"))

    text = _RANGE.sub(range_of, text)
    text = _MONTH_RANGE.sub(month_range, text)
    text = _WEEKEND.sub(weekend, text)
    text = _SINCE.sub(since, text)
    text = _LAST_N.sub(last_n, text)
    text = _MONTH_YEAR.sub(lambda m: take(m, clock.month(int(m.group(2)), MONTH_WORDS[m.group(1)])), text)
    text = _NAMED_MONTH.sub(named, text)
    text = _BARE_MONTH.sub(named, text)
    text = _YEAR_ONLY.sub(lambda m: take(m, clock.year(int(m.group(1)))), text)
    text = _RELATIVE.sub(relative, text)
    for word, period in (
        ("today", clock.day(clock.today)),
        ("aaj", clock.day(clock.today)),
        ("yesterday", clock.day(clock.today - timedelta(days=1))),
        ("kal", clock.day(clock.today - timedelta(days=1))),
    ):
        text = re.sub(rf" {word} ", lambda m, p=period: take(m, p), text)  # type: ignore[misc]
    if found:
        # "this month and last", "this week vs the previous one": the one before the first period
        def and_last(m: re.Match[str]) -> str:
            first = min(found, key=lambda pair: pair[0])[1]
            return take(m, first.previous())

        text = _AND_LAST.sub(and_last, text)
    found.sort(key=lambda pair: pair[0])
    return text.replace("\0", " "), found


# --- the question ------------------------------------------------------------------------------
@dataclass
class _Reading:
    measure: set[Measure] = field(default_factory=set)
    by: By | None = None
    limit: int | None = None
    categories: list[str] = field(default_factory=list)
    merchant: str | None = None
    merchant_category: str | None = None
    modes: list[str] = field(default_factory=list)
    time_block: str | None = None
    day_type: str | None = None
    weekday: int | None = None
    leak: bool | None = None
    necessary: bool | None = None
    spends: bool = False  # "biggest spends": single spends
    unknown: list[str] = field(default_factory=list)
    meaningful: int = 0  # words that said something


def _read_words(tokens: list[str], words: Mapping[str, str]) -> _Reading:
    r = _Reading()
    aliases = alias_table(EntryType.EXPENSE)
    negate = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        meaning_negated, negate = negate, False
        if token in NEGATIONS:
            negate = True
            i += 1
            continue
        i += 1
        r.meaningful += 1
        for n in range(min(MAX_NAME_WORDS, len(tokens) - i + 1), 1, -1):  # the longest name first
            name = " ".join(tokens[i - 1 : i - 1 + n])
            if name in words or name in _MERCHANT_WORDS or name in aliases:
                token = name
                i += n - 1
                break
        if token in LEAK_WORDS:
            r.leak = not meaning_negated
        elif token in NECESSARY:
            r.necessary = NECESSARY[token] != meaning_negated
        elif token in COUNT_WORDS:
            r.measure.add(Measure.COUNT)
        elif token in AVERAGE_WORDS:
            r.measure.add(Measure.AVERAGE)
        elif token in TOP_WORDS:
            r.measure.add(Measure.TOP)
        elif token in TOP_NOUNS:
            r.by = TOP_NOUNS[token]
            if token == "where":
                r.meaningful -= 1
        elif token in SPEND_NOUNS:
            r.spends = True
            r.meaningful -= 1
        elif token in COMPARE_WORDS:
            r.measure.add(Measure.COMPARE)
        elif token in ("monthly", "weekly") or token in TREND_WORDS:
            r.measure.add(Measure.TREND)
            if token == "weekly":
                r.by = By.WEEK
            elif token == "monthly":
                r.by = By.MONTH
        elif token in UNIT_WORDS and UNIT_WORDS[token] in ("week", "month"):
            r.by = By.WEEK if UNIT_WORDS[token] == "week" else By.MONTH  # "trend per week", "each month"
        elif token in BUDGET_WORDS:
            r.measure.add(Measure.BUDGET)
        elif token in TIME_BLOCK_WORDS:
            r.time_block = TIME_BLOCK_WORDS[token]
        elif token in DAY_TYPE_WORDS:
            r.day_type = DAY_TYPE_WORDS[token]
        elif token in WEEKDAY_WORDS and token not in ("sat", "sun", "mon", "wed"):
            r.weekday = WEEKDAY_WORDS[token]
        elif token in MODE_WORDS:
            r.modes.extend(MODE_WORDS[token])
        elif (mode := normalise_payment_mode(token)) is not None and token not in ("other", "dc", "nb"):
            r.modes.append(mode)
        elif token in words:
            r.categories.append(words[token])
        elif token in _MERCHANT_WORDS:
            r.merchant = _MERCHANT_WORDS[token]
            r.merchant_category = aliases.get(token)
        elif token in aliases:
            r.categories.append(aliases[token])
        elif token.isdecimal() and 1 <= int(token) <= 50:
            r.limit = int(token)
        elif token in FILLER:
            r.meaningful -= 1
            negate = meaning_negated  # "not a leak", "not on dining"
        elif token in NUMBER_WORDS:
            r.limit = NUMBER_WORDS[token]
        else:
            r.meaningful -= 1
            r.unknown.append(token)
    return r


def _measure(r: _Reading, periods: list[Period]) -> Measure:
    for measure in (Measure.BUDGET, Measure.COMPARE, Measure.TREND, Measure.TOP, Measure.AVERAGE):
        if measure in r.measure:
            return measure
    if Measure.COUNT in r.measure:
        return Measure.COUNT
    if len(periods) >= 2:
        return Measure.COMPARE
    return Measure.TOTAL


def understand(text: str, *, today: date, words: Mapping[str, str] | None = None) -> Query | NotUnderstood:
    """Read a question in plain words; words are the person's own (casefolded word -> category:
    their categories and taught words, services/ledger/vocabulary.py Vocabulary.words())."""
    own = {_normalise(k).strip(): v for k, v in (words or {}).items()}
    clock = _Clock(today)
    normal = _normalise(text)
    try:
        rest, found = _periods(normal, clock)
    except _Unreadable as error:
        return _not_understood([str(error)], today)
    tokens = [t.strip(".-") for t in _TOKEN.findall(rest)]
    r = _read_words(tokens, own)
    periods = [p for _, p in found]
    if r.unknown or (r.meaningful == 0 and not periods):
        return _not_understood(r.unknown or tokens[:1], today, recognised=r.meaningful > 0 or bool(periods))
    measure = _measure(r, periods)
    if r.limit is not None and measure is not Measure.TOP:
        return _not_understood([str(r.limit)], today)
    by = r.by
    if measure is Measure.TOP:
        by = by if by in (By.CATEGORY, By.PAYMENT_MODE, By.TIME_BLOCK) else By.SPEND
    elif measure is Measure.TREND:
        by = by if by in (By.MONTH, By.WEEK) else By.MONTH
    elif by in (By.CATEGORY, By.PAYMENT_MODE, By.TIME_BLOCK) and measure is Measure.TOTAL:
        measure = Measure.TOP  # "spend by category this month"
    else:
        by = None
    if measure is Measure.TREND and not periods:
        if by is By.WEEK:
            start = today - timedelta(days=today.weekday() + 7 * (TREND_WEEKS - 1))
        else:
            start = month_start(today.year, today.month, plus=1 - TREND_MONTHS)
        period = Period(start, today, "span")
    elif measure is Measure.BUDGET:
        period = clock.month_from_now(0)
    else:
        period = periods[0] if periods else clock.month_from_now(0)
    other = None
    if measure is Measure.COMPARE:
        other = periods[1] if len(periods) >= 2 else period.previous()
    filters = Filters(
        categories=tuple(dict.fromkeys(r.categories)),
        merchant=r.merchant,
        payment_modes=tuple(m for m in PAYMENT_MODES if m in r.modes),
        time_block=r.time_block,
        day_type=r.day_type,
        weekday=r.weekday,
        leak=r.leak,
        necessary=r.necessary,
    )
    limit = r.limit if measure is Measure.TOP else None
    return Query(measure, filters, period, other, by, limit, r.merchant_category if r.merchant else None)


def confident(query: Query | NotUnderstood) -> bool:
    """Whether a message that is not a question is still clearly one ("zomato this year"):
    it was understood and names what it is about (a category, merchant or leaks)."""
    if not isinstance(query, Query):
        return False
    f = query.filters
    return bool(f.categories or f.merchant or f.leak is not None) or query.measure is not Measure.TOTAL


SUGGESTIONS = (
    "how much did I spend this month",
    "biggest leaks this week",
    "top categories last month",
    "dining trend per month",
    "how many leaks this month",
    "compare this month and last",
)


def _not_understood(unknown: list[str], today: date, *, recognised: bool = True) -> NotUnderstood:
    """Three questions that would be understood: a category spelt like the unknown word
    first, then the common ones."""
    suggestions: list[str] = []
    table = alias_table(EntryType.EXPENSE)
    for word in unknown:
        for close in difflib.get_close_matches(word, list(table), n=2, cutoff=CLOSE_ENOUGH):
            if (named := f"{table[close].lower()} this month") not in suggestions:
                suggestions.append(named)
    for common in SUGGESTIONS:
        if common not in suggestions:
            suggestions.append(common)
    return NotUnderstood(
        tuple(unknown), tuple(suggestions[:3]), recognised or len(suggestions) > len(SUGGESTIONS)
    )


def with_category(query: Query, category: str) -> Query:
    """The same question about a category instead of a merchant (see asked.py)."""
    return replace(
        query, filters=replace(query.filters, merchant=None, categories=(category,)), merchant_category=None
    )
