"""Forwarded alerts and receipt photos, through the real bot and the fake Bot API server."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session

from db import repositories as repo
from tests.bot.helpers import buttons, edits_after, press, reply, reply_call
from tests.factories import count_entries
from tests.fake_telegram import FakeTelegram
from tests.images import RESTAURANT_BILL, noise_png, receipt_png

ALICE = 3003
HDFC_ALERT = (
    "Sent Rs.450.00\nFrom HDFC Bank A/C *4821\nTo SWIGGY\nOn 02/12/26\nRef 633712345678\n"
    "Not You?\nCall 18002586161/SMS BLOCK UPI to 7308080808"
)


async def test_forwarded_alerts_are_logged_once_and_non_spends_say_so(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    logged = await reply(fake, ALICE, HDFC_ALERT)
    assert logged.startswith("From your HDFC Bank alert:") and "₹450 Dining Out · UPI" in logged
    assert "Already logged" in await reply(fake, ALICE, HDFC_ALERT)
    otp = await reply(
        fake, ALICE, "482913 is your OTP for txn of Rs 2,000.00 at AMAZON on HDFC Bank card XX1234."
    )
    assert otp == "That looks like an OTP, not a spend: nothing logged."

    unknown = await reply_call(
        fake,
        ALICE,
        "Rs 1,240.00 debited from your account XX5566 on 02-12-26 to GOPI MEDICALS. Ref 998877665544",
    )
    assert "₹1,240 to GOPI MEDICALS?" in unknown.params["text"]
    assert [b["text"] for b in buttons(unknown)] == ["Confirm", "Edit", "Cancel"]
    await press(fake, ALICE, buttons(unknown)[1]["callback_data"])
    edit = (await edits_after(fake, 1))[-1].params["text"]
    assert "Copy this, fix what&#x27;s wrong and send it" in edit
    line = edit.split("<code>")[1].split("</code>")[0]
    assert line == "1240 medical GOPI MEDICALS 02-12-2026"
    assert "₹1,240 Medical" in await reply(fake, ALICE, line)
    user = repo.get_user(db, ALICE)
    assert user is not None and count_entries(db, user.id) == 2


async def test_a_receipt_photo_is_proposed_and_stored_only_on_confirm(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    before = len(fake.sent(chat_id=ALICE))
    fake.send_photo(ALICE, receipt_png(RESTAURANT_BILL))
    reading = (await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 1))[-1]
    assert reading.params["text"] == "Reading your photo…"
    proposal = (await asyncio.to_thread(fake.wait_for, "editMessageText", count=1, timeout=60))[-1]
    assert "₹1,176 to SPICE GARDEN RESTAURANT?" in proposal.params["text"]
    assert "Confirm to log it under Dining Out" in proposal.params["text"]
    user = repo.get_user(db, ALICE)
    assert user is not None and count_entries(db, user.id) == 0

    confirm = buttons(proposal)[0]["callback_data"]
    assert await press(fake, ALICE, confirm) == "Logged."
    assert await press(fake, ALICE, confirm) == "Already logged."
    stored = (await edits_after(fake, 3))[-1].params["text"]
    assert "₹1,176 Dining Out" in stored and "03 Dec 2026 20:15" in stored
    assert count_entries(db, user.id) == 1

    fake.send_photo(ALICE, noise_png())
    refused = (await asyncio.to_thread(fake.wait_for, "editMessageText", count=4, timeout=60))[-1]
    assert "couldn't read a total" in refused.params["text"]
    assert count_entries(db, user.id) == 1
