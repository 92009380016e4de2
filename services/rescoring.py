"""Re-derive and re-score stored entries when a person's settings change."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from db import repositories as repo
from db.models import Entry, User
from services.scoring import score_frame, score_one
from services.timing import day_types, time_blocks


def score_entry(entry: Entry, user: User) -> None:
    """Recompute one entry's score, rules and verdict from its stored fields."""
    if entry.type != "expense":
        entry.leakage_score = entry.leak_rules = entry.is_leak = None
        return
    entry.leakage_score, entry.leak_rules, entry.is_leak = score_one(
        amount_minor=entry.amount_minor,
        is_necessary=entry.is_necessary,
        context=entry.context,
        is_recurring=entry.is_recurring,
        time_block=entry.time_block,
        day_type=entry.day_type,
        micro_threshold_minor=user.micro_threshold_minor,
        leak_threshold=user.leak_threshold,
    )


def rescore_all(*, session: Session, user: User, rederive_time: bool) -> int:
    """Re-score every entry of the person (and, after a time-zone change, re-derive the local
    date, time block and weekday/weekend from the stored UTC time). Returns how many."""
    session.flush()
    frame = repo.entries_frame(session, user.id)
    if frame.empty:
        return 0
    if rederive_time:
        local = (
            pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(user.timezone).dt.tz_localize(None)
        )
        frame["local_date"] = local.dt.date
        frame["time_block"] = time_blocks(local.dt.hour)
        frame["day_type"] = day_types(local)
    scores = score_frame(
        frame, micro_threshold_minor=user.micro_threshold_minor, leak_threshold=user.leak_threshold
    )
    rows = [
        {
            "entry_id": int(i),
            "local_date": d,
            "time_block": tb,
            "day_type": dt,
            "leakage_score": None if pd.isna(s) else int(s),
            "leak_rules": r,
            "is_leak": None if pd.isna(k) else bool(k),
        }
        for i, d, tb, dt, s, r, k in zip(
            frame["id"],
            frame["local_date"],
            frame["time_block"],
            frame["day_type"],
            scores["leakage_score"],
            scores["leak_rules"],
            scores["is_leak"],
            strict=True,
        )
    ]
    statement = (
        update(Entry.__table__)
        .where(Entry.__table__.c.id == bindparam("entry_id"), Entry.__table__.c.user_id == user.id)
        .values(
            local_date=bindparam("local_date"),
            time_block=bindparam("time_block"),
            day_type=bindparam("day_type"),
            leakage_score=bindparam("leakage_score"),
            leak_rules=bindparam("leak_rules"),
            is_leak=bindparam("is_leak"),
        )
    )
    session.connection().execute(statement, rows)
    session.expire_all()
    return len(rows)
