"""Nobody waits behind someone else's long work, and a big upload fits in memory.

The real bot (`leakbot run`, its own process) on SQLite talks to the fake Bot API server.
Bob logs a spend, waits for the answer, pauses PAUSE_S, and again:

1. on an idle bot (the baseline);
2. while Alice's 200,000-row statement (about 17 MB) imports, with her personal model
   scoring it;
3. while `leakbot train` runs in another process on the same database file.

Reported: Bob's p99 from update to reply in 2 and 3 against 1 (target: at most 1 s), and the
bot process's peak resident memory (VmHWM) over the whole run (target: at most 400 MB),
against its resident memory before the upload.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.migrate import upgrade
from db.session import make_engine, make_session_factory, session_scope, within
from services import synthetic
from services.learning.training import train_all
from tests.factories import give_verdicts, make_user
from tests.fake_telegram import TOKEN, FakeTelegram

UPLOAD_ROWS = 200_000
IDLE_SPENDS = int(os.environ.get("IDLE", 40))
PAUSE_S = 0.2
TARGET_P99_MS = 1_000.0
TARGET_PEAK_MB = 400.0
ALICE, BOB = 7001, 7002
ROOT = Path(__file__).resolve().parents[1]


def _leakbot(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def _prepare(url: str, model_dir: Path) -> None:
    """Alice and two others with a year of spending and verdicts; their models trained."""
    upgrade(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        for k, taste in enumerate(("night_owl", "weekday_diner", "rule")):
            person = make_user(session, telegram_id=(ALICE, 7003, 7004)[k])
            give_verdicts(session, person, months=12, taste=taste, share=0.2, seed=40 + k)
        train_all(within(session), model_dir=model_dir)
    engine.dispose()


def _spends_until(fake: FakeTelegram, done: Callable[[], bool], *, at_least: int = 0) -> list[float]:
    """Bob's spends, one at a time, until done() (and at least at_least); latencies in ms."""
    latencies: list[float] = []
    while len(latencies) < at_least or not done():
        answered = len(fake.sent(chat_id=BOB))
        update = fake.send_text(BOB, f"{100 + len(latencies) % 50} dining upi")
        reply = fake.wait_for("sendMessage", chat_id=BOB, count=answered + 1, timeout=120)[answered]
        latencies.append((reply.at - fake.pushed_at[update["update_id"]]) * 1000)
        time.sleep(PAUSE_S)
    return sorted(latencies)


def _summary_sent(fake: FakeTelegram) -> bool:
    return any("Imported" in str(c.params.get("text")) for c in fake.sent("editMessageText", chat_id=ALICE))


def _p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(0.99 * len(values)))]


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'fair.db'}"
        model_dir = Path(tmp) / "models"
        _prepare(url, model_dir)
        upload = synthetic.to_csv_bytes(
            synthetic.generate(months=UPLOAD_ROWS // 55, seed=9).head(UPLOAD_ROWS)
        )
        fake = FakeTelegram().start()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MODEL_DIR": str(model_dir),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "TELEGRAM_FILE_BASE_URL": fake.file_base_url,
            "PYTHONPATH": str(ROOT),
        }
        bot = _leakbot("run", env=env)
        try:
            fake.wait_for("deleteWebhook", timeout=60)  # polling starts right after
            _spends_until(fake, lambda: True, at_least=3)  # warm: the first answers load modules
            idle = _spends_until(fake, lambda: True, at_least=IDLE_SPENDS)
            before_mb = _memory_mb(bot.pid, "VmRSS")
            fake.send_document(ALICE, "year.csv", upload)
            fake.wait_for("sendMessage", chat_id=ALICE)  # "Importing year.csv…"
            during_upload = _spends_until(fake, lambda: _summary_sent(fake), at_least=5)
            assert "200,000 imported" in str(fake.sent("editMessageText", chat_id=ALICE)[-1].params["text"])
            peak_mb = _memory_mb(bot.pid, "VmHWM")
            training = _leakbot("train", env=env)
            during_training = _spends_until(fake, lambda: training.poll() is not None, at_least=5)
            _, err = training.communicate()
            assert training.returncode == 0, err.decode()
        finally:
            bot.terminate()
            bot.wait(60)
            fake.stop()
    idle_p99 = _p99(idle)
    rows = []
    for name, values in (
        (f"{UPLOAD_ROWS:,}-row upload", during_upload),
        ("`leakbot train`", during_training),
    ):
        p99 = _p99(values)
        rows.append(
            {
                "name": f"fair: another person's spend during a {name}, p99 ({len(values)} spends)",
                "value": round(p99, 1),
                "unit": "ms",
                "baseline": round(idle_p99, 1),
                "ratio": round(p99 / idle_p99, 2),
                "target": f"<= {TARGET_P99_MS:g}",
                "ok": p99 <= TARGET_P99_MS,
            }
        )
    rows.append(
        {
            "name": f"fair: bot peak memory with a {len(upload) / 1e6:.0f} MB, {UPLOAD_ROWS:,}-row upload",
            "value": round(peak_mb, 1),
            "unit": "MB",
            "baseline": round(before_mb, 1),
            "ratio": round(peak_mb / before_mb, 2),
            "target": f"<= {TARGET_PEAK_MB:g}",
            "ok": peak_mb <= TARGET_PEAK_MB,
        }
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
