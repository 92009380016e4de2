"""The bot under load: 50 simulated people send 2,000 /spend messages through the fake Bot
API server to the real Application on SQLite. Each person sends their next message when
the previous one was answered. Reports messages per second and p50/p99 from update to
reply, against an echo bot (same Application machinery, no database) in the same run."""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import BOT_API_CONNECTIONS, CONCURRENT_UPDATES, build_application, tune_interpreter
from bot.intake import OnePersonAtATime
from bot.request import RetryingRequest
from bot.serving import Polling, running
from db.migrate import upgrade
from services.config import Settings
from tests.fake_telegram import TOKEN, Call, FakeTelegram

PEOPLE = 50
MESSAGES = 2_000
TARGET_RATE = 100.0
TARGET_P99_MS = 200.0
LOAD_TIMEOUT_S = 1_800


def _echo_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message
        await update.effective_message.reply_text("ok")

    assert settings.telegram_bot_token is not None
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .request(RetryingRequest(connection_pool_size=BOT_API_CONNECTIONS))
        .get_updates_request(RetryingRequest())
        .concurrent_updates(OnePersonAtATime(CONCURRENT_UPDATES))
        .updater(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    return app


def _serve(app: Application, ready: threading.Event, stop: threading.Event) -> None:  # type: ignore[type-arg]
    async def main() -> None:
        async with running(app, Polling(timeout=1)):
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    asyncio.run(main())


@dataclass(frozen=True)
class Load:
    people: int = PEOPLE
    messages: int = MESSAGES
    rate: float | None = None  # None: closed loop


def _people(conn: Connection, load: Load) -> None:
    """Child process: the fake Bot API server and the 50 people, away from the bot's GIL.

    rate None: a closed loop (the server's call hook sends a person's next message the moment
    the previous one is answered), which measures the most the bot can take. A rate: the
    messages arrive at that many per second whatever the bot does (an open loop, people
    taking turns), which measures the time from update to reply at that load.
    """
    fake = FakeTelegram().start()
    conn.send((fake.base_url, fake.file_base_url))
    conn.recv()  # the bot is up
    rate, people, messages = load.rate, load.people, load.messages
    chats = range(10_000, 10_000 + people)
    sent = dict.fromkeys(chats, 0)
    waiting: dict[int, deque[int]] = {chat: deque() for chat in chats}  # update ids awaiting replies
    latencies: list[float] = []
    done = threading.Event()

    def send_next(chat: int) -> None:
        sent[chat] += 1
        waiting[chat].append(fake.send_text(chat, f"/spend {100 + sent[chat]} dining upi")["update_id"])

    def on_call(call: Call) -> None:  # runs under the server's lock
        chat = call.params.get("chat_id")
        if call.method != "sendMessage" or not waiting.get(chat):
            return
        latencies.append((call.at - fake.pushed_at[waiting[chat].popleft()]) * 1000)
        if rate is None and sent[chat] < messages // people:
            send_next(chat)
        if len(latencies) == messages:
            done.set()

    fake.on_call = on_call
    began = time.monotonic()
    if rate is None:
        with fake._cond:
            for chat in chats:
                send_next(chat)
    else:
        for k in range(messages):
            time.sleep(max(0.0, began + k / rate - time.monotonic()))
            send_next(chats[k % people])
    if not done.wait(LOAD_TIMEOUT_S):
        raise SystemExit(f"only {len(latencies)} of {messages} replies arrived")
    conn.send((len(latencies) / (time.monotonic() - began), sorted(latencies)))
    conn.recv()  # the bot has stopped polling
    fake.stop()


def run_load(
    make_app: Callable[[Settings], Application],  # type: ignore[type-arg]
    tmp: Path,
    load: Load = Load(),
    database_url: str | None = None,
) -> tuple[float, list[float]]:
    """Run one load (by default on a fresh SQLite database); return messages/s and sorted
    update-to-reply latencies (ms)."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    people = context.Process(target=_people, args=(child, load), daemon=True)
    people.start()
    base_url, file_base_url = parent.recv()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=base_url,  # type: ignore[call-arg]
        telegram_file_base_url=file_base_url,
        database_url=database_url or f"sqlite:///{tmp / f'bot-{time.perf_counter_ns()}.db'}",
    )
    upgrade(settings.database_url)
    ready, stop = threading.Event(), threading.Event()
    server = threading.Thread(target=_serve, args=(make_app(settings), ready, stop), daemon=True)
    server.start()
    ready.wait(30)
    parent.send("go")
    rate_seen, latencies = parent.recv()
    stop.set()
    server.join(30)
    parent.send("done")
    people.join(30)
    return rate_seen, latencies


def _p(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def run() -> list[dict[str, Any]]:
    tune_interpreter()  # as `leakbot run` does
    with tempfile.TemporaryDirectory() as tmp:
        echo_rate, _ = run_load(_echo_application, Path(tmp))
        rate, _ = run_load(build_application, Path(tmp))
        _, echo_lat = run_load(_echo_application, Path(tmp), Load(rate=TARGET_RATE))
        _, lat = run_load(build_application, Path(tmp), Load(rate=TARGET_RATE))
    p50, p99 = statistics.median(lat), _p(lat, 0.99)
    echo_p50, echo_p99 = statistics.median(echo_lat), _p(echo_lat, 0.99)
    return [
        {
            "name": f"bot: {MESSAGES} /spend from {PEOPLE} people, most msg/s",
            "value": round(rate, 1),
            "unit": "msg/s",
            "baseline": round(echo_rate, 1),
            "ratio": round(rate / echo_rate, 3),
            "target": f">= {TARGET_RATE:g}",
            "ok": rate >= TARGET_RATE,
        },
        {
            "name": f"bot: update to reply p50 at {TARGET_RATE:g} msg/s",
            "value": round(p50, 1),
            "unit": "ms",
            "baseline": round(echo_p50, 1),
            "ratio": round(p50 / echo_p50, 2),
            "target": "-",
            "ok": True,
        },
        {
            "name": f"bot: update to reply p99 at {TARGET_RATE:g} msg/s",
            "value": round(p99, 1),
            "unit": "ms",
            "baseline": round(echo_p99, 1),
            "ratio": round(p99 / echo_p99, 2),
            "target": f"< {TARGET_P99_MS:g}",
            "ok": p99 < TARGET_P99_MS,
        },
    ]
