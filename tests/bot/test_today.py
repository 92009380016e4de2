"""/today and /month in chat: short lines a phone shows whole."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from tests.bot.helpers import reply
from tests.fake_telegram import FakeTelegram

ALICE = 1001


async def test_today_and_month_say_where_the_person_stands(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert "Today: nothing spent yet." in await reply(fake, ALICE, "/today")
    await reply(fake, ALICE, "250 dining upi")
    await reply(fake, ALICE, "/budget dining 1000")
    today = await reply(fake, ALICE, "/today")
    assert today.startswith("Today: ₹250 in 1 spend.") and "₹750 left" in today
    month = await reply(fake, ALICE, "/month")
    assert "so far: ₹250 in 1 spend." in month and "Left this month" in month
    shown = re.sub(r"</?\w+>", "", today + "\n" + month)
    assert all(len(line) <= 34 for line in shown.splitlines())
