"""Model files and their records: each trained model is saved once with its sha256 and library
versions (ml/persistence.py) and recorded in the `models` table with its metrics. Looking a
record up needs no scikit-learn; saving one loads it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ModelRecord

if TYPE_CHECKING:
    from ml.training import Comparison

PROMOTION_MARGIN = 0.02  # a model serves only when its held-out F1 beats the rule's by this much
MIN_VERDICTS = 16  # a personal model needs this many verdicts in all,
MIN_VERDICTS_EACH = 3  # and at least this many of each kind (a rare taste gives few leaks)


def calls_needed(leaks: int, fine: int) -> tuple[int, int, int]:
    """More Leak calls, more Not a leak calls, and more calls of either kind a personal model
    needs before it is trained (all zero: enough)."""
    more_leaks, more_fine = max(0, MIN_VERDICTS_EACH - leaks), max(0, MIN_VERDICTS_EACH - fine)
    return more_leaks, more_fine, max(0, MIN_VERDICTS - leaks - fine - more_leaks - more_fine)


def newest(session: Session, scope: str, user_id: int | None) -> ModelRecord | None:
    """The latest model of a scope (a person's own, or everyone's)."""
    query = select(ModelRecord).where(ModelRecord.scope == scope)
    query = query.where(ModelRecord.user_id.is_(None) if user_id is None else ModelRecord.user_id == user_id)
    return session.scalar(query.order_by(ModelRecord.version.desc()).limit(1))


def next_version(session: Session, scope: str, user_id: int | None) -> int:
    owner = ModelRecord.user_id.is_(None) if user_id is None else ModelRecord.user_id == user_id
    current = session.scalar(select(func.max(ModelRecord.version)).where(ModelRecord.scope == scope, owner))
    return int(current or 0) + 1


def record(
    session: Session,
    *,
    model_dir: Path,
    model: Any,
    scope: str,
    user_id: int | None,
    comparison: Comparison,
    n_verdicts: int,
    now: datetime,
) -> ModelRecord:
    """Save the model's file and add its record; promoted when it beats the rule by the margin."""
    from ml import persistence
    from ml.features import MODEL_FEATURES

    version = next_version(session, scope, user_id)
    owner = f"{scope}-{user_id}" if user_id is not None else scope
    name = f"{owner}-v{version}{persistence.SUFFIX}"
    _, digest = persistence.save(model, model_dir, name)
    row = ModelRecord(
        scope=scope,
        user_id=user_id,
        version=version,
        trained_at=now,
        file_name=name,
        sha256=digest,
        features=list(MODEL_FEATURES),
        metrics=comparison.as_dict(),
        library_versions=persistence.library_versions(),
        n_verdicts=n_verdicts,
        promoted=comparison.gain >= PROMOTION_MARGIN,
    )
    session.add(row)
    return row
