"""How updates come in (bot/intake.py): a webhook takes only Telegram's updates of a sane
size, an update delivered twice acts and is answered once, and one person's messages are
handled in the order they were sent while other people's go on."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import Entry, HandledUpdate
from db.session import make_engine
from services.config import Settings
from services.ledger import entries as ledger
from tests.bot.conftest import running_bot
from tests.bot.helpers import free_port, reply
from tests.fake_telegram import FakeTelegram

ALICE, BOB = 1001, 2002


def entry_count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(Entry)) or 0)


async def test_a_webhook_takes_only_telegrams_updates_and_each_of_them_once(
    fake: FakeTelegram, bot_settings: Settings, db: Session
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    secret = {"X-Telegram-Bot-Api-Secret-Token": bot_settings.webhook_secret_value()}
    update = json.dumps({"update_id": 7, "message": fake.message(ALICE, "250 dining upi")})
    async with running_bot(bot_settings, webhook_port=port), httpx.AsyncClient() as client:
        assert (
            fake.wait_for("setWebhook")[0].params["secret_token"] == secret["X-Telegram-Bot-Api-Secret-Token"]
        )
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        forged = await client.post(
            url, content=update, headers={**json_type, "X-Telegram-Bot-Api-Secret-Token": "x"}
        )
        unsigned = await client.post(url, content=update, headers=json_type)
        not_json = await client.post(url, content=update, headers={**secret, "Content-Type": "text/plain"})
        huge = await client.post(url, content=b"{" + b" " * 2_000_000 + b"}", headers={**secret, **json_type})
        garbage = await client.post(url, content=b"{not json", headers={**secret, **json_type})
        assert [r.status_code for r in (forged, unsigned, not_json, huge, garbage)] == [
            403,
            403,
            415,
            413,
            400,
        ]
        # Telegram retries when it did not hear the 200 in time: the same update twice.
        assert (await client.post(url, content=update, headers={**secret, **json_type})).status_code == 200
        assert (await client.post(url, content=update, headers={**secret, **json_type})).status_code == 200
        answer = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE)
        assert "₹250 Dining Out" in answer[0].params["text"]
        later = json.dumps({"update_id": 8, "message": fake.message(ALICE, "/recent")})
        await client.post(url, content=later, headers={**secret, **json_type})
        answers = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=2)
        assert "#" in answers[1].params["text"]
    assert len(fake.sent(chat_id=ALICE)) == 2 and entry_count(db) == 1


async def test_updates_delivered_again_after_a_crash_change_nothing_and_get_no_answer(
    fake: FakeTelegram, bot_settings: Settings, db: Session
) -> None:
    """The bot handled four messages but died before telling Telegram (the fake never forgets
    a confirmed update, so a new bot gets them all again): none of them acts a second time."""
    async with running_bot(bot_settings):
        for text in ("/start", "250 dining upi", "120 swiggy 9pm", "/undo"):
            await reply(fake, ALICE, text)
    assert entry_count(db) == 1
    answered = len(fake.sent(chat_id=ALICE))
    async with running_bot(bot_settings):
        recent = await reply(fake, ALICE, "/recent")  # after the four replays: one person, in order
    assert "₹250" in recent and "₹120" not in recent
    assert len(fake.sent(chat_id=ALICE)) == answered + 1 and entry_count(db) == 1
    assert db.scalar(select(func.count()).select_from(HandledUpdate)) == 5


async def test_one_persons_messages_are_handled_in_the_order_sent_while_others_go_on(
    fake: FakeTelegram, bot_settings: Settings, empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's entry is stuck in the database while she sends /undo: the /undo waits for it
    (and removes it). On PostgreSQL the bot has eight database threads, so only the
    per-person order keeps the /undo behind the entry, and Bob is answered meanwhile. On
    SQLite, whose one writer is stuck, Bob's update waits to be kept (nothing is lost) and
    is answered once the entry is stored."""
    entered, release = threading.Event(), threading.Event()
    log_text = ledger.log_text

    def stuck(**kwargs: Any) -> ledger.LoggedEntry:
        if kwargs["text"].startswith("250"):
            entered.set()
            release.wait(30)
        return log_text(**kwargs)

    seen: dict[str, Any] = {}

    postgres = empty_database_url.startswith("postgresql")

    def meanwhile() -> None:  # on its own thread: the bot's event loop may be blocked
        try:
            assert entered.wait(10), "Alice's entry never reached the database"
            fake.send_text(ALICE, "/undo")
            fake.send_text(BOB, "/help")
            if postgres:
                seen["bob"] = str(fake.wait_for("sendMessage", chat_id=BOB)[0].params["text"])
            else:
                time.sleep(0.5)  # what a stuck SQLite writer holds up
            seen["alice answered before release"] = len(fake.sent(chat_id=ALICE))
        except AssertionError as exc:
            seen["error"] = str(exc)
        finally:
            release.set()

    upgrade(empty_database_url)
    monkeypatch.setattr(ledger, "log_text", stuck)
    async with running_bot(bot_settings.model_copy(update={"database_url": empty_database_url})):
        assert "₹40 Dining Out" in await reply(fake, ALICE, "40 chai")
        helper = threading.Thread(target=meanwhile)
        helper.start()
        fake.send_text(ALICE, "250 dining upi")
        alice = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=3)
        await asyncio.to_thread(helper.join)
        bob = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=BOB)
    assert "/spend 250 dining upi" in (seen["bob"] if postgres else str(bob[0].params["text"])), seen
    assert seen["alice answered before release"] == 1
    assert "₹250 Dining Out" in alice[1].params["text"]
    assert alice[2].params["text"].startswith("Removed #") and "₹250" in alice[2].params["text"]
    engine = make_engine(empty_database_url)
    try:
        with Session(engine) as db:
            assert db.scalars(select(Entry.amount_minor)).all() == [4000]
    finally:
        engine.dispose()
