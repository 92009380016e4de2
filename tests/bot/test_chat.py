"""A person talks to the real bot through the fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot import redaction
from db import repositories as repo
from services.config import Settings
from services.importing.pipeline import import_csv
from services.ledger import entries as ledger
from services.ledger.people import UserDefaults, ensure_user
from services.questions.canned import QUESTIONS
from services.synthetic import generate, to_csv_bytes
from tests.bot.conftest import running_bot
from tests.bot.helpers import reply
from tests.factories import count_entries
from tests.fake_telegram import TOKEN, FakeTelegram

ALICE, BOB = 1001, 2002


async def test_a_person_logs_spends_in_each_form_and_gets_the_verdict(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    assert "Try: 250 dining upi" in await reply(fake, ALICE, "/start")
    commands = fake.wait_for("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {"spend", "help", "ask", "top_leaks", "savings"}

    plain = await reply(fake, ALICE, "250 dining upi")
    assert "₹250 Dining Out · UPI" in plain and "score" in plain
    leak = await reply(fake, ALICE, "/spend 120 swiggy gpay 9pm #festive")
    assert "Leak: score" in leak and "impulsive context (festive)" in leak
    income = await reply(fake, ALICE, "/income 50000 salary")
    assert "₹50,000 Salary" in income and "Not scored" in income
    assert "Did you mean Dining Out?" in await reply(fake, ALICE, "250 fod")
    assert "Send an amount and a category" in await reply(fake, ALICE, "hello bot")
    assert "&lt;b&gt;" in await reply(fake, ALICE, "99 coffee <b>bold</b>")  # notes are escaped HTML

    recent = await reply(fake, ALICE, "/recent")
    assert recent.count("#") == 4


async def test_a_redelivered_message_is_stored_once(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = await reply(fake, ALICE, "300 groceries", message_id=77)
    second = await reply(fake, ALICE, "300 groceries", message_id=77)
    assert first == second
    user = repo.get_user(db, ALICE)
    assert user is not None and count_entries(db, user.id) == 1


async def test_questions_answer_from_the_persons_own_data_only(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    alice = ensure_user(session=db, telegram_id=ALICE, defaults=UserDefaults("Asia/Kolkata", "INR"))
    import_csv(session=db, user=alice, data=to_csv_bytes(generate(months=14, seed=5)), file_name="a.csv")
    db.commit()

    top = await reply(fake, ALICE, "/top_categories")
    assert "<pre>" in top and "transaction_count" in top and "is your most frequent expense" in top
    assert "(2023)" in await reply(fake, ALICE, "/monthly 2023")
    assert "Usage: /monthly YEAR" in await reply(fake, ALICE, "/monthly soon")
    assert "a year</b> could stay in your pocket" in await reply(fake, ALICE, "/savings")
    assert "Top leak contexts per month" in await reply(fake, ALICE, "/top_leaks")

    assert "Nothing to show yet" in await reply(fake, BOB, "/top_categories")
    await reply(fake, BOB, "250 dining upi")  # Bob's first month: his year is a pace, not a sum
    savings = await reply(fake, BOB, "/savings")
    assert "saved ₹125 over the last month." in savings
    assert "<b>About ₹1,500 a year</b> at this pace (from one month)" in savings

    await reply(fake, ALICE, "/ask")
    keyboard = fake.sent(chat_id=ALICE)[-1].params["reply_markup"]["inline_keyboard"]
    assert sum(len(row) for row in keyboard) == len(QUESTIONS)
    before = len(fake.sent(chat_id=ALICE))
    fake.press_button(ALICE, "ask:leak_time_blocks")
    answer = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 1)
    assert "is your leakiest time" in answer[-1].params["text"]

    fake.press_button(ALICE, "ask:'; DROP TABLE entries; --")
    refusal = await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", count=2)
    assert refusal[-1].params.get("text") == "That button is not one of mine."


async def test_the_token_never_reaches_the_logs_even_when_everything_is_logged(
    fake: FakeTelegram, bot_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG with LOG_MESSAGE_TEXTS=true python-telegram-bot logs every call with its URL
    and parameters; none of it carries the token."""
    caplog.set_level(logging.DEBUG)
    try:
        async with running_bot(bot_settings.model_copy(update={"log_message_texts": True})):
            await reply(fake, ALICE, "/start")
            await reply(fake, ALICE, "250 dining upi")
        assert any("sendMessage" in r.getMessage() for r in caplog.records)
        assert not [r for r in caplog.records if TOKEN in r.getMessage() or TOKEN in (r.exc_text or "")]
    finally:
        for name in redaction.CONTENT_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO)


async def test_one_persons_slow_database_call_does_not_hold_up_anyone_else(
    fake: FakeTelegram, bot, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Alice's entry is stuck in the database thread until Bob has been answered: the event
    loop waits on a database call only briefly, so Bob gets his answer meanwhile."""
    entered, release = threading.Event(), threading.Event()
    log_text = ledger.log_text

    def stuck(**kwargs: Any) -> ledger.LoggedEntry:
        entered.set()
        release.wait(30)
        return log_text(**kwargs)

    bob: dict[str, str] = {}

    def bob_asks_for_help() -> None:  # on its own thread: the bot's event loop may be blocked
        try:
            assert entered.wait(10), "Alice's entry never reached the database"
            fake.send_text(BOB, "/help")
            bob["reply"] = str(fake.wait_for("sendMessage", chat_id=BOB)[0].params["text"])
        except AssertionError as exc:
            bob["error"] = str(exc)
        finally:
            release.set()

    monkeypatch.setattr(ledger, "log_text", stuck)
    helper = threading.Thread(target=bob_asks_for_help)
    helper.start()
    fake.send_text(ALICE, "250 dining upi")
    alice = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE)
    await asyncio.to_thread(helper.join)
    assert "/spend 250 dining upi" in bob.get("reply", ""), bob
    assert "₹250 Dining Out" in alice[0].params["text"]
