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
SCORED_COLUMNS = ("amount_minor", "is_necessary", "context", "is_recurring", "time_block", "day_type")


def rule_masks(frame: pd.DataFrame, *, micro_threshold_minor: int | pd.Series) -> dict[str, np.ndarray]:
    """Return, for each rule, a boolean array telling which rows it fires on."""
    context = frame["context"].to_numpy(dtype=object)
    return {
        "micro": (frame["amount_minor"] < micro_threshold_minor).to_numpy(dtype=bool),
        "not_necessary": ~frame["is_necessary"].to_numpy(dtype=bool),
        "impulsive_context": np.isin(context, IMPULSIVE_CONTEXTS),
        "recurring_unplanned": frame["is_recurring"].to_numpy(dtype=bool) & (context != "Planned"),
        "impulse_time": np.isin(frame["time_block"].to_numpy(dtype=object), IMPULSE_TIME_BLOCKS),
        "weekend": frame["day_type"].to_numpy(dtype=object) == "Weekend",
    }


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
    score = np.zeros(len(frame), dtype=np.int64)
    codes = np.full(len(frame), "", dtype=object)
    for rule in RULES:
        fired = masks[rule.code]
        score += np.where(fired, rule.points, 0)
        codes = codes + np.where(fired, rule.code + ",", "")
    codes = pd.Series(codes, index=frame.index, dtype=object).str.rstrip(",")
    threshold = np.asarray(leak_threshold)
    result = pd.DataFrame(
        {
            "leakage_score": pd.array(score, dtype="Int64"),
            "leak_rules": codes,
            "is_leak": pd.array(score >= threshold, dtype="boolean"),
        },
        index=frame.index,
    )
    if "type" in frame:
        not_expense = (frame["type"] != "expense").to_numpy()
        result.loc[not_expense, "leakage_score"] = pd.NA
        result.loc[not_expense, "is_leak"] = pd.NA
        result["leak_rules"] = result["leak_rules"].where(~not_expense, None)
    return result


def reasons(leak_rules: str | None, *, time_block: str | None = None, context: str | None = None) -> list[str]:
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


def verdict_line(score: int | None, threshold: int, leak_rules: str | None, *,
                 time_block: str | None = None, context: str | None = None) -> str:
    """Return `Leak: score 6/5 (not necessary, impulsive context, evening)` or `OK: score 2/5`."""
    if score is None:
        return "Not scored (only expenses are)."
    why = reasons(leak_rules, time_block=time_block, context=context)
    head = "Leak" if score >= threshold else "OK"
    tail = f" ({', '.join(why)})" if why else ""
    return f"{head}: score {score}/{threshold}{tail}"
