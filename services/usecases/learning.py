"""What LeakBot learns: train the models, show which one speaks for the person, the recurring
charges it found (confirm or dismiss) and the renewal reminders they earn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db.models import User
from db.session import Turn
from services.errors import LeakBotError
from services.learning.serving import ModelService
from services.timing import local_today

if TYPE_CHECKING:
    from services.insights.subscriptions import Listed, Reminder
    from services.learning.status import ModelStatus
    from services.learning.training import TrainingReport


def train(*, turn: Turn, models: ModelService) -> TrainingReport:
    """Train the global model and every personal model there are enough verdicts for: the
    data read in one turn, the models fit outside any transaction, each recorded in a turn."""
    from services.learning.training import train_all

    report = train_all(turn, model_dir=models.model_dir, threads=models.training_threads)
    models.forget()  # this process serves the new models at once
    return report


def nightly_training(*, turn: Turn, models: ModelService) -> TrainingReport | None:
    """Train when a verdict arrived since the newest model; None when nothing is new."""
    from services.learning.training import needs_training

    return train(turn=turn, models=models) if turn.read(needs_training) else None


@dataclass(frozen=True)
class ModelReport:
    status: ModelStatus
    confusion_png: bytes | None = field(default=None, repr=False)  # the shown model's held-out matrix


def model_status(*, session: Session, person: User, models: ModelService) -> ModelReport:
    """Which model decides for the person (or the rules), with its held-out scores."""
    from services.learning.status import status

    shown = status(session, person, models)
    if shown.model is None:
        return ModelReport(shown)
    from services.reporting.charts import confusion_matrix_png

    who = "Your personal model" if shown.model.scope == "personal" else "The model trained on everyone"
    title = f"{who} v{shown.model.version}: held-out verdicts"
    return ModelReport(shown, confusion_matrix_png(shown.model.comparison.model.confusion, title))


@dataclass(frozen=True)
class Subscriptions:
    currency: str
    items: tuple[Listed, ...]  # not dismissed, biggest first


@dataclass(frozen=True)
class SeedExperiment:
    # protocol (with / without the label's inputs) -> (model, mean F1, its SD over the splits)
    best_f1: dict[str, tuple[str, float, float]]
    splits: int
    report: Path


def seed_experiment(*, session: Session, person: User, out: Path, splits: int = 10) -> SeedExperiment:
    """Rerun the seed write-up's ML experiment on the person's expenses over `splits` stratified
    splits; the report goes to out. Too few leaks or non-leaks is refused (LeakBotError)."""
    from ml import seed_experiment as experiment
    from services.learning.seed import SEED_CATEGORICAL, SEED_NUMERIC, seed_frame

    try:
        results = experiment.run(
            seed_frame(session, person),
            out,
            experiment.Columns(SEED_CATEGORICAL, SEED_NUMERIC),
            splits=splits,
        )
    except ValueError as exc:
        raise LeakBotError(f"Cannot run the experiment: {exc}") from exc
    best = {}
    for slug in ("with_label_inputs", "without_label_inputs"):
        top = results[slug]["metrics"][0]  # ranked by mean F1
        best[slug] = (str(top["model"]), float(top["f1_mean"]), float(top["f1_std"]))
    return SeedExperiment(best, splits, out / "report.md")


def subscriptions(*, session: Session, person: User, now: datetime) -> Subscriptions:
    """Recurring charges in the person's spending, not dismissed, biggest first."""
    from services.insights import subscriptions as found

    today = local_today(now, person.timezone)
    return Subscriptions(person.currency, tuple(found.refresh(session=session, user=person, today=today)))


@dataclass(frozen=True, slots=True)
class SubscriptionStatus:
    subscription_id: int
    label: str
    status: str  # "confirmed" or "dismissed"


def set_subscription(
    *, session: Session, person: User, subscription_id: int, confirmed: bool
) -> SubscriptionStatus:
    """Confirm one of the person's recurring charges (reminders before it renews) or dismiss it."""
    from services.insights import subscriptions as found

    row = found.set_status(
        session=session,
        user=person,
        subscription_id=subscription_id,
        status="confirmed" if confirmed else "dismissed",
    )
    return SubscriptionStatus(row.id, row.label, row.status)


def plan_to_cancel(*, session: Session, person: User, subscription_id: int) -> SubscriptionStatus:
    """The person means to cancel this subscription: remind them the day before it renews."""
    from services.insights import subscriptions as found

    row = found.set_status(session=session, user=person, subscription_id=subscription_id, status="cancelling")
    return SubscriptionStatus(row.id, row.label, row.status)


def renewal_reminders(*, session: Session, today: date) -> tuple[Reminder, ...]:
    """Everyone's confirmed subscriptions renewing in their reminder_days (each renewal once)."""
    from services.insights import subscriptions as found

    return tuple(found.due_reminders(session=session, today=today))
