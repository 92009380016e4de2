"""The weekly digest through the real bot: a preview on request, the scheduler's tick through
the JobQueue (once per week, not twice), and a person who blocked the bot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import digests
from db import repositories as repo
from db.models import Digest
from tests.bot.helpers import reply
from tests.fake_telegram import FakeTelegram

ALICE, BOB = 1001, 2002


async def _log_last_week(fake: FakeTelegram, user: int) -> None:
    for text in ("1000 groceries yesterday 10am", "450 dining yesterday 9pm", "300 swiggy yesterday 11pm"):
        await reply(fake, user, text)


def _make_due(db: Session, telegram_id: int) -> None:
    """Schedule the person's digest five minutes ago, local time."""
    db.rollback()
    user = repo.get_user(db, telegram_id)
    assert user is not None
    local = (datetime.now(UTC) - timedelta(minutes=5)).astimezone(ZoneInfo(user.timezone))
    user.digest_weekday, user.digest_minute_of_day = local.weekday(), local.hour * 60 + local.minute
    db.commit()


async def _tick(app) -> None:  # type: ignore[no-untyped-def]
    done = asyncio.Event()

    async def job(context) -> None:  # type: ignore[no-untyped-def]
        try:
            await digests.tick(context)
        finally:
            done.set()

    app.job_queue.run_once(job, 0)
    await asyncio.wait_for(done.wait(), 30)


async def test_digest_preview_and_settings(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    assert await reply(fake, ALICE, "/digest") == "Weekly digest: on, Sunday 09:00 (Asia/Kolkata)."
    assert (
        await reply(fake, ALICE, "/digest wed 20:15") == "Weekly digest: on, Wednesday 20:15 (Asia/Kolkata)."
    )
    assert "Usage: /digest" in await reply(fake, ALICE, "/digest whenever")
    await _log_last_week(fake, ALICE)
    text = await reply(fake, ALICE, "/digest now")
    assert "Your week" in text and "Spent ₹1,750" in text and "Biggest leaks:" in text
    album = await asyncio.to_thread(fake.wait_for, "sendMediaGroup", chat_id=ALICE)
    assert len(album[0].params["media"]) == 2


async def test_the_scheduler_sends_each_digest_once_and_stops_for_who_blocked_the_bot(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await _log_last_week(fake, ALICE)
    _make_due(db, ALICE)
    await _tick(bot)
    album = await asyncio.to_thread(fake.wait_for, "sendMediaGroup", chat_id=ALICE)
    assert "Your week" in fake.sent(chat_id=ALICE)[-1].params["text"]
    sent_messages = len(fake.sent(chat_id=ALICE))
    await _tick(bot)  # the same week: nothing more
    assert len(fake.sent(chat_id=ALICE)) == sent_messages and len(
        fake.sent("sendMediaGroup", chat_id=ALICE)
    ) == len(album)
    db.rollback()
    assert [d.status for d in db.scalars(select(Digest))] == ["sent"]

    await reply(fake, BOB, "/start")
    _make_due(db, BOB)
    fake.fail_next["sendMessage"] = [403]
    await _tick(bot)
    db.rollback()
    assert repo.get_user(db, BOB).digest_enabled is False  # type: ignore[union-attr]


def test_send_due_from_cron_delivers_through_the_bot_api(
    fake: FakeTelegram, bot_settings, db: Session, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from bot.cli import app
    from services.config import get_settings
    from tests.factories import make_user

    make_user(db, telegram_id=ALICE)
    db.commit()
    _make_due(db, ALICE)
    for name, value in {
        "TELEGRAM_BOT_TOKEN": bot_settings.telegram_bot_token.get_secret_value(),
        "TELEGRAM_API_BASE_URL": bot_settings.telegram_api_base_url,
        "TELEGRAM_FILE_BASE_URL": bot_settings.telegram_file_base_url,
        "DATABASE_URL": bot_settings.database_url,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["digest", "--send-due"])
        second = CliRunner().invoke(app, ["digest", "--send-due"])
    finally:
        get_settings.cache_clear()
    assert "digests: 1 sent" in first.output and "digests: 0 sent" in second.output
    assert "No spending logged this week" in fake.sent(chat_id=ALICE)[-1].params["text"]
