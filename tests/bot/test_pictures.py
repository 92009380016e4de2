"""Charts, the dashboard and the PDF report through the real bot."""

from __future__ import annotations

import asyncio

from tests.bot.helpers import buttons, press, reply, reply_call
from tests.fake_telegram import FakeTelegram

ALICE = 1001


async def _photo(fake: FakeTelegram, before: int) -> dict:  # type: ignore[type-arg]
    calls = await asyncio.to_thread(fake.wait_for, "sendPhoto", chat_id=ALICE, count=before + 1)
    return calls[before].params


async def test_charts_dashboard_and_report(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    for text in ("/income 50000 salary", "450 dining 9pm", "12000 rent", "/save 2000 mutual fund"):
        await reply(fake, ALICE, text)
    fake.send_text(ALICE, "/chart categories 30d")
    params = await _photo(fake, 0)
    assert params["caption"] == "Expense by category, last 30 days."
    assert params["photo"]["data"].startswith(b"\x89PNG")
    assert "Usage: /chart NAME" in await reply(fake, ALICE, "/chart")
    assert "not a period" in await reply(fake, ALICE, "/chart share someday")

    menu = await reply_call(fake, ALICE, "/charts")
    trend = next(b["callback_data"] for b in buttons(menu) if b["text"] == "Monthly leak trend")
    await press(fake, ALICE, trend)
    assert (await _photo(fake, 1))["caption"].startswith("Monthly leak trend")
    assert await press(fake, ALICE, "ch:../../etc") == "That button is not one of mine."

    fake.send_text(ALICE, "/dashboard")
    caption = (await _photo(fake, 2))["caption"]
    assert caption.startswith("In ") and "Income ₹50,000" in caption and "Expenses ₹12,450" in caption
    assert "Savings rate 4%" in caption and max(map(len, caption.splitlines())) <= 34
    assert "Give a month as YYYY-MM" in await reply(fake, ALICE, "/dashboard 2024")

    fake.send_text(ALICE, "/report")
    document = (await asyncio.to_thread(fake.wait_for, "sendDocument", chat_id=ALICE))[0].params
    assert document["caption"].startswith("Your LeakBot report for ")
    assert max(map(len, document["caption"].splitlines())) <= 34
    assert document["document"]["filename"].startswith("leakbot-report-") and document["document"][
        "data"
    ].startswith(b"%PDF")
