"""What the per-person latency benchmarks (the fourteen questions, questions in plain words,
the dashboard API) share: a SQLite database of many people over a few distinct generated
ledgers, p50/p95 timings of a call, the simplest indexed query for one person as the
baseline, and the result row."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.frames import insert_entry_frame
from db.migrate import upgrade
from db.models import User
from db.session import make_engine, make_session_factory, session_scope
from services.ledger.completion import ScoringProfile
from services.synthetic import generate_entries

RUNS = 40
PROFILE = ScoringProfile("Asia/Kolkata", 30_000, 5)


def ledger(seed: int, *, months: int, rows: int | None = None) -> pd.DataFrame:
    """One generated ledger, completed and scored (the first `rows` of it when given)."""
    frame = generate_entries(months=months, seed=seed, profile=PROFILE)
    return frame if rows is None else frame.head(rows)


def fill(
    url: str,
    ledgers: Sequence[pd.DataFrame],
    people: int,
    *,
    also: Callable[[Session, range], None] | None = None,
) -> None:
    """A migrated database of people 1..people, person k holding ledger k % len(ledgers);
    `also` adds more rows for them (budgets, ...) in the same transaction."""
    upgrade(url)
    engine = make_engine(url)
    ids = range(1, people + 1)
    with session_scope(make_session_factory(engine)) as session:
        session.add_all([User(id=k, telegram_id=k, timezone="Asia/Kolkata", currency="INR") for k in ids])
        session.flush()
        if also is not None:
            also(session, ids)
        for k in ids:
            frame = ledgers[k % len(ledgers)].copy()
            frame["user_id"] = k
            frame["source"] = "csv"
            frame["source_ref"] = [f"bench:{i}" for i in range(len(frame))]
            insert_entry_frame(session, frame)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def timings(fn: Callable[[], Any], runs: int = RUNS) -> tuple[float, float]:
    """(p50, p95) in milliseconds of `runs` calls, after one warming call."""
    fn()  # warm the page cache and the statement cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


_COUNT = text("SELECT COUNT(*) FROM entries WHERE user_id = :u AND type = 'expense'")


def baseline_p50(session: Session, user_id: int) -> float:
    """p50 of the simplest indexed query for the person: COUNT(*) of their expenses."""
    return timings(lambda: session.execute(_COUNT, {"u": user_id}).scalar())[0]


def latency_row(name: str, p50: float, p95: float, base_p50: float, target_ms: float) -> dict[str, Any]:
    return {
        "name": f"{name} (p95 {p95:.1f} ms)",
        "value": round(p50, 3),
        "unit": "ms",
        "baseline": round(base_p50, 3),
        "ratio": round(p50 / base_p50, 2),
        "target": f"p50 <= {target_ms:g} ms",
        "ok": p50 <= target_ms,
        "p95": round(p95, 3),
    }
