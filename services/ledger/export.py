"""Export a person's ledger in LeakBot's own CSV format (which imports back exactly).

Columns: date,time,type,category,amount,currency,is_necessary,payment_mode,is_recurring,
context,time_block,day_type,note,leakage_score,leak_rules,is_leak. Dates and times are
local to the person; booleans are true/false. Text cells that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) are prefixed with an apostrophe; the
importer removes it again.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.frames import entries_frame
from db.models import User
from services.ledger.ownformat import OWN_COLUMNS, neutralise
from services.money import exponent


def _bool_text(series: pd.Series) -> pd.Series:
    return series.map({True: "true", False: "false"}).fillna("")


def export_csv(*, session: Session, user: User) -> tuple[bytes, int]:
    """The person's entries, oldest first, as CSV bytes in LeakBot's own format, and how many."""
    frame = entries_frame(session, user.id)
    local = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(user.timezone)
    exp = exponent(user.currency)
    minor = frame["amount_minor"].astype(np.int64)
    if exp:
        whole, frac = minor // 10**exp, (minor % 10**exp).astype(str).str.zfill(exp)
        amount = whole.astype(str) + "." + frac
    else:
        amount = minor.astype(str)
    out = pd.DataFrame(
        {
            "date": local.dt.strftime("%Y-%m-%d"),
            "time": local.dt.strftime("%H:%M:%S"),
            "type": frame["type"],
            "category": frame["category"],
            "amount": amount,
            "currency": user.currency,
            "is_necessary": _bool_text(frame["is_necessary"]),
            "payment_mode": frame["payment_mode"],
            "is_recurring": _bool_text(frame["is_recurring"]),
            "context": frame["context"],
            "time_block": frame["time_block"],
            "day_type": frame["day_type"],
            "note": neutralise(frame["note"]),
            "leakage_score": frame["leakage_score"].astype("Int64").astype(str).replace("<NA>", ""),
            "leak_rules": frame["leak_rules"].fillna(""),
            "is_leak": _bool_text(frame["is_leak"]),
        },
        columns=list(OWN_COLUMNS),
    )
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8"), len(out)
