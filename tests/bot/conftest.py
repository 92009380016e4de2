"""End-to-end harness: the real Application from the project's factory, talking HTTP to a
fake Bot API server on 127.0.0.1, with a fresh SQLite database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from telegram.ext import Application

from bot.app import build_application
from bot.serving import Polling, Webhook, running
from db.migrate import upgrade
from db.session import make_session_factory
from services.config import Settings
from tests.fake_telegram import TOKEN, FakeTelegram


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def bot_settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        telegram_file_base_url=fake.file_base_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        model_dir=tmp_path / "models",
    )
    upgrade(settings.database_url)
    return settings


@pytest.fixture
def db(bot_settings: Settings) -> Iterator[Session]:
    """A session on the bot's own database, for arranging data and checking what was stored.

    It runs in autocommit mode, so the test never holds SQLite's write lock while the bot works.
    """
    engine = create_engine(bot_settings.database_url, isolation_level="AUTOCOMMIT")
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


@asynccontextmanager
async def running_bot(settings: Settings, *, webhook_port: int | None = None) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The bot as `leakbot run` runs it (bot/serving.py), polling fast or on a local webhook."""
    app = build_application(settings)
    updates: Polling | Webhook = (
        Polling(timeout=1)
        if webhook_port is None
        else Webhook(
            url=f"http://127.0.0.1:{webhook_port}/hook",
            url_path="hook",
            listen="127.0.0.1",
            port=webhook_port,
            secret_token=settings.webhook_secret_value(),
        )
    )
    async with running(app, updates):
        yield app


@pytest.fixture
async def bot(bot_settings: Settings) -> AsyncIterator[object]:
    async with running_bot(bot_settings) as app:
        yield app
