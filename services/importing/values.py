"""Vectorised readers for CSV columns: amounts, dates, booleans and named choices.

Each returns the parsed values plus a boolean mask of the cells it could not read, so the
caller can report every bad cell with its line number.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

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


def decimal_comma_columns(columns: dict[str, pd.Series], *, follow: bool | None = None) -> frozenset[str]:
    """Which money columns write a decimal comma, each decided by its own values (some value
    ends in a comma and one or two digits or is whole thousands between dots, none ends in a
    dot and one or two: 1.234,56, 12,50 or 1.500; 1,250.00 and 1,25,000 are thousands). A
    column whose values tell neither way (whole amounts, blanks) is read as the others are
    (or as `follow` says, when given)."""
    verdicts: dict[str, bool | None] = {}
    for name, column in columns.items():
        text = column.fillna("").astype(str).str.strip()
        comma = bool(text.str.contains(_DECIMAL_COMMA).any() or text.str.fullmatch(_DOT_THOUSANDS).any())
        point = bool(text.str.contains(_DECIMAL_POINT).any())
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
    parts = cleaned.str.extract(_AMOUNT)
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


def parse_dates(series: pd.Series, fmt: str | None = _AUTO) -> tuple[pd.Series, pd.Series, str | None]:
    """Read a date (or date-time) column, choosing one format for the whole column (or using
    `fmt`, chosen before from the whole file's column, when a file is read in chunks).

    Day-first and month-first are told apart from all the values: a column where some
    first field exceeds 12 is day-first. When every value fits both, day-first wins (the
    Indian convention). Returns (naive datetimes, bad mask, the chosen format).
    """
    text = series.fillna("").astype(str).str.strip().str.replace(r"\s+", " ", regex=True)
    if fmt == _AUTO:
        unique = pd.Series(text[text != ""].unique())
        if unique.empty:
            return pd.Series(pd.NaT, index=series.index), text == "", None
        formats = tuple(
            base + suffix
            for suffix in _TIME_SUFFIXES
            for base in (*_DATE_FORMATS_ISO, *_DATE_FORMATS_DAY_FIRST, *_DATE_FORMATS_MONTH_FIRST)
        )
        # Rank the formats on a sample of distinct values, then confirm the best on all of them.
        sample = unique.sample(min(len(unique), 500), random_state=0) if len(unique) > 500 else unique
        fmt, _count = _try_formats(sample, formats)
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
