"""Re-derive and re-score stored entries when an entry is edited or a person's settings change."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.scoring.rules import SCORED_COLUMNS, score, score_one
from services.scoring.verdicts import DEFAULT_POLICY, derive_one, rederive_sql
from services.timing import day_type_of, time_block_of


def score_entry(entry: Entry, user: User) -> None:
    """Recompute one entry's score, rules and verdict from its stored fields."""
    if entry.type != "expense":
        entry.leakage_score = entry.leak_rules = entry.rule_leak = entry.is_leak = entry.decided_by = None
        return
    entry.leakage_score, entry.leak_rules, entry.rule_leak = score_one(
        **{column: getattr(entry, column) for column in SCORED_COLUMNS},
        micro_threshold_minor=user.micro_threshold_minor,
        leak_threshold=user.leak_threshold,
    )
    decide_entry(entry, user)


def decide_entry(entry: Entry, user: User) -> None:
    """Re-derive one stored expense's verdict (after a call of the person's, a new model
    probability or a new score)."""
    if entry.type != "expense":
        return
    entry.is_leak, entry.decided_by = derive_one(
        category=entry.category,
        is_necessary=bool(entry.is_necessary),
        rule_leak=bool(entry.rule_leak),
        model_probability=entry.model_probability,
        user_verdict=entry.user_verdict,
        policy=user.leak_policy or DEFAULT_POLICY,
    )


def rederive(session: Session, user: User, entry_ids: Sequence[int] | None = None) -> int:
    """Re-derive the verdicts of the person's stored expenses (those ids, or all of them) in
    one statement: after a model's probabilities are stored or the policy changes."""
    if entry_ids is not None and not entry_ids:
        return 0
    query = update(Entry.__table__).where(_entries.user_id == user.id, _entries.type == "expense")
    if entry_ids is not None:
        query = query.where(_entries.id.in_(list(entry_ids)))
    done = session.connection().execute(
        query.values(**rederive_sql(_entries, user.leak_policy or DEFAULT_POLICY))
    )
    return int(done.rowcount or 0)


_entries = Entry.__table__.c
_RESCORE = (
    update(Entry.__table__)
    .where(_entries.id == bindparam("entry_id"), _entries.user_id == bindparam("owner"))
    .values(
        local_date=bindparam("local_date"),
        time_block=bindparam("time_block"),
        day_type=bindparam("day_type"),
        leakage_score=bindparam("leakage_score"),
        leak_rules=bindparam("leak_rules"),
        rule_leak=bindparam("rule_leak"),
    )
)


def rescore_all(*, session: Session, user: User, rederive_time: bool) -> int:
    """Re-score every entry of the person (and, after a time-zone change, re-derive the local
    date, time block and weekday/weekend from the stored UTC time). Returns how many."""
    session.flush()
    rows = session.execute(
        select(
            _entries.id,
            _entries.type,
            _entries.occurred_at,
            _entries.local_date,
            *(_entries[c] for c in SCORED_COLUMNS),
        ).where(_entries.user_id == user.id)
    ).all()
    if not rows:
        return 0
    columns = {name: np.array([getattr(r, name) for r in rows], dtype=object) for name in rows[0]._fields}
    if rederive_time:
        zone = ZoneInfo(user.timezone)
        local = [r.occurred_at.astimezone(zone) for r in rows]
        columns["local_date"] = np.array([moment.date() for moment in local], dtype=object)
        columns["time_block"] = np.array([time_block_of(moment.hour) for moment in local], dtype=object)
        columns["day_type"] = np.array([day_type_of(day) for day in columns["local_date"]], dtype=object)
    scores = score(
        columns, micro_threshold_minor=user.micro_threshold_minor, leak_threshold=user.leak_threshold
    )
    expense = columns["type"] == "expense"
    session.connection().execute(
        _RESCORE,
        [
            {
                "entry_id": int(columns["id"][i]),
                "owner": user.id,
                "local_date": columns["local_date"][i],
                "time_block": columns["time_block"][i],
                "day_type": columns["day_type"][i],
                "leakage_score": int(scores.score[i]) if expense[i] else None,
                "leak_rules": str(scores.rules[i]) if expense[i] else None,
                "rule_leak": bool(scores.is_leak[i]) if expense[i] else None,
            }
            for i in range(len(rows))
        ],
    )
    rederive(session, user)
    session.expire_all()
    return len(rows)
