"""Leak models in the product: what each person calls a leak, learnt from their own verdicts.

Ground truth is the person's verdict (the Leak / Not a leak buttons). A **personal** model is
trained for anyone with at least MIN_VERDICTS_EACH verdicts of both kinds, on those verdicts
only. A **global** model learns from everyone: verdicts at full weight, the rule's verdict
on unjudged expenses as a weak label (WEAK_LABEL_WEIGHT); it is judged with folds grouped
by person. Either is promoted only when its held-out F1 on human verdicts beats the rule's
on the same verdicts by PROMOTION_MARGIN; otherwise the rule stands. Weak labels are never
used as truth.

Serving: the newest personal model when promoted, else the newest global one when
promoted, else none. Model files are loaded once per process and cached; a file whose
hash or library versions do not match is refused with a log line and the rule stands.
"""

from __future__ import annotations

import calendar
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, ModelRecord, User
from ml import persistence, training
from ml.features import MODEL_FEATURES
from services.features import SALARY_WEEK_DAYS, compute_features

log = logging.getLogger(__name__)

MIN_VERDICTS_EACH = 20
MIN_GLOBAL_PEOPLE = 2
PROMOTION_MARGIN = 0.02
WEAK_LABEL_WEIGHT = 0.2

_EXPENSE_COLUMNS = (
    Entry.id,
    Entry.user_id,
    Entry.occurred_at,
    Entry.local_date,
    Entry.category,
    Entry.amount_minor,
    Entry.is_necessary,
    Entry.payment_mode,
    Entry.is_recurring,
    Entry.context,
    Entry.time_block,
    Entry.day_type,
    Entry.note,
    Entry.leakage_score,
    Entry.is_leak,
    Entry.user_verdict,
)


# --- frames ---------------------------------------------------------------------------------
def load_expenses(session: Session, *, user_ids: list[int] | None = None, since: Any = None) -> pd.DataFrame:
    """Expenses (one row each, `id` and `user_id` included), optionally for some people only."""
    query = select(*_EXPENSE_COLUMNS).where(Entry.type == "expense")
    if user_ids is not None:
        query = query.where(Entry.user_id.in_(user_ids))
    if since is not None:
        query = query.where(Entry.local_date >= since)
    rows = session.execute(query.order_by(Entry.user_id, Entry.occurred_at, Entry.id)).all()
    frame = pd.DataFrame(rows, columns=[c.key for c in _EXPENSE_COLUMNS])
    return frame.rename(columns={"id": "entry_id"})


def normalise_description(notes: pd.Series) -> pd.Series:
    """Lower-case, digits and punctuation dropped, spaces collapsed: `Netflix #123` -> `netflix`."""
    return (
        notes.fillna("")
        .astype(str)
        .str.lower()
        .str.replace(r"[^a-z\s]+", " ", regex=True)
        .str.split()
        .str.join(" ")
    )


_NOT_LETTERS = re.compile(r"[^a-z\s]+")


def normalise_one(note: str | None) -> str:
    """normalise_description for one note."""
    return " ".join(_NOT_LETTERS.sub(" ", (note or "").lower()).split())


def _person_features(frame: pd.DataFrame, user: User) -> pd.DataFrame:
    base = frame.assign(local_date=pd.to_datetime(frame["local_date"]))
    core = compute_features(
        base, salary_day=user.salary_day, micro_threshold_minor=user.micro_threshold_minor
    )
    amount = frame["amount_minor"].astype(np.int64)
    median = amount.groupby(frame["category"]).transform("median")
    description = normalise_description(frame["note"])
    repeats = description.groupby(description).transform("size").where(description != "", 0)
    local = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(user.timezone)
    return pd.DataFrame(
        {
            "category": frame["category"].astype(str),
            "payment_mode": frame["payment_mode"].astype(str),
            "context": frame["context"].astype(str),
            "time_block": frame["time_block"].astype(str),
            "day_type": frame["day_type"].astype(str),
            "weekday": core["day_of_week"].astype(str),
            "is_necessary": frame["is_necessary"].astype(float),
            "is_recurring": frame["is_recurring"].astype(float),
            "is_salary_week": core["is_salary_week"].astype(float),
            "is_micro_spend": core["is_micro_spend"].astype(float),
            "log_amount": np.log1p(amount / 100.0),
            "amount_vs_category_median": np.log(amount / median),
            "category_spend_ratio": core["category_spend_ratio"].astype(float),
            "log_daily_spend": np.log1p(core["daily_spend"].astype(float) / 100.0),
            "monthly_non_essential_pct": core["monthly_non_essential_pct"].astype(float),
            "hour": local.dt.hour.astype(float),
            "description_repeats": np.log1p(repeats.astype(float)),
            "leakage_score": pd.to_numeric(frame["leakage_score"]).fillna(0).astype(float),
        },
        index=frame.index,
    )


def _salary_week(day: date, salary_day: int) -> bool:
    """Scalar twin of features.salary_week_mask, for one date."""

    def salary_date(year: int, month: int) -> date:
        return date(year, month, min(salary_day, calendar.monthrange(year, month)[1]))

    this_month = salary_date(day.year, day.month)
    previous = salary_date(day.year - (day.month == 1), (day.month - 2) % 12 + 1)
    latest = this_month if day >= this_month else previous
    return (day - latest).days < SALARY_WEEK_DAYS


def entry_features(session: Session, user: User, entry: Entry) -> dict[str, object]:
    """MODEL_FEATURES for one stored expense, from three small queries instead of its whole
    history; equal to its row in model_frame (tested)."""
    start = entry.local_date.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    mine = (Entry.user_id == user.id, Entry.type == "expense")
    month = session.execute(
        select(Entry.local_date, Entry.amount_minor, Entry.category, Entry.is_necessary).where(
            *mine, Entry.local_date >= start, Entry.local_date < end
        )
    ).all()
    total = sum(r.amount_minor for r in month)
    in_category = sum(r.amount_minor for r in month if r.category == entry.category)
    non_essential = sum(r.amount_minor for r in month if not r.is_necessary)
    daily = sum(r.amount_minor for r in month if r.local_date == entry.local_date)
    amounts = session.scalars(select(Entry.amount_minor).where(*mine, Entry.category == entry.category)).all()
    median = float(np.median(np.asarray(amounts, dtype=np.float64)))
    description = normalise_one(entry.note)
    repeats = 0
    if description:
        notes = session.execute(
            select(Entry.note, func.count()).where(*mine, Entry.note != "").group_by(Entry.note)
        ).all()
        repeats = sum(int(count) for note, count in notes if normalise_one(note) == description)
    local = entry.occurred_at.astimezone(ZoneInfo(user.timezone))
    row: dict[str, object] = {
        "category": entry.category,
        "payment_mode": entry.payment_mode,
        "context": entry.context,
        "time_block": entry.time_block,
        "day_type": entry.day_type,
        "weekday": calendar.day_name[entry.local_date.weekday()],
        "is_necessary": float(entry.is_necessary),
        "is_recurring": float(entry.is_recurring),
        "is_salary_week": float(_salary_week(entry.local_date, user.salary_day)),
        "is_micro_spend": float(entry.amount_minor < user.micro_threshold_minor),
        "log_amount": float(np.log1p(entry.amount_minor / 100.0)),
        "amount_vs_category_median": float(np.log(entry.amount_minor / median)),
        "category_spend_ratio": in_category / total,
        "log_daily_spend": float(np.log1p(daily / 100.0)),
        "monthly_non_essential_pct": non_essential * 100.0 / total,
        "hour": float(local.hour),
        "description_repeats": float(np.log1p(repeats)),
        "leakage_score": float(entry.leakage_score or 0),
    }
    return row


def model_frame(expenses: pd.DataFrame, users: dict[int, User]) -> pd.DataFrame:
    """MODEL_FEATURES for every expense, each computed against its owner's own history."""
    if expenses.empty:
        return pd.DataFrame(columns=list(MODEL_FEATURES))
    parts = [_person_features(rows, users[int(uid)]) for uid, rows in expenses.groupby("user_id", sort=False)]
    return pd.concat(parts).loc[expenses.index, list(MODEL_FEATURES)]


# --- training --------------------------------------------------------------------------------
@dataclass
class Trained:
    scope: str
    user_id: int | None
    version: int
    n_verdicts: int
    comparison: training.Comparison
    promoted: bool


@dataclass
class TrainingReport:
    models: list[Trained] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for m in self.models:
            who = "global" if m.scope == "global" else f"personal (user {m.user_id})"
            c = m.comparison
            verdict = "promoted" if m.promoted else "not promoted: the rule stands"
            out.append(
                f"{who} v{m.version}: F1 {c.model.f1:.2f} vs rule {c.rule.f1:.2f} "
                f"on {c.n} held-out verdicts, Brier {c.model.brier:.3f} vs {c.rule.brier:.3f}; {verdict}"
            )
        return out + self.skipped


def _next_version(session: Session, scope: str, user_id: int | None) -> int:
    current = session.scalar(
        select(func.max(ModelRecord.version)).where(
            ModelRecord.scope == scope, ModelRecord.user_id.is_(user_id)
        )
        if user_id is None
        else select(func.max(ModelRecord.version)).where(
            ModelRecord.scope == scope, ModelRecord.user_id == user_id
        )
    )
    return int(current or 0) + 1


def _record(
    session: Session,
    *,
    model_dir: Path,
    model: Any,
    scope: str,
    user_id: int | None,
    comparison: training.Comparison,
    n_verdicts: int,
    now: datetime,
) -> Trained:
    version = _next_version(session, scope, user_id)
    name = f"{scope}-{user_id}-v{version}.joblib" if user_id is not None else f"{scope}-v{version}.joblib"
    _, digest = persistence.save(model, model_dir, name)
    promoted = comparison.gain >= PROMOTION_MARGIN
    session.add(
        ModelRecord(
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
            promoted=promoted,
        )
    )
    return Trained(scope, user_id, version, n_verdicts, comparison, promoted)


def train_personal(
    session: Session,
    *,
    user: User,
    expenses: pd.DataFrame,
    features: pd.DataFrame,
    model_dir: Path,
    now: datetime,
) -> Trained | str:
    """Train and judge one person's model on their verdicts; return it, or why it was skipped."""
    judged = expenses["user_verdict"].notna().to_numpy()
    y = expenses.loc[judged, "user_verdict"].astype(bool).to_numpy()
    leaks, fine = int(y.sum()), int((~y).sum())
    if min(leaks, fine) < MIN_VERDICTS_EACH:
        return (
            f"user {user.telegram_id}: {leaks} leak and {fine} not-a-leak verdicts; "
            f"a personal model needs {MIN_VERDICTS_EACH} of each"
        )
    X = features.loc[judged]
    rule = expenses.loc[judged, "is_leak"].astype(bool).to_numpy()
    idx, probability = training.out_of_fold("personal", X, y, judged=np.ones(len(y), dtype=bool))
    comparison = training.compare(y[idx], probability, rule[idx])
    model = training.fit("personal", X, y)
    return _record(
        session,
        model_dir=model_dir,
        model=model,
        scope="personal",
        user_id=user.id,
        comparison=comparison,
        n_verdicts=len(y),
        now=now,
    )


def train_global(
    session: Session, *, expenses: pd.DataFrame, features: pd.DataFrame, model_dir: Path, now: datetime
) -> Trained | str:
    """Train and judge the model for everyone (verdicts plus weak labels, folds by person)."""
    judged = expenses["user_verdict"].notna().to_numpy()
    people = expenses.loc[judged, "user_id"].nunique()
    verdicts = expenses.loc[judged, "user_verdict"].astype(bool)
    if people < MIN_GLOBAL_PEOPLE or verdicts.nunique() < 2:
        return f"global: verdicts from {people} people; it needs {MIN_GLOBAL_PEOPLE} with both kinds"
    y = np.where(judged, expenses["user_verdict"].fillna(False), expenses["is_leak"].fillna(False)).astype(
        bool
    )
    weight = np.where(judged, 1.0, WEAK_LABEL_WEIGHT)
    groups = expenses["user_id"].to_numpy()
    idx, probability = training.out_of_fold(
        "global", features, y, judged=judged, weight=weight, groups=groups
    )
    rule = expenses["is_leak"].fillna(False).astype(bool).to_numpy()
    comparison = training.compare(y[idx], probability, rule[idx])
    model = training.fit("global", features, y, weight)
    return _record(
        session,
        model_dir=model_dir,
        model=model,
        scope="global",
        user_id=None,
        comparison=comparison,
        n_verdicts=int(judged.sum()),
        now=now,
    )


def train_all(
    session: Session, *, model_dir: Path, now: datetime | None = None, user_ids: list[int] | None = None
) -> TrainingReport:
    """Train the global model and every personal model there are enough verdicts for."""
    now = now or datetime.now(UTC)
    report = TrainingReport()
    expenses = load_expenses(session, user_ids=user_ids)
    if expenses.empty:
        report.skipped.append("no expenses yet")
        return report
    users = {
        u.id: u
        for u in session.scalars(select(User).where(User.id.in_(expenses["user_id"].unique().tolist())))
    }
    features = model_frame(expenses, users)
    outcome = train_global(session, expenses=expenses, features=features, model_dir=model_dir, now=now)
    (report.models.append if isinstance(outcome, Trained) else report.skipped.append)(outcome)  # type: ignore[arg-type]
    for uid, rows in expenses.groupby("user_id", sort=True):
        if rows["user_verdict"].notna().sum() == 0:
            continue
        outcome = train_personal(
            session,
            user=users[int(uid)],
            expenses=rows,
            features=features.loc[rows.index],
            model_dir=model_dir,
            now=now,
        )
        (report.models.append if isinstance(outcome, Trained) else report.skipped.append)(outcome)  # type: ignore[arg-type]
    session.flush()
    forget_serving()
    return report


def needs_training(session: Session) -> bool:
    """True when a verdict was given after the newest model was trained."""
    newest_verdict = session.scalar(select(func.max(Entry.verdict_at)))
    if newest_verdict is None:
        return False
    newest_model = session.scalar(select(func.max(ModelRecord.trained_at)))
    return newest_model is None or newest_verdict > newest_model


# --- serving ---------------------------------------------------------------------------------
class ModelCache:
    """Loaded models by file and hash, shared by every thread of the process."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, record: ModelRecord, model_dir: Path) -> Any | None:
        key = (str(model_dir / record.file_name), record.sha256)
        with self._lock:
            if key in self._models:
                return self._models[key]
        try:
            model = persistence.load(
                model_dir / record.file_name, sha256=record.sha256, versions=record.library_versions
            )
        except persistence.ModelRejected as exc:
            log.warning("model %s v%s refused, the rule stands: %s", record.scope, record.version, exc)
            model = None
        with self._lock:
            self._models[key] = model
        return model

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


CACHE = ModelCache()


def _newest(session: Session, scope: str, user_id: int | None) -> ModelRecord | None:
    query = select(ModelRecord).where(ModelRecord.scope == scope)
    query = query.where(ModelRecord.user_id.is_(None) if user_id is None else ModelRecord.user_id == user_id)
    return session.scalar(query.order_by(ModelRecord.version.desc()).limit(1))


SERVING_TTL_S = 30.0  # how long a process trusts its answer to "which model serves this person"
_serving: dict[tuple[str, int], tuple[float, int | None]] = {}
_serving_lock = threading.Lock()


def forget_serving() -> None:
    """Drop the cached answers (after training in this process)."""
    with _serving_lock:
        _serving.clear()


def serving_record(session: Session, user: User) -> ModelRecord | None:
    """The model that speaks for this person, if any beat the rule.

    Asked on every chat message, so the answer (a model id, or none) is cached per process for
    SERVING_TTL_S: a model trained by another instance serves within that time.
    """
    key = (str(session.get_bind().url), user.id)
    now = time.monotonic()
    with _serving_lock:
        cached = _serving.get(key)
    if cached is not None and cached[0] > now:
        return session.get(ModelRecord, cached[1]) if cached[1] is not None else None
    found = None
    for record in (_newest(session, "personal", user.id), _newest(session, "global", None)):
        if record is not None and record.promoted:
            found = record
            break
    with _serving_lock:
        _serving[key] = (now + SERVING_TTL_S, found.id if found is not None else None)
    return found


def predict_entries(
    session: Session, user: User, entry_ids: list[int], *, model_dir: Path, cache: ModelCache = CACHE
) -> dict[int, float]:
    """P(leak) for some of the person's expenses, stored on them; empty when the rule stands.

    One entry (a chat message) takes the three-query path of entry_features; several are
    computed with the person's whole history, as in training.
    """
    record = serving_record(session, user)
    model = cache.get(record, model_dir) if record is not None else None
    if model is None or not entry_ids:
        return {}
    entries = session.scalars(
        select(Entry).where(Entry.id.in_(entry_ids), Entry.user_id == user.id, Entry.type == "expense")
    ).all()
    if not entries:
        return {}
    if len(entries) == 1:
        features: pd.DataFrame | list[dict[str, object]] = [entry_features(session, user, entries[0])]
        ids = [entries[0].id]
    else:
        history = load_expenses(session, user_ids=[user.id])
        wanted = history["entry_id"].isin([e.id for e in entries]).to_numpy()
        features = model_frame(history, {user.id: user}).loc[wanted]
        ids = history.loc[wanted, "entry_id"].astype(int).tolist()
    probability = training.leak_probability(model, features).astype(float).round(4)
    result = dict(zip(ids, probability.tolist(), strict=True))
    for entry in entries:
        entry.model_probability = result[entry.id]
    return result


def predict_import(session: Session, user: User, import_id: int, *, model_dir: Path) -> int:
    """Give every expense of an import its probability (when a model serves); return how many."""
    if serving_record(session, user) is None:
        return 0
    ids = session.scalars(
        select(Entry.id).where(
            Entry.user_id == user.id, Entry.import_id == import_id, Entry.type == "expense"
        )
    ).all()
    return len(predict_entries(session, user, list(ids), model_dir=model_dir))


# --- what /model shows -----------------------------------------------------------------------
@dataclass(frozen=True)
class ModelStatus:
    lines: list[str]
    confusion: list[list[int]] | None  # the serving (or newest) model's held-out confusion matrix
    title: str


def status(session: Session, user: User) -> ModelStatus:
    """Which model speaks for this person and how it did against the rule."""
    verdicts = session.execute(
        select(Entry.user_verdict, func.count())
        .where(Entry.user_id == user.id, Entry.user_verdict.is_not(None))
        .group_by(Entry.user_verdict)
    ).all()
    counts = {bool(v): int(n) for v, n in verdicts}
    lines = [f"Your verdicts: {counts.get(True, 0)} leak, {counts.get(False, 0)} not a leak."]
    serving = serving_record(session, user)
    shown = serving or _newest(session, "personal", user.id) or _newest(session, "global", None)
    if shown is None:
        need = max(0, MIN_VERDICTS_EACH - min(counts.get(True, 0), counts.get(False, 0)))
        lines.append(
            "No model yet: the six rules decide. "
            + (
                f"{need} more of each verdict and I can learn your own taste."
                if need
                else "Training runs nightly."
            )
        )
        return ModelStatus(lines, None, "")
    comparison = training.Comparison.from_dict(shown.metrics)
    who = "your personal model" if shown.scope == "personal" else "the model trained on everyone"
    lines.append(
        f"{'In use' if serving else 'Not in use'}: {who} v{shown.version}, trained "
        f"{shown.trained_at:%Y-%m-%d}, on {comparison.n} held-out verdicts: "
        f"F1 {comparison.model.f1:.2f} vs the rule's {comparison.rule.f1:.2f} "
        f"(precision {comparison.model.precision:.2f}, recall {comparison.model.recall:.2f}, "
        f"Brier {comparison.model.brier:.3f} vs {comparison.rule.brier:.3f})."
    )
    if not serving:
        lines.append("It does not beat the six rules on your verdicts, so the rules decide.")
    title = f"{who.capitalize()} v{shown.version}: held-out verdicts"
    return ModelStatus(lines, comparison.model.confusion, title)


# --- the seed experiment's data --------------------------------------------------------------
SEED_LEAK_SCORE = 5  # the seed labels is_leakage = score >= 5, whatever the person's threshold


def seed_frame(session: Session, user: User) -> pd.DataFrame:
    """The person's expenses as the seed's experiment saw them: its columns plus `is_leakage`."""
    expenses = load_expenses(session, user_ids=[user.id])
    core = compute_features(
        expenses.assign(local_date=pd.to_datetime(expenses["local_date"])),
        salary_day=user.salary_day,
        micro_threshold_minor=user.micro_threshold_minor,
    )
    frame = pd.concat(
        [expenses[["category", "payment_mode", "context", "time_block", "day_type"]], core], axis=1
    )
    frame["amount"] = expenses["amount_minor"] / 100.0
    for column in ("is_necessary", "is_recurring"):
        frame[column] = expenses[column].astype(int)
    for column in ("is_salary_week", "is_micro_spend", "is_leakage_potential"):
        frame[column] = frame[column].astype(int)
    frame["is_leakage"] = (pd.to_numeric(expenses["leakage_score"]).fillna(0) >= SEED_LEAK_SCORE).astype(int)
    return frame
