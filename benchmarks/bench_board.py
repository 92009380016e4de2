"""The dashboard Mini App's API (bot/webapp.py) for one month of a person with five years of
entries, in a SQLite database of 200 such people: p50/p95 of the whole answer (the launch data
checked, the month and its filters summed, the JSON written), unfiltered and filtered, against
the simplest indexed query for that person in the same run."""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.people import baseline_p50, fill, latency_row, ledger, timings
from bot.render.board import board_json
from bot.webapp import launch_person, sign_launch_data
from db.models import User
from db.session import make_engine, make_session_factory
from services.usecases.board import board

PEOPLE = 200
MONTHS = 60  # five years
DISTINCT_LEDGERS = 10
TARGET_P50_MS = 50.0
TOKEN = "123456:bench-token"
NOW = datetime(2027, 12, 31, 12, tzinfo=UTC)  # the ledgers run 2023-2027
MONTH = "2027-06"


def build(url: str) -> int:
    """The database; returns how many entries one person has."""
    ledgers = [ledger(seed, months=MONTHS) for seed in range(DISTINCT_LEDGERS)]
    fill(url, ledgers, PEOPLE)
    return len(ledgers[(PEOPLE // 2) % DISTINCT_LEDGERS])


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
            base_p50 = baseline_p50(session, person.id)

            def answer(**chosen: str) -> str:
                assert launch_person(launch, token=TOKEN, now=time.time()) == person.telegram_id
                shown = board(session=session, person=person, month=MONTH, now=NOW, **chosen)  # type: ignore[arg-type]
                return json.dumps(board_json(shown))

            for label, chosen in (
                ("unfiltered", {}),
                ("category + payment mode", {"category": "Dining Out", "payment_mode": "UPI"}),
            ):
                p50, p95 = timings(lambda c=chosen: answer(**c))
                name = f"dashboard API, one month of {each:,} entries in 5 years, {label}"
                results.append(latency_row(name, p50, p95, base_p50, TARGET_P50_MS))
        engine.dispose()
        return results


if __name__ == "__main__":
    for row in run():
        print(row)
