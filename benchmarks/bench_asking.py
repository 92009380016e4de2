"""A question in plain words, parsing included, for one person in a SQLite database of 200
people x 2,000 entries: p50/p95 per phrasing (the use case: the person's words, the parser,
the SQL), against the simplest indexed query for that person in the same run."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from benchmarks.bench_questions import ENTRIES_EACH
from benchmarks.people import baseline_p50, fill, latency_row, ledger, timings
from db.models import Budget, User
from db.session import make_engine, make_session_factory
from services.usecases.questions import ask

PEOPLE = 200
DISTINCT_LEDGERS = 10
TARGET_P50_MS = 20.0
PHRASINGS = (
    "how much did I spend on food last month?",
    "zomato this year",
    "biggest leaks this week",
    "weekend dining in May",
    "compare coffee this month and last",
    "how many times did I take an auto in 2024",
    "what's left in my dining budget",
    "monthly spending trend in 2024",
    "top categories between 1 March and 15 June",
)
NOW = datetime(2024, 6, 20, 12, tzinfo=UTC)  # inside the generated ledgers


def _budgets(session: Session, people: range) -> None:
    session.add_all([Budget(user_id=k, category="Dining Out", limit_minor=300_000) for k in people])


def build(url: str) -> None:
    ledgers = [ledger(seed, months=40, rows=ENTRIES_EACH) for seed in range(DISTINCT_LEDGERS)]
    fill(url, ledgers, PEOPLE, also=_budgets)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'asking.db'}"
        build(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        results = []
        with factory() as session:
            person = session.get(User, PEOPLE // 2)
            assert person is not None
            base_p50 = baseline_p50(session, person.id)
            for phrasing in PHRASINGS:
                answer = ask(session=session, person=person, text=phrasing, now=NOW)
                assert answer.query is not None, phrasing  # every phrasing here is understood
                p50, p95 = timings(lambda t=phrasing: ask(session=session, person=person, text=t, now=NOW))
                results.append(latency_row(f"plain question {phrasing!r}", p50, p95, base_p50, TARGET_P50_MS))
        engine.dispose()
        return results


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<80} {row['value']:>8.3f} ms  baseline {row['baseline']:.3f} ms  ok={row['ok']}")
