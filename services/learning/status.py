"""What /model shows: the person's verdicts, the model that speaks for them (or that the rules
decide), and how it did against the rule on held-out verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, ModelRecord, User
from ml.training import Comparison
from services.learning.registry import calls_needed, newest
from services.learning.serving import ModelService
from services.scoring.verdicts import DEFAULT_POLICY, MODEL, derive_one


@dataclass(frozen=True)
class ShownModel:
    scope: str  # "personal" or "global"
    version: int
    trained_at: datetime
    comparison: Comparison
    in_use: bool


@dataclass(frozen=True)
class Changed:
    """What the model decides otherwise than the rule would, in one category."""

    category: str
    now_ok: int  # the rule called them leaks, the model OK
    now_leak: int  # the rule called them OK, the model leaks


@dataclass(frozen=True)
class ModelStatus:
    leak_verdicts: int
    fine_verdicts: int
    model: ShownModel | None  # the serving model, else the newest one; None before any training
    changed: tuple[Changed, ...] = ()  # where the serving model overrules the rule, most first

    @property
    def verdicts_needed(self) -> int:
        """How many more verdicts a personal model needs, of whichever kind."""
        return sum(calls_needed(self.leak_verdicts, self.fine_verdicts))

    @property
    def leaks_needed(self) -> int:
        """How many more Leak calls a personal model needs."""
        return calls_needed(self.leak_verdicts, self.fine_verdicts)[0]

    @property
    def fines_needed(self) -> int:
        """How many more Not a leak calls a personal model needs."""
        return calls_needed(self.leak_verdicts, self.fine_verdicts)[1]

    @property
    def either_needed(self) -> int:
        """How many more calls of either kind a personal model needs, beyond those."""
        return calls_needed(self.leak_verdicts, self.fine_verdicts)[2]


def changed_by_model(session: Session, user: User) -> tuple[Changed, ...]:
    """The person's expenses the model decides otherwise than their rule would, by category."""
    rows = session.execute(
        select(Entry.category, Entry.is_necessary, Entry.rule_leak, Entry.is_leak, func.count())
        .where(Entry.user_id == user.id, Entry.type == "expense", Entry.decided_by == MODEL)
        .group_by(Entry.category, Entry.is_necessary, Entry.rule_leak, Entry.is_leak)
    ).all()
    now_ok: dict[str, int] = {}
    now_leak: dict[str, int] = {}
    for category, necessary, rule_leak, is_leak, n in rows:
        rule, _by = derive_one(
            category=category,
            is_necessary=bool(necessary),
            rule_leak=bool(rule_leak),
            model_probability=None,
            user_verdict=None,
            policy=user.leak_policy or DEFAULT_POLICY,
        )
        if rule and not is_leak:
            now_ok[category] = now_ok.get(category, 0) + int(n)
        elif is_leak and not rule:
            now_leak[category] = now_leak.get(category, 0) + int(n)
    found = [Changed(c, now_ok.get(c, 0), now_leak.get(c, 0)) for c in {*now_ok, *now_leak}]
    return tuple(sorted(found, key=lambda c: (-(c.now_ok + c.now_leak), c.category)))


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
    changed = changed_by_model(session, user) if in_use is not None else ()
    return ModelStatus(counts.get(True, 0), counts.get(False, 0), model, changed)
