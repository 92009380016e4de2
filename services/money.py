"""Exact money: amounts are integer minor units (paise for INR) end to end."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from services.errors import ParseError

# ISO 4217 exponents that differ from 2.
_EXPONENTS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "UGX": 0,
    "XOF": 0,
    "XAF": 0,
    "XPF": 0,
    "BIF": 0,
    "DJF": 0,
    "GNF": 0,
    "KMF": 0,
    "PYG": 0,
    "RWF": 0,
    "VUV": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    "IQD": 3,
    "LYD": 3,
}
# ISO 4217's currencies in circulation (its fund codes, metals and test codes left out).
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW
    ZWG""".split()  # noqa: SIM905
)


def currency_code(value: str) -> str:
    """The ISO 4217 code for value (any case), or ParseError naming examples."""
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise ParseError(
            f"{value.strip()!r} is not a currency code I know. Use one like INR, USD, EUR or GBP."
        )
    return code


_SYMBOLS: dict[str, str] = {
    "INR": "₹",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "AUD": "A$",
    "CAD": "C$",
    "SGD": "S$",
    "AED": "AED ",
    "LKR": "Rs ",
    "NPR": "Rs ",
    "PKR": "Rs ",
    "BDT": "৳",
}

# The largest single entry we accept, in major units. Anything above is almost surely a typo.
MAX_ENTRY_AMOUNT = Decimal("10000000")  # one crore

_CURRENCY_PREFIX = re.compile(r"^(?:₹|rs\.?|inr|\$|usd|€|eur|£|gbp)\s*", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{2,3})*(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>k|l|lakh|lac)?$",
    re.IGNORECASE,
)
_SUFFIX = {
    "k": Decimal(1000),
    "l": Decimal(100000),
    "lakh": Decimal(100000),
    "lac": Decimal(100000),
}


def exponent(currency: str) -> int:
    """Return how many decimal places the currency's minor unit has."""
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal, currency: str) -> int:
    """Convert an exact amount to integer minor units; refuse more decimals than the currency has."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ParseError(f"{amount} has more decimal places than {currency} allows ({exponent(currency)}).")
    return int(scaled)


def to_major(minor: Any, currency: str) -> Any:
    """Minor units as floats of whole currency units, for drawing only (chart axes and bars):
    `12345` paise is 123.45, `12345` yen is 12345.0. One value, an array or a Series."""
    return minor / 10 ** exponent(currency)


# The default micro-spend threshold: what a small, easy-to-miss spend is in each currency
# (₹300 in India). Amounts in whole units; a currency not listed gets FALLBACK_MICRO_UNITS.
MICRO_THRESHOLD_UNITS: dict[str, int] = {
    "INR": 300,
    "USD": 5,
    "EUR": 5,
    "GBP": 5,
    "CHF": 5,
    "CAD": 7,
    "AUD": 8,
    "NZD": 8,
    "SGD": 6,
    "HKD": 40,
    "JPY": 600,
    "KRW": 6000,
    "CNY": 30,
    "TWD": 150,
    "AED": 15,
    "SAR": 15,
    "QAR": 15,
    "KWD": 1,
    "BHD": 2,
    "OMR": 2,
    "JOD": 3,
    "PKR": 1000,
    "BDT": 400,
    "LKR": 1000,
    "NPR": 500,
    "IDR": 60000,
    "VND": 100000,
    "THB": 150,
    "MYR": 20,
    "PHP": 200,
    "ZAR": 80,
    "NGN": 5000,
    "KES": 500,
    "BRL": 25,
    "MXN": 80,
    "TRY": 150,
    "SEK": 50,
    "NOK": 50,
    "DKK": 35,
    "PLN": 20,
    "CZK": 100,
    "HUF": 1500,
    "ILS": 15,
    "EGP": 200,
}
FALLBACK_MICRO_UNITS = 300


def default_micro_threshold(currency: str) -> int:
    """The default micro-spend threshold in minor units of currency: ₹300, $5, ¥600, KWD 1."""
    units = MICRO_THRESHOLD_UNITS.get(currency.upper(), FALLBACK_MICRO_UNITS)
    return units * 10 ** exponent(currency)


def round_minor(minor: int, currency: str, units: int = 1) -> int:
    """Round an amount in minor units to the nearest `units` whole currency units (half up),
    for estimates: "about ₹1,300 a month", "about ₹31,700 a year"."""
    step = units * 10 ** exponent(currency)
    return (minor + step // 2) // step * step


def round_estimate(minor: int, currency: str, figures: int = 3) -> int:
    """An estimate as people say it: `figures` significant figures, whole units at least
    (₹31,680 → ₹31,700, ¥1,234,567 → ¥1,230,000, KWD 28.4 → KWD 28)."""
    whole = 10 ** exponent(currency)
    size = len(str(abs(minor) // whole))  # digits of the whole part
    step = whole * 10 ** max(size - figures, 0)
    return (minor + step // 2) // step * step


def from_minor(minor: int, currency: str) -> Decimal:
    """Return the exact amount for integer minor units."""
    return Decimal(minor).scaleb(-exponent(currency))


_OPERATORS = re.compile(r"([+*×x])|(?<=\d)-(?=\d)")
MAX_TERMS = 20


def _terms(text: str) -> list[str]:
    """Split `120+80*2` into ['120', '+', '80', '*', '2'] (operators: + - * x ×)."""
    parts: list[str] = []
    last = 0
    for match in _OPERATORS.finditer(text):
        parts += [text[last : match.start()], match.group(0)]
        last = match.end()
    parts.append(text[last:])
    return parts


def looks_like_amount(token: str) -> bool:
    """Tell whether a token reads as an amount or a sum of amounts (`250`, `₹1.2k`, `120+80`)."""
    token = _CURRENCY_PREFIX.sub("", token.strip())
    terms = _terms(token)
    return (
        len(terms) <= 2 * MAX_TERMS
        and all(_NUMBER.match(t) for t in terms[::2])
        and any(ch.isdigit() for ch in token)
    )


def _number(term: str, raw: str) -> Decimal:
    match = _NUMBER.match(term)
    if not match:
        raise ParseError(f"{raw!r} is not an amount. Try 250, ₹1,250.50, 1.2k or 120+80.")
    value = Decimal(match["num"].replace(",", ""))
    suffix = (match["suffix"] or "").lower()
    return value * _SUFFIX[suffix] if suffix else value


def parse_amount(token: str, currency: str) -> int:
    """Read `250`, `₹250`, `Rs.250`, `1,250.50` or `1.2k` as positive minor units."""
    raw = token.strip()
    if raw.startswith("-") or raw.startswith("−"):
        raise ParseError("Amounts must be positive: log money you spent, received or saved.")
    terms = _terms(_CURRENCY_PREFIX.sub("", raw))
    if len(terms) > 2 * MAX_TERMS:
        raise ParseError(f"That sum has more than {MAX_TERMS} terms.")
    # Multiplication first, then addition and subtraction, left to right.
    sums: list[Decimal] = [_number(terms[0], raw)]
    signs: list[int] = [1]
    for op, term in zip(terms[1::2], terms[2::2], strict=True):
        value = _number(term, raw)
        if op in "*x×":
            sums[-1] *= value
        else:
            sums.append(value)
            signs.append(1 if op == "+" else -1)
    total = sum((s * v for s, v in zip(signs, sums, strict=True)), Decimal(0))
    if any(_NUMBER.match(t)["suffix"] for t in terms[::2]):  # type: ignore[index]
        total = total.quantize(Decimal(1).scaleb(-exponent(currency)), rounding=ROUND_HALF_UP)
    return check_amount(to_minor(total, currency), currency)


def check_amount(minor: int, currency: str) -> int:
    """Refuse zero, negative and absurd amounts; return minor unchanged otherwise."""
    if minor <= 0:
        raise ParseError("The amount must be more than zero.")
    if minor > to_minor(MAX_ENTRY_AMOUNT, currency):
        raise ParseError(
            f"{format_money(minor, currency)} is more than the largest entry LeakBot accepts "
            f"({format_money(to_minor(MAX_ENTRY_AMOUNT, currency), currency)}). Typo?"
        )
    return minor


def _group_indian(digits: str) -> str:
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    parts = []
    while len(head) > 2:
        parts.insert(0, head[-2:])
        head = head[:-2]
    if head:
        parts.insert(0, head)
    return ",".join([*parts, tail])


def format_money(minor: int, currency: str) -> str:
    """Format minor units for people: `₹1,250.50`, `₹31,700`, `₹1,25,000` (Indian grouping)."""
    exp = exponent(currency)
    amount = from_minor(minor, currency)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    places = exp if amount != amount.to_integral_value() else 0
    text = f"{amount:.{places}f}"
    whole, _, frac = text.partition(".")
    grouped = _group_indian(whole) if currency.upper() == "INR" else f"{int(whole):,}"
    symbol = _SYMBOLS.get(currency.upper(), f"{currency.upper()} ")
    return f"{sign}{symbol}{grouped}{'.' + frac if frac else ''}"


def short_money(major: float, currency: str) -> str:
    """Axis labels: `₹950`, `₹1.2k`, `₹3.4L` (lakh) for INR, `$2.5M` elsewhere."""
    symbol = _SYMBOLS.get(currency.upper(), f"{currency.upper()} ")
    value = abs(major)
    sign = "-" if major < 0 else ""
    steps = (
        ((1e7, "Cr"), (1e5, "L"), (1e3, "k"))
        if currency.upper() == "INR"
        else ((1e9, "B"), (1e6, "M"), (1e3, "k"))
    )
    for size, suffix in steps:
        if value >= size:
            return f"{sign}{symbol}{value / size:.3g}{suffix}"
    return f"{sign}{symbol}{value:.0f}"
