"""Model files: written once with their sha256, loaded only when hash and libraries match.

A model pickled by one scikit-learn may load under another and predict nonsense, and a file
changed on disk may be anything; both are refused, and the caller falls back to the rule.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn


class ModelRejected(Exception):
    """The file is missing, altered, or was written by other library versions."""


def library_versions() -> dict[str, str]:
    return {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "joblib": joblib.__version__,
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
        joblib.dump(model, temporary, compress=3)
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
    return joblib.load(path)
