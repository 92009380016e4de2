"""Spending net of refunds: what every total of spending counts.

An expense adds its amount; a refund takes its amount off the spend of its category and
month (it is never income); a transfer (ATM cash, a card bill, an own account, a wallet
top-up) is no spending, and neither are income and savings. Counts of spends, leaks and
scores look at expenses alone: a refund is no spend and never a leak.

No pandas import here: the budgets' SQL runs on every logged spend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import case

from db.models import Entry
from services.catalog import EntryType

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import ColumnElement

EXPENSE, REFUND = EntryType.EXPENSE.value, EntryType.REFUND.value
SPENDING_TYPES = (EXPENSE, REFUND)
# The signed amount of an expense or a refund, in SQL over `entries`.
NET_AMOUNT_SQL = f"CASE WHEN type = '{REFUND}' THEN -amount_minor ELSE amount_minor END"
SPENDING_SQL = f"type IN ('{EXPENSE}', '{REFUND}')"


def net_amount() -> ColumnElement[int]:
    """Entry.amount_minor, negative for a refund (sum it over SPENDING_TYPES rows)."""
    return case((Entry.type == REFUND, -Entry.amount_minor), else_=Entry.amount_minor)


def net_spending(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's expenses and refunds, a refund's amount negative and never a leak, so
    that sums by category, day or month are spending net of refunds."""
    rows = frame[frame["type"].isin(SPENDING_TYPES)]
    refund = rows["type"] == REFUND
    if not refund.any():
        return rows
    changed = {"amount_minor": rows["amount_minor"].where(~refund, -rows["amount_minor"])}
    if "is_leak" in rows:
        changed["is_leak"] = rows["is_leak"].where(~refund, False)
    return rows.assign(**changed)


def net_total(frame: pd.DataFrame) -> int:
    """The frame's spending net of refunds, in minor units."""
    return int(net_spending(frame)["amount_minor"].sum())
