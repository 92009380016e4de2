"""Soak: many people send many messages through the fake Bot API server to the real bot.
Zero errors, every message stored once, and memory that stops growing after warm-up.

`make reliability` runs the long version (200 people, 20,000 messages); the test suite runs
a short one (tests/bot/test_soak.py) through the same function.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.bench_bot import Load, run_load
from benchmarks.soak_webhooks import rss_mb
from bot.app import build_application, tune_interpreter
from db.migrate import upgrade
from db.models import Entry
from db.session import make_engine

WARM_UP_SHARE = 0.2  # memory is compared from this far into the run


@dataclass(frozen=True)
class SoakResult:
    people: int
    messages: int
    stored: int
    errors: int
    rate: float
    rss_after_warm_up_mb: float
    rss_end_mb: float

    @property
    def growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_after_warm_up_mb


def _rss_mb() -> float:
    return rss_mb(os.getpid()) or 0.0


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def soak(people: int, messages: int) -> SoakResult:
    tune_interpreter()
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            samples.append(_rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'soak.db'}"
            upgrade(url)
            sampler.start()
            rate, latencies = run_load(build_application, Path(tmp), Load(people, messages), database_url=url)
            stop.set()
            sampler.join()
            engine = make_engine(url)
            with engine.connect() as connection:
                stored = int(connection.scalar(select(func.count()).select_from(Entry)) or 0)
            engine.dispose()
    finally:
        logging.getLogger().removeHandler(errors)
    warm = samples[int(len(samples) * WARM_UP_SHARE)] if samples else _rss_mb()
    missing = messages - len(latencies)
    return SoakResult(people, messages, stored, errors.count + missing, rate, warm, max(samples or [warm]))


def main() -> int:
    people, messages = (int(a) for a in (sys.argv[1:3] if len(sys.argv) >= 3 else ("200", "20000")))
    started = time.monotonic()
    result = soak(people, messages)
    print(
        f"soak: {result.people} people, {result.messages:,} messages in {time.monotonic() - started:.0f} s "
        f"({result.rate:.0f} msg/s): {result.stored:,} stored, {result.errors} errors, memory "
        f"{result.rss_after_warm_up_mb:.0f} MB after warm-up -> {result.rss_end_mb:.0f} MB peak "
        f"(+{result.growth_mb:.1f} MB)"
    )
    ok = result.errors == 0 and result.stored == result.messages and result.growth_mb < 50
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
