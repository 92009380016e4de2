"""Statements as people send them.

1. A 100,000-row HDFC Bank statement (CSV) imported by a whole `leakbot import` process,
   start-up included, against `pandas.read_csv` of the file plus one raw sqlite3
   `executemany` of the very rows LeakBot stores (target: at most 2.5×); and that process's
   peak resident memory (target: at most 350 MB).
2. A 30-page PDF statement: rows per second of the import, against pdfplumber only reading
   the words of the same pages (reported, no target: the words are most of the work).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.bench_core import raw_insert
from db.migrate import upgrade
from db.session import make_engine, make_session_factory, session_scope, within
from services.importing.pipeline import import_statement
from services.synthetic import generate, to_bank_statement
from tests.documents import HDFC_PDF, statement_pdf
from tests.factories import csv_bytes, make_user

STATEMENT_ROWS = 100_000
TARGET_RATIO = 2.5
TARGET_PEAK_MB = 350.0
PDF_PAGES = 30
PDF_ROWS_PER_PAGE = 25
ROOT = Path(__file__).resolve().parents[1]


def _statement(rows: int) -> tuple[list[str], list[list[str]]]:
    """An HDFC statement of two years, as busy as it must be to hold rows."""
    months = 24
    ledger = generate(months=months, seed=5, rows_per_month=rows / months * 1.05).head(rows)
    return to_bank_statement(ledger)


def _stored_rows(url: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    cursor = con.execute("SELECT * FROM entries")
    columns = [d[0] for d in cursor.description if d[0] != "id"]
    rows = [row[1:] for row in cursor.fetchall()]
    con.close()
    return columns, rows


# The child reports its own high-water mark (VmHWM starts afresh at exec; the parent's
# rusage would count the pages the fork shared with this process before it).
_CHILD = """
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write(f"PEAK_KB {line.split()[1]}\\n")
atexit.register(_peak)
from bot.cli import main
main()
"""


def _leakbot_import(path: Path, url: str) -> tuple[float, float]:
    """(seconds, peak resident MB) of `leakbot import FILE --user 1` as its own process."""
    env = {**os.environ, "DATABASE_URL": url}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "import", str(path), "--user", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB ")]
    if done.returncode != 0 or not peaks:
        raise RuntimeError(f"leakbot import failed: {done.stderr[-2000:]}")
    return elapsed, peaks[-1] / 1024


def _baseline(path: Path, tmp: Path, stored: tuple[list[str], list[tuple[Any, ...]]]) -> float:
    db = tmp / f"raw-{time.perf_counter_ns()}.db"
    upgrade(f"sqlite:///{db}")
    start = time.perf_counter()
    pd.read_csv(path, dtype=str, keep_default_na=False)
    raw_insert(db, stored)
    return time.perf_counter() - start


def bench_statement_import(tmp: Path) -> list[dict[str, Any]]:
    header, rows = _statement(STATEMENT_ROWS)
    path = tmp / "statement.csv"
    path.write_bytes(csv_bytes(header, rows))
    runs: list[tuple[float, float, float]] = []
    stored: tuple[list[str], list[tuple[Any, ...]]] | None = None
    for k in range(3):  # alternated, so drift hits both alike
        url = f"sqlite:///{tmp / f'leakbot-{k}.db'}"
        upgrade(url)
        seconds, peak = _leakbot_import(path, url)
        if stored is None:
            stored = _stored_rows(url)
            if len(stored[1]) != STATEMENT_ROWS:
                raise RuntimeError(f"imported {len(stored[1])} of {STATEMENT_ROWS} rows")
        runs.append((seconds, peak, _baseline(path, tmp, stored)))
    value = min(r[0] for r in runs)
    base = min(r[2] for r in runs)
    peak = max(r[1] for r in runs)
    return [
        {
            "name": "leakbot import, 100k-row bank statement (process)",
            "value": round(value, 3),
            "unit": "s",
            "baseline": round(base, 3),
            "ratio": round(value / base, 3),
            "target": f"<= {TARGET_RATIO}x",
            "ok": value / base <= TARGET_RATIO,
        },
        {
            "name": "leakbot import, 100k-row statement, peak RSS",
            "value": round(peak, 1),
            "unit": "MB",
            "baseline": TARGET_PEAK_MB,
            "ratio": round(peak / TARGET_PEAK_MB, 3),
            "target": f"<= {TARGET_PEAK_MB:.0f} MB",
            "ok": peak <= TARGET_PEAK_MB,
        },
    ]


def bench_pdf(tmp: Path) -> dict[str, Any]:
    _header, rows = _statement(PDF_PAGES * PDF_ROWS_PER_PAGE)
    data = statement_pdf(HDFC_PDF, rows, rows_per_page=PDF_ROWS_PER_PAGE)

    def words_only() -> float:
        import io

        import pdfplumber

        start = time.perf_counter()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_words(x_tolerance=1.5, y_tolerance=3)
        return time.perf_counter() - start

    url = f"sqlite:///{tmp / 'pdf.db'}"
    upgrade(url)
    engine = make_engine(url)
    times = []
    for k in range(3):
        with session_scope(make_session_factory(engine)) as session:
            user = make_user(session, telegram_id=9_000 + k)
            start = time.perf_counter()
            summary = import_statement(turn=within(session), user=user, data=data, file_name="statement.pdf")
            times.append(time.perf_counter() - start)
            if summary.imported != len(rows):
                raise RuntimeError(
                    f"the PDF gave {summary.imported} of {len(rows)} rows: {summary.errors[:3]}"
                )
    engine.dispose()
    value = len(rows) / min(times)
    base = len(rows) / min(words_only() for _ in range(3))
    return {
        "name": f"import a {PDF_PAGES}-page PDF statement",
        "value": round(value, 1),
        "unit": "rows/s",
        "baseline": round(base, 1),
        "ratio": round(base / value, 3),  # how many times the words alone take
        "target": "reported",
        "ok": True,
    }


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        return [*bench_statement_import(Path(tmp)), bench_pdf(Path(tmp))]


if __name__ == "__main__":  # pragma: no cover
    for result in run():
        print(result)
