"""LeakBot's own CSV format: its columns and its guard against spreadsheet formulas."""

from __future__ import annotations

import pandas as pd

OWN_COLUMNS: tuple[str, ...] = (
    "date",
    "time",
    "type",
    "category",
    "amount",
    "currency",
    "is_necessary",
    "payment_mode",
    "is_recurring",
    "context",
    "time_block",
    "day_type",
    "note",
    "leakage_score",
    "leak_rules",
    "is_leak",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cells: pd.Series) -> pd.Series:
    """Prefix cells a spreadsheet would evaluate (and cells already starting with ') with '."""
    text = cells.fillna("").astype(str)
    risky = text.str.startswith(FORMULA_PREFIXES) | text.str.startswith("'")
    return text.where(~risky, "'" + text)


def restore(cells: pd.Series) -> pd.Series:
    """Undo neutralise."""
    return cells.where(~cells.str.startswith("'"), cells.str.slice(1))
