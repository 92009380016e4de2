"""Business questions on a SQLite database of 1,000 people x 2,000 entries: p50/p95 per
question for one person, against the simplest indexed query for that person in the same run."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from benchmarks.people import baseline_p50, fill, latency_row, ledger, timings
from db.models import User
from db.session import make_engine, make_session_factory
from services.questions.canned import QUESTIONS, ask

PEOPLE = 1_000
ENTRIES_EACH = 2_000
DISTINCT_LEDGERS = 20
TARGET_P50_MS = 20.0


def build(url: str) -> None:
    fill(url, [ledger(seed, months=40, rows=ENTRIES_EACH) for seed in range(DISTINCT_LEDGERS)], PEOPLE)


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
            base_p50 = baseline_p50(session, person.id)
            for question in QUESTIONS:
                p50, p95 = timings(lambda q=question: ask(session=session, user=person, question_id=q.id))
                results.append(latency_row(f"question {question.id}", p50, p95, base_p50, TARGET_P50_MS))
        engine.dispose()
        return results
