"""A question in plain words, parsing included, for one person in a SQLite database of 200
people x 2,000 entries: p50/p95 per phrasing (the use case: the person's words, the parser,
the SQL), against the simplest indexed query for that person in the same run."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.bench_questions import _ledger, _timings
from db.frames import insert_entry_frame
from db.migrate import upgrade
from db.models import Budget, User
from db.session import make_engine, make_session_factory, session_scope
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


def build(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    ledgers = [_ledger(seed) for seed in range(DISTINCT_LEDGERS)]
    with session_scope(make_session_factory(engine)) as session:
        session.add_all(
            [User(id=k, telegram_id=k, timezone="Asia/Kolkata", currency="INR") for k in range(1, PEOPLE + 1)]
        )
        session.flush()
        session.add_all(
            [Budget(user_id=k, category="Dining Out", limit_minor=300_000) for k in range(1, PEOPLE + 1)]
        )
        for k in range(1, PEOPLE + 1):
            frame = ledgers[k % DISTINCT_LEDGERS].copy()
            frame["user_id"] = k
            frame["source"] = "csv"
            frame["source_ref"] = [f"bench:{i}" for i in range(len(frame))]
            insert_entry_frame(session, frame)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


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
            count = text("SELECT COUNT(*) FROM entries WHERE user_id = :u AND type = 'expense'")
            base_p50, _ = _timings(lambda: session.execute(count, {"u": person.id}).scalar())
            for phrasing in PHRASINGS:
                answer = ask(session=session, person=person, text=phrasing, now=NOW)
                assert answer.query is not None, phrasing  # every phrasing here is understood
                p50, p95 = _timings(lambda t=phrasing: ask(session=session, person=person, text=t, now=NOW))
                results.append(
                    {
                        "name": f"plain question {phrasing!r} (p95 {p95:.1f} ms)",
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


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<80} {row['value']:>8.3f} ms  baseline {row['baseline']:.3f} ms  ok={row['ok']}")
