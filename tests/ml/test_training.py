"""Leak classifiers on frames: they learn what the labels say, are judged on rows they never
saw (a held-out person's rows never train), and score against the rule the same way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.features import CATEGORICAL, MODEL_FEATURES, FrameEncoder
from ml.training import compare, fit, leak_probability, out_of_fold


def frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {c: rng.choice(["a", "b", "c"], n) for c in CATEGORICAL}
    for column in MODEL_FEATURES:
        if column not in CATEGORICAL:
            data[column] = rng.random(n)
    data["hour"] = rng.integers(0, 24, n).astype(float)
    return pd.DataFrame(data)[list(MODEL_FEATURES)]


@pytest.mark.parametrize("kind", ["personal", "global"])
def test_a_model_learns_a_taste_from_its_labels_with_probabilities_between_0_and_1(kind: str) -> None:
    X = frame(400, seed=1)
    y = (X["hour"] >= 18).to_numpy()  # "anything after six is a leak"
    model = fit(kind, X, y)
    test = frame(200, seed=2)
    probability = leak_probability(model, test)
    assert ((probability >= 0) & (probability <= 1)).all()
    accuracy = ((probability >= 0.5) == (test["hour"] >= 18).to_numpy()).mean()
    assert accuracy > 0.95, accuracy
    one = test.iloc[[0]].to_dict("records")  # the serving path: a list of feature dicts
    assert leak_probability(model, one)[0] == pytest.approx(probability[0])


def test_a_held_out_persons_rows_never_train_the_model_that_scores_them() -> None:
    """Two people with opposite tastes: scored by a model trained only on the other one, each
    is predicted wrong. Had their own rows (or weak labels) leaked into training, they would not be."""
    X = frame(600, seed=3)
    groups = np.repeat([1, 2], 300)
    night = (X["hour"] >= 12).to_numpy()
    y = np.where(groups == 1, night, ~night)
    judged = np.zeros(600, dtype=bool)
    judged[::3] = True  # a third are verdicts, the rest weak labels
    idx, probability = out_of_fold(
        "global", X, y, judged=judged, weight=np.where(judged, 1.0, 0.2), groups=groups
    )
    assert (idx == np.flatnonzero(judged)).all()  # only verdicts are ever scored
    accuracy = ((probability >= 0.5) == y[idx]).mean()
    assert accuracy < 0.1, accuracy


def test_a_model_and_the_rule_are_scored_alike_on_the_same_verdicts() -> None:
    truth = np.array([True, True, False, False, True])
    comparison = compare(
        truth, np.array([0.9, 0.2, 0.1, 0.7, 0.8]), np.array([True, False, False, False, False])
    )
    assert comparison.n == 5
    assert (comparison.model.precision, comparison.model.recall) == pytest.approx((2 / 3, 2 / 3))
    assert comparison.model.confusion == [[1, 1], [1, 2]]
    assert comparison.model.brier == pytest.approx(
        np.mean((np.array([0.9, 0.2, 0.1, 0.7, 0.8]) - truth) ** 2)
    )
    assert (comparison.rule.precision, comparison.rule.recall, comparison.rule.f1) == pytest.approx(
        (1.0, 1 / 3, 0.5)
    )
    assert comparison.gain == pytest.approx(comparison.model.f1 - 0.5)


def test_categories_never_seen_in_training_become_missing_not_an_error() -> None:
    X = frame(50, seed=4)
    encoder = FrameEncoder().fit(X)
    unseen = X.iloc[[0]].assign(category="never seen")
    encoded = encoder.transform(unseen)
    assert np.isnan(encoded[0, CATEGORICAL.index("category")])
    assert np.array_equal(encoder.transform(unseen.to_dict("records")), encoded, equal_nan=True)
