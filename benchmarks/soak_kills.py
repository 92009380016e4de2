"""Soak: `leakbot run` killed with SIGKILL at random moments of a flood and of an upload.

50 people send SPENDS spends (a few a second each) and one of them uploads a 50,000-row
statement, while the bot process is killed KILLS times at random moments and started again.
The fake Bot API forgets confirmed updates, as Telegram does, so only the bot's own inbox
and kept upload can bring back what a kill interrupted. At the end: every spend stored
exactly once, the statement imported once and whole, the inbox and the kept files empty.

`make reliability` runs it; tests/bot/test_faults.py runs one kill of each kind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from db.migrate import upgrade
from db.models import Entry, Import, ImportFile, InboxUpdate
from db.session import make_engine
from services import synthetic
from tests.fake_telegram import TOKEN, FakeTelegram

PEOPLE = 50
SPENDS = 3_000
KILLS = 8
UPLOAD_ROWS = 50_000
UPLOADER = 10_000  # one of the people
ROOT = Path(__file__).resolve().parents[1]


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _count(url: str, table: type) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        engine.dispose()


def run(seed: int = 1) -> dict[str, object]:
    chance = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'soak.db'}"
        upgrade(url)
        fake = FakeTelegram().start()
        fake.remembers_confirmed = False
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MODEL_DIR": str(Path(tmp) / "models"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "TELEGRAM_FILE_BASE_URL": fake.file_base_url,
            "PYTHONPATH": str(ROOT),
        }
        statement = synthetic.to_csv_bytes(
            synthetic.generate(months=UPLOAD_ROWS // 55, seed=3).head(UPLOAD_ROWS)
        )
        bot = _start(env)
        began = time.monotonic()
        try:
            fake.wait_for("deleteWebhook", timeout=60)
            fake.send_document(UPLOADER, "statement.csv", statement)
            kills_at = sorted(chance.uniform(1, 25) for _ in range(KILLS))
            for k in range(SPENDS):
                fake.send_text(10_000 + k % PEOPLE, f"{100 + k} dining upi", message_id=100_000 + k)
                time.sleep(0.008)
                if kills_at and time.monotonic() - began > kills_at[0]:
                    kills_at.pop(0)
                    bot.send_signal(signal.SIGKILL)
                    bot.wait(30)
                    bot = _start(env)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if _count(url, Entry) >= SPENDS + UPLOAD_ROWS and _count(url, ImportFile) == 0:
                    break
                time.sleep(1)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(60)
            fake.stop()
        engine = make_engine(url)
        with engine.connect() as connection:
            chat = (
                connection.execute(select(Entry.amount_minor).where(Entry.source == "chat")).scalars().all()
            )
            imports = connection.execute(select(Import.status, Import.imported_rows)).all()
        engine.dispose()
        result: dict[str, object] = {
            "spends": SPENDS,
            "kills": KILLS,
            "chat_entries": len(chat),
            "chat_entries_distinct": len(set(chat)),
            "imports": [tuple(row) for row in imports],
            "inbox_left": _count(url, InboxUpdate),
            "kept_files_left": _count(url, ImportFile),
            "seconds": round(time.monotonic() - began, 1),
        }
    result["ok"] = (
        result["chat_entries"] == SPENDS
        and result["chat_entries_distinct"] == SPENDS
        and result["imports"] == [("completed", UPLOAD_ROWS)]
        and result["inbox_left"] == 0
        and result["kept_files_left"] == 0
    )
    return result


if __name__ == "__main__":
    outcome = run()
    print(json.dumps(outcome))
    sys.exit(0 if outcome["ok"] else 1)
