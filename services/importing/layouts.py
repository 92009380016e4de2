"""The file layouts LeakBot reads, tried in order: our export, the sample dataset's format,
bank and UPI presets, then generic statement detection.

Each layout turns the raw text cells into candidate entries (type, category, amount_minor,
local_dt, the optional fields, note, key) and a reason for every row it cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from db.models import NOTE_LENGTH
from services.catalog import (
    CATEGORIES,
    CONTEXTS,
    DAY_TYPES,
    OTHER_CATEGORY,
    TIME_BLOCKS,
    EntryType,
    alias_table,
    categories_of,
    closest_categories,
    normalise_choice,
    normalise_payment_mode,
)
from services.importing.reader import normalise_header
from services.importing.transfers import not_spending, refunds_logged_as_income
from services.importing.values import (
    DateReading,
    blank,
    choose_date_format,
    decimal_comma_columns,
    match_choices,
    parse_amounts,
    parse_bools,
    parse_dates,
    parse_times,
    squeeze_spaces,
)
from services.ledger.ownformat import OWN_COLUMNS, restore
from services.ledger.vocabulary import is_category_name
from services.money import MAX_ENTRY_AMOUNT, format_money, to_minor
from services.timing import BLOCK_REPRESENTATIVE_HOUR, DATE_ONLY_HOUR

_TYPE_WORDS = {
    "expense": "expense",
    "expenses": "expense",
    "income": "income",
    "savings": "savings",
    "saving": "savings",
    "transfer": "transfer",
    "transfers": "transfer",
    "refund": "refund",
    "refunds": "refund",
}


class Errors:
    """The first problem found on each row, by index."""

    def __init__(self, index: pd.Index) -> None:
        self.reasons = pd.Series(None, index=index, dtype=object)

    def flag(self, mask: pd.Series | np.ndarray, reason: str | pd.Series) -> None:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.reasons.index)
        todo = mask & self.reasons.isna()
        if not todo.any():
            return
        self.reasons[todo] = reason[todo] if isinstance(reason, pd.Series) else reason

    @property
    def ok(self) -> pd.Series:
        return self.reasons.isna()


@dataclass(frozen=True)
class Converted:
    layout: str
    frame: pd.DataFrame  # candidate entries, index = row position
    errors: pd.Series  # reason per row, None where the row is fine


def _cells(raw: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in raw:
        return pd.Series("", index=raw.index, dtype=object)
    return raw[column].fillna("").astype(str).str.strip()


def _check_amounts(
    raw_amount: pd.Series, currency: str, errors: Errors, label: str, *, decimal_comma: bool = False
) -> pd.Series:
    minor, negative, bad = parse_amounts(raw_amount, currency, decimal_comma=decimal_comma)
    errors.flag(blank(raw_amount), f"no {label}")
    errors.flag(bad, "'" + raw_amount.str.slice(0, 40) + "' is not an amount")
    errors.flag(negative, f"negative {label}: give a refund the type refund")
    limit = to_minor(MAX_ENTRY_AMOUNT, currency)
    errors.flag(minor.fillna(0).eq(0) & ~bad & ~blank(raw_amount), f"{label} is zero")
    errors.flag(minor.fillna(0).gt(limit), f"{label} over {format_money(limit, currency)}")
    return minor


def _categories(
    types: pd.Series, names: pd.Series, errors: Errors, *, own_categories: bool = False
) -> pd.Series:
    """Match category names (or aliases) per type; unknown ones get the closest suggestion,
    unless own_categories: then an unknown expense name is kept, as a person's own category
    (services/ledger/vocabulary.py makes it when the rows are stored)."""
    result = pd.Series(None, index=types.index, dtype=object)
    for kind in EntryType:
        rows = types == kind.value
        if not rows.any():
            continue
        table = alias_table(kind)
        mapping = {v: table.get(v.casefold()) for v in names[rows].unique()}
        result[rows] = names[rows].map(mapping)
        unknown = rows & result.isna() & (names != "")
        if own_categories and kind is EntryType.EXPENSE:
            own = unknown & names.map(is_category_name)
            result[own] = names[own].str.strip()
            unknown &= ~own
        for name in names[unknown].unique():
            close = closest_categories(name, kind)
            hint = f" (closest: {', '.join(close)})" if close else ""
            errors.flag(unknown & (names == name), f"unknown {kind.value} category '{name[:40]}'{hint}")
    errors.flag(names == "", "no category")
    return result


def _choice(raw: pd.Series, choices: tuple[str, ...], label: str, errors: Errors) -> pd.Series:
    values, bad = match_choices(raw, lambda v: normalise_choice(v, choices))
    errors.flag(bad, f"unknown {label} '" + raw.str.slice(0, 30) + f"' (one of: {', '.join(choices)})")
    return values


def _bools(raw: pd.Series, label: str, errors: Errors) -> pd.Series:
    values, bad = parse_bools(raw)
    errors.flag(bad, f"{label} must be Yes or No, not '" + raw.str.slice(0, 20) + "'")
    return values.astype(object).where(values.notna(), None)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What a whole column decides for the whole file, so that its chunks read alike."""

    date_format: str | None  # the one format of every date; None when none fits
    has_times: bool  # some date carries a time of day
    refs_are_ids: bool = False  # the reference column names each transaction (see refs_are_ids)
    signed_amounts: bool = False  # some amount is written negative: the sign tells debits
    decimal_comma: bool = False  # amounts are written 1.234,56 (see uses_decimal_comma)
    dates: DateReading = field(default_factory=DateReading)  # how date_format was decided
    sign_guessed: bool = False  # one amount column and nothing else tells debit from credit
    flip_sign: bool = False  # read debits as credits and credits as debits (the person said so)
    charges_positive: bool = False  # a card's export: charges positive, payments negative
    # The money columns (normalised names) that write a decimal comma, each decided alone
    # (see decimal_comma_columns); None: every column as decimal_comma says.
    comma_columns: frozenset[str] | None = None

    def comma_in(self, column: str | None) -> bool:
        """Whether this money column writes a decimal comma."""
        return self.decimal_comma if self.comma_columns is None else column in self.comma_columns

    @classmethod
    def of(
        cls, date_text: pd.Series, ref_text: pd.Series | None = None, *, date_order: str | None = None
    ) -> FileFacts:
        facts = _dates(date_text, None, date_order)[2]
        return replace(facts, refs_are_ids=ref_text is not None and refs_are_ids(ref_text))

    def with_dates(self, dates: DateReading) -> FileFacts:
        return replace(self, dates=dates, date_format=dates.fmt)


# A transaction id: a UTR, a UPI reference, a cheque number (letters and digits, a digit in it).
# (^(?=[^ ]*\d)[A-Za-z0-9][A-Za-z0-9/_.-]{3,39}$ in two parts, without the lookahead that
# pandas would read value by value)
_ID_SHAPE = r"[A-Za-z0-9][A-Za-z0-9/_.-]{3,39}\n?"
_ID_DIGIT = r"^[^ ]*[0-9]"
ID_SHARE = 0.9  # of the filled reference cells that must look like one


def refs_are_ids(ref_text: pd.Series) -> bool:
    """Whether a reference column can tell transactions apart: every filled value unique in
    the file and nearly all of them shaped like a transaction id. A column that repeats
    ("TRANSFER TO 4897…" on every UPI debit) or holds words is not an identity: rows are then
    told apart by their content (a new month's rows are never taken for the last month's)."""
    filled = _meaningful_refs(ref_text).dropna()
    if filled.empty or filled.duplicated().any():
        return False
    shaped = filled.str.fullmatch(_ID_SHAPE) & filled.str.contains(_ID_DIGIT)
    return bool(shaped.mean() >= ID_SHARE)


def _meaningful_refs(ref_text: pd.Series) -> pd.Series:
    return ref_text.where(~ref_text.isin(["", "0", "-", "NA", "N/A", "0000000000000000"]), None)


def _dates(
    date_text: pd.Series, facts: FileFacts | None, date_order: str | None = None
) -> tuple[pd.Series, pd.Series, FileFacts]:
    """The column's dates, read with the file's facts (decided from this column when None,
    the layout's date_order deciding between day-first and month-first when both fit)."""
    if facts is not None:
        dates, bad, _fmt = parse_dates(date_text, facts.date_format)
        return dates, bad, facts
    reading = choose_date_format(date_text, date_order)
    dates, bad, fmt = parse_dates(date_text, reading.fmt)
    has_times = bool(dates.notna().any() and (dates.dt.hour + dates.dt.minute).fillna(0).gt(0).any())
    return dates, bad, FileFacts(fmt, has_times, dates=reading)


def _ledger_frame(
    raw: pd.DataFrame,
    cols: dict[str, str],
    currency: str,
    facts: FileFacts | None,
    *,
    with_time: bool,
    date_order: str | None = None,
    own_categories: bool = False,
) -> tuple[pd.DataFrame, Errors]:
    """Shared reading of the two ledger formats (ours and the sample's). own_categories:
    an expense category the catalogue lacks is a person's own (our export keeps them)."""
    errors = Errors(raw.index)
    c = {k: _cells(raw, v) for k, v in cols.items()}
    dates, bad_date, _facts = _dates(c["date"], facts, date_order)
    errors.flag(c["date"] == "", "no date")
    errors.flag(bad_date, "'" + c["date"].str.slice(0, 30) + "' is not a date")
    types = c["type"].str.casefold().map(_TYPE_WORDS)
    errors.flag(
        types.isna(),
        "type must be expense, income, savings, transfer or refund, not '" + c["type"].str.slice(0, 20) + "'",
    )
    types, c["category"] = refunds_logged_as_income(types, c["category"])
    out = pd.DataFrame(index=raw.index)
    out["type"] = types
    out["category"] = _categories(types.fillna(""), c["category"], errors, own_categories=own_categories)
    out["amount_minor"] = _check_amounts(c["amount"], currency, errors, "amount")
    out["is_necessary"] = _bools(c["is_necessary"], "is_necessary", errors)
    out["is_recurring"] = _bools(c["is_recurring"], "is_recurring", errors)
    modes, bad_mode = match_choices(c["payment_mode"], normalise_payment_mode)
    errors.flag(bad_mode, "unknown payment mode '" + c["payment_mode"].str.slice(0, 30) + "'")
    out["payment_mode"] = modes
    out["context"] = _choice(c["context"], CONTEXTS, "context", errors)
    out["time_block"] = _choice(c["time_block"], TIME_BLOCKS, "time block", errors)
    out["day_type"] = _choice(c["day_type"], DAY_TYPES, "day type", errors)
    if with_time:
        offset, bad_time = parse_times(c["time"])
        errors.flag(bad_time, "'" + c["time"].str.slice(0, 20) + "' is not a time (HH:MM)")
    else:
        hours = out["time_block"].map(BLOCK_REPRESENTATIVE_HOUR).fillna(DATE_ONLY_HOUR)
        offset = pd.to_timedelta(hours.astype(np.int64), unit="h")
    offset = offset.fillna(pd.Timedelta(hours=DATE_ONLY_HOUR))
    out["local_dt"] = dates.dt.normalize() + offset
    out["note"] = c.get("note", pd.Series("", index=raw.index)).str.slice(0, NOTE_LENGTH)
    key_parts = [c[k] for k in cols if k not in ("currency",)]
    out["key"] = _join(key_parts)
    return out, errors


def _join(parts: list[pd.Series]) -> pd.Series:
    """One text key per row from several columns (case-insensitive)."""
    arrays = [pa.array(p.astype(str).str.lower()).cast(pa.large_string()) for p in parts]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar("\x1f", pa.large_string()))
    return pd.Series(joined.to_numpy(zero_copy_only=False), index=parts[0].index, dtype=object)


# --- Layout: LeakBot's own export --------------------------------------------------------


def _own_matches(header: list[str]) -> bool:
    names = {normalise_header(h) for h in header}
    return {normalise_header(c) for c in OWN_COLUMNS[:13]} <= names


def _own_columns(header: list[str]) -> dict[str, str]:
    by_norm = {normalise_header(h): h for h in header}
    return {c: by_norm[normalise_header(c)] for c in OWN_COLUMNS[:13]}


def _own_convert(raw: pd.DataFrame, header: list[str], currency: str, facts: FileFacts | None) -> Converted:
    cols = _own_columns(header)
    frame, errors = _ledger_frame(raw, cols, currency, facts, with_time=True, own_categories=True)
    frame["note"] = restore(frame["note"])
    currencies = _cells(raw, cols["currency"]).str.upper()
    errors.flag(
        (currencies != "") & (currencies != currency.upper()),
        "amount is in '" + currencies.str.slice(0, 5) + f"' but this ledger is in {currency}",
    )
    frame["ref"] = None
    return Converted("LeakBot export", frame, errors.reasons)


# --- Layout: the sample dataset ----------------------------------------------------------

SAMPLE_DATE_ORDER = "DMY"  # the dataset writes 05-03-2024 for 5 March

_SAMPLE = {
    "date": "date",
    "type": "type",
    "category": "category",
    "amount": "value",
    "is_necessary": "isnecessary",
    "payment_mode": "paymentmode",
    "is_recurring": "isrecurring",
    "context": "context",
    "time_block": "timeblock",
    "day_type": "daytype",
}


def _sample_matches(header: list[str]) -> bool:
    return set(_SAMPLE.values()) <= {normalise_header(h) for h in header}


def _sample_columns(header: list[str]) -> dict[str, str]:
    by_norm = {normalise_header(h): h for h in header}
    return {k: by_norm[v] for k, v in _SAMPLE.items()}


def _sample_convert(
    raw: pd.DataFrame, header: list[str], currency: str, facts: FileFacts | None
) -> Converted:
    frame, errors = _ledger_frame(
        raw, _sample_columns(header), currency, facts, with_time=False, date_order=SAMPLE_DATE_ORDER
    )
    frame["ref"] = None
    return Converted("sample dataset", frame, errors.reasons)


# --- Layouts: bank and UPI statements ----------------------------------------------------


@dataclass(frozen=True)
class StatementColumns:
    """Where a statement keeps each thing (normalised header names)."""

    date: str
    description: str
    withdrawal: str | None = None
    deposit: str | None = None
    amount: str | None = None  # signed, or unsigned with a Dr/Cr flag column
    flag: str | None = None
    ref: str | None = None
    time: str | None = None
    mode: str | None = None
    balance: str | None = None  # the running balance, when the statement has one
    # UPI apps' PDFs print the transaction id inside the details ("UTR No. 4065…"): a regex
    # whose group is the id (the ref, when there is no ref column), and what else the details
    # carry that is no description (ids, "Debited from XX1234").
    ref_in_description: str | None = None
    noise: str | None = None
    default_mode: str = "Other"  # the payment mode when the description names none (a UPI app's: UPI)
    # How the bank writes numeric dates when every one of a file reads both ways: DMY (Indian
    # and most banks), MDY (US banks' exports); None: the file, then the person, decides.
    date_order: str | None = None
    category: str | None = None  # the bank's own category (Monzo, Starling, Amex, Chase ...)
    # PayPal's Gross, Fee and Net: the money that moved is the net (the gross less the fee);
    # Revolut's Amount and Fee: the fee is charged on top. Either way one row, one amount.
    fee: str | None = None
    net: str | None = None
    status: str | None = None  # Revolut's State, PayPal's Status: a declined row moved no money


@dataclass(frozen=True)
class BankPreset:
    name: str
    signature: frozenset[str]
    columns: StatementColumns
    # A card's export that writes charges positive and payments negative (Amex, Discover,
    # Apple Card): the sign is turned before it tells the direction.
    charges_positive: bool = False


# What a UPI app's details print besides the payee: its ids and the account it used.
_UPI_NOISE = (
    r"\b(?:Transaction ID|UTR No\.?|UPI Ref(?:erence)? No\.?|UPI Transaction ID|Order ID|UPI ID)"
    r"\s*:?\s*\S+(?:\s+on\s+\d{1,2}\s+\w{3})?"
    r"|\b(?:Debited from|Credited to|Paid by|Paid to) (?:[A-Za-z ]*?Bank )?X*\d{4}\b|\bX{2,}\d{4}\b"
)

# Column names from the banks' CSV/XLS statement exports.
BANK_PRESETS: tuple[BankPreset, ...] = (
    BankPreset(
        "HDFC Bank statement",
        frozenset({"date", "narration", "chqrefno", "valuedt", "withdrawalamt", "depositamt"}),
        StatementColumns(
            date="date",
            description="narration",
            withdrawal="withdrawalamt",
            deposit="depositamt",
            ref="chqrefno",
            balance="closingbalance",
            date_order="DMY",
        ),
    ),
    BankPreset(
        "SBI statement",
        frozenset({"txndate", "valuedate", "description", "refnochequeno", "debit", "credit"}),
        StatementColumns(
            date="txndate",
            description="description",
            withdrawal="debit",
            deposit="credit",
            ref="refnochequeno",
            balance="balance",
            date_order="DMY",
        ),
    ),
    BankPreset(
        "ICICI Bank statement",
        frozenset({"transactiondate", "transactionremarks", "withdrawalamount", "depositamount"}),
        StatementColumns(
            date="transactiondate",
            description="transactionremarks",
            withdrawal="withdrawalamount",
            deposit="depositamount",
            ref="chequenumber",
            balance="balance",
            date_order="DMY",
        ),
    ),
    BankPreset(
        "Axis Bank statement",
        frozenset({"trandate", "particulars", "dr", "cr", "chqno"}),
        StatementColumns(
            date="trandate",
            description="particulars",
            withdrawal="dr",
            deposit="cr",
            ref="chqno",
            balance="bal",
            date_order="DMY",
        ),
    ),
    BankPreset(  # the PDF statement names its amount columns in full
        "Axis Bank statement",
        frozenset({"trandate", "particulars", "debit", "credit", "chqno"}),
        StatementColumns(
            date="trandate",
            description="particulars",
            withdrawal="debit",
            deposit="credit",
            ref="chqno",
            balance="balance",
        ),
    ),
    BankPreset(
        "Kotak Mahindra Bank statement",
        frozenset({"transactiondate", "description", "chqrefno", "amount", "drcr"}),
        StatementColumns(
            date="transactiondate",
            description="description",
            amount="amount",
            flag="drcr",
            ref="chqrefno",
            balance="balance",
            date_order="DMY",
        ),
    ),
    BankPreset(
        "Paytm UPI statement",
        frozenset({"date", "time", "transactiondetails", "amount", "upirefno"}),
        StatementColumns(
            date="date",
            time="time",
            description="transactiondetails",
            amount="amount",
            ref="upirefno",
            date_order="DMY",
        ),
    ),
    BankPreset(
        "PhonePe UPI statement",
        frozenset({"date", "transactiondetails", "type", "amount", "utrno"}),
        StatementColumns(
            date="date",
            description="transactiondetails",
            amount="amount",
            flag="type",
            ref="utrno",
            date_order="DMY",
        ),
    ),
    # The UPI apps' PDF statements: the date over the time, the details over several lines
    # with the transaction's ids in them.
    BankPreset(
        "PhonePe UPI statement (PDF)",
        frozenset({"date", "transactiondetails", "type", "amount"}),
        StatementColumns(
            date="date",
            description="transactiondetails",
            amount="amount",
            flag="type",
            ref_in_description=r"UTR No\.?\s*:?\s*(\w{10,35})",
            noise=_UPI_NOISE,
            default_mode="UPI",
            date_order="DMY",
        ),
    ),
    BankPreset(
        "Paytm UPI statement (PDF)",
        frozenset({"datetime", "transactiondetails", "youraccount", "amount"}),
        StatementColumns(
            date="datetime",
            description="transactiondetails",
            amount="amount",
            ref_in_description=r"UPI Ref(?:erence)? No\.?\s*:?\s*(\w{10,35})",
            noise=_UPI_NOISE,
            default_mode="UPI",
            date_order="DMY",
        ),
    ),
    BankPreset(  # amounts unsigned: "Paid to …" or "Received from …" tells the direction
        "Google Pay statement (PDF)",
        frozenset({"datetime", "transactiondetails", "amount"}),
        StatementColumns(
            date="datetime",
            description="transactiondetails",
            amount="amount",
            flag="transactiondetails",
            ref_in_description=r"UPI Transaction ID\s*:?\s*(\w{10,35})",
            noise=_UPI_NOISE,
            default_mode="UPI",
            date_order="DMY",
        ),
    ),
    # US banks write the month first (MM/DD/YYYY): a file whose days are all 12 or less is
    # still read month-first. Chase's Details says DEBIT, CREDIT or CHECK; the amount is signed.
    BankPreset(
        "Chase statement",
        frozenset({"details", "postingdate", "description", "amount", "type", "balance"}),
        StatementColumns(
            date="postingdate",
            description="description",
            amount="amount",
            flag="details",
            balance="balance",
            ref="checkorslip",
            date_order="MDY",
        ),
    ),
    # Card exports whose charges are positive (payments and refunds negative).
    BankPreset(
        "American Express card export",
        frozenset({"date", "description", "cardmember", "account", "amount"}),
        StatementColumns(
            date="date",
            description="description",
            amount="amount",
            ref="reference",
            category="category",
            default_mode="Credit Card",
            date_order="MDY",  # US card exports
        ),
        charges_positive=True,
    ),
    BankPreset(  # the download with Amex's own details and Category, no card member column
        "American Express card export",
        frozenset({"date", "description", "amount", "extendeddetails", "appearsonyourstatementas"}),
        StatementColumns(
            date="date",
            description="description",
            amount="amount",
            ref="reference",
            category="category",
            default_mode="Credit Card",
            date_order="MDY",  # US card exports
        ),
        charges_positive=True,
    ),
    BankPreset(
        "Discover card export",
        frozenset({"transdate", "postdate", "description", "amount", "category"}),
        StatementColumns(
            date="transdate",
            description="description",
            amount="amount",
            category="category",
            default_mode="Credit Card",
            date_order="MDY",  # US card exports
        ),
        charges_positive=True,
    ),
    BankPreset(
        "Apple Card export",
        frozenset({"transactiondate", "clearingdate", "description", "merchant", "type", "amount"}),
        StatementColumns(
            date="transactiondate",
            description="merchant",
            amount="amount",
            category="category",
            default_mode="Credit Card",
            date_order="MDY",  # US card exports
        ),
        charges_positive=True,
    ),
)

_DATE_NAMES = (
    "txndate",
    "transactiondate",
    "transdate",  # Discover's "Trans. Date"
    "trandate",
    "tradedate",
    "postingdate",
    "posteddate",
    "postdate",
    "bookingdate",
    "starteddate",  # when the money was spent (Revolut); completed is when it settled
    "completeddate",
    "date",
    "datetime",
    "transactiondatetime",
    "buchungstag",  # German banks
    "buchungsdatum",
    "buchung",
    "datum",  # Dutch and German
    "boekdatum",
    "valuedate",
    "valuedt",
    "wert",
    "time",  # a wallet's one date-time column
)
_DESC_NAMES = (
    "narration",
    "description",
    "transactiondescription",
    "particulars",
    "transactionremarks",
    "remarks",
    "transactiondetails",
    "details",
    "payee",
    "name",
    "merchant",
    "merchantname",
    "counterparty",
    "counterpartyname",
    "naamomschrijving",  # ING (NL)
    "naamtegenpartij",  # Rabobank
    "begunstigterauftraggeber",  # Deutsche Bank
    "auftraggeberempfanger",  # ING (DE)
    "empfanger",
    "verwendungszweck",
    "omschrijving",
    "omschrijving1",
    "memo",
    "paymentreference",
)
_WITHDRAWAL_NAMES = (
    "withdrawalamt",
    "withdrawalamount",
    "withdrawnamt",
    "withdrawal",
    "withdrawals",
    "debitamount",
    "debitamt",
    "amountdebit",
    "debit",
    "dr",
    "paidout",
    "moneyout",
    "out",  # "£ Out"
    "debits",
    "soll",  # German: debit
)
_DEPOSIT_NAMES = (
    "depositamt",
    "depositamount",
    "deposit",
    "deposits",
    "creditamount",
    "creditamt",
    "amountcredit",
    "credit",
    "cr",
    "paidin",
    "moneyin",
    "in",  # "£ In"
    "credits",
    "haben",  # German: credit
)
_AMOUNT_NAMES = (
    "amount",
    "transactionamount",
    "amt",
    "value",
    "betrag",  # German
    "bedrag",  # Dutch
    "umsatz",
    "gross",  # PayPal: see _NET_NAMES and _FEE_NAMES
)
_NET_NAMES = ("net", "netamount")
_FEE_NAMES = ("fee", "fees")
_FLAG_NAMES = (
    "drcr",
    "crdr",
    "debitcredit",
    "creditdebit",
    "debitcreditindicator",
    "creditdebitindicator",
    "balanceimpact",
    "afbij",  # ING (NL): Af (out) or Bij (in)
    "sollhaben",
    "type",
    "transactiontype",
)
_REF_NAMES = (
    "chqrefno",
    "refno",
    "referenceno",
    "referencenumber",
    "reference",
    "utr",
    "utrno",
    "upirefno",
    "transactionid",
    "transferwiseid",
    "transactionreference",
    "refnochequeno",
    "chqno",
    "chequeno",
    "chqrefnumber",
    "refnumber",
    "checkorslip",
    "checknumber",
)


_BALANCE_NAMES = (
    "closingbalance",
    "runningbalance",
    "runningbal",
    "balance",
    "availablebalance",
    "bal",
    "saldo",
    "saldonatrn",  # Rabobank
    "saldonamutatie",  # ING (NL)
)
_STATUS_NAMES = ("state", "status", "transactionstatus")
# What a status column says of a row that moved no money (skipped, see reader.is_furniture).
NO_MONEY_MOVED = frozenset(
    {"reverted", "declined", "failed", "cancelled", "canceled", "denied", "rejected", "void", "voided"}
)
# The bank's own category of each row (see bank_categories).
_CATEGORY_NAMES = ("category", "spendingcategory", "kategorie", "categorie", "merchantcategory")


def _first(names: set[str], candidates: tuple[str, ...]) -> str | None:
    return next((c for c in candidates if c in names), None)


def generic_columns(header: list[str]) -> StatementColumns | None:
    """Find date, description and amount columns by their usual names."""
    names = {normalise_header(h) for h in header}
    date = _first(names, _DATE_NAMES)
    desc = _first(names, _DESC_NAMES)
    withdrawal, deposit = _first(names, _WITHDRAWAL_NAMES), _first(names, _DEPOSIT_NAMES)
    amount = _first(names, _AMOUNT_NAMES)
    net = _first(names, _NET_NAMES)
    if date is None or (amount is None and net is None and (withdrawal is None or deposit is None)):
        return None
    time = _first(names - {date}, ("time", "txntime", "transactiontime"))
    common = {
        "date": date,
        "description": desc or "",
        "ref": _first(names, _REF_NAMES),
        "time": time,
        "balance": _first(names, _BALANCE_NAMES),
        "category": _first(names, _CATEGORY_NAMES),
        "status": _first(names, _STATUS_NAMES),
    }
    if withdrawal and deposit:
        return StatementColumns(withdrawal=withdrawal, deposit=deposit, **common)  # type: ignore[arg-type]
    return StatementColumns(
        amount=amount or net,
        flag=_first(names, _FLAG_NAMES),
        net=net if amount else None,
        fee=_first(names, _FEE_NAMES),
        **common,  # type: ignore[arg-type]
    )


_SAVINGS_WORDS = {c.name: c.keywords for c in CATEGORIES if c.type is EntryType.SAVINGS and c.keywords}
_EXPENSE_WORDS = {c.name: c.keywords for c in CATEGORIES if c.type is EntryType.EXPENSE and c.keywords}
_INCOME_WORDS = {c.name: c.keywords for c in CATEGORIES if c.type is EntryType.INCOME and c.keywords}
MODE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("UPI", r"\bupi\b|upi/|@ok|@ybl|@paytm|@ibl|@axl|gpay|phonepe|bhim"),
    ("Net Banking", r"\bneft\b|\bimps\b|\brtgs\b|net ?banking|\bib\b|\bnach\b|\bach\b|bill ?pay"),
    ("Cash", r"\batm\b|cash|\bcwdr\b|\bnwd\b|\bawd\b"),
    ("Credit Card", r"credit card|\bcc\b"),
    ("Debit Card", r"\bpos\b|debit card|\bvps\b|\becom\b|\bcard\b|\bdc\b"),
)


def _keyword_pattern(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w.strip()) if w.strip() == w else re.escape(w) for w in words)


def _first_match(text: pd.Series, patterns: list[str]) -> np.ndarray:
    """For each row of text, the position in patterns of the first one it contains (-1: none).

    ASCII text goes to Arrow's regex engine directly (as pandas would send it), which tells
    whether any of several patterns matches about as fast as whether one does: the patterns
    are halved until one is left (about five readings of a row instead of up to one per
    pattern). Other text goes through pandas, a pattern at a time over the rows no earlier
    one matched, whose Python reading keeps \\b and \\w Unicode-aware."""
    first = np.full(len(text), -1, dtype=np.int64)
    dtype = text.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" and len(patterns):
        arrow = pa.array(text.array)
        if pc.all(pc.string_is_ascii(arrow)).as_py() is not False:
            _first_in_arrow(arrow, np.arange(len(text)), patterns, 0, len(patterns), first)
            return first
    positions = np.arange(len(text))
    pending = text.reset_index(drop=True)
    for k, pattern in enumerate(patterns):
        if not len(positions):
            break
        hit = pending.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
        if hit.any():
            first[positions[hit]] = k
            positions, pending = positions[~hit], pending[~hit]
    return first


def _first_in_arrow(
    text: pa.Array, positions: np.ndarray, patterns: list[str], low: int, high: int, first: np.ndarray
) -> None:
    """first[positions] = the first of patterns[low:high] each row of text contains, if any."""
    hit = _contains_any(text, patterns[low:high])
    if hit.any():
        _first_of(text.filter(pa.array(hit)), positions[hit], patterns, low, high, first)


def _first_of(
    text: pa.Array, positions: np.ndarray, patterns: list[str], low: int, high: int, first: np.ndarray
) -> None:
    """first[positions] = the first of patterns[low:high] each row of text contains (one does)."""
    if high - low == 1 or not len(text):
        first[positions] = low
        return
    middle = (low + high) // 2
    earlier = _contains_any(text, patterns[low:middle])
    _first_of(text.filter(pa.array(earlier)), positions[earlier], patterns, low, middle, first)
    _first_of(text.filter(pa.array(~earlier)), positions[~earlier], patterns, middle, high, first)


def _contains_any(text: pa.Array, patterns: list[str]) -> np.ndarray:
    some = "|".join(f"(?:{p})" for p in patterns)
    return pc.fill_null(pc.match_substring_regex(text, some), False).to_numpy(zero_copy_only=False)


def infer_categories(descriptions: pd.Series, entry_type: str) -> tuple[pd.Series, pd.Series]:
    """Guess categories from statement descriptions with keyword rules (first match wins).

    Returns (category, type): a withdrawal to a mutual fund, FD or RD becomes savings.
    """
    tables = (
        [(_INCOME_WORDS, "income")]
        if entry_type == "income"
        else [(_SAVINGS_WORDS, "savings"), (_EXPENSE_WORDS, "expense")]
    )
    rules = [(name, kind, _keyword_pattern(words)) for table, kind in tables for name, words in table.items()]
    first = _first_match(" " + descriptions.str.casefold() + " ", [pattern for *_, pattern in rules])
    fallback = OTHER_CATEGORY[EntryType(entry_type)]
    names = np.array([name for name, *_ in rules] + [fallback], dtype=object)
    kinds = np.array([kind for _, kind, _ in rules] + [entry_type], dtype=object)
    return (
        pd.Series(names[first], index=descriptions.index, dtype=object),
        pd.Series(kinds[first], index=descriptions.index, dtype=object),
    )


def infer_payment_modes(descriptions: pd.Series) -> pd.Series:
    """Guess the payment mode from the description (UPI ids, NEFT, ATM, POS ...)."""
    first = _first_match(descriptions.str.casefold(), [pattern for _, pattern in MODE_KEYWORDS])
    names = np.array([name for name, _ in MODE_KEYWORDS] + ["Other"], dtype=object)
    return pd.Series(names[first], index=descriptions.index, dtype=object)


# What a type column's words mean for the money (whole words; ACH_CREDIT is "ach credit").
_INFLOW_WORDS = frozenset(
    {
        "cr",
        "c",
        "credit",
        "credited",
        "deposit",
        "refund",
        "interest",
        "received",
        "receive",
        "reversal",
        "reversed",
        "salary",
        "cashback",
        "incoming",
        "in",
        "topup",  # Revolut's TOPUP: money put into the account
        "return",
        "returned",
        "income",
        "bij",  # Dutch: in
        "haben",  # German: credit
        "gutschrift",
    }
)
_OUTFLOW_WORDS = frozenset(
    {
        "dr",
        "d",
        "debit",
        "debited",
        "withdrawal",
        "withdraw",
        "sale",
        "purchase",
        "payment",
        "paid",
        "atm",
        "pos",
        "charge",
        "fee",
        "spend",
        "sent",
        "outgoing",
        "out",
        "transfer",
        "billpay",
        "af",  # Dutch: out
        "soll",  # German: debit
        "lastschrift",
    }
)


def directions(flag: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(outflow, inflow) of a type column, word by word: a credit-side word anywhere wins
    (`ACH_CREDIT`, `Refund`), else a debit-side one (`Sale`, `Payment`, `ATM`, `DR`); a
    value with neither is neither (and reported)."""
    codes, uniques = pd.factorize(flag.fillna(""), sort=False)  # a few distinct words, many rows
    words = pd.Series(uniques, dtype=object).astype(str).str.casefold()
    words = words.str.replace(r"[^a-z]+", " ", regex=True).str.strip().str.split(" ")
    inflow_u = np.fromiter(
        (any(w in _INFLOW_WORDS for w in ws) for ws in words), dtype=bool, count=len(words)
    )
    outflow_u = np.fromiter(
        (any(w in _OUTFLOW_WORDS for w in ws) for ws in words), dtype=bool, count=len(words)
    )
    inflow = pd.Series(inflow_u[codes] if len(codes) else np.zeros(0, dtype=bool), index=flag.index)
    outflow = pd.Series(outflow_u[codes] if len(codes) else np.zeros(0, dtype=bool), index=flag.index)
    return outflow & ~inflow, inflow


def _signed_amounts(
    cols: StatementColumns,
    cell: Callable[[str | None], pd.Series],
    currency: str,
    facts: FileFacts,
    errors: Errors,
) -> tuple[pd.Series, pd.Series]:
    """A one-amount statement's amounts: (minor units, written negative), every unreadable,
    zero or too large amount flagged. Negatives are read every way banks write them
    (`-12.50`, `(12.50)`, `12.50-`, `12.50 Dr`). With a Net column (PayPal) the net is the
    amount; with a Fee column (Revolut) the fee is added to what went out (taken from what
    came in)."""
    column = cols.net or cols.amount
    text = cell(column)
    minor, negative, bad = parse_amounts(text, currency, decimal_comma=facts.comma_in(column))
    errors.flag(blank(text), "no amount")
    errors.flag(bad, "'" + text.str.slice(0, 40) + "' is not an amount")
    if cols.fee is not None and cols.net is None:
        fee_text = cell(cols.fee)
        fee, _fee_negative, fee_bad = parse_amounts(
            fee_text, currency, decimal_comma=facts.comma_in(cols.fee)
        )
        errors.flag(~blank(fee_text) & fee_bad, "'" + fee_text.str.slice(0, 40) + "' is not a fee")
        signed = minor.fillna(0).where(~negative, -minor.fillna(0)) - fee.fillna(0).where(~fee_bad, 0)
        minor = signed.abs().astype("Int64").where(minor.notna(), pd.NA)
        negative = signed.lt(0)
    limit = to_minor(MAX_ENTRY_AMOUNT, currency)
    errors.flag(minor.fillna(0).eq(0) & ~bad & ~blank(text), "amount is zero")
    errors.flag(minor.fillna(0).gt(limit), f"amount over {format_money(limit, currency)}")
    return minor, negative.fillna(False).astype(bool)


# A card's own payment rows, as card exports word them: negative where charges are positive.
_CARD_PAYMENT = r"payment\s*(?:-\s*)?(?:received|thank)|thank you|directpay|autopay payment"
_WRITTEN_NEGATIVE = r"(?i)^\W*[-\u2212\u2013(]|\d\s*-$|\d\s*\)$|dr\.?$"
_EITHER_WAY_WORDS = r"(?i)(?<![a-z])(?:payments?|paid|transfers?)(?![a-z])"
CHARGES_POSITIVE_SHARE = 0.8  # of the rows whose type word tells a direction the sign contradicts


def charges_are_positive(negative: pd.Series, descriptions: pd.Series, flag: pd.Series | None = None) -> bool:
    """Whether a one-amount export writes charges positive (a credit card's: Amex, Discover,
    many card CSVs), told by its rows: the type words contradict the sign on nearly every row
    that has one and never says money in on a positive amount (`Purchase` positive, `Credit`
    negative; a Dr/Cr statement writes its credits positive too), or the card's
    payment rows (`PAYMENT RECEIVED - THANK YOU`) are all negative while most other rows are
    positive."""
    if flag is not None:
        outflow, inflow = _told(flag)
        told = outflow | inflow
        if told.sum() >= 2 and not (inflow & ~negative).any():  # money-in words never positive
            contradicted = (outflow & ~negative) | (inflow & negative)
            if contradicted[told].mean() >= CHARGES_POSITIVE_SHARE:
                return True
    codes, uniques = pd.factorize(descriptions.fillna(""), sort=False)
    is_payment = (
        pd.Series(uniques, dtype=object).astype(str).str.contains(_CARD_PAYMENT, case=False, regex=True)
    )
    payments = pd.Series(is_payment.to_numpy(dtype=bool)[codes], index=descriptions.index)
    others = ~payments
    if not payments.any() or not others.any():
        return False
    return bool(negative[payments].all() and (~negative[others]).mean() > 0.5)


def _told(flag: pd.Series) -> tuple[pd.Series, pd.Series]:
    """directions() without the words that go either way on a card (`Payment`, `Transfer`)."""
    return directions(flag.str.replace(_EITHER_WAY_WORDS, " ", regex=True))


WORDS_DECIDE_SHARE = 0.2  # of the positive rows a type word calls money out


def words_decide(negative: pd.Series, flag: pd.Series) -> bool:
    """Whether a type column decides the direction although some amounts are negative: a
    Dr/Cr statement whose debits are written positive (an odd negative, a reversal, does not
    make the file signed). In a signed file a positive amount is money in, whatever its type
    says, so its debits are never positive."""
    outflow, inflow = _told(flag)
    positive_told = ~negative & (outflow | inflow)
    return bool(
        positive_told.any() and (outflow & positive_told).sum() >= WORDS_DECIDE_SHARE * positive_told.sum()
    )


_BANK_CATEGORY_WORDS: dict[str, str | None] = {
    # How banks name their categories -> ours; None: a bank's catch-all, left to the keywords.
    "eating out": "Dining Out",
    "restaurant": "Dining Out",
    "restaurants": "Dining Out",
    "dining": "Dining Out",
    "food and drink": "Dining Out",
    "food drink": "Dining Out",
    "fast food": "Dining Out",
    "coffee shops": "Dining Out",
    "supermarkets": "Groceries",
    "supermarket": "Groceries",
    "grocery": "Groceries",
    "gas": "Fuel",
    "gasoline": "Fuel",
    "gas automotive": "Fuel",
    "gas station": "Fuel",
    "gas stations": "Fuel",
    "service stations": "Fuel",
    "transport": "Travel",
    "transportation": "Travel",
    "holidays": "Travel",
    "airfare": "Travel",
    "airline": "Travel",
    "lodging": "Travel",
    "car rental": "Travel",
    "other travel": "Travel",
    "bills": "Utilities",
    "bills and utilities": "Utilities",
    "bills and services": "Utilities",
    "phone cable": "Utilities",
    "internet": "Utilities",
    "travel entertainment": None,  # Discover's: one or the other
    "health": "Medical",
    "health and wellness": "Medical",
    "health care": "Medical",
    "medical services": "Medical",
    "gifts and donations": "Gift",
    "charity": "Gift",
    "donations": "Gift",
    "subscriptions": "Subscription",
    "income": None,  # a salary, a refund or interest: the keywords tell
    "salary": "Salary",
    "payroll": "Salary",
    "refunds": "Refund",
    "returns": "Refund",
    "awards and rebate credits": "Refund",
    "general": None,
    "other": None,
    "others": None,
    "miscellaneous": None,
    "payment": None,
    "payments": None,
    "payments and credits": None,
    "payment credit": None,
    "transfers": None,
    "finances": None,
    "expenses": None,
    "merchandise": None,
}


def _bank_category(text: str, kinds: tuple[EntryType, ...]) -> tuple[str, str] | None:
    """One bank category (`Eating out`, `EATING_OUT`, `Food & Drink`, Amex's
    `Merchandise & Supplies-Groceries`) as (our category, its type), or None."""
    words = " ".join(re.sub(r"[^a-z]+", " ", text.casefold().replace("&", " and ")).split())
    if not words:
        return None
    parts = [
        words,
        *(
            " ".join(re.sub(r"[^a-z]+", " ", p.casefold().replace("&", " and ")).split())
            for p in reversed(re.split(r"\s*[-/:>]\s*", text))
            if p.strip()
        ),
    ]
    for part in dict.fromkeys(parts):  # the whole name, then its parts from the most precise
        if part in _BANK_CATEGORY_WORDS:
            name = _BANK_CATEGORY_WORDS[part]
            if name is None:  # a catch-all (`Other`): the whole says nothing, a part may
                if part == words:
                    return None
                continue
            kind = next((k for k in kinds if name in {c.name for c in categories_of(k)}), None)
            if kind is not None:
                return name, kind.value
            continue
        for kind in kinds:
            found = alias_table(kind).get(part) or alias_table(kind).get(part.removesuffix("s"))
            if found is not None and found != OTHER_CATEGORY[kind]:
                return found, kind.value
    padded = f" {words} "
    for kind in kinds:  # the categories' keywords, as descriptions are read (`Coffee Shops`)
        for category in categories_of(kind):
            if any(k.strip() and f" {k.strip()}" in padded for k in category.keywords):
                return category.name, kind.value
    return None


def bank_categories(text: pd.Series, outflow: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The bank's own category column mapped onto ours: (category, type) per row, None where
    the bank's word names none of ours for the row's direction (money out: an expense or
    savings category; in: an income one) or is a catch-all (`General`, `Other`)."""
    category = pd.Series(None, index=text.index, dtype=object)
    types = pd.Series(None, index=text.index, dtype=object)
    for is_out in (True, False):
        rows = outflow == is_out
        if not rows.any():
            continue
        kinds = (EntryType.EXPENSE, EntryType.SAVINGS) if is_out else (EntryType.INCOME,)
        mapping = {v: _bank_category(v, kinds) for v in text[rows].unique()}
        found = text[rows].map(mapping)
        category[rows] = found.map(lambda f: f[0] if f else None)
        types[rows] = found.map(lambda f: f[1] if f else None)
    return category.where(category.notna(), None), types.where(types.notna(), None)


def _description_and_ref(
    cols: StatementColumns, cell: Callable[[str | None], pd.Series]
) -> tuple[pd.Series, pd.Series]:
    """The row's description (spaces squeezed, a UPI app's ids taken out) and its reference
    (its column's, else the id the details carry, else None)."""
    text = squeeze_spaces(cell(cols.description))
    if cols.ref is not None or cols.ref_in_description is None:
        ref = _meaningful_refs(cell(cols.ref))
    else:
        found = text.str.extract(cols.ref_in_description, flags=re.IGNORECASE, expand=False)
        ref = found.astype(object).where(found.notna(), None)
    if cols.noise is not None:
        text = text.str.replace(cols.noise, "", regex=True, flags=re.IGNORECASE)
        text = squeeze_spaces(text).str.strip()
    return text, ref


def _statement_convert(
    name: str,
    cols: StatementColumns,
    raw: pd.DataFrame,
    header: list[str],
    currency: str,
    facts: FileFacts | None,
    *,
    charges_positive: bool = False,
) -> Converted:
    by_norm = {normalise_header(h): h for h in header}

    def cell(norm: str | None) -> pd.Series:
        return _cells(raw, by_norm.get(norm) if norm else None)

    errors = Errors(raw.index)
    date_text = cell(cols.date)
    description, ref = _description_and_ref(cols, cell)
    if facts is None:  # converting a whole file at once: its facts come from these rows
        facts = _statement_facts(cols, raw, header, charges_positive=charges_positive)
    if cols.status is not None:  # a declined card payment is no spend
        status = cell(cols.status)
        errors.flag(
            status.str.casefold().isin(NO_MONEY_MOVED), "'" + status.str.slice(0, 20) + "': no money moved"
        )
    dates, bad_date, facts = _dates(date_text, facts)
    errors.flag(date_text == "", "no date")
    errors.flag(bad_date, "'" + date_text.str.slice(0, 30) + "' is not a date")
    if cols.amount is not None:
        minor, negative = _signed_amounts(cols, cell, currency, facts, errors)
        if facts.signed_amounts or cols.flag is None:
            # The sign decides (over any type words); a card's export is read the other way.
            outflow = negative ^ facts.charges_positive
        else:
            flag = cell(cols.flag)
            outflow, inflow = directions(flag)
            outflow = outflow | (~inflow & negative)  # a negative the words say nothing of: out
            errors.flag(~(outflow | inflow), "can't tell debit from credit: '" + flag.str.slice(0, 20) + "'")
    else:
        w_text, d_text = cell(cols.withdrawal), cell(cols.deposit)
        w_minor, _w_neg, w_bad = parse_amounts(
            w_text, currency, decimal_comma=facts.comma_in(cols.withdrawal)
        )
        d_minor, _d_neg, d_bad = parse_amounts(d_text, currency, decimal_comma=facts.comma_in(cols.deposit))
        has_w = w_minor.fillna(0).gt(0)
        has_d = d_minor.fillna(0).gt(0)
        errors.flag(~blank(w_text) & w_bad, "'" + w_text.str.slice(0, 30) + "' is not an amount")
        errors.flag(~blank(d_text) & d_bad, "'" + d_text.str.slice(0, 30) + "' is not an amount")
        errors.flag(has_w & has_d, "both a withdrawal and a deposit on one row")
        errors.flag(~has_w & ~has_d, "no withdrawal or deposit amount")
        outflow = has_w
        minor = w_minor.where(has_w, d_minor)
        limit = to_minor(MAX_ENTRY_AMOUNT, currency)
        errors.flag(minor.fillna(0).gt(limit), f"amount over {format_money(limit, currency)}")
    outflow = pd.Series(np.asarray(outflow, dtype=bool), index=raw.index)
    if facts.flip_sign:  # the person says the file's debits are its credits (a card's charges)
        outflow = ~outflow
    out = pd.DataFrame(index=raw.index)
    expense_cat, expense_type = infer_categories(description, "expense")
    income_cat, income_type = infer_categories(description, "income")
    out["type"] = expense_type.where(outflow, income_type)
    out["category"] = expense_cat.where(outflow, income_cat)
    if cols.category is not None:  # the bank's own category, where it names one of ours
        bank_cat, bank_type = bank_categories(cell(cols.category), outflow)
        named = bank_cat.notna()
        out.loc[named, "category"] = bank_cat[named]
        out.loc[named, "type"] = bank_type[named]
    not_spending(out, description, outflow, expense_cat.where(expense_type == "expense"))
    out["amount_minor"] = minor
    modes = infer_payment_modes(description)
    out["payment_mode"] = modes.where(modes != "Other", cols.default_mode)
    if cols.time:
        offset, _bad = parse_times(cell(cols.time))
        offset = offset.fillna(pd.Timedelta(hours=DATE_ONLY_HOUR))
    elif facts.has_times:
        offset = dates - dates.dt.normalize()
    else:
        offset = pd.Series(pd.Timedelta(hours=DATE_ONLY_HOUR), index=raw.index)
    out["local_dt"] = dates.dt.normalize() + offset
    out["note"] = description.str.slice(0, NOTE_LENGTH)
    direction = pd.Series(np.where(outflow, "out", "in"), index=raw.index)
    out["ref"] = ref
    day = dates.dt.strftime("%Y-%m-%d").fillna("")
    # The content key reads the description without its spaces and the balance as money, so
    # a PDF (narrations wrapped over lines, 1,250.00) and a CSV of one month key alike.
    content = [day, minor.astype(str), direction, description.str.replace(" ", "", regex=False)]
    balance = cell(cols.balance)
    has_balance = bool(cols.balance) and bool((balance != "").any())
    if has_balance:
        balance_minor, _neg, balance_bad = parse_amounts(
            balance, currency, decimal_comma=facts.comma_in(cols.balance)
        )
        content.append(balance_minor.astype(str).where(~balance_bad, balance))
    content_key = _join(content)
    if has_balance:  # the same rows from a file without the balance (the other format's export)
        out["earlier_key_3"] = _join(content[:4])
    if facts.refs_are_ids:
        out["key"] = ("ref\x1f" + ref.fillna("") + "\x1f" + direction).where(ref.notna(), content_key)
    else:
        out["key"] = content_key
    # Rows stored by earlier versions, keyed by the description as written (and the balance
    # as written, once it counted), are still recognised.
    written = [day, minor.astype(str), direction, description]
    out["earlier_key"] = _join(written)
    if has_balance:
        out["earlier_key_2"] = _join([*written, balance])
    return Converted(name, out, errors.reasons)


# Columns of converted rows that hold how earlier versions keyed the same row.
EARLIER_KEYS = ("earlier_key", "earlier_key_2", "earlier_key_3")


@dataclass(frozen=True)
class Layout:
    name: str
    matches: Callable[[list[str]], bool]
    # convert(rows, header, currency, facts): facts None decides them from these rows
    convert: Callable[[pd.DataFrame, list[str], str, FileFacts | None], Converted] = field(repr=False)
    # facts(rows, header): what the whole file's columns decide (before it is converted in chunks)
    facts: Callable[[pd.DataFrame, list[str]], FileFacts] = field(repr=False)
    # A bank statement's columns for a header (None: a ledger with its own type column, whose
    # signs and columns are not the person's to override)
    columns: Callable[[list[str]], StatementColumns] | None = field(default=None, repr=False)


GENERIC_LAYOUT = "bank statement (columns detected)"


def _ledger_facts(
    columns: Callable[[list[str]], dict[str, str]], date_order: str | None = None
) -> Callable[[pd.DataFrame, list[str]], FileFacts]:
    return lambda raw, header: FileFacts.of(_cells(raw, columns(header)["date"]), date_order=date_order)


def _statement_facts(
    cols: StatementColumns, raw: pd.DataFrame, header: list[str], *, charges_positive: bool = False
) -> FileFacts:
    """A statement's facts: its date format, whether its references are ids, whether its
    amounts carry their sign (then the sign decides the direction over a type column's words)
    and whether they are a card's, charges positive (charges_positive: the layout says so;
    else its rows tell, see charges_are_positive)."""
    by_norm = {normalise_header(h): h for h in header}

    def cell(norm: str | None) -> pd.Series:
        return _cells(raw, by_norm.get(norm) if norm else None)

    description, ref = _description_and_ref(cols, cell)
    has_refs = bool(cols.ref or cols.ref_in_description)
    facts = FileFacts.of(cell(cols.date), ref if has_refs else None, date_order=cols.date_order)
    money = (cols.amount, cols.net, cols.fee, cols.withdrawal, cols.deposit)
    commas = decimal_comma_columns({name: cell(name) for name in money if name})
    comma = bool(commas)
    if cols.balance:  # the balance decides alone too, else follows the amounts
        commas |= decimal_comma_columns({cols.balance: cell(cols.balance)}, follow=comma)
    signed = False
    if cols.amount is not None:
        amounts = cell(cols.net or cols.amount)
        # Written negative as parse_amounts reads it: -12.50, −12.50, (12.50), 12.50-, 12.50 Dr.
        negative = amounts.str.contains(_WRITTEN_NEGATIVE, regex=True)
        signed = bool(negative.any())
        flag = cell(cols.flag) if cols.flag else None
        if signed and not charges_positive:
            charges_positive = charges_are_positive(negative, description, flag)
            if not charges_positive and flag is not None and words_decide(negative, flag):
                signed = False
    return replace(
        facts,
        signed_amounts=signed,
        decimal_comma=comma,
        charges_positive=charges_positive,
        comma_columns=commas,
        sign_guessed=cols.amount is not None and cols.flag is None,
    )


def _preset_layout(preset: BankPreset) -> Layout:
    return statement_layout(
        preset.name,
        preset.columns,
        lambda header: preset.signature <= {normalise_header(h) for h in header},
        charges_positive=preset.charges_positive,
    )


def statement_layout(
    name: str,
    cols: StatementColumns,
    matches: Callable[[list[str]], bool] = lambda header: True,
    *,
    charges_positive: bool = False,
) -> Layout:
    """A bank statement's layout with these columns (a preset's, or the ones a person named)."""
    return Layout(
        name,
        matches,
        lambda raw, header, currency, facts: _statement_convert(
            name, cols, raw, header, currency, facts, charges_positive=charges_positive
        ),
        lambda raw, header: _statement_facts(cols, raw, header, charges_positive=charges_positive),
        lambda header: cols,
    )


def _generic(header: list[str]) -> StatementColumns:
    cols = generic_columns(header)
    assert cols is not None
    return cols


def _generic_convert(
    raw: pd.DataFrame, header: list[str], currency: str, facts: FileFacts | None
) -> Converted:
    return _statement_convert(GENERIC_LAYOUT, _generic(header), raw, header, currency, facts)


LAYOUTS: tuple[Layout, ...] = (
    Layout("LeakBot export", _own_matches, _own_convert, _ledger_facts(_own_columns)),
    Layout(
        "sample dataset",
        _sample_matches,
        _sample_convert,
        _ledger_facts(_sample_columns, SAMPLE_DATE_ORDER),
    ),
    *(_preset_layout(p) for p in BANK_PRESETS),
    Layout(
        GENERIC_LAYOUT,
        lambda h: generic_columns(h) is not None,
        _generic_convert,
        lambda raw, header: _statement_facts(_generic(header), raw, header),
        _generic,
    ),
)


def detect_layout(header: list[str]) -> Layout | None:
    """Return the first layout that recognises this header row."""
    return next((layout for layout in LAYOUTS if layout.matches(header)), None)


def is_header(record: list[str]) -> bool:
    return detect_layout(record) is not None


def known_header_names() -> frozenset[str]:
    """Every normalised column name some layout reads (to split a PDF's header into cells)."""
    names = {normalise_header(c) for c in OWN_COLUMNS} | set(_SAMPLE.values())
    for preset in BANK_PRESETS:
        names |= preset.signature
        names |= {v for v in vars(preset.columns).values() if isinstance(v, str)}
    for group in (
        _DATE_NAMES,
        _DESC_NAMES,
        _WITHDRAWAL_NAMES,
        _DEPOSIT_NAMES,
        _AMOUNT_NAMES,
        _FLAG_NAMES,
        _REF_NAMES,
        _BALANCE_NAMES,
        _NET_NAMES,
        _FEE_NAMES,
        _CATEGORY_NAMES,
    ):
        names |= set(group)
    return frozenset(names - {""})
