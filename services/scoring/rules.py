"""The six-rule leakage score of the seed analysis: one table, one implementation for a
chat message and for a million rows.

| rule                | points | fires when                                        |
|---------------------|--------|---------------------------------------------------|
| micro               | +1     | amount below the person's micro-spend threshold   |
| not_necessary       | +2     | the entry is not a necessity                      |
| impulsive_context   | +2     | context is Unplanned, Emergency or Festive        |
| recurring_unplanned | +2     | recurring and the context is not Planned          |
| impulse_time        | +1     | Evening or Night                                  |
| weekend             | +1     | Saturday or Sunday                                |

An expense is a leak when its score reaches the person's leak threshold (default 5).
Income and savings are not scored. Each rule is a numpy predicate over columns, so one
expense is scored as an array of one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

IMPULSIVE_CONTEXTS: tuple[str, ...] = ("Unplanned", "Emergency", "Festive")
IMPULSE_TIME_BLOCKS: tuple[str, ...] = ("Evening", "Night")
# The columns the rules read.
SCORED_COLUMNS = ("amount_minor", "is_necessary", "context", "is_recurring", "time_block", "day_type")

Columns = Mapping[str, Any]  # one expense (plain values), or many (a DataFrame, a dict of arrays)


def is_one_of(values: Any, choices: tuple[str, ...]) -> Any:
    """Whether values (one word, or an array of them) is one of a few choices."""
    hit = values == choices[0]
    for choice in choices[1:]:
        hit = hit | (values == choice)
    return hit


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    points: int
    label: str  # how replies name it
    # (columns, micro threshold) -> whether it fires: written with operators that mean the same
    # for one expense's plain values and for arrays of many.
    fires: Callable[[Columns, Any], Any]


RULES: tuple[Rule, ...] = (
    Rule("micro", 1, "micro spend", lambda c, micro: c["amount_minor"] < micro),
    Rule("not_necessary", 2, "not necessary", lambda c, _: c["is_necessary"] ^ True),  # ^ True: not
    Rule(
        "impulsive_context", 2, "impulsive context", lambda c, _: is_one_of(c["context"], IMPULSIVE_CONTEXTS)
    ),
    Rule(
        "recurring_unplanned",
        2,
        "recurring but not planned",
        lambda c, _: c["is_recurring"] & (c["context"] != "Planned"),
    ),
    Rule("impulse_time", 1, "evening or night", lambda c, _: is_one_of(c["time_block"], IMPULSE_TIME_BLOCKS)),
    Rule("weekend", 1, "weekend", lambda c, _: c["day_type"] == "Weekend"),
)
RULES_BY_CODE = {r.code: r for r in RULES}
MAX_SCORE = sum(r.points for r in RULES)  # 9: every rule fired

# Every combination of fired rules, as a bit pattern, mapped once to its score and codes.
_POINTS_BY_PATTERN = np.array(
    [sum(r.points for i, r in enumerate(RULES) if pattern >> i & 1) for pattern in range(1 << len(RULES))],
    dtype=np.int64,
)
_CODES_BY_PATTERN = np.array(
    [",".join(r.code for i, r in enumerate(RULES) if pattern >> i & 1) for pattern in range(1 << len(RULES))],
    dtype=object,
)


@dataclass(frozen=True, slots=True)
class Scores:
    """The rules' verdict on each row: score, the codes of the rules that fired, leak or not."""

    score: np.ndarray  # int64
    rules: np.ndarray  # str codes joined by commas, "" when none fired
    is_leak: np.ndarray  # bool


def score(columns: Columns, *, micro_threshold_minor: Any, leak_threshold: Any) -> Scores:
    """Score every row of columns as an expense (thresholds: one value or one per row). Given
    plain values (one expense), the arrays have no dimension."""
    pattern: Any = 0
    for bit, rule in enumerate(RULES):
        pattern = pattern | np.asarray(rule.fires(columns, micro_threshold_minor), dtype=np.int64) << bit
    points = _POINTS_BY_PATTERN[pattern]
    return Scores(points, _CODES_BY_PATTERN[pattern], points >= leak_threshold)


def score_one(
    *,
    amount_minor: int,
    is_necessary: bool,
    context: str,
    is_recurring: bool,
    time_block: str,
    day_type: str,
    micro_threshold_minor: int,
    leak_threshold: int,
) -> tuple[int, str, bool]:
    """score() for one expense: (score, rule codes, is_leak)."""
    one = {
        "amount_minor": amount_minor,
        "is_necessary": is_necessary,
        "context": context,
        "is_recurring": is_recurring,
        "time_block": time_block,
        "day_type": day_type,
    }
    result = score(one, micro_threshold_minor=micro_threshold_minor, leak_threshold=leak_threshold)
    return int(result.score), str(result.rules), bool(result.is_leak)


def rule_codes(leak_rules: str | None) -> tuple[str, ...]:
    """The stored comma-joined codes as a tuple, in table order (unknown codes dropped)."""
    if not leak_rules:
        return ()
    fired = set(leak_rules.split(","))
    return tuple(r.code for r in RULES if r.code in fired)
