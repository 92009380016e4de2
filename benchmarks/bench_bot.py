"""The bot under load: 50 simulated people send 2,000 /spend messages through the fake Bot
API server to the real Application on SQLite. Each person sends their next message when
the previous one was answered. Reports messages per second and p50/p99 from update to
reply, against an echo bot (same Application machinery, no database) in the same run."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application
from db.migrate import upgrade
from services.config import Settings
from tests.fake_telegram import TOKEN, FakeTelegram

PEOPLE = 50
MESSAGES = 2_000
TARGET_RATE = 100.0
TARGET_P99_MS = 200.0


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
        .concurrent_updates(16)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    return app


def _serve(app: Application, ready: threading.Event, stop: threading.Event) -> None:  # type: ignore[type-arg]
    async def main() -> None:
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        await app.updater.stop()
        await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()

    asyncio.run(main())


def _load(make_app: Callable[[Settings], Application], tmp: Path) -> tuple[float, list[float]]:  # type: ignore[type-arg]
    fake = FakeTelegram().start()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=fake.file_base_url,
        database_url=f"sqlite:///{tmp / f'bot-{time.perf_counter_ns()}.db'}",
    )
    upgrade(settings.database_url)
    ready, stop = threading.Event(), threading.Event()
    server = threading.Thread(target=_serve, args=(make_app(settings), ready, stop), daemon=True)
    server.start()
    ready.wait(30)
    per_person = MESSAGES // PEOPLE

    def person(k: int) -> list[float]:
        chat = 10_000 + k
        latencies = []
        for i in range(per_person):
            start = time.monotonic()
            fake.send_text(chat, f"/spend {100 + i} dining upi")
            call = fake.wait_for("sendMessage", chat_id=chat, count=i + 1, timeout=30)[i]
            latencies.append((call.at - start) * 1000)
        return latencies

    began = time.monotonic()
    with ThreadPoolExecutor(PEOPLE) as pool:
        latencies = [x for chunk in pool.map(person, range(PEOPLE)) for x in chunk]
    elapsed = time.monotonic() - began
    stop.set()
    server.join(30)
    fake.stop()
    return len(latencies) / elapsed, sorted(latencies)


def _p(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        echo_rate, echo_lat = _load(_echo_application, Path(tmp))
        rate, lat = _load(build_application, Path(tmp))
    p50, p99 = statistics.median(lat), _p(lat, 0.99)
    return [
        {
            "name": f"bot: {MESSAGES} /spend from {PEOPLE} people (messages/s)",
            "value": round(rate, 1),
            "unit": "msg/s",
            "baseline": round(echo_rate, 1),
            "ratio": round(rate / echo_rate, 3),
            "target": f">= {TARGET_RATE:g} msg/s",
            "ok": rate >= TARGET_RATE,
        },
        {
            "name": "bot: update to reply p50",
            "value": round(p50, 1),
            "unit": "ms",
            "baseline": round(statistics.median(echo_lat), 1),
            "ratio": round(p50 / statistics.median(echo_lat), 2),
            "target": "-",
            "ok": True,
        },
        {
            "name": "bot: update to reply p99",
            "value": round(p99, 1),
            "unit": "ms",
            "baseline": round(_p(echo_lat, 0.99), 1),
            "ratio": round(p99 / _p(echo_lat, 0.99), 2),
            "target": f"< {TARGET_P99_MS:g} ms",
            "ok": p99 < TARGET_P99_MS,
        },
    ]
