"""A group never sees a private ledger: commands and buttons there get a pointer to the
private chat, other group messages are left alone, nothing is stored, and the person's
private deliveries (digest, reminders) stay in their private chat."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from tests.bot.helpers import reply
from tests.fake_telegram import FakeTelegram

ALICE = 1001
FLAT = {"id": -100777, "type": "supergroup", "title": "Flat 4B"}
POINTER = "I keep your money private: talk to me in a private chat, https://t.me/leak_test_bot"


async def _in_group(fake: FakeTelegram, text: str, count: int) -> str:
    fake.send_text(ALICE, text, chat=FLAT)
    calls = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=FLAT["id"], count=count)
    return str(calls[count - 1].params["text"])


async def test_commands_in_a_group_point_to_the_private_chat_and_show_or_store_nothing(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    assert "₹250 Dining Out" in await reply(fake, ALICE, "250 dining upi")  # her private ledger
    fake.send_text(ALICE, "120 chai", chat=FLAT)  # a plain group message: left alone
    assert await _in_group(fake, "/spend 500 dining", 1) == POINTER
    assert await _in_group(fake, "/export", 2) == POINTER
    assert await _in_group(fake, "/recent", 3) == POINTER
    assert await _in_group(fake, "/top_leaks", 4) == POINTER
    fake.press_button(ALICE, "u:1", message={**fake.message(ALICE, "x", chat=FLAT)})
    answers = await asyncio.to_thread(fake.wait_for, "answerCallbackQuery")
    assert answers[-1].params["text"] == POINTER
    assert len(fake.sent(chat_id=FLAT["id"])) == 4  # the four pointers, nothing else
    assert fake.sent("sendDocument", chat_id=FLAT["id"]) == []
    db.expire_all()
    alice = db.scalars(select(User).where(User.telegram_id == ALICE)).one()
    assert alice.chat_id == ALICE  # the group did not take over her private chat
    assert db.scalar(select(func.count()).select_from(Entry)) == 1
    fake.send_text(ALICE, "/digest now")  # still delivered privately
    digest = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=2)
    assert "Your week" in str(digest[-1].params["text"])
