"""The leak models at scale: training the global model on 100,000 expenses and one person's
model on three years of theirs, classifying one new entry (p50 through the cached model,
target <= 10 ms) and 10,000 entries at once; and the learning curve: people with tastes of
their own answering the bot's questions (tests/tasting.py), F1 of the served verdict against
the rule's on the spends they never judged, after 10 to 80 answers (mean of three people).

Baselines in the same run: a plain logistic regression fitted on the same feature matrix
(for training), the six-rule score of the same entries (for classification), the rule's F1
(for the curve). `python -m benchmarks.bench_ml curve` prints the curve as a Markdown table.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sqlalchemy import select, update

from db.migrate import upgrade
from db.models import Entry, User
from db.session import make_engine, make_session_factory, session_scope, within
from ml.features import MODEL_FEATURES, preprocessor
from services import synthetic
from services.learning.features import load_expenses, model_frame
from services.learning.serving import ModelService
from services.learning.training import Trained, train_global, train_personal
from services.ledger.people import UserDefaults, ensure_user
from services.scoring.rules import score

PEOPLE = 60
MONTHS = 36  # about 1,730 expenses each: 104,000 in all
TASTES = ("weekday_diner", "big_ticket", "night_owl", "rule")
RUNS = 50
BATCH = 10_000
TARGET_ONE_MS = 10.0


def _build(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        for k in range(PEOPLE):
            user = ensure_user(
                session=session, telegram_id=k + 1, defaults=UserDefaults("Asia/Kolkata", "INR")
            )
            session.flush()
            synthetic.store_generated(session, user, months=MONTHS, seed=k)
            expenses = load_expenses(session, user_ids=[user.id])
            verdicts = synthetic.simulated_verdicts(expenses, TASTES[k % len(TASTES)], share=0.1, seed=k)
            judged = verdicts.notna().to_numpy()
            for value in (True, False):
                ids = expenses.loc[judged & (verdicts.fillna(not value) == value).to_numpy(), "entry_id"]
                session.execute(
                    update(Entry).where(Entry.id.in_(ids.astype(int).tolist())).values(user_verdict=value)
                )
    engine.dispose()


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'ml.db'}"
        model_dir = Path(tmp) / "models"
        _build(url)
        sessions = make_session_factory(make_engine(url))
        with session_scope(sessions) as session:
            expenses = load_expenses(session)
            users = {u.id: u for u in session.scalars(select(User))}
            features = model_frame(expenses, users)
            y = expenses["is_leak"].fillna(False).astype(bool).to_numpy()
            start = time.perf_counter()
            baseline = make_pipeline(preprocessor(), LogisticRegression(max_iter=500))
            baseline.fit(features[list(MODEL_FEATURES)], y)
            baseline_s = time.perf_counter() - start
            start = time.perf_counter()
            trained = train_global(
                within(session),
                expenses=expenses,
                features=features,
                model_dir=model_dir,
                now=datetime.now(UTC),
            )
            train_s = time.perf_counter() - start
            assert isinstance(trained, Trained)
            person = users[3]  # a night owl: their personal model is promoted
            mine = expenses[expenses["user_id"] == person.id]
            start = time.perf_counter()
            outcome = train_personal(
                within(session),
                user=person,
                expenses=mine,
                features=features.loc[mine.index],
                model_dir=model_dir,
                now=datetime.now(UTC),
            )
            personal_s = time.perf_counter() - start
            assert isinstance(outcome, Trained) and outcome.promoted, outcome
            start = time.perf_counter()
            make_pipeline(preprocessor(), LogisticRegression(max_iter=500)).fit(
                features.loc[mine.index, list(MODEL_FEATURES)], y[mine.index]
            )
            personal_baseline_s = time.perf_counter() - start
        ids = mine["entry_id"].astype(int).tolist()
        one, rule_one = [], []
        with session_scope(sessions) as session:
            person = session.get(User, person.id)
            models = ModelService(model_dir)
            models.predict_entries(session, person, ids[-1:])  # load and cache
            for k in range(RUNS):
                entry_id = ids[-1 - k]
                start = time.perf_counter()
                models.predict_entries(session, person, [entry_id])
                one.append((time.perf_counter() - start) * 1000)
                frame = mine[mine["entry_id"] == entry_id]
                start = time.perf_counter()
                score(frame, micro_threshold_minor=person.micro_threshold_minor, leak_threshold=5)
                rule_one.append((time.perf_counter() - start) * 1000)
            batch_ids = expenses["entry_id"].astype(int).tolist()[:BATCH]
            start = time.perf_counter()
            for uid, rows in expenses.head(BATCH).groupby("user_id"):
                models.predict_entries(session, users[int(uid)], rows["entry_id"].astype(int).tolist())
            batch_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            score(expenses.head(BATCH), micro_threshold_minor=30_000, leak_threshold=5)
            rule_batch_ms = (time.perf_counter() - start) * 1000
            session.rollback()
    p50, rule_p50 = statistics.median(one), statistics.median(rule_one)
    return [
        {
            "name": f"ml: train the global model on {len(expenses):,} expenses",
            "value": round(train_s, 1),
            "unit": "s",
            "baseline": round(baseline_s, 2),
            "ratio": round(train_s / baseline_s, 1),
            "target": "-",
            "ok": True,
        },
        {
            "name": f"ml: train one person's model on {len(mine):,} expenses (held-out folds included)",
            "value": round(personal_s, 2),
            "unit": "s",
            "baseline": round(personal_baseline_s, 3),
            "ratio": round(personal_s / personal_baseline_s, 1),
            "target": "-",
            "ok": True,
        },
        {
            "name": "ml: classify one new entry, p50 (cached model, features from history)",
            "value": round(p50, 2),
            "unit": "ms",
            "baseline": round(rule_p50, 2),
            "ratio": round(p50 / rule_p50, 1),
            "target": f"<= {TARGET_ONE_MS:g}",
            "ok": p50 <= TARGET_ONE_MS,
        },
        {
            "name": f"ml: classify {len(batch_ids):,} entries in a batch",
            "value": round(batch_ms, 0),
            "unit": "ms",
            "baseline": round(rule_batch_ms, 1),
            "ratio": round(batch_ms / rule_batch_ms, 1),
            "target": "-",
            "ok": True,
        },
        *curve_rows(),
    ]


CURVE_SEEDS = (310, 320, 330)
CURVE_AT = (10, 20, 40, 80)
CURVE_GAIN = 0.15  # after 40 answers, for every taste the features can express


def curve() -> dict[str, dict[int, tuple[float, float]]]:
    """profile -> answers -> (served F1, rule F1), each the mean of three people."""
    from tests.tasting import PROFILES, learning_curve

    found: dict[str, dict[int, tuple[float, float]]] = {}
    for profile in PROFILES:
        points = [learning_curve(profile, seed=seed, checkpoints=CURVE_AT) for seed in CURVE_SEEDS]
        found[profile] = {
            at: (
                statistics.mean(p[k].served_f1 for p in points),
                statistics.mean(p[k].rule_f1 for p in points),
            )
            for k, at in enumerate(CURVE_AT)
            if all(len(p) > k for p in points)
        }
    return found


def curve_rows() -> list[dict[str, Any]]:
    rows = []
    for profile, by_answers in curve().items():
        served, rule = by_answers[40]
        expressible = profile not in ("rule", "weekend_cash")
        rows.append(
            {
                "name": f"ml: F1 after 40 answers, taste {profile} (mean of 3; vs the rule)",
                "value": round(served, 2),
                "unit": "F1",
                "baseline": round(rule, 2),
                "ratio": round(served / rule, 2) if rule else 0.0,
                "target": f">= rule+{CURVE_GAIN:g}" if expressible else "-",
                "ok": served - rule >= CURVE_GAIN if expressible else served >= rule,
            }
        )
    return rows


def curve_table() -> str:
    """The learning curve as a Markdown table: served F1 / the rule's, per taste and answers."""
    found = curve()
    head = "| taste | " + " | ".join(f"{at} answers" for at in CURVE_AT) + " |"
    lines = [head, "|---|" + "---|" * len(CURVE_AT)]
    for profile, by_answers in found.items():
        cells = [
            f"{by_answers[at][0]:.2f} / {by_answers[at][1]:.2f}" if at in by_answers else "-"
            for at in CURVE_AT
        ]
        lines.append(f"| {profile} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["curve"]:
        print(curve_table())
    else:
        for row in run():
            print(row)
