"""Train the leak models on the person's own verdicts and judge them against the rule.

Ground truth is the person's verdict (the Leak / Not a leak buttons). A **personal** model is
trained for anyone with MIN_VERDICTS verdicts, MIN_VERDICTS_EACH of each kind at least
(someone whose leaks are rare says "Leak" seldom). It starts from
the rule: every expense the person has not judged carries the rule's verdict as a weak
label, all of them together weighing as much as WEAK_TOTAL_WEIGHT verdicts, so a few
verdicts move the model where the person departs from the rule and nowhere else. Recent
expenses weigh more (half as much every HALF_LIFE_DAYS back), so a changed taste is
followed.

A **global** model learns from everyone: verdicts at full weight, the rule's verdict on
unjudged expenses as a weak label (WEAK_LABEL_WEIGHT); it is judged with folds grouped
by person. Either is promoted only when its held-out F1 on human verdicts beats the rule's
on the same verdicts by registry.PROMOTION_MARGIN; otherwise the rule stands. Weak labels
are never used as truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, ModelRecord, User
from db.session import Turn
from ml import training
from services.learning import registry
from services.learning.features import load_expenses, model_frame
from services.learning.registry import MIN_VERDICTS, calls_needed
from services.scoring.verdicts import DEFAULT_POLICY, is_necessity

WEAK_TOTAL_WEIGHT = 12.0  # the rule's verdicts on unjudged expenses, all together, in verdicts
HALF_LIFE_DAYS = 365
PUBLISH_ROWS = 5_000  # probabilities stored per turn after training
MIN_GLOBAL_PEOPLE = 2
WEAK_LABEL_WEIGHT = 0.2


@dataclass(frozen=True)
class Trained:
    scope: str
    telegram_id: int | None  # whose, for a personal model
    version: int
    n_verdicts: int
    comparison: training.Comparison
    promoted: bool


@dataclass(frozen=True)
class Skipped:
    """A model that was not trained, and why (counts, for the renderer)."""

    scope: str
    telegram_id: int | None = None  # personal: whose
    leak_verdicts: int = 0
    fine_verdicts: int = 0
    people: int = 0  # global: how many people gave verdicts
    needed: int = 0  # verdicts of each kind (personal) or people (global) a model needs
    no_expenses: bool = False


@dataclass
class TrainingReport:
    models: list[Trained] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _trained(row: ModelRecord, comparison: training.Comparison, user: User | None = None) -> Trained:
    telegram_id = user.telegram_id if user is not None else None
    return Trained(row.scope, telegram_id, row.version, row.n_verdicts, comparison, row.promoted)


def train_personal(
    turn: Turn,
    *,
    user: User,
    expenses: pd.DataFrame,
    features: pd.DataFrame,
    model_dir: Path,
    now: datetime,
) -> Trained | Skipped:
    """Train and judge one person's model on their verdicts; return it, or why it was skipped."""
    judged = expenses["user_verdict"].notna().to_numpy()
    y = expenses.loc[judged, "user_verdict"].astype(bool).to_numpy()
    leaks, fine = int(y.sum()), int((~y).sum())
    if sum(calls_needed(leaks, fine)):
        return Skipped(
            "personal",
            telegram_id=user.telegram_id,
            leak_verdicts=leaks,
            fine_verdicts=fine,
            needed=MIN_VERDICTS,
        )
    rule = rule_verdicts(expenses, {user.id: user})
    labels = np.where(judged, expenses["user_verdict"].fillna(False).astype(bool), rule)
    weight = personal_weights(expenses, judged)
    idx, probability = training.out_of_fold("personal", features, labels, judged=judged, weight=weight)
    comparison = training.compare(labels[idx], probability, rule[idx])
    model = training.fit("personal", features, labels, weight)
    row = turn(
        lambda session: registry.record(
            session,
            model_dir=model_dir,
            model=model,
            scope="personal",
            user_id=user.id,
            comparison=comparison,
            n_verdicts=len(y),
            now=now,
        )
    )
    return _trained(row, comparison, user)


def personal_weights(expenses: pd.DataFrame, judged: np.ndarray) -> np.ndarray:
    """A verdict weighs 1, the rule's weak label WEAK_TOTAL_WEIGHT / (unjudged expenses), each
    halved for every HALF_LIFE_DAYS between its expense and the newest one."""
    days = pd.to_datetime(expenses["local_date"]).to_numpy(dtype="datetime64[D]")
    age = (days.max() - days).astype(np.int64)
    weak = WEAK_TOTAL_WEIGHT / max(1, int((~judged).sum()))
    return np.where(judged, 1.0, weak) * 0.5 ** (age / HALF_LIFE_DAYS)  # type: ignore[no-any-return]


def rule_verdicts(expenses: pd.DataFrame, users: dict[int, User]) -> np.ndarray:
    """What the rule says of each expense under its owner's policy: the verdict a model
    must beat, and the weak label of the unjudged (services/scoring/verdicts.py)."""
    guarded = (
        expenses["user_id"]
        .map({u.id: (u.leak_policy or DEFAULT_POLICY) == "guarded" for u in users.values()})
        .fillna(True)
        .to_numpy(dtype=bool)
    )
    rule = expenses["rule_leak"].fillna(False).astype(bool).to_numpy()
    return rule & ~(
        guarded & is_necessity(expenses["category"].to_numpy(), expenses["is_necessary"].to_numpy())
    )


def train_global(
    turn: Turn,
    *,
    expenses: pd.DataFrame,
    features: pd.DataFrame,
    model_dir: Path,
    now: datetime,
    users: dict[int, User] | None = None,
) -> Trained | Skipped:
    """Train and judge the model for everyone (verdicts plus weak labels, folds by person)."""
    judged = expenses["user_verdict"].notna().to_numpy()
    people = expenses.loc[judged, "user_id"].nunique()
    verdicts = expenses.loc[judged, "user_verdict"].astype(bool)
    if people < MIN_GLOBAL_PEOPLE or verdicts.nunique() < 2:
        return Skipped("global", people=int(people), needed=MIN_GLOBAL_PEOPLE)
    rule = rule_verdicts(expenses, users or {})
    y = np.where(judged, expenses["user_verdict"].fillna(False), rule).astype(bool)
    weight = np.where(judged, 1.0, WEAK_LABEL_WEIGHT)
    groups = expenses["user_id"].to_numpy()
    idx, probability = training.out_of_fold(
        "global", features, y, judged=judged, weight=weight, groups=groups
    )
    comparison = training.compare(y[idx], probability, rule[idx])
    model = training.fit("global", features, y, weight)
    row = turn(
        lambda session: registry.record(
            session,
            model_dir=model_dir,
            model=model,
            scope="global",
            user_id=None,
            comparison=comparison,
            n_verdicts=int(judged.sum()),
            now=now,
        )
    )
    return _trained(row, comparison)


def train_all(
    turn: Turn,
    *,
    model_dir: Path,
    now: datetime | None = None,
    user_ids: list[int] | None = None,
    threads: int = 1,
) -> TrainingReport:
    """Train the global model and every personal model there are enough verdicts for.

    The verdicts are read in one turn, the models fit outside any transaction, and each is
    recorded in a turn of its own: with db.session.in_turns, nobody waits for the database
    while models train. Fitting uses at most `threads` threads (OpenMP and BLAS alike): with
    OpenMP's default of one per core, a fit on a busy 2-core machine took 12 to 40 times as
    long, and the chat waited for a core."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        return _train_all(turn, model_dir=model_dir, now=now or datetime.now(UTC), user_ids=user_ids)


def _train_all(turn: Turn, *, model_dir: Path, now: datetime, user_ids: list[int] | None) -> TrainingReport:
    report = TrainingReport()
    expenses, users = turn.read(lambda session: _training_data(session, user_ids))
    if expenses.empty:
        report.skipped.append(Skipped("global", no_expenses=True))
        return report
    features = model_frame(expenses, users)

    def keep(outcome: Trained | Skipped) -> None:
        (report.models if isinstance(outcome, Trained) else report.skipped).append(outcome)  # type: ignore[arg-type]

    keep(train_global(turn, expenses=expenses, features=features, model_dir=model_dir, now=now, users=users))
    for uid, rows in expenses.groupby("user_id", sort=True):
        if rows["user_verdict"].notna().sum() == 0:
            continue
        keep(
            train_personal(
                turn,
                user=users[int(uid)],
                expenses=rows,
                features=features.loc[rows.index],
                model_dir=model_dir,
                now=now,
            )
        )
    publish(turn, expenses=expenses, features=features, users=users, model_dir=model_dir)
    return report


def publish(
    turn: Turn, *, expenses: pd.DataFrame, features: pd.DataFrame, users: dict[int, User], model_dir: Path
) -> None:
    """After training, let the model that now speaks for each person decide their expenses,
    old ones too: its probabilities are stored and the verdicts re-derived; where no model
    is promoted any more, the probabilities are cleared and the rule decides again."""
    from services.learning.serving import ModelService, clear_probabilities, store_probabilities

    service = ModelService(model_dir, ttl_s=0)
    for uid, rows in expenses.groupby("user_id", sort=True):
        user = users[int(uid)]
        record = turn.read(lambda session, user=user: service.serving(session, user))  # type: ignore[misc]
        model = service.load(record) if record is not None else None
        ids = rows["entry_id"].astype(int).tolist()
        if model is None:
            turn(lambda session, user=user: clear_probabilities(session, user))  # type: ignore[misc]
            continue
        probability = training.leak_probability(model, features.loc[rows.index]).astype(float).round(4)
        found = [
            {"entry_id": i, "owner": user.id, "probability": p}
            for i, p in zip(ids, probability.tolist(), strict=True)
        ]
        for first in range(0, len(found), PUBLISH_ROWS):
            part = found[first : first + PUBLISH_ROWS]
            turn(lambda session, user=user, part=part: store_probabilities(session, user, part))  # type: ignore[misc]


def _training_data(session: Session, user_ids: list[int] | None) -> tuple[pd.DataFrame, dict[int, User]]:
    expenses = load_expenses(session, user_ids=user_ids)
    if expenses.empty:
        return expenses, {}
    users = {
        u.id: u
        for u in session.scalars(select(User).where(User.id.in_(expenses["user_id"].unique().tolist())))
    }
    return expenses, users


LEGACY_SUFFIX = ".joblib"  # model files before skops: refused, so retrained the next night


def needs_training(session: Session) -> bool:
    """True when a verdict was given after the newest model was trained, or when the newest
    model is in the old joblib format (never loaded: the rule decides until it is retrained)."""
    newest = session.scalar(select(ModelRecord).order_by(ModelRecord.trained_at.desc()).limit(1))
    if newest is not None and newest.file_name.endswith(LEGACY_SUFFIX):
        return True
    newest_verdict = session.scalar(select(func.max(Entry.verdict_at)))
    if newest_verdict is None:
        return False
    return newest is None or newest_verdict > newest.trained_at
