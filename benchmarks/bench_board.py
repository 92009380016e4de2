"""The dashboard Mini App's API (bot/webapp.py) for one month of a person with five years of
entries, in a SQLite database of 200 such people: p50/p95 of the whole answer (the launch data
checked, the month and its filters summed, the JSON written), unfiltered and filtered, against
the simplest indexed query for that person in the same run."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import text

from bot.render.board import board_json
from bot.webapp import launch_person, sign_launch_data
from db.frames import insert_entry_frame
from db.migrate import upgrade
from db.models import User
from db.session import make_engine, make_session_factory, session_scope
from services.ledger.completion import ScoringProfile
from services.synthetic import generate_entries
from services.usecases.board import board

PEOPLE = 200
MONTHS = 60  # five years
DISTINCT_LEDGERS = 10
RUNS = 40
TARGET_P50_MS = 50.0
TOKEN = "123456:bench-token"
NOW = datetime(2027, 12, 31, 12, tzinfo=UTC)  # the ledgers run 2023-2027
MONTH = "2027-06"


def _ledger(seed: int) -> pd.DataFrame:
    return generate_entries(months=MONTHS, seed=seed, profile=ScoringProfile("Asia/Kolkata", 30_000, 5))


def build(url: str) -> int:
    """The database; returns how many entries one person has."""
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
    return len(ledgers[(PEOPLE // 2) % DISTINCT_LEDGERS])


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
        url = f"sqlite:///{Path(tmp) / 'board.db'}"
        each = build(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        results = []
        with factory() as session:
            person = session.get(User, PEOPLE // 2)
            assert person is not None
            user = json.dumps({"id": person.telegram_id, "first_name": "Bench"})
            launch = sign_launch_data({"auth_date": str(int(time.time())), "user": user}, token=TOKEN)
            count = text("SELECT COUNT(*) FROM entries WHERE user_id = :u AND type = 'expense'")
            base_p50, _ = _timings(lambda: session.execute(count, {"u": person.id}).scalar())

            def answer(**chosen: str) -> str:
                assert launch_person(launch, token=TOKEN, now=time.time()) == person.telegram_id
                shown = board(session=session, person=person, month=MONTH, now=NOW, **chosen)  # type: ignore[arg-type]
                return json.dumps(board_json(shown))

            for label, chosen in (
                ("unfiltered", {}),
                ("category + payment mode", {"category": "Dining Out", "payment_mode": "UPI"}),
            ):
                p50, p95 = _timings(lambda c=chosen: answer(**c))
                name = f"dashboard API, one month of {each:,} entries in 5 years, {label}"
                results.append(
                    {
                        "name": f"{name} (p95 {p95:.1f} ms)",
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
        print(row)
