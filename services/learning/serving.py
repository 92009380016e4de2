"""Which model speaks for whom: the newest personal model when promoted, else the newest
global one when promoted, else none (the rule decides).

A ModelService is built once per process (the bot's runtime at start-up, or one CLI
command) and handed to the use cases. It keeps the loaded models by file and hash, and for
SERVING_TTL_S its answer to "which model serves this person", asked on every chat message.
A model file whose hash or library versions do not match is refused with a log line and
the rule stands. scikit-learn, skops and pandas are loaded only once a model serves.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Entry, ModelRecord, User
from db.session import Turn
from services.learning.registry import newest
from services.scoring.rescoring import rederive

log = logging.getLogger(__name__)
PROBABILITIES_PER_TURN = 2_000
SERVING_TTL_S = 30.0  # how long a process trusts its answer to "which model serves this person"

_entries = Entry.__table__.c
# Built once: a chat entry runs them whenever a model speaks for the person.
_EXPENSES = select(_entries.id, _entries.local_date, _entries.category, _entries.note).where(
    _entries.id.in_(bindparam("ids", expanding=True)),
    _entries.user_id == bindparam("user_id"),
    _entries.type == "expense",
)
_SET_PROBABILITY = (
    update(Entry.__table__)
    .where(_entries.id == bindparam("entry_id"), _entries.user_id == bindparam("owner"))
    .values(model_probability=bindparam("probability"))
)


@dataclass(frozen=True)
class Serving:
    """The model that speaks for a person: what is needed to find, check and name its file."""

    record_id: int
    scope: str
    version: int
    file_name: str
    sha256: str
    library_versions: dict[str, str] = field(compare=False)

    @classmethod
    def of(cls, record: ModelRecord) -> Serving:
        return cls(
            record.id,
            record.scope,
            record.version,
            record.file_name,
            record.sha256,
            dict(record.library_versions),
        )


class ModelService:
    """The loaded models and who they serve, shared by every thread of one process."""

    def __init__(self, model_dir: Path, *, ttl_s: float = SERVING_TTL_S, training_threads: int = 1) -> None:
        self.model_dir = model_dir
        self.ttl_s = ttl_s
        self.training_threads = training_threads
        self._models: dict[tuple[str, str], Any] = {}
        self._serving: dict[tuple[str, int], tuple[float, Serving | None]] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop every cached answer and model (after training in this process)."""
        with self._lock:
            self._serving.clear()
            self._models.clear()

    def serving(self, session: Session, user: User) -> Serving | None:
        """The model that speaks for this person, if any beat the rule. Asked on every chat
        message, so the answer is kept for ttl_s: a model trained by another instance serves
        within that time."""
        bind = session.get_bind()
        key = (str(bind.engine.url), user.id)  # an Engine's engine is itself; a Connection's, its own
        now = time.monotonic()
        with self._lock:
            cached = self._serving.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = None
        for record in (newest(session, "personal", user.id), newest(session, "global", None)):
            if record is not None and record.promoted:
                found = Serving.of(record)
                break
        with self._lock:
            self._serving[key] = (now + self.ttl_s, found)
        return found

    def load(self, record: Serving) -> Any | None:
        """The record's model, loaded once; None when its file is refused."""
        from ml import persistence

        key = (str(self.model_dir / record.file_name), record.sha256)
        with self._lock:
            if key in self._models:
                return self._models[key]
        try:
            model = persistence.load(
                self.model_dir / record.file_name, sha256=record.sha256, versions=record.library_versions
            )
        except persistence.ModelRejected as exc:
            log.warning("model %s v%s refused, the rule stands: %s", record.scope, record.version, exc)
            model = None
        with self._lock:
            self._models[key] = model
        return model

    def predict_entries(self, session: Session, user: User, entry_ids: list[int]) -> dict[int, float]:
        """P(leak) for some of the person's expenses, stored on them; empty when the rule stands.

        One entry (a chat message) reads its month and category; several are computed with the
        person's whole history, as in training.
        """
        record = self.serving(session, user)
        model = self.load(record) if record is not None else None
        if model is None or not entry_ids:
            return {}
        from ml.training import leak_probability
        from services.learning.features import entry_features, load_expenses, model_frame

        connection = session.connection()
        entries = connection.execute(_EXPENSES, {"ids": entry_ids, "user_id": user.id}).all()
        if not entries:
            return {}
        features: Any
        if len(entries) == 1:
            features, ids = [entry_features(session, user, entries[0])], [entries[0].id]
        else:
            history = load_expenses(session, user_ids=[user.id])
            wanted = history["entry_id"].isin([e.id for e in entries]).to_numpy()
            features = model_frame(history, {user.id: user}).loc[wanted]
            ids = history.loc[wanted, "entry_id"].astype(int).tolist()
        probability = leak_probability(model, features).astype(float).round(4)
        result = dict(zip(ids, probability.tolist(), strict=True))
        connection.execute(
            _SET_PROBABILITY, [{"entry_id": i, "owner": user.id, "probability": p} for i, p in result.items()]
        )
        rederive(session, user, list(result))
        return result

    def predict_import(self, turn: Turn, user: User, import_id: int) -> int:
        """Give every expense of an import its probability (when a model serves); how many.

        PROBABILITIES_PER_TURN of the import's expenses at a time, date order: each batch reads
        the whole months it falls in, and what preceded them is carried from batch to batch
        (services/learning/features.py ImportFeatures), so every expense gets what
        model_frame over the whole history would give it, and a 200,000-row import is never
        held in memory, nor the database held for long, at once."""
        record = turn.read(lambda session: self.serving(session, user))
        model = self.load(record) if record is not None else None
        if model is None:
            return 0
        from ml.training import leak_probability
        from services.learning.features import ImportFeatures

        ids = turn.read(lambda session: _import_expense_ids(session, user.id, import_id))
        features_of = ImportFeatures(user)
        for first in range(0, len(ids), PROBABILITIES_PER_TURN):
            batch = ids[first : first + PROBABILITIES_PER_TURN]
            features = turn.read(lambda session, batch=batch: features_of.batch(session, batch))  # type: ignore[misc]
            probability = leak_probability(model, features).astype(float).round(4).tolist()
            rows = [
                {"entry_id": int(i), "owner": user.id, "probability": p}
                for i, p in zip(features.index, probability, strict=True)
            ]
            turn(lambda session, rows=rows: store_probabilities(session, user, rows))  # type: ignore[misc]
        return len(ids)


def store_probabilities(session: Session, user: User, rows: list[dict[str, Any]]) -> None:
    """Store a model's probabilities (`entry_id`, `owner`, `probability`) and re-derive those
    entries' verdicts from them."""
    session.connection().execute(_SET_PROBABILITY, rows)
    rederive(session, user, [r["entry_id"] for r in rows])


def clear_probabilities(session: Session, user: User) -> None:
    """No model speaks for the person any more: the rule decides their expenses again."""
    session.connection().execute(
        update(Entry.__table__)
        .where(_entries.user_id == user.id, _entries.model_probability.is_not(None))
        .values(model_probability=None)
    )
    rederive(session, user)


def _import_expense_ids(session: Session, user_id: int, import_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Entry.id)
            .where(Entry.user_id == user_id, Entry.import_id == import_id, Entry.type == "expense")
            .order_by(Entry.local_date, Entry.occurred_at, Entry.id)
        )
    )
