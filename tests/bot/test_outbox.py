"""Replies the Bot API could not take wait in the outbox and arrive, once, when it is back."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.request import MAX_ATTEMPTS
from db.models import Entry, OutboxMessage
from tests.fake_telegram import FakeTelegram

ALICE = 1001


async def test_a_reply_the_bot_api_could_not_take_arrives_once_when_it_is_back(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """Every attempt at Alice's reply gets 502 (the Bot API is down): her spend is stored and
    nothing apologises; the reply waits in the outbox and arrives once, a few seconds later,
    with its buttons."""
    fake.fail_next["sendMessage"] = [502] * MAX_ATTEMPTS
    fake.send_text(ALICE, "250 dining upi")
    for _ in range(100):
        if db.scalar(select(func.count()).select_from(OutboxMessage)):
            break
        await asyncio.sleep(0.1)
    assert db.scalar(select(func.count()).select_from(Entry)) == 1
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert fake.sent(chat_id=ALICE) == []
    (reply,) = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, timeout=40)
    assert "₹250 Dining Out" in reply.params["text"] and reply.params.get("reply_markup")
    await asyncio.sleep(0.5)
    assert len(fake.sent(chat_id=ALICE)) == 1
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
