"""Fit leak classifiers and judge them against the six-rule verdict, on human verdicts only.

Two kinds. `personal`: a strongly regularised logistic regression on one-hot categories and
standardised numbers, the rule's own verdict among them, so that it starts from the rule and
a handful of verdicts move it where the person departs from it (trees need hundreds).
`global` (many people's rows): histogram gradient boosting on category codes, calibrated
(sigmoid) so the probability in a reply means what it says. Both are judged on held-out
human verdicts: F1, precision, recall and the Brier score, with the rule's own 0/1 verdict
scored the same way on the same rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, confusion_matrix, f1_score, precision_score, recall_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from ml.features import MODEL_FEATURES, FrameEncoder, LinearEncoder

SEED = 20_24


PERSONAL_C = 0.5  # inverse regularisation strength: a few verdicts move it, one cannot swing it


def make_model(kind: str) -> Pipeline:
    """An unfitted pipeline: the encoder its classifier reads, then the classifier.

    personal: logistic regression (one-hot categories, standardised numbers; see the module
    docstring). global: histogram gradient boosting on category codes (two splits isolate any
    one category; native categorical splits would re-encode every row, 5 ms per served
    entry), calibrated.
    """
    if kind == "personal":
        classifier = LogisticRegression(C=PERSONAL_C, max_iter=1000)
        return Pipeline([("features", LinearEncoder()), ("classifier", classifier)])
    if kind != "global":
        raise ValueError(f"unknown model kind {kind!r}")
    estimator = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.15, random_state=SEED)
    calibrated = CalibratedClassifierCV(estimator, method="sigmoid", cv=3, ensemble=False)
    return Pipeline([("features", FrameEncoder()), ("classifier", calibrated)])


def fit(kind: str, X: pd.DataFrame, y: np.ndarray, weight: np.ndarray | None = None) -> Pipeline:
    """Fit a model of this kind on X[MODEL_FEATURES]."""
    model = make_model(kind)
    params = {"classifier__sample_weight": weight} if weight is not None else {}
    model.fit(X[list(MODEL_FEATURES)], y, **params)
    return model


def leak_probability(model: Pipeline, X: pd.DataFrame | list[dict[str, Any]]) -> np.ndarray:
    """P(leak) for each row of X, a frame or a list of feature dicts (the encoder yields
    finite floats, so scikit-learn's validation is skipped)."""
    rows = X[list(MODEL_FEATURES)] if isinstance(X, pd.DataFrame) else X
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        return model.predict_proba(rows)[:, 1]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Scores:
    f1: float
    precision: float
    recall: float
    brier: float
    confusion: list[list[int]]  # [[tn, fp], [fn, tp]]


@dataclass(frozen=True)
class Comparison:
    """A model against the rule on the same held-out human verdicts."""

    n: int
    model: Scores
    rule: Scores

    @property
    def gain(self) -> float:
        return self.model.f1 - self.rule.f1

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "model": asdict(self.model), "rule": asdict(self.rule)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comparison:
        return cls(n=data["n"], model=Scores(**data["model"]), rule=Scores(**data["rule"]))


def scores(y_true: np.ndarray, probability: np.ndarray) -> Scores:
    y_true = np.asarray(y_true, dtype=bool)
    predicted = np.asarray(probability) >= 0.5
    return Scores(
        f1=float(f1_score(y_true, predicted, zero_division=0)),
        precision=float(precision_score(y_true, predicted, zero_division=0)),
        recall=float(recall_score(y_true, predicted, zero_division=0)),
        brier=float(brier_score_loss(y_true, np.clip(probability, 0, 1))),
        confusion=confusion_matrix(y_true, predicted, labels=[False, True]).tolist(),
    )


def compare(y_true: np.ndarray, probability: np.ndarray, rule_verdict: np.ndarray) -> Comparison:
    return Comparison(
        n=len(y_true),
        model=scores(y_true, probability),
        rule=scores(y_true, np.asarray(rule_verdict, dtype=float)),
    )


def out_of_fold(
    kind: str,
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    judged: np.ndarray,
    weight: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    folds: int = 5,
) -> tuple[np.ndarray, np.ndarray]:
    """Held-out probabilities for the human-judged rows (weakly labelled rows only ever train).

    With groups (people), folds never split a person, so the score says how the model does
    for someone it has not seen. Returns (indices of judged rows scored, their probabilities).
    """
    judged_idx = np.flatnonzero(judged)
    y_judged = y[judged_idx]
    if groups is not None:
        splitter: Any = GroupKFold(n_splits=min(folds, len(np.unique(groups[judged_idx]))))
        splits = splitter.split(judged_idx, y_judged, groups[judged_idx])
    else:
        n_splits = int(min(folds, np.bincount(y_judged.astype(int), minlength=2).min()))
        splits = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED).split(
            judged_idx, y_judged
        )
    probability = np.empty(len(judged_idx))
    for _, test_j in splits:
        held_out = judged_idx[test_j]
        train = np.ones(len(y), dtype=bool)
        train[held_out] = False
        if groups is not None:  # a held-out person's weak labels would leak their rows in
            train &= ~np.isin(groups, np.unique(groups[held_out]))
        model = fit(kind, X.iloc[train], y[train], None if weight is None else weight[train])
        probability[test_j] = leak_probability(model, X.iloc[held_out])
    return judged_idx, probability
