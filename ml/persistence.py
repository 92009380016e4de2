"""Model files: written once with their sha256, loaded only when hash, libraries and types check.

Models are stored with `skops.io`, which rebuilds an object from a description of it and
never runs code the file brings (a pickle, joblib's format, runs whatever it names). Loading
trusts an explicit list of types, those our pipelines are built of; a file that holds any
other type is refused before anything in it is built, and so is a file that is not a skops
file at all (an old joblib model: it is retrained, never unpickled). A model written by one
scikit-learn may load under another and predict nonsense, and a file changed on disk may be
anything; both are refused too. A refused model leaves the rule to decide.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, BadZipFile

import numpy as np
import pandas as pd
import sklearn
import skops
import skops.io as sio

SUFFIX = ".skops"
# Beyond the numpy, scipy and scikit-learn types skops trusts by itself: what the pipelines of
# ml/training.py are made of. Nothing else in a model file is ever built.
TRUSTED_TYPES: tuple[str, ...] = (
    "ml.features.FrameEncoder",
    "ml.features.LinearEncoder",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)


class ModelRejected(Exception):
    """The file is missing, altered, or was written by other library versions."""


def library_versions() -> dict[str, str]:
    return {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "skops": skops.__version__,
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save(model: Any, directory: Path, name: str) -> tuple[Path, str]:
    """Write model atomically to directory/name; return the path and its sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    os.close(fd)
    try:
        sio.dump(model, temporary, compression=ZIP_DEFLATED)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target, sha256_of(target)


def load(path: Path, *, sha256: str, versions: dict[str, str]) -> Any:
    """Load a model written by save(), or raise ModelRejected saying why."""
    if not path.is_file():
        raise ModelRejected(f"{path} is missing")
    current = library_versions()
    mismatched = {k: (v, current.get(k)) for k, v in versions.items() if current.get(k) != v}
    if mismatched:
        detail = ", ".join(f"{k} {was} -> {now}" for k, (was, now) in sorted(mismatched.items()))
        raise ModelRejected(f"{path.name} was trained with other library versions ({detail})")
    actual = sha256_of(path)
    if actual != sha256:
        raise ModelRejected(f"{path.name} does not match its recorded sha256")
    try:
        found = set(sio.get_untrusted_types(file=path))
    except (BadZipFile, KeyError, ValueError, json.JSONDecodeError) as exc:
        raise ModelRejected(f"{path.name} is not a skops model file ({type(exc).__name__})") from exc
    unknown = sorted(found - set(TRUSTED_TYPES))
    if unknown:
        raise ModelRejected(f"{path.name} holds types LeakBot does not load: {', '.join(unknown)}")
    return sio.load(path, trusted=list(TRUSTED_TYPES))
