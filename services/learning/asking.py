"""Which entries to ask the person about, so that a few answers teach their model the most.

Each unjudged recent expense gets a priority, the sum of:

- **uncertainty**: 1 at an even chance, 0 at a sure one. The chance is the serving model's
  probability when a model speaks for the person, else the rule's score read as a chance
  (the leak threshold is an even chance; every POINTS_PER_DOUBLING points away, surer);
- **novelty**: how new the entry's sides are to the person's verdicts (its category, time
  block, payment mode, weekday or weekend, week of the month), each 1 when never judged and
  halving with every verdict given on it, averaged;
- **likeness**, while Leak calls are few: the share of sides it has in common with the
  closest entry the person called a leak, so that a rare taste's leaks are found;
- **a fixed draw** per entry (EXPLORATION), so that some questions land where nothing points.

One round asks about different kinds (category × time block) first. Necessities are never
asked about (no leak unless the person says so, and saying so is a tap on the entry
itself); nor entries older than RECENT_DAYS while there are enough recent ones (a person
remembers last month's spends, not last year's).
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

RECENT_DAYS = 90
ROUND = 5  # questions in one /teach round
EXPLORATION = 0.5  # weight of a fixed random draw: some questions land where nothing points
MIN_LEAKS_SOUGHT = 8  # Leak calls after which look-alikes of them are no longer sought
POINTS_PER_DOUBLING = 1.5  # score points away from the threshold that halve the doubt


@dataclass(frozen=True, slots=True)
class Question:
    entry_id: int
    priority: float  # what orders the questions (the fixed draw included)
    worth: float  # what an answer would teach: uncertainty + novelty (+ likeness), 0 to 3


def _rule_chance(score: np.ndarray, threshold: int) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(score - threshold + 0.5) * np.log(2) / POINTS_PER_DOUBLING))


def _draw(entry_id: int) -> float:
    """A fixed draw in [0, 1) per entry: the same questions on every call, no favourite kinds."""
    return ((entry_id * 2654435761) % 2**32) / 2**32


def _likeness(facets: tuple[np.ndarray, ...], verdicts: np.ndarray, judged: np.ndarray) -> np.ndarray:
    """While the person has said Leak fewer than MIN_LEAKS_SOUGHT times, how much an entry is
    like one they called a leak (the share of sides it has in common with the closest): a
    rare taste's leaks are found by asking about their look-alikes."""
    leaks = np.flatnonzero(judged & np.array([v is True for v in verdicts]))
    if len(leaks) == 0 or len(leaks) >= MIN_LEAKS_SOUGHT:
        return np.zeros(len(verdicts))
    table = np.stack([np.asarray(values, dtype=object) for values in facets], axis=1)
    shared = (table[:, None, :] == table[leaks][None, :, :]).mean(axis=2)
    return shared.max(axis=1)  # type: ignore[no-any-return]


def questions_for(*, session: Session, user: User, today: date, limit: int = ROUND) -> list[Question]:
    """Up to `limit` unjudged expenses whose verdicts would teach the most, best first."""
    columns = (
        Entry.id,
        Entry.local_date,
        Entry.category,
        Entry.time_block,
        Entry.payment_mode,
        Entry.day_type,
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
    ids, days, categories, blocks, modes, day_types, necessary, scores, probabilities, verdicts = (
        np.array(values, dtype=object) for values in zip(*rows, strict=True)
    )
    judged = np.array([v is not None for v in verdicts])
    kind = [f"{c}|{b}" for c, b in zip(categories, blocks, strict=True)]
    weeks = np.array([(d.day - 1) // 7 for d in days], dtype=object)
    facets = (categories, blocks, modes, day_types, weeks)
    open_ = ~judged & ~is_necessity(categories, necessary.astype(bool))
    recent = open_ & (days >= today - timedelta(days=RECENT_DAYS))
    pool = recent if recent.sum() >= limit else open_
    if not pool.any():
        return []
    score = np.array([0 if s is None else s for s in scores], dtype=float)
    chance = _rule_chance(score, user.leak_threshold)
    served = np.array([p is not None for p in probabilities])
    chance[served] = np.array([p for p in probabilities[served]], dtype=float)
    uncertainty = 1.0 - 2.0 * np.abs(chance - 0.5)
    novelty = np.zeros(len(ids))
    for values in facets:  # how new each of the entry's sides is: its category, time, mode, day, week
        said = Counter(v for v, j in zip(values, judged, strict=True) if j)
        novelty += np.array([0.5 ** said[v] for v in values]) / len(facets)
    worth = uncertainty + novelty + _likeness(facets, verdicts, judged)
    priority = worth + EXPLORATION * np.array([_draw(int(i)) for i in ids])
    # recent spends first (a person remembers them), then by priority
    order = sorted(
        np.flatnonzero(pool), key=lambda i: (not recent[i], -priority[i], -days[i].toordinal(), -ids[i])
    )
    chosen: list[Question] = []
    kinds: set[str] = set()
    for i in order:  # one question per kind in a round, then the rest by priority
        if kind[i] not in kinds:
            kinds.add(kind[i])
            chosen.append(Question(int(ids[i]), float(priority[i]), float(worth[i])))
        if len(chosen) == limit:
            return chosen
    rest = [i for i in order if int(ids[i]) not in {q.entry_id for q in chosen}]
    chosen += [
        Question(int(ids[i]), float(priority[i]), float(worth[i])) for i in rest[: limit - len(chosen)]
    ]
    return chosen
