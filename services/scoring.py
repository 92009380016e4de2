"""The six-rule leakage score, vectorised, and the words that explain it.

| rule                | points | fires when                                        |
|---------------------|--------|---------------------------------------------------|
| micro               | +1     | amount below the person's micro-spend threshold   |
| not_necessary       | +2     | the entry is not a necessity                      |
| impulsive_context   | +2     | context is Unplanned, Emergency or Festive        |
| recurring_unplanned | +2     | recurring and the context is not Planned          |
| impulse_time        | +1     | Evening or Night                                  |
| weekend             | +1     | Saturday or Sunday                                |

An expense is a leak when its score reaches the person's leak threshold (default 5).
Income and savings are not scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

IMPULSIVE_CONTEXTS: tuple[str, ...] = ("Unplanned", "Emergency", "Festive")
IMPULSE_TIME_BLOCKS: tuple[str, ...] = ("Evening", "Night")
DEFAULT_LEAK_THRESHOLD = 5
DEFAULT_MICRO_THRESHOLD_MINOR = 30_000  # ₹300
MAX_SCORE = 9


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    points: int
    reason: str


RULES: tuple[Rule, ...] = (
    Rule("micro", 1, "micro spend"),
    Rule("not_necessary", 2, "not necessary"),
    Rule("impulsive_context", 2, "impulsive context"),
    Rule("recurring_unplanned", 2, "recurring but not planned"),
    Rule("impulse_time", 1, "evening or night"),
    Rule("weekend", 1, "weekend"),
)
RULES_BY_CODE = {r.code: r for r in RULES}
SCORED_COLUMNS = (
    "amount_minor",
    "is_necessary",
    "context",
    "is_recurring",
    "time_block",
    "day_type",
)


def rule_masks(frame: pd.DataFrame, *, micro_threshold_minor: int | pd.Series) -> dict[str, np.ndarray]:
    """Return, for each rule, a boolean array telling which rows it fires on."""
    context = frame["context"]
    return {
        "micro": (frame["amount_minor"] < micro_threshold_minor).to_numpy(dtype=bool),
        "not_necessary": ~frame["is_necessary"].to_numpy(dtype=bool),
        "impulsive_context": context.isin(IMPULSIVE_CONTEXTS).to_numpy(dtype=bool),
        "recurring_unplanned": frame["is_recurring"].to_numpy(dtype=bool)
        & (context != "Planned").to_numpy(dtype=bool),
        "impulse_time": frame["time_block"].isin(IMPULSE_TIME_BLOCKS).to_numpy(dtype=bool),
        "weekend": (frame["day_type"] == "Weekend").to_numpy(dtype=bool),
    }


# Every combination of fired rules, as a bit pattern, mapped once to its score and codes.
_POINTS_BY_PATTERN = np.array(
    [sum(r.points for i, r in enumerate(RULES) if pattern >> i & 1) for pattern in range(1 << len(RULES))],
    dtype=np.int64,
)
_CODES_BY_PATTERN = np.array(
    [",".join(r.code for i, r in enumerate(RULES) if pattern >> i & 1) for pattern in range(1 << len(RULES))],
    dtype=object,
)


def score_frame(
    frame: pd.DataFrame,
    *,
    micro_threshold_minor: int | pd.Series = DEFAULT_MICRO_THRESHOLD_MINOR,
    leak_threshold: int | pd.Series = DEFAULT_LEAK_THRESHOLD,
) -> pd.DataFrame:
    """Score expenses: returns leakage_score, leak_rules (codes joined by commas) and is_leak.

    Rows whose `type` is not `expense` (when the column is present) get nulls.
    """
    masks = rule_masks(frame, micro_threshold_minor=micro_threshold_minor)
    pattern = np.zeros(len(frame), dtype=np.int64)
    for bit, rule in enumerate(RULES):
        pattern |= masks[rule.code].astype(np.int64) << bit
    score = _POINTS_BY_PATTERN[pattern]
    result = pd.DataFrame(
        {
            "leakage_score": pd.array(score, dtype="Int64"),
            "leak_rules": pd.Series(_CODES_BY_PATTERN[pattern], index=frame.index, dtype=object),
            "is_leak": pd.array(score >= np.asarray(leak_threshold), dtype="boolean"),
        },
        index=frame.index,
    )
    if "type" in frame:
        not_expense = (frame["type"] != "expense").to_numpy(dtype=bool)
        if not_expense.any():
            result.loc[not_expense, "leakage_score"] = pd.NA
            result.loc[not_expense, "is_leak"] = pd.NA
            result["leak_rules"] = result["leak_rules"].where(~not_expense, None)
    return result


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
    """score_frame for a single expense without pandas: (score, rule codes, is_leak)."""
    fired = (
        amount_minor < micro_threshold_minor,
        not is_necessary,
        context in IMPULSIVE_CONTEXTS,
        is_recurring and context != "Planned",
        time_block in IMPULSE_TIME_BLOCKS,
        day_type == "Weekend",
    )
    pattern = sum(1 << bit for bit, hit in enumerate(fired) if hit)
    score = int(_POINTS_BY_PATTERN[pattern])
    return score, str(_CODES_BY_PATTERN[pattern]), score >= leak_threshold


def reasons(
    leak_rules: str | None, *, time_block: str | None = None, context: str | None = None
) -> list[str]:
    """Turn stored rule codes into plain words, most telling first."""
    if not leak_rules:
        return []
    words = []
    for code in leak_rules.split(","):
        rule = RULES_BY_CODE.get(code)
        if rule is None:
            continue
        if code == "impulse_time" and time_block:
            words.append(time_block.lower())
        elif code == "impulsive_context" and context:
            words.append(f"impulsive context ({context.lower()})")
        else:
            words.append(rule.reason)
    return words


def verdict_line(
    score: int | None,
    threshold: int,
    leak_rules: str | None,
    *,
    time_block: str | None = None,
    context: str | None = None,
) -> str:
    """Return `Leak: score 6/5 (not necessary, impulsive context, evening)` or `OK: score 2/5`."""
    if score is None:
        return "Not scored (only expenses are)."
    why = reasons(leak_rules, time_block=time_block, context=context)
    head = "Leak" if score >= threshold else "OK"
    tail = f" ({', '.join(why)})" if why else ""
    return f"{head}: score {score}/{threshold}{tail}"
