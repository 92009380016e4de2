"""Which entries to ask the person about, so that a few answers teach their model the most.

A verdict teaches most where the current verdict is least sure and where the person has not
said anything yet. Each unjudged recent expense gets a priority:

- **uncertainty**: 1 at an even chance, 0 at a sure one. The chance is the serving model's
  probability when a model speaks for the person, else the rule's score read as a chance
  (the leak threshold is an even chance; each point away is surer);
- **novelty**: 1 for a kind (category × time block) the person has never judged, halving
  with each verdict given on that kind;

and one round asks about different kinds. Necessities are never asked about (they are no
leak unless the person says so, and saying so is a tap on the entry itself); nor entries
older than RECENT_DAYS while recent ones remain (a person remembers last week's spends).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.scoring.verdicts import is_necessity

RECENT_DAYS = 60
ROUND = 5  # questions in one /teach round
POINTS_PER_DOUBLING = 1.5  # score points away from the threshold that halve the doubt


@dataclass(frozen=True, slots=True)
class Question:
    entry_id: int
    priority: float


def _rule_chance(score: np.ndarray, threshold: int) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(score - threshold + 0.5) * np.log(2) / POINTS_PER_DOUBLING))


def questions_for(*, session: Session, user: User, today: date, limit: int = ROUND) -> list[Question]:
    """Up to `limit` unjudged expenses whose verdicts would teach the most, best first."""
    columns = (
        Entry.id,
        Entry.local_date,
        Entry.category,
        Entry.time_block,
        Entry.is_necessary,
        Entry.leakage_score,
        Entry.model_probability,
        Entry.user_verdict,
    )
    rows = session.execute(
        select(*columns).where(Entry.user_id == user.id, Entry.type == "expense", Entry.local_date <= today)
    ).all()
    if not rows:
        return []
    ids, days, categories, blocks, necessary, scores, probabilities, verdicts = (
        np.array(values, dtype=object) for values in zip(*rows, strict=True)
    )
    judged = np.array([v is not None for v in verdicts])
    kind = [f"{c}|{b}" for c, b in zip(categories, blocks, strict=True)]
    said = Counter(k for k, j in zip(kind, judged, strict=True) if j)
    open_ = ~judged & ~is_necessity(categories, necessary.astype(bool))
    recent = open_ & (days >= today - timedelta(days=RECENT_DAYS))
    pool = recent if recent.any() else open_
    if not pool.any():
        return []
    score = np.array([0 if s is None else s for s in scores], dtype=float)
    chance = _rule_chance(score, user.leak_threshold)
    served = np.array([p is not None for p in probabilities])
    chance[served] = np.array([p for p in probabilities[served]], dtype=float)
    uncertainty = 1.0 - 2.0 * np.abs(chance - 0.5)
    novelty = np.array([0.5 ** said[k] for k in kind])
    priority = uncertainty + novelty
    order = sorted(np.flatnonzero(pool), key=lambda i: (-priority[i], -days[i].toordinal(), -ids[i]))
    chosen: list[Question] = []
    kinds: set[str] = set()
    for i in order:  # one question per kind in a round, then the rest by priority
        if kind[i] not in kinds:
            kinds.add(kind[i])
            chosen.append(Question(int(ids[i]), float(priority[i])))
        if len(chosen) == limit:
            return chosen
    rest = [i for i in order if int(ids[i]) not in {q.entry_id for q in chosen}]
    chosen += [Question(int(ids[i]), float(priority[i])) for i in rest[: limit - len(chosen)]]
    return chosen
