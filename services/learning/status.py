"""What /model shows: the person's verdicts, the model that speaks for them (or that the rules
decide), and how it did against the rule on held-out verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, ModelRecord, User
from ml.training import Comparison
from services.learning.registry import newest
from services.learning.serving import ModelService
from services.learning.training import MIN_VERDICTS_EACH


@dataclass(frozen=True)
class ShownModel:
    scope: str  # "personal" or "global"
    version: int
    trained_at: datetime
    comparison: Comparison
    in_use: bool


@dataclass(frozen=True)
class ModelStatus:
    leak_verdicts: int
    fine_verdicts: int
    model: ShownModel | None  # the serving model, else the newest one; None before any training

    @property
    def verdicts_needed(self) -> int:
        """How many more of each verdict a personal model needs."""
        return max(0, MIN_VERDICTS_EACH - min(self.leak_verdicts, self.fine_verdicts))


def status(session: Session, user: User, models: ModelService) -> ModelStatus:
    """Which model speaks for this person and how it did against the rule."""
    verdicts = session.execute(
        select(Entry.user_verdict, func.count())
        .where(Entry.user_id == user.id, Entry.user_verdict.is_not(None))
        .group_by(Entry.user_verdict)
    ).all()
    counts = {bool(v): int(n) for v, n in verdicts}
    serving = models.serving(session, user)
    in_use = session.get(ModelRecord, serving.record_id) if serving is not None else None
    shown = in_use or newest(session, "personal", user.id) or newest(session, "global", None)
    model = (
        ShownModel(
            shown.scope,
            shown.version,
            shown.trained_at,
            Comparison.from_dict(shown.metrics),
            in_use is not None,
        )
        if shown is not None
        else None
    )
    return ModelStatus(counts.get(True, 0), counts.get(False, 0), model)
