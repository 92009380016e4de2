"""Start-up and memory: what one `leakbot` command costs as a whole new process, and how much
memory the running bot holds.

- `leakbot --help` and `leakbot log "250 dining upi" --user 7` (into an existing, migrated
  SQLite database), each timed as a whole process from the outside (wall clock around
  `subprocess.run`), against a process that only imports SQLAlchemy and Typer (`python -c
  "import sqlalchemy, typer"`, same interpreter): the least a command line built on those two
  can cost. Targets: `--help` <= 2x, `log` <= 3x that baseline.

  The machine is noisy (2 cores, other work running), so one untimed warm-up round fills the
  page cache and then the three commands run in interleaved rounds (baseline, help, log,
  baseline, ...), so drift hits all three alike. Each is reported as its MEDIAN over the
  rounds, and ratio = median(command) / median(baseline). Not the minimum: here the noise is
  not rare spikes on a quiet machine but steady contention for two cores, and the baseline is
  short, so one lucky baseline run moved the min-based `log` ratio between 2.6 and 3.1 from
  one run to the next while the medians' ratio stayed between 2.45 and 2.75. Every process
  runs in a temporary directory, so no `.env` is read.

- The bot's resident memory (VmRSS, read from /proc/<pid>/status) after start and 100 chat
  entries from 4 people, with no model trained: the real Application (`build_application` +
  `running(app, Polling(...))`, as benchmarks/bench_bot.py runs it) in a fresh child process
  that creates and migrates its own SQLite database, talking to the fake Bot API server in
  this process. A child, because this process has imported pandas, scikit-learn and the rest
  for the other benchmarks. Target: <= 150 MB, absolute; the baseline column is the RSS of a
  bare `import sqlalchemy, typer` process, for context only (ratio = bot / baseline; `ok` is
  decided by the 150 MB alone). The child migrates in-process (`db.migrate.upgrade`), so its
  RSS includes Alembic and the migration run (about 13 MB) that `make run` spends in a
  separate `leakbot db upgrade`: the number errs on the high side. Two more rows: the RSS right
  after start (context, no target) and whether pandas, matplotlib, scikit-learn or SciPy had
  been imported by the bot after the 100 entries (logging an entry must not need them; any
  one of them makes that row fail).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LEAKBOT = Path(PYTHON).parent / "leakbot"  # the console script next to the interpreter

ROUNDS = 9  # timed rounds of baseline, help, log (after one untimed warm-up round)
TARGET_HELP_RATIO = 2.0
TARGET_LOG_RATIO = 3.0
TARGET_RSS_MB = 150.0
LOG_TEXT = "250 dining upi"
LOG_USER = 7

PEOPLE = (1001, 1002, 1003, 1004)
ENTRIES = 100
SPENDS = ("{} dining upi", "{} chai", "{} groceries card", "{} auto cash", "{} coffee")
HEAVY = ("pandas", "matplotlib", "sklearn", "scipy")  # what logging an entry must not import
BOT_TIMEOUT_S = 120.0

BASELINE_CODE = "import sqlalchemy, typer"
# The baseline again, reporting its own memory once the imports are done.
BASELINE_RSS_CODE = BASELINE_CODE + "; print(open('/proc/self/status').read())"
BOT_CHILD_CODE = "import sys; from benchmarks.bench_startup import bot_child; bot_child(sys.argv[1])"


def _leakbot(*args: str) -> list[str]:
    if LEAKBOT.exists():
        return [str(LEAKBOT), *args]
    return [PYTHON, "-c", "from bot.cli import main; main()", *args]


def _env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'cli.db'}",
        "MODEL_DIR": str(tmp / "models"),
    }


def _timed(command: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    """Wall-clock seconds of one whole process, start to exit."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def _vm_kb(status: str, field: str) -> int:
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise ValueError(f"no {field} in /proc status")


def _rss_mb(pid: int) -> float:
    return _vm_kb(Path(f"/proc/{pid}/status").read_text(), "VmRSS") / 1024


# --- 1 and 2: whole-process start-up -----------------------------------------------------
def bench_commands(tmp: Path) -> list[dict[str, Any]]:
    env = _env(tmp)
    subprocess.run(_leakbot("db", "upgrade"), env=env, cwd=tmp, check=True, capture_output=True)
    subprocess.run(
        _leakbot("log", LOG_TEXT, "--user", str(LOG_USER)), env=env, cwd=tmp, check=True, capture_output=True
    )
    commands = {
        "baseline": [PYTHON, "-c", BASELINE_CODE],
        "help": _leakbot("--help"),
        "log": _leakbot("log", LOG_TEXT, "--user", str(LOG_USER)),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(ROUNDS + 1):
        for name, command in commands.items():
            elapsed = _timed(command, env, tmp)
            if round_:  # round 0 only warms the page cache
                times[name].append(elapsed)
    base = statistics.median(times["baseline"])

    def row(name: str, what: str, target: float) -> dict[str, Any]:
        value = statistics.median(times[name])
        ratio = value / base
        return {
            "name": f"start-up: {what} (median of {ROUNDS})",
            "value": round(value, 4),
            "unit": "s",
            "baseline": round(base, 4),
            "ratio": round(ratio, 3),
            "target": f"<= {target:g}x",
            "ok": ratio <= target,
        }

    return [
        row("help", "leakbot --help", TARGET_HELP_RATIO),
        row("log", "leakbot log, existing SQLite db", TARGET_LOG_RATIO),
    ]


# --- 3: the bot's memory -----------------------------------------------------------------
def bot_child(config: str) -> None:
    """Child process: migrate a fresh SQLite database, run the bot against the fake Bot API
    server until the parent writes a line to stdin, then print which heavy packages it had
    imported (one JSON line). Prints "ready" once the bot takes updates."""
    import asyncio

    from bot.app import build_application, tune_interpreter
    from bot.serving import Polling, running
    from db.migrate import upgrade
    from services.config import Settings

    options = json.loads(config)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=options["token"],
        telegram_api_base_url=options["base_url"],
        telegram_file_base_url=options["file_base_url"],
        database_url=options["database_url"],
        model_dir=Path(options["model_dir"]),
    )
    upgrade(settings.database_url)
    tune_interpreter()  # as `leakbot run` does

    async def main() -> None:
        loop = asyncio.get_running_loop()
        asked = asyncio.Event()
        async with running(build_application(settings), Polling(timeout=1)):
            print("ready", flush=True)
            loop.add_reader(sys.stdin.fileno(), asked.set)
            await asked.wait()
            loop.remove_reader(sys.stdin.fileno())
            loaded = sorted(name for name in HEAVY if name in sys.modules)
            print(json.dumps({"heavy": loaded}), flush=True)

    asyncio.run(main())


def _read_line(child: subprocess.Popen[str], errors: Path) -> str:
    line = child.stdout.readline() if child.stdout else ""
    if not line:
        child.wait(30)
        raise RuntimeError(f"the bot child exited {child.returncode}: {errors.read_text()[-3000:]}")
    return line.strip()


def bench_memory(tmp: Path) -> list[dict[str, Any]]:
    from tests.fake_telegram import TOKEN, FakeTelegram

    done = subprocess.run(
        [PYTHON, "-c", BASELINE_RSS_CODE], cwd=tmp, check=True, capture_output=True, text=True
    )
    base_mb = _vm_kb(done.stdout, "VmRSS") / 1024

    db = tmp / "bot.db"
    fake = FakeTelegram().start()
    errors = tmp / "bot-child.err"
    config = {
        "token": TOKEN,
        "base_url": fake.base_url,
        "file_base_url": fake.file_base_url,
        "database_url": f"sqlite:///{db}",
        "model_dir": str(tmp / "bot-models"),
    }
    try:
        with errors.open("w") as stderr:
            child = subprocess.Popen(
                [PYTHON, "-c", BOT_CHILD_CODE, json.dumps(config)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        try:
            if _read_line(child, errors) != "ready":
                raise RuntimeError("the bot child said something other than ready")
            started_mb = _rss_mb(child.pid)
            for k in range(ENTRIES):
                amount = 40 + (k * 37) % 460
                fake.send_text(PEOPLE[k % len(PEOPLE)], SPENDS[k % len(SPENDS)].format(amount))
            for person in PEOPLE:
                expected = sum(1 for k in range(ENTRIES) if PEOPLE[k % len(PEOPLE)] == person)
                fake.wait_for("sendMessage", chat_id=person, count=expected, timeout=BOT_TIMEOUT_S)
            rss_mb = _rss_mb(child.pid)
            assert child.stdin is not None
            child.stdin.write("report\n")
            child.stdin.flush()
            heavy: list[str] = json.loads(_read_line(child, errors))["heavy"]
            child.stdin.close()
            child.wait(30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    finally:
        fake.stop()

    import sqlite3

    with sqlite3.connect(db) as con:
        (stored,) = con.execute("SELECT count(*) FROM entries").fetchone()
    if stored != ENTRIES:
        raise RuntimeError(f"the bot stored {stored} of {ENTRIES} entries")

    return [
        {
            "name": "memory: bot RSS right after start",
            "value": round(started_mb, 1),
            "unit": "MB",
            "baseline": round(base_mb, 1),
            "ratio": round(started_mb / base_mb, 2),
            "target": "-",
            "ok": True,
        },
        {
            "name": f"memory: bot RSS after start and {ENTRIES} entries, no model",
            "value": round(rss_mb, 1),
            "unit": "MB",
            "baseline": round(base_mb, 1),
            "ratio": round(rss_mb / base_mb, 2),
            "target": f"<= {TARGET_RSS_MB:g} MB",
            "ok": rss_mb <= TARGET_RSS_MB,
        },
        {
            "name": f"memory: {'/'.join(HEAVY)} in the bot: {', '.join(heavy) or 'none'}",
            "value": len(heavy),
            "unit": "pkgs",
            "baseline": 0,
            "ratio": float(len(heavy)),
            "target": "none",
            "ok": not heavy,
        },
    ]


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        return [*bench_commands(Path(tmp)), *bench_memory(Path(tmp))]


if __name__ == "__main__":  # pragma: no cover
    for result in run():
        print(json.dumps(result))
