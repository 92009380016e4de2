"""Vectorised readers for CSV columns: amounts, dates, booleans and named choices.

Each returns the parsed values plus a boolean mask of the cells it could not read, so the
caller can report every bad cell with its line number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from services.money import exponent

_DATE_FORMATS_DAY_FIRST = (
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d %b, %Y",
)
_DATE_FORMATS_MONTH_FIRST = ("%m-%d-%Y", "%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%b %d %Y")
_DATE_FORMATS_ISO = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_TIME_SUFFIXES = ("", " %H:%M:%S", " %H:%M", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S")

_AMOUNT = r"^(?P<sign>[+-]?)(?P<int>\d+)(?:\.(?P<frac>\d*))?$"
_PLAIN = r"[+-]?\d+(?:\.\d*)?"
_MINUS_SIGNS = "[\u2212\u2013\u2012\ufe63\uff0d]"  # −, –, ‒ and the small and wide hyphen-minus
_CURRENCY_WORDS = r"[₹$€£¥]|\b(?:rs|inr|usd|gbp|eur|aud|cad|chf|sgd|aed)\b\.?"
_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


def on_distinct(
    series: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, ...]]
) -> tuple[pd.Series, ...]:
    """Run a column parser once per distinct cell and spread the results back to every row.

    Statement and ledger columns repeat a lot (dates, categories, amounts), so this turns
    100,000 parses into a few thousand.
    """
    codes, uniques = pd.factorize(series.fillna(""), sort=False)
    results = parse(pd.Series(uniques, dtype=object))
    return tuple(pd.Series(r.take(codes).array, index=series.index, name=series.name) for r in results)


def blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")


def parse_amounts(
    series: pd.Series, currency: str, *, decimal_comma: bool = False
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read money cells exactly: returns (minor units as Int64, negative mask, bad mask).
    decimal_comma: the column writes 1.234,56 (see uses_decimal_comma)."""
    minor, negative, bad = on_distinct(series, lambda u: _parse_amounts(u, currency, decimal_comma))
    return minor, negative.astype(bool), bad.astype(bool)


# What re's \s matches in text (str.isspace), as an RE2 class: pandas reads \s value by value.
_SPACE_RE2 = (
    "["
    + "".join(
        f"\\x{{{c:x}}}"
        for c in (*range(0x9, 0xE), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B))
    )
    + "".join(f"\\x{{{c:x}}}" for c in (0x2028, 0x2029, 0x202F, 0x205F, 0x3000))
    + "]"
)

# A decimal comma: one or two digits after the last comma, and no dot after it (12,50 or
# 1.234,56); 1,250 and 1,25,000 are thousands. A decimal point: one or two digits after a dot.
_DECIMAL_COMMA = r",\d{1,2}\s*(?:[A-Za-z]{2,3}\.?)?\)?-?$"
_DOT_THOUSANDS = (
    r"[-+(]?\d{1,3}(?:\.\d{3})+\)?-?"  # 1.500 or -12.345.678: whole amounts, dots between thousands
)
_DECIMAL_POINT = r"\.\d{1,2}\s*(?:[A-Za-z]{2,3}\.?)?\)?-?$"


def uses_decimal_comma(*columns: pd.Series) -> bool:
    """Whether a statement's amount columns write a decimal comma (European banks): some
    value ends in a comma and one or two digits, and none in a dot and one or two."""
    text = pd.concat([c.fillna("").astype(str).str.strip() for c in columns], ignore_index=True)
    return bool(text.str.contains(_DECIMAL_COMMA).any() and not text.str.contains(_DECIMAL_POINT).any())


def _any_search(text: pd.Series, pattern: str) -> bool:
    """text.str.contains(pattern).any() for the money patterns above, in Arrow for Arrow-backed
    text (pandas reads \\s value by value): re's \\d and \\s spelt out for RE2, and its $ that
    lets a final newline through."""
    dtype = text.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return bool(text.str.contains(pattern).any())
    spelt = pattern.replace(r"\d", r"\p{Nd}").replace(r"\s", _SPACE_RE2).removesuffix("$") + r"\n?$"
    return bool(pc.any(pc.match_substring_regex(pa.array(text.array), spelt)).as_py())


def decimal_comma_columns(columns: dict[str, pd.Series], *, follow: bool | None = None) -> frozenset[str]:
    """Which money columns write a decimal comma, each decided by its own values (some value
    ends in a comma and one or two digits or is whole thousands between dots, none ends in a
    dot and one or two: 1.234,56, 12,50 or 1.500; 1,250.00 and 1,25,000 are thousands). A
    column whose values tell neither way (whole amounts, blanks) is read as the others are
    (or as `follow` says, when given)."""
    verdicts: dict[str, bool | None] = {}
    for name, column in columns.items():
        text = pd.Series(column.fillna("").astype(str).unique()).str.strip()  # each value once
        comma = bool(_any_search(text, _DECIMAL_COMMA) or text.str.fullmatch(_DOT_THOUSANDS).any())
        point = _any_search(text, _DECIMAL_POINT)
        verdicts[name] = (comma and not point) if (comma or point) else None
    decided = [v for v in verdicts.values() if v is not None]
    others = (bool(decided) and all(decided)) if follow is None else follow
    return frozenset(name for name, v in verdicts.items() if (others if v is None else v))


def _parse_amounts(
    series: pd.Series, currency: str, decimal_comma: bool = False
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read money cells exactly: returns (minor units as Int64, negative mask, bad mask).

    Accepts currency symbols and codes, thousands separators (1,25,000 or 1,250.50; with a
    decimal comma 1.250,50 or 1 250,50), `(123.45)` and `123.45-` for negatives, and
    `Cr`/`Dr` suffixes (Dr = negative).
    """
    text = series.fillna("").astype(str).str.strip()
    cleaned = text.copy()
    paren = trailing_minus = debit_suffix = pd.Series(False, index=text.index)
    # Most cells are plain (-1234.50): only the others are cleaned, a pass per way of writing.
    messy = ~text.str.fullmatch(_PLAIN) if not decimal_comma else pd.Series(True, index=text.index)
    if messy.any():
        lowered = text[messy].str.casefold().str.replace(_MINUS_SIGNS, "-", regex=True)
        # A currency before or after the number (`GBP 12.50`, `12,50 EUR`, `Rs. 250`, `₹250`).
        lowered = lowered.str.replace(_CURRENCY_WORDS, "", regex=True).str.strip()
        debit = lowered.str.endswith("dr") | lowered.str.endswith("dr.")
        part = lowered.str.replace(r"\s*(cr|dr)\.?$", "", regex=True).str.strip()
        paren = (part.str.startswith("(") & part.str.endswith(")")).reindex(text.index, fill_value=False)
        trailing_minus = part.str.endswith("-").reindex(text.index, fill_value=False)
        debit_suffix = debit.reindex(text.index, fill_value=False)
        if decimal_comma:
            part = part.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        cleaned[messy] = part.str.replace(r"[()\s,'’]", "", regex=True).str.rstrip("-")
    parts = _extract_amounts(cleaned)
    exp = exponent(currency)
    frac = parts["frac"].fillna("")
    frac_trimmed = frac.str.rstrip("0")
    bad = parts["int"].isna() | (frac_trimmed.str.len() > exp) | (parts["int"].str.len() > 15)
    safe_int = parts["int"].where(~bad, "0")
    padded = frac_trimmed.where(~bad, "").str.pad(exp, side="right", fillchar="0").str[:exp] if exp else None
    minor = safe_int.astype(np.int64) * (10**exp)
    if padded is not None:
        minor = minor + padded.replace("", "0").astype(np.int64)
    negative = (parts["sign"] == "-") | paren | trailing_minus | debit_suffix
    minor = pd.array(np.where(bad, 0, minor), dtype="Int64")
    minor[bad.to_numpy()] = pd.NA
    return pd.Series(minor, index=series.index), negative.fillna(False), bad


# _AMOUNT for Arrow's RE2, whose \d is ASCII only: \p{Nd} is every decimal digit, as re's \d
# is; and its $ lets a final newline through, as re's does.
_AMOUNT_RE2 = _AMOUNT.replace(r"\d", r"\p{Nd}").removesuffix("$") + r"\n?$"


def _extract_amounts(cleaned: pd.Series) -> pd.DataFrame:
    """cleaned.str.extract(_AMOUNT) in Arrow's regex engine (pandas runs it value by value)."""
    found = pc.extract_regex(
        pa.array(cleaned.to_numpy(dtype=object, na_value=None), type=pa.string()), _AMOUNT_RE2
    )
    return pd.DataFrame(
        {
            name: pd.Series(
                pc.struct_field(found, name).to_numpy(zero_copy_only=False), index=cleaned.index, dtype="str"
            )
            for name in ("sign", "int", "frac")
        }
    )


def _try_formats(values: pd.Series, formats: tuple[str, ...]) -> tuple[str | None, int]:
    best, best_count = None, 0
    for fmt in formats:
        count = int(pd.to_datetime(values, format=fmt, errors="coerce").notna().sum())
        if count > best_count:
            best, best_count = fmt, count
            if count == len(values):
                break
    return best, best_count


_AUTO = "choose"
_DATE_FORMATS = tuple(
    base + suffix
    for suffix in _TIME_SUFFIXES
    for base in (*_DATE_FORMATS_ISO, *_DATE_FORMATS_DAY_FIRST, *_DATE_FORMATS_MONTH_FIRST)
)


def date_order_of(fmt: str | None) -> str | None:
    """DMY, MDY or YMD for a format with numeric day and month (`%d/%m/%Y` is DMY); None for
    one whose month is a word (`%d %b %Y` reads one way only) or for no format."""
    if fmt is None or "%m" not in fmt:
        return None
    if fmt.startswith("%Y"):
        return "YMD"
    return "DMY" if fmt.index("%d") < fmt.index("%m") else "MDY"


def swapped(fmt: str) -> str:
    """The format with day and month the other way round (`%d/%m/%Y` -> `%m/%d/%Y`)."""
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


@dataclass(frozen=True, slots=True)
class DateReading:
    """How a file's date column is read, and what decided it.

    by: "person" (an override), "layout" (the bank's export is known to be month-first or
    day-first), "file" (some first field exceeds 12, or the month is a word), "history" (the
    person's earlier import of the same layout), or None: every date reads both ways and
    nothing has decided yet (fmt is then the day-first one, provisionally).
    """

    fmt: str | None = None
    by: str | None = "file"
    other: str | None = None  # the day/month swap of fmt when it reads every date too, differently
    example: str | None = None  # a date of the file that the two read differently

    @property
    def order(self) -> str | None:
        return date_order_of(self.fmt)

    @property
    def settled(self) -> bool:
        return self.by is not None

    def settle(self, order: str, by: str) -> DateReading:
        """Read day and month in order (DMY, MDY or YMD), as by decided."""
        fmt = self.fmt
        mine = date_order_of(fmt)
        if order == "YMD" and mine != "YMD":
            fmt = _DATE_FORMATS_ISO[0]  # the person says year first: other dates are not dates
        elif fmt is not None and mine in ("DMY", "MDY") and order in ("DMY", "MDY") and mine != order:
            fmt = swapped(fmt)
        other = self.other if fmt == self.fmt else (self.fmt if fmt == self.other else None)
        return DateReading(fmt, by, other, self.example if other else None)


def choose_date_format(series: pd.Series, preferred: str | None = None) -> DateReading:
    """Choose one format for a whole date (or date-time) column.

    Day-first and month-first are told apart from all the values: a column where some first
    field exceeds 12 reads one way only. When every value reads both ways (differently), the
    preferred order (the layout's) decides; without one the reading is left unsettled.
    """
    text = _date_text(series)
    unique = pd.Series(text[text != ""].unique())
    if unique.empty:
        return DateReading()
    # Rank the formats on a sample of distinct values, then confirm the best on all of them.
    sample = unique.sample(min(len(unique), 500), random_state=0) if len(unique) > 500 else unique
    fmt, _count = _try_formats(sample, _DATE_FORMATS)
    if fmt is None or date_order_of(fmt) not in ("DMY", "MDY"):
        return DateReading(fmt)
    other = swapped(fmt)
    mine = pd.to_datetime(unique, format=fmt, errors="coerce")
    theirs = pd.to_datetime(unique, format=other, errors="coerce")
    mine_count, their_count = int(mine.notna().sum()), int(theirs.notna().sum())
    if their_count > mine_count:
        return DateReading(other)
    if their_count < mine_count:
        return DateReading(fmt)
    differ = (mine != theirs) & mine.notna() & theirs.notna()
    if not differ.any():  # 01/01/2024, 05/05/2024: the same date either way
        return DateReading(fmt)
    example = str(unique[differ.to_numpy()].iloc[0])
    day_first = fmt if date_order_of(fmt) == "DMY" else other
    reading = DateReading(day_first, None, swapped(day_first), example)
    return reading.settle(preferred, "layout") if preferred in ("DMY", "MDY") else reading


def _date_text(series: pd.Series) -> pd.Series:
    return squeeze_spaces(series.fillna("").astype(str).str.strip())


def squeeze_spaces(text: pd.Series) -> pd.Series:
    r"""text.str.replace(r"\s+", " ", regex=True), in Arrow for Arrow-backed text."""
    dtype = text.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return text.str.replace(r"\s+", " ", regex=True)
    squeezed = pc.replace_substring_regex(pa.array(text.array), _SPACE_RE2 + "+", " ")
    return pd.Series(pd.array(squeezed, dtype=dtype), index=text.index, name=text.name)


def parse_dates(series: pd.Series, fmt: str | None = _AUTO) -> tuple[pd.Series, pd.Series, str | None]:
    """Read a date (or date-time) column with one format for the whole column: `fmt`, chosen
    before from the whole file's column (see choose_date_format), or chosen here (a column
    whose every date reads both ways is then read day-first). Returns (naive datetimes, bad
    mask, the format)."""
    text = _date_text(series)
    if fmt == _AUTO:
        if (text == "").all():
            return pd.Series(pd.NaT, index=series.index), text == "", None
        fmt = choose_date_format(text).fmt
    if fmt is None:
        return pd.Series(pd.NaT, index=series.index), pd.Series(True, index=series.index), None
    (parsed,) = on_distinct(text, lambda u: (pd.Series(pd.to_datetime(u, format=fmt, errors="coerce")),))
    return parsed, parsed.isna(), fmt


def parse_times(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read `HH:MM`, `HH:MM:SS` or `8:05 PM` as offsets from midnight; returns (timedelta, bad)."""
    offset, bad = on_distinct(series, _parse_times)
    return offset, bad.astype(bool)


def _parse_times(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read `HH:MM`, `HH:MM:SS` or `8:05 PM` as offsets from midnight; returns (timedelta, bad)."""
    text = series.fillna("").astype(str).str.strip()
    parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p"):
        todo = parsed.isna() & (text != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    offset = parsed - parsed.dt.normalize()
    return offset, parsed.isna() & (text != "")


def parse_bools(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read Yes/No, true/false, 1/0 (any case); blank stays missing. Returns (values, bad)."""
    values, bad = on_distinct(series, _parse_bools)
    return values, bad.astype(bool)


def _parse_bools(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read Yes/No, true/false, 1/0 (any case); blank stays missing. Returns (values, bad)."""
    text = series.fillna("").astype(str).str.strip().str.casefold()
    values = pd.Series(pd.NA, index=series.index, dtype="boolean")
    values[text.isin(_TRUE)] = True
    values[text.isin(_FALSE)] = False
    bad = values.isna() & (text != "")
    return values, bad


def match_choices(series: pd.Series, normalise: Callable[[str], str | None]) -> tuple[pd.Series, pd.Series]:
    """Map each distinct cell through normalise; blank stays missing. Returns (values, bad)."""

    def per_distinct(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        text = cells.astype(str).str.strip()
        values = pd.Series([normalise(v) if v else None for v in text], index=cells.index, dtype=object)
        return values, values.isna() & (text != "")

    values, bad = on_distinct(series, per_distinct)
    return values.astype(object), bad.astype(bool)
