"""Business questions on a SQLite database of 1,000 people x 2,000 entries: p50/p95 per
question for one person, against the simplest indexed query for that person in the same run."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import text

from db.frames import insert_entry_frame
from db.migrate import upgrade
from db.models import User
from db.session import make_engine, make_session_factory, session_scope
from services.ledger.completion import ScoringProfile
from services.questions.canned import QUESTIONS, ask
from services.synthetic import generate_entries

PEOPLE = 1_000
ENTRIES_EACH = 2_000
DISTINCT_LEDGERS = 20
RUNS = 40
TARGET_P50_MS = 20.0


def _ledger(seed: int) -> pd.DataFrame:
    profile = ScoringProfile("Asia/Kolkata", 30_000, 5)
    return generate_entries(months=40, seed=seed, profile=profile).head(ENTRIES_EACH)


def build(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    ledgers = [_ledger(seed) for seed in range(DISTINCT_LEDGERS)]
    with session_scope(make_session_factory(engine)) as session:
        session.add_all(
            [User(id=k, telegram_id=k, timezone="Asia/Kolkata", currency="INR") for k in range(1, PEOPLE + 1)]
        )
        session.flush()
        for k in range(1, PEOPLE + 1):
            frame = ledgers[k % DISTINCT_LEDGERS].copy()
            frame["user_id"] = k
            frame["source"] = "csv"
            frame["source_ref"] = [f"bench:{i}" for i in range(len(frame))]
            insert_entry_frame(session, frame)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def _timings(fn: Any) -> tuple[float, float]:
    fn()  # warm the page cache and the statement cache
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'questions.db'}"
        build(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        results = []
        with factory() as session:
            person = session.get(User, PEOPLE // 2)
            assert person is not None
            count = text("SELECT COUNT(*) FROM entries WHERE user_id = :u AND type = 'expense'")
            base_p50, _ = _timings(lambda: session.execute(count, {"u": person.id}).scalar())
            for question in QUESTIONS:
                p50, p95 = _timings(lambda q=question: ask(session=session, user=person, question_id=q.id))
                results.append(
                    {
                        "name": f"question {question.id} (p95 {p95:.1f} ms)",
                        "value": round(p50, 3),
                        "unit": "ms",
                        "baseline": round(base_p50, 3),
                        "ratio": round(p50 / base_p50, 2),
                        "target": f"p50 <= {TARGET_P50_MS:g} ms",
                        "ok": p50 <= TARGET_P50_MS,
                        "p95": round(p95, 3),
                    }
                )
        engine.dispose()
        return results
