"""No secret and nothing a person sent reaches a log line: not in messages, tracebacks or
JSON logs, and python-telegram-bot's message contents only with LOG_MESSAGE_TEXTS=true."""

from __future__ import annotations

import json
import logging

import pytest

from bot import redaction
from bot.cli import JsonFormatter
from services.config import Settings
from tests.bot.conftest import running_bot
from tests.bot.helpers import reply
from tests.fake_telegram import TOKEN, FakeTelegram

PASSWORD = "s3cret-db-password"


def test_secrets_are_cut_from_messages_tracebacks_and_json(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install(
        TOKEN, "hook-secret-123", redaction.database_password(f"postgresql://bot:{PASSWORD}@db/x")
    )
    log = logging.getLogger("leakbot.test.redaction")
    try:
        raise OSError(
            f"GET https://api.telegram.org/file/bot{TOKEN}/documents/f.csv failed (hook-secret-123)"
        )
    except OSError:
        log.exception("download for %s failed", f"postgresql://bot:{PASSWORD}@db/x")
    (record,) = [r for r in caplog.records if r.name == "leakbot.test.redaction"]
    for text in (
        logging.Formatter().format(record),
        json.dumps(json.loads(JsonFormatter().format(record))),
        caplog.text,
    ):
        assert TOKEN not in text and "hook-secret-123" not in text and PASSWORD not in text
        assert "<token>" in text and "OSError" in text


async def test_message_texts_stay_out_of_debug_logs_unless_asked_for(
    fake: FakeTelegram, bot_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(bot_settings):
        await reply(fake, 1001, "4321 dining secret-dinner-note")
    assert caplog.records and "secret-dinner-note" not in caplog.text and "4321" not in caplog.text
    assert bot_settings.webhook_secret_value() not in caplog.text
    caplog.clear()
    chatty = bot_settings.model_copy(update={"log_message_texts": True})
    try:
        async with running_bot(chatty):
            await reply(fake, 1001, "4321 dining secret-dinner-note")
        assert "secret-dinner-note" in caplog.text
    finally:
        for name in redaction.CONTENT_LOGGERS:  # as a process without LOG_MESSAGE_TEXTS has them
            logging.getLogger(name).setLevel(logging.INFO)
