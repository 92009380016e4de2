"""Scenarios a person goes through with the real bot, over HTTP to the fake Bot API server."""

from __future__ import annotations

import asyncio
import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import repositories as repo
from db.models import Entry, User
from services.synthetic import generate, to_csv_bytes
from tests.bot.helpers import buttons, edits_after, press, reply, reply_call
from tests.factories import HDFC_HEADER, csv_bytes
from tests.fake_telegram import FakeTelegram

ALICE, BOB = 1001, 2002


def entries_of(db: Session, telegram_id: int) -> list[Entry]:
    db.rollback()
    user = repo.get_user(db, telegram_id)
    return (
        []
        if user is None
        else list(db.scalars(select(Entry).where(Entry.user_id == user.id).order_by(Entry.id)))
    )


async def test_buttons_undo_relabel_and_record_the_persons_verdict(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    call = await reply_call(fake, ALICE, "120 swiggy gpay 9pm")
    labels = [b["text"] for b in buttons(call)]
    assert labels == ["Undo", "Not a leak", "Leak", "Change category"]
    entry_id = entries_of(db, ALICE)[0].id

    assert await press(fake, ALICE, f"v:{entry_id}:0") == "Noted: not a leak."
    assert "OK · your call (the rule: 6 of 9 points)" in (await edits_after(fake, 1))[-1].params["text"]
    assert entries_of(db, ALICE)[0].user_verdict is False

    assert await press(fake, ALICE, f"c:{entry_id}") == "Pick a category."
    category_buttons = buttons((await edits_after(fake, 2))[-1])
    groceries = next(b["callback_data"] for b in category_buttons if b["text"] == "Groceries")
    assert await press(fake, ALICE, groceries) == "Moved to Groceries."
    moved = entries_of(db, ALICE)[0]
    assert (moved.category, moved.is_necessary, moved.context) == ("Groceries", True, "Routine")

    # Bob cannot touch Alice's entry; forged and stale payloads change nothing.
    assert await press(fake, BOB, f"u:{entry_id}") == "That entry isn't yours or no longer exists."
    assert await press(fake, ALICE, "u:abc") == "That button is not one of mine."
    assert await press(fake, ALICE, f"s:{entry_id}:999") == "That is not one of the categories I offered."
    assert await press(fake, ALICE, f"v:{entry_id}:1:9") == "That button is not one of mine."
    assert len(entries_of(db, ALICE)) == 1

    assert await press(fake, ALICE, f"u:{entry_id}") == "Undone."
    assert entries_of(db, ALICE) == []
    assert await press(fake, ALICE, f"v:{entry_id}:1") == "That entry isn't yours or no longer exists."

    # The next entry gets a new id: the removed entry's buttons still refer to nothing
    # (SQLite used to hand the newest id out again, and its Undo removed the new entry).
    await reply_call(fake, ALICE, "80 chai cash")
    assert entries_of(db, ALICE)[0].id != entry_id
    assert await press(fake, ALICE, f"u:{entry_id}") == "That entry isn't yours or no longer exists."
    assert [e.amount_minor for e in entries_of(db, ALICE)] == [8_000]

    # Income and savings are never leaks: no verdict buttons, and a forged one is refused.
    income = await reply_call(fake, ALICE, "/income 50000 salary")
    assert [b["text"] for b in buttons(income)] == ["Undo", "Change category"]
    income_id = entries_of(db, ALICE)[-1].id
    assert await press(fake, ALICE, f"v:{income_id}:1") == "Only expenses can be leaks; this is income."
    db.expire_all()
    assert entries_of(db, ALICE)[-1].user_verdict is None


async def test_recent_undo_delete_and_edit(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    for text in ("100 dining", "200 groceries", "/spend 120+80 fuel", "50 chai"):
        await reply(fake, ALICE, text)
    assert "₹200 Fuel" in fake.sent(chat_id=ALICE)[2].params["text"]
    ids = [e.id for e in entries_of(db, ALICE)]
    recent = await reply(fake, ALICE, "/recent 2")
    assert f"#{ids[3]}" in recent and f"#{ids[2]}" in recent and f"#{ids[1]}" not in recent
    assert "Usage: /recent" in await reply(fake, ALICE, "/recent lots")

    assert "Removed" in await reply(fake, ALICE, "/undo")
    assert "Removed" in await reply(fake, ALICE, f"/delete {ids[0]}")
    assert "You have no entry" in await reply(fake, BOB, f"/delete {ids[1]}")
    edited = await reply(fake, ALICE, f"/edit {ids[1]} amount 2,500")
    assert "₹2,500 Groceries" in edited
    assert "I can't edit 'colour'" in await reply(fake, ALICE, f"/edit {ids[1]} colour red")
    assert "not a time" in await reply(fake, ALICE, f"/edit {ids[1]} time 25pm")
    unknown = await reply(fake, ALICE, f"/edit {ids[1]} category dinig")
    assert "Did you mean Dining Out, Entertainment or Medical?" in unknown
    assert "is in the future" in await reply(fake, ALICE, f"/edit {ids[1]} date 2999-01-01")
    night = await reply(fake, ALICE, f"/edit {ids[2]} time 11pm")
    assert "(night)" in night
    assert [e.amount_minor for e in entries_of(db, ALICE)] == [250_000, 20_000]


async def test_a_statement_upload_imports_with_a_summary_revert_and_duplicate_offers(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "/spend 450 zomato upi 2024-03-05 8pm")
    statement = csv_bytes(
        HDFC_HEADER,
        [
            ["06/03/24", "UPI-ZOMATO-zomato@hdfc", "401", "06/03/24", "450.00", "", "1000"],
            ["07/03/24", "UPI-BLINKIT-blinkit@ybl", "402", "07/03/24", "320.00", "", "680"],
            ["bad", "row", "403", "", "x", "", ""],
        ],
    )
    before = len(fake.sent(chat_id=ALICE))
    fake.send_document(ALICE, "march.csv", statement)
    messages = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 2)
    assert messages[before].params["text"] == "Importing march.csv…"
    summary = (await edits_after(fake, 1))[-1]
    assert "2 imported · 0 duplicates · 1 rejected" in summary.params["text"]
    assert "line 4:" in summary.params["text"] and "HDFC Bank statement" in summary.params["text"]
    offer = messages[before + 1]
    assert offer.params["text"].startswith(
        "<b>A spend you logged in chat looks like a row of this statement:"
    )
    assert "1. ₹450 Dining Out on 05 Mar · statement: " in offer.params["text"]
    assert [b["text"] for b in buttons(offer)] == ["Merge 1", "Keep both 1"]
    merge = next(b["callback_data"] for b in buttons(offer) if b["text"] == "Merge 1")
    await press(fake, ALICE, merge)
    assert "Merged into" in (await edits_after(fake, 2))[-1].params["text"]
    kept = entries_of(db, ALICE)
    assert len(kept) == 2 and kept[0].source == "csv" and kept[0].payment_mode == "UPI"

    fake.send_document(ALICE, "march.csv", statement)  # the same file again adds nothing
    again = (await edits_after(fake, 3))[-1]
    assert "0 imported · 2 duplicates" in again.params["text"]
    assert buttons(again) == []  # nothing of it to revert

    revert = next(b["callback_data"] for b in buttons(summary) if b["text"] == "Revert this import")
    await press(fake, ALICE, revert)
    assert "reverted: 2 entries removed" in (await edits_after(fake, 4))[-1].params["text"]
    assert entries_of(db, ALICE) == []


async def test_several_look_alike_spends_are_offered_in_one_message_and_merged_at_once(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "/spend 450 zomato upi 2024-03-05 8pm")
    await reply(fake, ALICE, "/spend 320 groceries upi 2024-03-07 11am")
    statement = csv_bytes(
        HDFC_HEADER,
        [
            ["06/03/24", "UPI-ZOMATO-zomato@hdfc", "401", "06/03/24", "450.00", "", "1000"],
            ["07/03/24", "UPI-BLINKIT-blinkit@ybl", "402", "07/03/24", "320.00", "", "680"],
        ],
    )
    before = len(fake.sent(chat_id=ALICE))
    fake.send_document(ALICE, "march.csv", statement)
    messages = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 2)
    offer = messages[before + 1]
    assert "2 spends you logged in chat look like rows of this statement:" in offer.params["text"]
    labels = [b["text"] for b in buttons(offer)]
    assert labels == ["Merge all 2", "Merge 1", "Keep both 1", "Merge 2", "Keep both 2"]
    await press(fake, ALICE, buttons(offer)[0]["callback_data"])
    edits = await asyncio.to_thread(fake.wait_for, "editMessageText", chat_id=ALICE, count=2)
    assert edits[-1].params["text"] == "Merged 2 chat spends into the statement's rows."
    assert sorted(e.source for e in entries_of(db, ALICE)) == ["csv", "csv"]


async def test_large_uploads_show_progress_and_bad_files_are_refused(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    big = to_csv_bytes(generate(months=500, seed=4))
    fake.send_document(ALICE, "big.csv", big)
    await asyncio.to_thread(fake.wait_for, "editMessageText", count=4, timeout=60)
    texts = [c.params["text"] for c in fake.sent("editMessageText")]
    # 30,413 rows go in a batch at a time; the message moves at each quarter, then the summary.
    assert texts[:3] == ["Importing big.csv… 25%", "Importing big.csv… 50%", "Importing big.csv… 75%"]
    assert "30,413 imported · 0 duplicates · 0 rejected" in texts[3]

    before = len(fake.sent(chat_id=BOB))
    fake.send_document(BOB, "notes.docx", b"PK\x03\x04binary", mime="application/msword")
    fake.send_document(BOB, "fake.csv", b"\x00\x01\x02\x03binary\x00")
    replies = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=BOB, count=before + 2)
    texts = [c.params["text"] for c in replies[before:]]
    assert any("I can import statements as CSV, Excel (.xlsx, .xls) or PDF" in t for t in texts)
    edits = await asyncio.to_thread(fake.wait_for, "editMessageText", chat_id=BOB)
    assert "neither text (CSV) nor an Excel workbook or a PDF" in edits[-1].params["text"]
    # An image sent as a file is read as a photo: a broken one is refused saying so
    fake.send_document(BOB, "photo.jpg", b"\xff\xd8\xff\xe0binary", mime="image/jpeg")
    edits = await asyncio.to_thread(fake.wait_for, "editMessageText", chat_id=BOB, count=len(edits) + 1)
    assert edits[-1].params["text"] == "That image is damaged and cannot be opened; send the photo again."
    assert entries_of(db, BOB) == []


async def test_export_is_formula_safe_and_imports_back(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, '99 dining =HYPERLINK("x")')
    await reply(fake, ALICE, "/income 1000 salary")
    fake.send_text(ALICE, "/export")
    document = (await asyncio.to_thread(fake.wait_for, "sendDocument", chat_id=ALICE))[0].params["document"]
    assert document["filename"] == "leakbot-export.csv"
    rows = list(csv.DictReader(io.StringIO(document["data"].decode())))
    assert [r["note"] for r in rows] == ['\'=HYPERLINK("x")', ""]
    fake.send_document(BOB, "alice.csv", document["data"])
    summary = (await edits_after(fake, 1))[-1]
    assert "2 imported" in summary.params["text"] and "LeakBot export" in summary.params["text"]
    assert [e.note for e in entries_of(db, BOB)] == ['=HYPERLINK("x")', ""]


async def test_settings_rescore_and_location_sets_the_time_zone(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "350 dining 2pm")  # not necessary + unplanned = 4: OK at threshold 5
    assert entries_of(db, ALICE)[0].is_leak is False
    assert "leak_threshold: 5" in await reply(fake, ALICE, "/settings")
    assert "1 entry re-scored" in await reply(fake, ALICE, "/settings leak_threshold 4")
    assert entries_of(db, ALICE)[0].is_leak is True
    assert "is now ₹400" in await reply(fake, ALICE, "/settings micro 400")
    assert entries_of(db, ALICE)[0].leakage_score == 5
    assert "not a time zone" in await reply(fake, ALICE, "/settings timezone Mars/Olympus")
    assert "from 1 to 31" in await reply(fake, ALICE, "/settings salary_day 40")
    assert "'XYZ' is not a currency code I know" in await reply(fake, ALICE, "/settings currency XYZ")
    assert "stored amounts would change meaning" in await reply(fake, ALICE, "/settings currency jpy")
    assert "currency is now USD" in await reply(fake, ALICE, "/settings currency usd")
    assert "$350 Dining Out" in await reply(fake, ALICE, "/recent")
    await reply(fake, ALICE, "/settings currency INR")
    before = len(fake.sent(chat_id=ALICE))
    message = fake.message(ALICE)
    message["location"] = {"latitude": 51.5072, "longitude": -0.1276}
    fake._push({"message": message})
    answer = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 1)
    assert answer[-1].params["text"] == "Time zone set to Europe/London."
    db.rollback()
    assert repo.get_user(db, ALICE).timezone == "Europe/London"  # type: ignore[union-attr]


async def test_budgets_alert_at_80_and_100_percent_once_a_month(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert "₹1,000 a month" in await reply(fake, ALICE, "/budget dining 1000")
    assert "Did you mean" in await reply(fake, ALICE, "/budget dinning 1000")
    assert "Heads-up" not in await reply(fake, ALICE, "500 dining")
    assert "Heads-up: Dining Out at ₹850 of ₹1,000 this month (85%)" in await reply(fake, ALICE, "350 dining")
    assert "Heads-up" not in await reply(fake, ALICE, "50 dining")
    assert "Over budget: Dining Out ₹1,000 of ₹1,000" in await reply(fake, ALICE, "100 dining")
    assert "Over budget" not in await reply(fake, ALICE, "10 dining")
    listing = await reply(fake, ALICE, "/budget")
    assert "Dining Out: ₹1,010 of ₹1,000 (101%)" in listing


async def test_a_leak_reply_puts_the_habit_in_a_years_terms(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "120 dining 9pm")
    text = await reply(fake, ALICE, "120 dining 9pm")
    assert "₹120 dining out, 2 times this month: about ₹2,880 a year at this pace" in text


async def test_forget_needs_the_persons_own_confirmation(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "250 dining")
    header = ["date", "amount", "category"]
    fake.send_document(ALICE, "may.csv", csv_bytes(header, [["2024-05-02", "90", "snacks"]]))
    old_revert = buttons((await edits_after(fake, 1))[-1])[0]["callback_data"]
    call = await reply_call(fake, ALICE, "/forget")
    confirm = buttons(call)[0]["callback_data"]
    assert await press(fake, BOB, confirm) == "That button is not one of mine."
    assert len(entries_of(db, ALICE)) == 2
    assert await press(fake, ALICE, confirm) == "Deleted."
    db.rollback()
    assert repo.get_user(db, ALICE) is None and db.scalars(select(Entry)).all() == []

    # Starting again: the buttons of the forgotten past act on nothing new (no id is reused).
    fake.send_document(ALICE, "june.csv", csv_bytes(header, [["2024-06-02", "75", "tea"]]))
    await edits_after(fake, 3)
    assert await press(fake, ALICE, old_revert) == f"You have no import #{old_revert.split(':')[1]}."
    db.expire_all()
    assert [e.amount_minor for e in entries_of(db, ALICE)] == [7_500]


async def test_unknown_commands_and_text_get_a_hint(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    assert "I don't know /frobnicate" in await reply(fake, ALICE, "/frobnicate now")
    assert "Send what you spent" in await reply(fake, ALICE, "what is this?")


async def test_a_429_and_a_500_from_telegram_lose_no_reply_and_duplicate_nothing(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    fake.fail_next["sendMessage"] = [429, 500]
    text = await reply(fake, ALICE, "300 groceries")
    assert "₹300 Groceries" in text
    assert len(entries_of(db, ALICE)) == 1
    assert len([c for c in fake.sent(chat_id=ALICE) if "Groceries" in str(c.params.get("text"))]) == 1
    assert isinstance(repo.get_user(db, ALICE), User)


async def test_a_reply_answered_too_late_is_not_sent_again(
    fake: FakeTelegram, bot_settings, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """Telegram takes longer than the bot's timeout to answer a reply (it did deliver it):
    the reply is not sent again, and no apology follows it (a slow Bot API once delivered a
    reply three times). The entry is stored once; the next message is answered as usual."""
    from tests.bot.conftest import running_bot

    impatient = bot_settings.model_copy(update={"bot_api_timeout": 0.5})
    async with running_bot(impatient):
        fake.delay_next["sendMessage"] = [1.5]  # Telegram answers too late once
        fake.send_text(ALICE, "300 groceries", message_id=77)
        await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, timeout=15)
        assert "#" in await reply(fake, ALICE, "/recent")
    texts = [str(c.params["text"]) for c in fake.sent(chat_id=ALICE)]
    assert len(texts) == 2 and "₹300 Groceries" in texts[0] and "Sorry" not in texts[1], texts
    assert len(entries_of(db, ALICE)) == 1
