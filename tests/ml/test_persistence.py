"""Model files load without running anything they bring: only skops files of trusted types,
with the recorded hash and library versions."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from ml import persistence
from ml.features import CATEGORICAL, MODEL_FEATURES
from ml.training import fit, leak_probability


class Gadget:
    """A type no LeakBot model is made of."""

    def __init__(self) -> None:
        self.payload = "anything"


class Trap:
    """Unpickling this touches a file: what a hostile pickle could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


def _frame(n: int = 120) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    X = pd.DataFrame(
        {c: rng.choice(["a", "b", "c"], n) if c in CATEGORICAL else rng.random(n) for c in MODEL_FEATURES}
    )
    return X, rng.random(n) < 0.3


def test_a_saved_model_loads_and_predicts_the_same(tmp_path: Path) -> None:
    X, y = _frame()
    model = fit("personal", X, y)
    path, digest = persistence.save(model, tmp_path, "personal-1-v1.skops")
    loaded = persistence.load(path, sha256=digest, versions=persistence.library_versions())
    assert np.array_equal(leak_probability(model, X), leak_probability(loaded, X))


def test_a_pickle_is_never_unpickled_even_with_its_hash_recorded(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "personal-1-v1.skops"
    path.write_bytes(pickle.dumps(Trap(marker)))
    with pytest.raises(persistence.ModelRejected, match="is not a skops model file"):
        persistence.load(path, sha256=persistence.sha256_of(path), versions=persistence.library_versions())
    assert not marker.exists()


def test_a_file_holding_an_unknown_type_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    path = tmp_path / "global-v2.skops"
    sio.dump({"model": Gadget()}, path)
    with pytest.raises(persistence.ModelRejected, match=r"types LeakBot does not load: .*Gadget"):
        persistence.load(path, sha256=persistence.sha256_of(path), versions=persistence.library_versions())
