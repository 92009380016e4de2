"""Soak in webhook mode: several `leakbot run --webhook-url ...` processes behind one database
(PostgreSQL), updates spread over them round-robin as a load balancer would, replies going to
the fake Bot API server. Every message must be answered and stored exactly once, with no
error in any process's log.

`make reliability` runs 4 processes, 200 people and 20,000 messages; the test suite runs a
short version (tests/bot/test_soak.py) through the same function.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select

from db.migrate import upgrade
from db.models import Entry
from db.session import make_engine
from services.config import Settings
from tests.fake_telegram import TOKEN, Call, FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 1_800


@dataclass(frozen=True)
class WebhookSoak:
    processes: int
    messages: int
    answered: int
    stored: int
    errors: list[str]
    seconds: float
    rss_growth_mb: float  # the largest growth of one process's RSS after warm-up (first 20% of the run)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"bot process exited early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"bot on port {port} did not start")


def rss_mb(pid: int) -> float | None:
    """A process's resident memory now (Linux /proc), or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def soak_webhooks(database_url: str, *, processes: int, people: int, messages: int) -> WebhookSoak:
    upgrade(database_url)
    fake = FakeTelegram().start()
    secret = Settings(_env_file=None, telegram_bot_token=TOKEN).webhook_secret_value()  # type: ignore[call-arg]
    ports = [_free_port() for _ in range(processes)]
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.file_base_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    bots = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from bot.cli import main; main()",
                "run",
                "--webhook-url",
                f"http://127.0.0.1:{port}/hook",
                "--port",
                str(port),
                "--listen",
                "127.0.0.1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    per_person = messages // people
    sent = dict.fromkeys(range(20_000, 20_000 + people), 0)
    answered = 0
    lock = threading.Lock()
    done = threading.Event()
    work: queue.Queue[int | None] = queue.Queue()
    counter = iter(range(10**9))

    def on_call(call: Call) -> None:  # in the fake server's thread: hand over, never block
        nonlocal answered
        chat = call.params.get("chat_id")
        if call.method != "sendMessage" or chat not in sent:
            return
        with lock:
            answered += 1
            if answered == people * per_person:
                done.set()
        if sent[chat] < per_person:
            work.put(chat)

    def poster() -> None:
        with httpx.Client(timeout=30) as client:
            while (chat := work.get()) is not None:
                with lock:
                    sent[chat] += 1
                    n, k = sent[chat], next(counter)
                update = {"update_id": k + 1, "message": fake.message(chat, f"/spend {100 + n} dining upi")}
                client.post(
                    f"http://127.0.0.1:{ports[k % len(ports)]}/hook",
                    content=json.dumps(update),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
                )

    posters = [threading.Thread(target=poster, daemon=True) for _ in range(8)]
    samples: dict[int, list[float]] = {process.pid: [] for process in bots}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.5):
            for pid, values in samples.items():
                if (rss := rss_mb(pid)) is not None:
                    values.append(rss)

    sampler = threading.Thread(target=sample, daemon=True)
    errors: list[str] = []
    started = time.monotonic()
    try:
        for port, process in zip(ports, bots, strict=True):
            _wait_listening(port, process)
        fake.on_call = on_call
        for t in posters:
            t.start()
        sampler.start()
        started = time.monotonic()
        for chat in sent:
            work.put(chat)
        done.wait(RUN_TIMEOUT_S)
    finally:
        seconds = time.monotonic() - started
        sampling.set()
        for _ in posters:
            work.put(None)
        for process in bots:
            process.terminate()
        for process in bots:
            try:
                _, err = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            errors += [
                line
                for line in err.decode(errors="replace").splitlines()
                if "ERROR" in line or "Traceback" in line
            ]
        fake.stop()
    engine = make_engine(database_url)
    with engine.connect() as connection:
        stored = int(connection.scalar(select(func.count()).select_from(Entry)) or 0)
    engine.dispose()
    growth = max(
        (max(v) - v[int(len(v) * 0.2)] for v in samples.values() if v),
        default=0.0,
    )
    return WebhookSoak(processes, people * per_person, answered, stored, errors, seconds, growth)


ADMIN_URL = os.environ.get("LEAKBOT_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def main() -> int:
    """Run the long soak on a PostgreSQL database created for it (and dropped afterwards)."""
    import uuid

    import psycopg

    name = f"leakbot_soak_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        result = soak_webhooks(
            f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}", processes=4, people=200, messages=20_000
        )
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    print(
        f"webhook soak: {result.processes} processes, {result.messages:,} messages in {result.seconds:.0f} s "
        f"({result.messages / max(result.seconds, 1e-9):.0f} msg/s): {result.answered:,} answered, "
        f"{result.stored:,} stored, {len(result.errors)} errors, largest RSS growth of one process "
        f"after warm-up {result.rss_growth_mb:+.1f} MB"
    )
    for line in result.errors[:20]:
        print("  ", line)
    ok = (
        not result.errors
        and result.stored == result.answered == result.messages
        and result.rss_growth_mb < 50
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
