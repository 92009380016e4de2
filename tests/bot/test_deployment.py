"""Deployment: ALLOWED_USER_IDS and the health endpoint."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import User
from services.config import Settings
from tests.bot.conftest import running_bot
from tests.bot.helpers import free_port, reply
from tests.fake_telegram import FakeTelegram

ALICE, MALLORY = 1001, 6666


async def test_allowed_user_ids_answer_others_once_and_store_nothing(
    fake: FakeTelegram, bot_settings: Settings, db: Session
) -> None:
    private = bot_settings.model_copy(update={"allowed_user_ids": frozenset({ALICE})})
    async with running_bot(private):
        assert "Sorry, this LeakBot is private" in await reply(fake, MALLORY, "250 dining")
        fake.send_text(MALLORY, "/export")
        fake.press_button(MALLORY, "u:1")
        assert (await asyncio.to_thread(fake.wait_for, "answerCallbackQuery"))[0].params["text"] == (
            "This LeakBot is private."
        )
        fake.send_document(MALLORY, "x.csv", b"Date,Description,Amount\n01/01/2024,Zomato,-99\n")
        assert "₹250 Dining Out" in await reply(fake, ALICE, "250 dining")
        assert len(fake.sent(chat_id=MALLORY)) == 1
    assert db.scalars(select(User.telegram_id)).all() == [ALICE]


async def test_the_health_endpoint_reports_the_database(fake: FakeTelegram, bot_settings: Settings) -> None:
    port = free_port()
    settings = bot_settings.model_copy(update={"health_port": port, "health_host": "127.0.0.1"})
    async with running_bot(settings, webhook_port=free_port()) as app, httpx.AsyncClient() as client:
        ok = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert ok.status_code == 200 and ok.json() == {"status": "ok", "database": "ok"}
        assert (await client.get(f"http://127.0.0.1:{port}/other")).status_code == 404
        database = Path(settings.database_url.removeprefix("sqlite:///"))
        saved = database.read_bytes()
        app.bot_data["runtime"].engine.dispose()
        database.write_bytes(b"this is not a database" * 512)  # the disk went bad
        try:
            down = await client.get(f"http://127.0.0.1:{port}/healthz")
        finally:
            app.bot_data["runtime"].engine.dispose()
            database.write_bytes(saved)
        assert down.status_code == 503 and down.json()["status"] == "unavailable"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 60 MB tmpfs of the test's own (root mounts it; CI runs as root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=60m", "tmpfs", str(disk)], capture_output=True)
    if done.returncode != 0:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"cannot mount a tmpfs: {done.stderr.decode()}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


async def test_the_health_endpoint_fails_with_the_reason_when_the_disk_fills_up(
    fake: FakeTelegram, bot_settings: Settings, small_disk: Path
) -> None:
    port = free_port()
    settings = bot_settings.model_copy(
        update={
            "health_port": port,
            "health_host": "127.0.0.1",
            "database_url": f"sqlite:///{small_disk / 'bot.db'}",
        }
    )
    upgrade(settings.database_url)
    async with running_bot(settings), httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
        (small_disk / "logs.bin").write_bytes(b"\0" * 20 * 1_048_576)  # something else fills the disk
        down = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        assert re.fullmatch(r"disk almost full: 3\d MB free", down.json()["database"])
        assert "₹250 Dining Out" in await reply(fake, ALICE, "250 dining")  # it still works meanwhile
