"""One verdict per expense: who decides whether it is a leak, derived in one place.

In order: the person's own call (the Leak / Not a leak buttons), else the model that speaks
for them (its probability at MODEL_THRESHOLD), else the rule. The rule is the seed's
six-rule score (services/scoring/rules.py) at the person's threshold, read by the person's
policy:

| policy    | the rule's verdict                                                  |
|-----------|---------------------------------------------------------------------|
| `guarded` | score ≥ threshold, but a necessity is never a leak unless you or    |
|           | your model say so (the default)                                     |
| `seed`    | score ≥ threshold, as the seed analysis defines it                   |

A necessity is an expense marked necessary, or one in a category that is a necessity by
default (rent, EMI, medical, education, utilities, groceries, insurance, fuel, ...).

The effective verdict is stored as `is_leak` with `decided_by` (DECIDERS) beside the rule's
own `rule_leak`, so every reply, question, chart, digest and budget reads the same one;
`derive` is the rule for arrays (a file, a re-derivation), `derive_one` for one entry, and
`rederive_sql` for a person's stored entries at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import and_, case, or_
from sqlalchemy.sql.elements import ColumnElement

from services.catalog import CATEGORIES, EntryType

POLICIES = ("guarded", "seed")
DEFAULT_POLICY = "guarded"
MODEL_THRESHOLD = 0.5  # the models are fit for the person's calls: P(leak) from here is a leak
YOU, MODEL, RULE, NEED = "you", "model", "rule", "need"
DECIDERS = (YOU, MODEL, RULE, NEED)  # NEED: the rule's leak, overruled because it is a necessity
NECESSARY_CATEGORIES = frozenset(c.name for c in CATEGORIES if c.type is EntryType.EXPENSE and c.necessary)


def is_necessity(category: Any, is_necessary: Any) -> Any:
    """Whether an expense (or each of many) is a necessity to the guarded policy."""
    in_category = np.isin(np.asarray(category, dtype=object), list(NECESSARY_CATEGORIES))
    return np.asarray(is_necessary, dtype=bool) | in_category


def derive(
    *,
    category: Any,
    is_necessary: Any,
    rule_leak: Any,
    model_probability: Any,
    user_verdict: Any,
    policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(is_leak, decided_by) for expenses given as arrays of equal length: None where there
    is no model probability or no call of the person's."""
    shape = np.shape(rule_leak)
    rule = np.asarray(rule_leak, dtype=object).astype(bool).ravel()
    probability = np.asarray(model_probability, dtype=object).ravel()
    call = np.asarray(user_verdict, dtype=object).ravel()
    category, is_necessary = np.ravel(category), np.ravel(is_necessary)
    has_call = np.array([c is not None for c in call], dtype=bool)
    has_model = np.array([p is not None and p == p for p in probability], dtype=bool)  # p == p: not NaN
    model_leak = np.array([bool(p is not None and p == p and p >= MODEL_THRESHOLD) for p in probability])
    overruled = rule & is_necessity(category, is_necessary) if policy == "guarded" else np.zeros_like(rule)
    call_leak = np.array([bool(c) for c in call], dtype=bool)  # None reads False, and is not used
    leak = np.where(has_call, call_leak, np.where(has_model, model_leak, rule & ~overruled))
    by = np.where(has_call, YOU, np.where(has_model, MODEL, np.where(overruled, NEED, RULE))).astype(object)
    return leak.astype(bool).reshape(shape), by.reshape(shape)


def derive_one(
    *,
    category: str,
    is_necessary: bool,
    rule_leak: bool,
    model_probability: float | None,
    user_verdict: bool | None,
    policy: str,
) -> tuple[bool, str]:
    """derive() for one expense."""
    if user_verdict is not None:
        return bool(user_verdict), YOU
    if model_probability is not None:
        return model_probability >= MODEL_THRESHOLD, MODEL
    if rule_leak and policy == "guarded" and (is_necessary or category in NECESSARY_CATEGORIES):
        return False, NEED
    return bool(rule_leak), RULE


def rederive_sql(columns: Any, policy: str) -> dict[str, ColumnElement[Any]]:
    """The SET clause that re-derives stored expenses' verdicts in SQL (columns: the entries
    table's `.c`), the same rule as derive()."""
    necessity = or_(columns.is_necessary.is_(True), columns.category.in_(sorted(NECESSARY_CATEGORIES)))
    overruled = and_(columns.rule_leak.is_(True), necessity) if policy == "guarded" else None
    model = columns.model_probability.is_not(None)
    leak_whens: list[tuple[Any, Any]] = [
        (columns.user_verdict.is_not(None), columns.user_verdict),
        (model, columns.model_probability >= MODEL_THRESHOLD),
    ]
    by_whens: list[tuple[Any, Any]] = [(columns.user_verdict.is_not(None), YOU), (model, MODEL)]
    if overruled is not None:
        leak_whens.append((overruled, False))
        by_whens.append((overruled, NEED))
    return {
        "is_leak": case(*leak_whens, else_=columns.rule_leak),
        "decided_by": case(*by_whens, else_=RULE),
    }
