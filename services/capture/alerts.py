"""Read a forwarded or pasted Indian bank, card or UPI payment alert into a Proposal.

Pure and offline: text in, a `Proposal`, a `NotASpend` or None out. No Telegram, no database.
The text is first made one line (newlines and runs of spaces become one space, invisible marks
go). Each field is read from the text alone: the SMS sender is not given, though a sender id
pasted with the text ("VM-HDFCBK") is recognised.

* amount and currency: every amount written after "Rs", "Rs.", "Rs:", "INR", "₹" (or USD, $,
  EUR, €, GBP, £, AED), and the bare "debited by 100.00" some banks write. The transaction
  amount is the first that is no balance or limit. An amount is a balance when "bal",
  "balance", "avl", "available", "limit", "lmt" or "outstanding" comes before it in the same
  stretch (no other amount between) with no movement word after it ("Avl Bal in A/c XX1234 is
  Rs 500" is a balance; "balance has been credited with ₹50" is not), or "is your available
  balance" follows it.
* direction: the earliest movement word decides. Debit: debited, debit, Dr, spent, paid, sent,
  withdrawn, deducted, charged, purchase. Credit: credited, credit, Cr, received, deposited,
  "paid you". "Debit card", "credit card" and "credit limit" are names, not movements. A
  reversal or a refund is always a credit with reversal=True. With no movement word, "used",
  "done at", "txn of" or "payment of/to" read as a debit.
* payee, first found of: "UPI/P2M/<ref>/NAME" (or dashes), "NEFT/<ref>/NAME" segments, the
  first VPA (x@ybl), then for a debit "@UPI_NAME", "<ref>; NAME credited", "at MERCHANT",
  "to / trf to / towards / Fvg NAME", "on MERCHANT", a name alone between the time and "Avl
  Limit"; for a credit "NAME paid you", "from / by NAME". A candidate naming an account, a
  card, a channel or boilerplate ("to your A/c XX1234", "by IMPS", "to block") is skipped.
  Trailing punctuation, honorifics (Mr, Ms, M/s) and gateway prefixes ("PYU*") are stripped;
  a VPA is lower-cased.
* date and time: 03-12-26, 03/12/2026, 03.12.26, 03Dec26, 03-Dec-2026, 03 DEC 2026,
  08/MAY/2026, 2026-12-03 (and 2026:12:03), "on 03 Dec" (no year: the latest such day not
  after today). Day first always; a two-digit year is 20xx. The earliest date in the text is
  the one; a date after `today` or one that is no calendar day gives on_date None. Times:
  14:05, 14:05:09, 02:05 PM, and the time glued to an ISO date (2026-12-03:14:05:09).
* payment mode, one of catalog PAYMENT_MODES or None: ATM cash → "Cash"; a credit or debit
  card named → that; "UPI" written or a VPA → "UPI"; a wallet → None; a UPI app → "UPI";
  NEFT, IMPS, RTGS, net or mobile banking → "Net Banking"; a plain "card" → "Credit Card"
  unless an account or a balance (and no limit) is named, then "Debit Card".
* account tail: the digits after "A/c", "Acct", "Account", "AC", "Card" (with "no.",
  "ending", masks XX ** * •) or a bare masked XX1234; at most the last four.
* reference: the UPI/NEFT info segment, an order id, or what follows UTR, UPI Ref, RRN, Ref
  no, Refno, txn id, "transaction number", "transaction reference number is": six or more
  letters and digits with at least one digit.
* source: an app named first ("CRED: …") or after "using/via/through/with" is the sender; an
  app notification's shape ("You paid ₹120 to X", "X paid you ₹50": Google Pay's; "Paid ₹250
  to X", "Received ₹500 from X": PhonePe's, unless another app is named) is the app's; then
  the bank signing off ("- Axis Bank", "Team IDFC FIRST Bank", "Regards, HDFC Bank"), then the
  first bank named (by name or sender id), then any app named. None known: "generic", and
  sure=False.
* transfers (money that moves but is no spend): an ATM cash withdrawal → "ATM Cash"; a
  credit card bill paid, or a payment received on a card → "Card Bill".

Not a spend (NotASpend), checked in this order: an OTP ("OTP is 123456 …", "123456 is your
OTP", "Your OTP for txn of Rs 500 … is 123456": even with an amount; a footer "never share
your OTP" is no OTP), a payment or collect request, a failed, declined or unsuccessful
transaction (unless money is said to be credited back: then it is a reversal), a mandate or
autopay registration, an upcoming debit ("will be debited"), a bill or due-date reminder, a
promotion (cashback, offer, pre-approved loan, …) and a balance-only message (no amount but a
balance). Registrations, reminders and promotions count only when no amount is tied to a past
movement in its own sentence ("Rs 50 cashback has been credited" is money in).

None: the text does not read like an alert (see `looks_like_alert`), or no amount or no
direction could be read; the caller then reads it as a typed chat line. One alert per text:
a paste of several is read as its first.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Literal

from services.capture.proposal import NotASpend, Proposal
from services.errors import ParseError
from services.money import check_amount, to_minor

__all__ = ["looks_like_alert", "read_alert"]

_I = re.IGNORECASE

# ---------------------------------------------------------------------------------------------
# Amounts

_CURRENCY_CODES = {
    "₹": "INR",
    "rs": "INR",
    "inr": "INR",
    "usd": "USD",
    "$": "USD",
    "eur": "EUR",
    "€": "EUR",
    "gbp": "GBP",
    "£": "GBP",
    "aed": "AED",
}
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{2,3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?![\d,]\d|\.\d)"
_AMOUNT = re.compile(r"(?P<cur>₹|\$|€|£|\b(?:rs|inr|usd|eur|gbp|aed)(?![a-z]))\s*[.:]?\s*" + _NUMBER, _I)
# SBI and others: "A/C X1234 debited by 100.00" with no currency word.
_BARE_AMOUNT = re.compile(r"\b(?:debited|credited)\s+(?:by|with|for)\s+" + _NUMBER, _I)
_BALANCE_BEFORE = re.compile(
    r"\b(?:avl\s*bal|bal|balance|avl|avbl|avail|available|limit|lmt|outstanding)\b", _I
)
_BALANCE_AFTER = re.compile(
    r"^\s*(?:is\s+)?(?:your\s+)?(?:the\s+)?(?:avl|available|total|current|updated|closing)?\s*"
    r"(?:bal|balance|limit)\b",
    _I,
)
_BALANCE_WINDOW = 80
# Money said to be tied to a past movement: "Rs 500 debited", "spent Rs 500", "paid ₹500".
_MOVED_VERB = (
    r"(?:debited|credited|spent|paid|sent|received|withdrawn|deposited|transferred|deducted|"
    r"dr|cr|reversed|refunded)"
)
_MOVED_WORD = re.compile(r"\b" + _MOVED_VERB + r"\b", _I)


class _Amount:
    """One amount in the text: where it is, what it is worth, whether it is a balance."""

    __slots__ = ("currency", "end", "is_balance", "minor", "start")

    def __init__(self, start: int, end: int, minor: int, currency: str, is_balance: bool) -> None:
        self.start = start
        self.end = end
        self.minor = minor
        self.currency = currency
        self.is_balance = is_balance


def _to_minor(number: str, currency: str) -> int | None:
    """Exact minor units for a written number, or None if it is no sane amount."""
    try:
        return check_amount(to_minor(Decimal(number.replace(",", "")), currency), currency)
    except (InvalidOperation, ParseError):
        return None


def _is_balance(before: str, after: str) -> bool:
    """Whether an amount is a balance or a limit: a balance word in its clause before it, with
    no movement between ("Avl Bal in A/c XX1234 is Rs 500", not "balance credited with ₹50"),
    or "is your available balance" after it."""
    words = list(_BALANCE_BEFORE.finditer(before))
    if words and not _MOVED_WORD.search(before, words[-1].end()):
        return True
    return bool(_BALANCE_AFTER.match(after))


def _amounts(text: str) -> list[_Amount]:
    """Every amount in the text, in order, each marked balance or not."""
    found: list[tuple[int, int, str, str]] = [
        (m.start(), m.end(), m["num"], _CURRENCY_CODES[m["cur"].lower()]) for m in _AMOUNT.finditer(text)
    ]
    found += [(m.start("num"), m.end(), m["num"], "INR") for m in _BARE_AMOUNT.finditer(text)]
    found.sort()
    amounts: list[_Amount] = []
    previous_end = 0
    for start, end, number, currency in found:
        minor = _to_minor(number, currency)
        if minor is not None:
            before = text[max(previous_end, start - _BALANCE_WINDOW) : start]
            after = text[end : end + 30]
            amounts.append(_Amount(start, end, minor, currency, _is_balance(before, after)))
        previous_end = end
    return amounts


def _spend_amount(amounts: list[_Amount]) -> _Amount | None:
    """The transaction amount: the first amount that is not a balance or a limit."""
    return next((a for a in amounts if not a.is_balance), None)


# ---------------------------------------------------------------------------------------------
# Direction

_DEBIT = re.compile(
    r"\b(?:debited|debit(?!\s*card)|dr\b|spent|paid(?!\s+you)|sent(?!\s+you)|withdrawn|"
    r"withdrawal|wdl|deducted|charged|purchase|transferred\s+to)",
    _I,
)
_CREDIT = re.compile(
    r"\b(?:credited|credit(?!\s*(?:card|limit|lmt))\b|cr\b|received|deposited|"
    r"(?:paid|sent)\s+you\b|added\s+to)",
    _I,
)
_WEAK_DEBIT = re.compile(
    r"\b(?:used|using|done\s+at|txn\s+of|transaction\s+of|transaction\s+number|"
    r"payment\s+(?:of|to)|successful(?:ly)?\s+paid|money\s+transfer|transfer\s+of)\b",
    _I,
)
_REVERSAL = re.compile(r"\b(?:reversed|reversal|refund(?:ed)?)\b", _I)

Direction = Literal["debit", "credit"]


def _direction(text: str) -> Direction | None:
    """Debit or credit by the earliest movement word; a reversal or refund is a credit."""
    if _REVERSAL.search(text):
        return "credit"
    debit, credit = _DEBIT.search(text), _CREDIT.search(text)
    if debit and (not credit or debit.start() < credit.start()):
        return "debit"
    if credit:
        return "credit"
    return "debit" if _WEAK_DEBIT.search(text) else None


_VERB_THEN_AMOUNT = re.compile(r"\b" + _MOVED_VERB + r"\b\.?[^.;!?]{0,25}$", _I)
_AMOUNT_THEN_VERB = re.compile(r"^[^.;!?]{0,30}?\b" + _MOVED_VERB + r"\b", _I)


def _moved(text: str, amount: _Amount | None) -> bool:
    """Whether the transaction amount is tied to a past movement in its own sentence."""
    if amount is None:
        return False
    before = text[max(0, amount.start - 30) : amount.start]
    after = text[amount.end : amount.end + 40]
    return bool(_VERB_THEN_AMOUNT.search(before) or _AMOUNT_THEN_VERB.search(after))


# ---------------------------------------------------------------------------------------------
# Not a spend

_OTP = re.compile(
    r"\b(?:otp|one[\s-]*time[\s-]*password|verification\s+code)\b\W{0,4}(?:is\W{0,3})?\d{4,8}\b|"
    r"\b\d{4,8}\W{0,3}is\W{0,3}(?:your|the)\W{0,3}(?:otp|one[\s-]*time[\s-]*password)\b|"
    r"\b(?:otp|one[\s-]*time[\s-]*password)\b(?:[^.]|\.(?=\d)){0,80}?\bis\W{0,3}\d{4,8}\b",
    _I,
)
_REQUEST = re.compile(
    r"\b(?:has|have)\s+requested\b|\brequest(?:ed|s|ing)?\s+(?:money|payment|₹|rs|inr)|"
    r"\bcollect\s+request\b|\bpayment\s+request\b|\bis\s+requesting\b",
    _I,
)
_FAILED = re.compile(
    r"\b(?:failed|failure|declined|unsuccessful|not\s+successful|could\s+not\s+be\s+processed|"
    r"rejected|insufficient\s+(?:funds|balance))\b",
    _I,
)
_MONEY_BACK = re.compile(r"(?<!will be )\b(?:credited|reversed|refunded)\b", _I)
_MANDATE = re.compile(r"\b(?:mandate|auto[\s-]?pay|e-?mandate|standing\s+instruction|si)\b", _I)
_REGISTERED = re.compile(
    r"\b(?:created|registered|set\s*up|setup|activated|approved|modified|revoked|cancelled|"
    r"paused|registration)\b",
    _I,
)
_UPCOMING = re.compile(
    r"\bwill\s+be\s+(?:debited|deducted|charged|auto[\s-]?debited)\b|\bis\s+scheduled\b", _I
)
_DUE = re.compile(
    r"\b(?:due\s+(?:on|by|date)|payment\s+due|is\s+due|min(?:imum)?\.?\s+(?:amount\s+)?due|"
    r"total\s+(?:amount\s+)?due|statement\s+(?:is\s+)?generated|bill\s+(?:is\s+)?generated)\b",
    _I,
)
_PROMO = re.compile(
    r"\b(?:cashback|cash\s+back|offers?|pre-?approved|apply\s+now|get\s+up\s*to|up\s*to|win|"
    r"discount|voucher|exclusive|congratulations|eligible|avail|limited\s+period|hurry|"
    r"t\s*&\s*c|loan\s+of|reward\s+points?|emi\s+starting)\b",
    _I,
)
_BALANCE_WORD = re.compile(r"\b(?:bal|balance)\b", _I)


def _not_a_spend(text: str, amounts: list[_Amount]) -> NotASpend | None:
    """The reason a bank-like message records no movement, or None if it may be one."""
    spend = _spend_amount(amounts)
    moved = _moved(text, spend)
    if _OTP.search(text):
        return NotASpend("an OTP")
    if _REQUEST.search(text):
        return NotASpend("a payment request")
    if _FAILED.search(text) and not (_REVERSAL.search(text) and _MONEY_BACK.search(text)):
        return NotASpend("a failed payment")
    if _MANDATE.search(text) and _REGISTERED.search(text) and not moved:
        return NotASpend("a mandate registration")
    if _UPCOMING.search(text):
        return NotASpend("an upcoming debit")
    if _DUE.search(text) and not moved:
        return NotASpend("a bill reminder")
    if _PROMO.search(text) and not moved:
        return NotASpend("a promotion")
    if _BALANCE_WORD.search(text) and spend is None:
        return NotASpend("a balance update")
    return None


# ---------------------------------------------------------------------------------------------
# Date and time

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_ISO_DATE = re.compile(
    r"(?<!\d)(?P<y>20\d{2})[-/:](?P<m>\d{1,2})[-/:](?P<d>\d{1,2})(?!\d)"
    r"(?:[\sT:_]+(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))?(?!\d)(?:\s*(?P<ampm>[ap])\.?m\b)?)?",
    _I,
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,/:-])(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d|[-/.:]\d)"
)
_NAMED_DATE = re.compile(
    r"(?<![\d.,])(?P<d>\d{1,2})(?:st|nd|rd|th)?[-/ ]?"
    r"(?P<m>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:[-/ ,]*(?P<y>20\d{2}|\d{2})(?![\d:]))?(?![a-z])",
    _I,
)
_TIME = re.compile(
    r"(?<![\d:])(?P<hh>[01]?\d|2[0-3]):(?P<mm>[0-5]\d)(?::(?P<ss>[0-5]\d))?(?![\d:])"
    r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?",
    _I,
)


def _year(written: str | None, day: int, month: int, today: date) -> int:
    """The year a date means: 20yy for two digits; no year is the latest one not after today."""
    if written:
        return int(written) + (2000 if len(written) == 2 else 0)
    try:
        return today.year if date(today.year, month, day) <= today else today.year - 1
    except ValueError:
        return today.year


def _make_date(y: str | None, m: int, d: int, today: date) -> date | None:
    """A real calendar day not after today, or None."""
    try:
        day = date(_year(y, d, m, today), m, d)
    except ValueError:
        return None
    return day if day <= today else None


def _make_time(hh: str | None, mm: str | None, ss: str | None, ampm: str | None = None) -> time | None:
    """A clock time, 12-hour when am/pm is written; None when there is none or it is no time."""
    if hh is None or mm is None:
        return None
    hour = int(hh)
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    try:
        return time(hour, int(mm), int(ss or 0))
    except ValueError:
        return None


def _date_and_time(text: str, today: date) -> tuple[date | None, time | None]:
    """The earliest date in the text (day first) and the time written with or after it."""
    matches = [m for rx in (_ISO_DATE, _NUMERIC_DATE, _NAMED_DATE) if (m := rx.search(text))]
    if not matches:
        return None, _time(text)
    first = min(matches, key=lambda m: m.start())
    if first.re is _NAMED_DATE:
        on = _make_date(first["y"], _MONTHS[first["m"].lower()[:3]], int(first["d"]), today)
    else:
        on = _make_date(first["y"], int(first["m"]), int(first["d"]), today)
    at = _make_time(first["hh"], first["mm"], first["ss"], first["ampm"]) if first.re is _ISO_DATE else None
    return on, at or _time(text)


def _time(text: str) -> time | None:
    """The first clock time in the text, or None."""
    m = _TIME.search(text)
    return _make_time(m["hh"], m["mm"], m["ss"], m["ampm"]) if m else None


# ---------------------------------------------------------------------------------------------
# Account tail and reference

_TAIL = re.compile(
    r"\b(?:a/?c|acct|account|card|ac)\b\.?\s*(?:no\.?|number|num)?\s*[:\-]?\s*"
    r"(?:ending\s*(?:with|in)?)?\s*[:\-]?\s*[x*#•.\s]*?(?P<d>\d{3,6})(?!\d|[,.]\d)",
    _I,
)
_MASKED = re.compile(r"(?<![\w*])[x*•]{2,}(?P<d>\d{3,4})\b", _I)


def _account_tail(text: str) -> str | None:
    """The last (up to four) digits of the account or card the alert is about."""
    m = _TAIL.search(text) or _MASKED.search(text)
    return m["d"][-4:] if m else None


_UPI_SLASH = re.compile(
    r"\bUPI([/-])(?:[A-Z0-9]{2,4}\1)?(?P<ref>\d{6,})\1(?P<payee>[^/]+?)"
    r"(?=\1|\s+(?:not\s+you|avl|bal)\b|\.\s|\.?\s*$)",
    _I,
)
_BANK_INFO = re.compile(r"\b(?:NEFT|IMPS|RTGS)(?:\s*Cr|\s*Dr)?\s*[-/:]\s*(?P<segs>[A-Za-z0-9 &'\-/]+)", _I)
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_REFERENCE = re.compile(
    r"\b(?:upi\s+transaction\s+reference\s+number(?:\s+is)?|"
    r"transaction\s+(?:reference\s+)?(?:number|no\.?|id)(?:\s+is)?|"
    r"ref(?:erence)?\.?\s*(?:no\.?|number|num|id)?|refno|rrn(?:\s*no\.?)?|utr(?:\s*no\.?)?|"
    r"txn\s*(?:id|no\.?|#)|order\s*id|"
    r"upi\s*(?:ref(?:erence)?\.?\s*(?:no\.?|id|#)?)?)"
    r"\s*[:#\-]?\s*(?:is\s+)?(?P<ref>(?=[a-z]*\d)[a-z0-9]{6,})\b",
    _I,
)


_ORDER_ID = re.compile(r"\border\s*(?:id|no\.?|#)\s*[:#\-]?\s*(?P<ref>\d[\dA-Z]*(?:-[\dA-Z]+)+)\b", _I)


def _bank_info_segments(text: str) -> list[str]:
    """The parts of "NEFT/IN0123/SAMPLE NAME" or "NEFT Cr-IFSC-Remitter-…": [] if none."""
    m = _BANK_INFO.search(text)
    return [s.strip() for s in re.split(r"[-/]", m["segs"]) if s.strip()] if m else []


def _reference(text: str) -> str | None:
    """The UTR, UPI reference, RRN or transaction id, or None."""
    if m := _UPI_SLASH.search(text):
        return m["ref"]
    if m := _ORDER_ID.search(text):
        return m["ref"]
    if m := _REFERENCE.search(text):
        return m["ref"]
    for segment in _bank_info_segments(text):
        if any(ch.isdigit() for ch in segment) and " " not in segment and not _IFSC.match(segment):
            return segment
    return None


# ---------------------------------------------------------------------------------------------
# Payee

_VPA = re.compile(r"(?<![\w.@-])(?P<vpa>[a-z0-9][\w.\-]*@[a-z][a-z0-9]*)(?![\w@]|\.[a-z])", _I)
_STOP = (
    r"(?=\s+(?:on|dated|date|via|using|ref|refno|rrn|utr|upi|txn|for|avl|avbl|bal|not\s+you|"
    r"if\s+not|thru|through|info|from|to\s+\d|at\s+\d|is|was|has|successful|value)\b"
    r"|\s*[;:(|]|\.(?:\s|$)|\.(?-i:(?=[A-Z][a-z]))|,|\s+-|\s*$)"
)
_NAME = r"(?P<p>(?![\d\s])[\w&'*@.\-/ ]{1,60}?)"
_CREDITED_NAME = re.compile(r"[;.]\s*(?P<p>[A-Za-z][A-Za-z&' ]{1,40}?)\s+credited\b", _I)
_AT = re.compile(r"\bat\s+(?!\d)" + _NAME + _STOP, _I)
_DEBIT_TO = re.compile(
    r"\b(?:trf\s+to|transferred\s+to|paid\s+to|sent\s+to|to|towards|fvg|favouring|mandate\s+of)\s*:?\s+"
    + _NAME
    + _STOP,
    _I,
)
_ON = re.compile(r"\bon\s+(?P<p>[A-Za-z][A-Za-z&'.\- ]{1,40}?)" + _STOP, _I)
# Axis card alerts put the merchant on its own line, after the time, before "Avl Limit".
_AFTER_TIME = re.compile(
    r"\d:\d{2}(?::\d{2})?\s+(?:IST\s+)?(?P<p>[A-Za-z][\w&'.\- ]{1,40}?)\s+(?:avl|avbl|available)\b", _I
)
_UPI_HANDLE = re.compile(r"(?<!\w)@\s*UPI_(?P<p>\w+)", _I)
_CREDIT_FROM = re.compile(r"\b(?:from|frm|by|sender)\s*:?\s+" + _NAME + _STOP, _I)
_PAID_YOU = re.compile(r"(?:^|[.!:]\s*)" + _NAME + r"\s+(?:has\s+)?(?:paid|sent)\s+you\b", _I)
_NOT_A_NAME = re.compile(
    r"\b(?:a/?c|acct|account|card|your|you|wallet|balance|bal|upi|imps|neft|rtgs|ref|refno|"
    r"mob\s*bk|net\s*banking|mobile\s*banking|block|dispute|report|call|sms|customer\s+care|"
    r"atm\s+pin|the\s+bank|beneficiary|date|nach|ach|ecs|mandate)\b|^(?:x+|\*+)\d*$|^(?:rs|inr|usd)\b|^[₹$€£]",
    _I,
)
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|m/s|shri|smt|dr)\.?\s+", _I)
_GATEWAY = re.compile(r"^[A-Z]{2,4}\*(?=\w)")


def _tidy(name: str) -> str | None:
    """A payee as people write it: trimmed, one space, no title, no gateway prefix."""
    name = " ".join(name.split()).strip(" .,;:-/*")
    name = _GATEWAY.sub("", _HONORIFIC.sub("", name))
    if "@" in name:
        name = name.lower()
    return name or None


def _first_name(pattern: re.Pattern[str], text: str) -> str | None:
    """The first match of pattern that is a name, not an account, card or boilerplate."""
    position = 0
    while m := pattern.search(text, position):
        candidate = m["p"].strip()
        if len(candidate) >= 2 and not _NOT_A_NAME.search(candidate):
            return _tidy(candidate)
        position = m.start() + 1  # "towards NEFT to NAME": try "to NAME" next
    return None


def _bank_info_payee(text: str) -> str | None:
    """The remitter or beneficiary named in NEFT/IMPS/RTGS info segments."""
    for segment in _bank_info_segments(text):
        if re.fullmatch(r"[A-Za-z][A-Za-z .&']+", segment) and segment.lower() not in {"cr", "dr"}:
            return _tidy(segment)
    return None


def _payee(text: str, direction: Direction) -> str | None:
    """The merchant, VPA or person paid (or, for a credit, paying)."""
    if m := _UPI_SLASH.search(text):
        return _tidy(m["payee"])
    if payee := _bank_info_payee(text):
        return payee
    if m := _VPA.search(text):
        return _tidy(m["vpa"])
    if direction == "debit":
        patterns = (_UPI_HANDLE, _CREDITED_NAME, _AT, _DEBIT_TO, _ON, _AFTER_TIME)
    else:
        patterns = (_PAID_YOU, _CREDIT_FROM)
    for pattern in patterns:
        if payee := _first_name(pattern, text):
            return payee
    return None


# ---------------------------------------------------------------------------------------------
# Source, mode and transfers

_BANKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, _I))
    for name, rx in (
        ("HDFC Bank", r"\bhdfc|hdfcbk"),
        ("SBI", r"\bsbi(?:\b|upi|inb|crd|psg)|state\s+bank\s+of\s+india|\byono\b"),
        ("ICICI Bank", r"\bicici"),
        ("Axis Bank", r"\baxis\b|axisbk"),
        ("Kotak Mahindra Bank", r"\bkotak|kbankt"),
        ("PNB", r"\bpnb|punjab\s+national\s+bank"),
        ("Bank of Baroda", r"bank\s+of\s+baroda|\bbob\b|\bbobtxn|\bbarbk"),
        ("Canara Bank", r"canara|\bcanbnk"),
        ("Union Bank of India", r"union\s+bank|\bunionb|\bubinb"),
        ("IDFC FIRST Bank", r"\bidfc"),
        ("Yes Bank", r"\byes\s*bank\b|\byesbnk"),
        ("IndusInd Bank", r"\bindusind|\bindusb"),
        ("IDBI Bank", r"\bidbi"),
        ("Federal Bank", r"\bfederal\s+bank|\bfedbnk"),
        ("RBL Bank", r"\brbl\s*bank|\brblbnk"),
        ("AU Small Finance Bank", r"\bau\s+(?:small\s+finance\s+)?bank|\baubank"),
        ("Bank of India", r"(?<!union )(?<!state )(?<!central )\bbank\s+of\s+india|\bboiind"),
        ("Indian Bank", r"\bindian\s+bank\b"),
        ("Indian Overseas Bank", r"\bindian\s+overseas\s+bank|\biob\b"),
        ("Central Bank of India", r"\bcentral\s+bank\s+of\s+india"),
        ("HSBC", r"\bhsbc"),
        ("Standard Chartered", r"\bstandard\s+chartered|\bscbank"),
    )
)
_APPS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, _I))
    for name, rx in (
        ("Google Pay", r"\bgoogle\s*pay\b|\bg\s?pay\b"),
        ("PhonePe", r"\bphone\s*pe\b"),
        ("Paytm", r"\bpaytm"),
        ("Amazon Pay", r"\bamazon\s*pay\b"),
        ("CRED", r"\bcred\b"),
    )
)
_APP_SHAPE = re.compile(
    r"^\W*(?:(?P<you>you\s+)?(?:have\s+)?(?:paid|sent|received)\s+₹\s*[\d,.]+\s+(?:to|from)\b|"
    r"(?P<paid_you>[^₹.!]{2,40}\s(?:has\s+)?(?:paid|sent)\s+you\s+₹))",
    _I,
)
_APP_LEAD = re.compile(r"^\W*(?:\S+\s+){0,1}$|\b(?:using|via|through|with)\s+(?:your\s+)?$", _I)
_SIGN_OFF = re.compile(r"(?:[-–]\s*|\bteam\s+|\bregards,?\s+)(?P<rest>[^-–]{0,30})$", _I)


def _first_named(names: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> tuple[str, int] | None:
    """The earliest of names found in the text, with its position."""
    hits = [(m.start(), name) for name, rx in names if (m := rx.search(text))]
    return (min(hits)[1], min(hits)[0]) if hits else None


def _source(text: str) -> str:
    """Who sent the alert: the app or bank named in it, or "generic"."""
    app = _first_named(_APPS, text)
    if app and _APP_LEAD.search(text[: app[1]]):
        return app[0]
    if shape := _APP_SHAPE.match(text):
        return app[0] if app else ("Google Pay" if shape["you"] or shape["paid_you"] else "PhonePe")
    sign_off = _SIGN_OFF.search(text)
    bank = (sign_off and _first_named(_BANKS, sign_off["rest"])) or _first_named(_BANKS, text)
    if bank:
        return bank[0]
    return app[0] if app else "generic"


_ATM = re.compile(r"\batm\b(?!\s*pin)", _I)
_WITHDRAWN = re.compile(r"\b(?:withdrawn|withdrawal|wdl|cash\s+withdrawal)\b", _I)
_CARD_BILL = re.compile(
    r"\bcredit\s*card\s*bill|\bcard\s*bill\b|"
    r"\bpayment\b.{0,60}?\b(?:received|credited)\b.{0,40}?\bcard\b|"
    r"\bcard\b.{0,40}?\bpayment\s+(?:of\s+\S+\s+)?(?:has\s+been\s+|was\s+)?received\b|"
    r"\btowards\s+(?:your\s+)?(?:\S+\s+){0,3}credit\s+card\b|"
    r"\b(?:paid|payment\s+of)\s+\S+\s+(?:to|towards|for)\s+(?:your\s+)?(?:\S+\s+){0,3}credit\s+card\b",
    _I,
)
_CREDIT_CARD = re.compile(r"\bcredit\s*card\b|\bcc\b", _I)
_DEBIT_CARD = re.compile(r"\bdebit\s*card\b|\bdc\b", _I)
_CARD = re.compile(r"\bcard\b", _I)
_UPI = re.compile(r"\bupi\b", _I)
_NET_BANKING = re.compile(
    r"\b(?:neft|imps|rtgs|net\s*banking|netbanking|mob\s*bk|mobile\s*banking|internet\s*banking)\b", _I
)
_ACCOUNT_OR_BALANCE = re.compile(r"\b(?:a/?c|acct|account|bal|balance)\b", _I)
_WALLET = re.compile(r"\bwallet\b|\b(?:pay|paytm)\s+balance\b", _I)
_BALANCE_LIMIT = re.compile(r"\b(?:limit|lmt)\b", _I)
_UPI_APPS = frozenset({"Google Pay", "PhonePe", "Paytm", "Amazon Pay"})


def _transfer(text: str, direction: Direction, source: str) -> str | None:
    """A transfer category when the money moved but was not spent (CRED pays card bills)."""
    if direction == "debit" and _ATM.search(text) and _WITHDRAWN.search(text):
        return "ATM Cash"
    if _CARD_BILL.search(text) or (source == "CRED" and _CARD.search(text)):
        return "Card Bill"
    return None


def _payment_mode(text: str, transfer: str | None, source: str, has_vpa: bool) -> str | None:
    """How the money moved, as one of catalog PAYMENT_MODES, or None if the text does not say."""
    if transfer == "ATM Cash":
        return "Cash"
    if _CREDIT_CARD.search(text) and transfer != "Card Bill":
        return "Credit Card"
    if _DEBIT_CARD.search(text):
        return "Debit Card"
    if _UPI.search(text) or has_vpa:
        return "UPI"
    if _WALLET.search(text):
        return None
    if source in _UPI_APPS:
        return "UPI"
    if _NET_BANKING.search(text):
        return "Net Banking"
    if _CARD.search(text) and transfer != "Card Bill":
        return (
            "Debit Card"
            if _ACCOUNT_OR_BALANCE.search(text) and not _BALANCE_LIMIT.search(text)
            else "Credit Card"
        )
    return None


# ---------------------------------------------------------------------------------------------
# Recognising an alert

_SENDER_IDS = re.compile(
    r"\b[A-Z]{2}-[A-Z]{5,6}(?:-[STPG])?\b|\b(?:HDFCBK|SBIUPI|SBIINB|ICICIT|ICICIB|AXISBK|KOTAKB|"
    r"PNBSMS|BOBTXN|CANBNK|UNIONB|IDFCFB|YESBNK|INDUSB)\b"
)
# Words a bank or an app writes and a person typing a spend does not ("upi", "card", "cash"
# and "atm" are left out: people type them too).
_MARKERS = re.compile(
    r"\b(?:a/?c|acct|account|vpa|ref|refno|utr|rrn|txn\s*id|avl|avbl|bal|balance|debited|credited|"
    r"withdrawn|deposited|dear\s+(?:customer|user|upi\s+user|sir)|not\s+you|otp|cashback|offers?|"
    r"pre-?approved|requested|collect\s+request|mandate|autopay|due\s+on|card\s+(?:ending|no)|"
    r"info:?|upi\s+ref)\b|[\w.]@[a-z]|\b[x*]{2,}\d{3,4}\b",
    _I,
)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


# An alert is a few hundred characters; an e-mail's disclaimers after this are not read.
_MAX_LENGTH = 5000


def _normalise(text: str) -> str:
    """One line, single spaces, no invisible marks, and "Rs" for the old rupee sign ₨."""
    text = text[:_MAX_LENGTH].translate(_INVISIBLE).replace("\u20a8", "Rs")
    return " ".join(text.split())


def looks_like_alert(text: str) -> bool:
    """Whether text reads like a bank, card or UPI alert: an amount written with Rs, INR or ₹
    (or "debited by 100.00") plus an alert word (A/c, Ref, debited, Avl Bal, a VPA, a masked
    XX1234, a bank's or app's name or sender id, …) or an app notification's shape ("Paid ₹250
    to …"). Chat lines such as "chai 20", "spent 200 on petrol", "250 dining upi" or even
    "lunch ₹250 upi" are not alerts."""
    return _reads_like_alert(_normalise(text))


def _reads_like_alert(text: str) -> bool:
    """looks_like_alert for normalised text."""
    if not (_AMOUNT.search(text) or _BARE_AMOUNT.search(text)):
        return False
    return bool(
        _MARKERS.search(text)
        or _APP_SHAPE.match(text)
        or _SENDER_IDS.search(text)
        or _first_named(_BANKS, text)
        or _first_named(_APPS, text)
    )


def read_alert(text: str, *, today: date) -> Proposal | NotASpend | None:
    """Read a pasted alert: the movement it records, why it records none, or None when the
    text is not an alert (or its amount or direction cannot be read)."""
    text = _normalise(text)
    if not _reads_like_alert(text):
        return None
    amounts = _amounts(text)
    if reason := _not_a_spend(text, amounts):
        return reason
    spend = _spend_amount(amounts)
    direction = _direction(text)
    if spend is None or direction is None:
        return None
    source = _source(text)
    transfer = _transfer(text, direction, source)
    on_date, at_time = _date_and_time(text, today)
    return Proposal(
        amount_minor=spend.minor,
        currency=spend.currency,
        direction=direction,
        payee=_payee(text, direction),
        on_date=on_date,
        at_time=at_time,
        payment_mode=_payment_mode(text, transfer, source, bool(_VPA.search(text))),
        account_tail=_account_tail(text),
        reference=_reference(text),
        source=source,
        reversal=bool(_REVERSAL.search(text)),  # always a credit (see _direction)
        transfer=transfer,
        sure=source != "generic",
    )
