"""Hostile input through the real bot: another person's entries, injection strings, huge and
strange text. Nothing leaks across people, nothing is executed, every reply is valid HTML."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import redaction
from db import repositories as repo
from db.models import Entry
from services.config import Settings
from tests.bot.conftest import running_bot
from tests.bot.helpers import press, reply, reply_call
from tests.fake_telegram import TOKEN, FakeTelegram

ALICE, BOB = 1001, 2002
NASTY_NOTES = [
    "'; DROP TABLE entries; --",
    "<script>alert(1)</script><b>bold",
    "🍕🍕 pizza night 👀",
    "\u202eevil rtl\u202c and \u200bzero\u200dwidth",
    '=HYPERLINK("http://x")',
]


async def test_injection_strings_and_strange_text_are_stored_as_text_and_escaped(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    for k, note in enumerate(NASTY_NOTES):
        text = await reply(fake, ALICE, f"{120 + k} dining {note}")
        assert "<script>" not in text and "₹12" in text
    stored = [e.note for e in db.scalars(select(Entry).order_by(Entry.id))]
    assert len(stored) == len(NASTY_NOTES)
    assert stored[1] == "<script>alert(1)</script><b>bold" and "DROP TABLE" in stored[0]
    recent = await reply(fake, ALICE, "/recent")
    assert recent.count("#") == len(NASTY_NOTES)
    # A message as long as Telegram allows is refused with the reason; a long note is cut to 200.
    assert "too long for an entry" in await reply(fake, ALICE, "99 dining " + "blah " * 810)
    long = await reply(fake, ALICE, "99 dining " + "blah " * 150)
    assert "₹99 Dining Out" in long and len(long) < 1000
    unknown = await reply(fake, ALICE, "50 <b>gadgets</b>")  # kept under Other, the word escaped
    assert "₹50 kept under Other." in unknown and "“&lt;b&gt;gadgets&lt;/b&gt;”" in unknown


async def test_another_persons_entries_cannot_be_seen_or_touched(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "450 dining 9pm secret-note")
    alice_entry = db.scalars(select(Entry)).one().id
    for command in (f"/delete {alice_entry}", f"/edit {alice_entry} amount 1"):
        assert "You have no entry" in await reply(fake, BOB, command)
    for data in (f"u:{alice_entry}", f"v:{alice_entry}:1", f"c:{alice_entry}", f"s:{alice_entry}:0"):
        assert "isn't yours" in await press(fake, BOB, data)
    for data in (
        "rv:1",
        f"mg:{alice_entry}:{alice_entry}",
        f"kp:{alice_entry}:{alice_entry}",
        "sc:1",
        "sd:1",
    ):
        answer = await press(fake, BOB, data)
        refusals = ("not one of yours", "isn't yours", "not one of mine", "You have no")
        assert any(r in answer for r in refusals), (data, answer)
    assert await press(fake, BOB, f"fg:{ALICE}") == "That button is not one of mine."
    for command in ("/recent", "/top_leaks", "/monthly", "/subscriptions", "/digest now"):
        assert (
            "secret-note" not in await reply(fake, BOB, command)
            and "450" not in fake.sent(chat_id=BOB)[-1].params["text"]
        )
    fake.send_text(BOB, "/export")
    exported = (await asyncio.to_thread(fake.wait_for, "sendDocument", chat_id=BOB))[0]
    assert b"secret-note" not in exported.params["document"]["data"]
    db.expire_all()
    alice = db.get(Entry, alice_entry)
    assert alice is not None and alice.amount_minor == 45_000 and alice.user_verdict is None
    assert repo.get_user(db, BOB) is not None


async def test_a_full_session_never_logs_the_token(
    fake: FakeTelegram, bot_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG with LOG_MESSAGE_TEXTS=true python-telegram-bot logs every call with its URL
    and parameters, retries and files included; none of it carries the token."""
    caplog.set_level(logging.DEBUG)
    fake.fail_next["sendMessage"] = [500, 429]
    try:
        async with running_bot(bot_settings.model_copy(update={"log_message_texts": True})):
            for text in (
                "/start",
                "/help",
                "250 dining upi",
                "/recent",
                "/top_leaks",
                "/settings",
                "/budget dining 100",
                "120 swiggy 9pm",
                "/unknown",
                "/model",
                "/digest",
            ):
                await reply_call(fake, ALICE, text)
            fake.send_text(ALICE, "/dashboard")
            await asyncio.to_thread(fake.wait_for, "sendPhoto", chat_id=ALICE)
            fake.send_document(ALICE, "bank.csv", b"Date,Description,Amount\n01/01/2024,Zomato,-99\n")
            await asyncio.to_thread(fake.wait_for, "editMessageText", chat_id=ALICE)
    finally:
        for name in redaction.CONTENT_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO)
    assert len(caplog.records) > 50 and any("sendMessage" in r.getMessage() for r in caplog.records)
    secret = TOKEN.split(":")[1]
    leaked = [r for r in caplog.records if secret in r.getMessage() or secret in (r.exc_text or "")]
    assert not leaked, [r.getMessage()[:300] for r in leaked]
