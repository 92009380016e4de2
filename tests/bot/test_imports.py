"""Uploads in the running bot: a big file does not hold up other people, and an import a
restart cut off is run again from its kept file, with the person told."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import subprocess

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Entry, Import, ImportFile, User
from db.session import in_turns, make_engine, make_session_factory, transaction
from services.config import Settings
from services.importing import pipeline
from services.synthetic import generate, to_csv_bytes
from services.usecases import people
from tests.bot.conftest import running_bot
from tests.bot.helpers import buttons, press, reply
from tests.documents import HDFC_PDF, statement_pdf, workbook_xlsx
from tests.factories import HDFC_HEADER, csv_bytes
from tests.fake_telegram import BOT_USER, Call, FakeTelegram

ALICE, BOB = 1001, 2002


async def _summary(fake: FakeTelegram, chat_id: int) -> str:
    """The text of the edit that turned the progress message into the import's summary."""
    seen = 1
    while True:
        edits = await asyncio.to_thread(
            fake.wait_for, "editMessageText", chat_id=chat_id, count=seen, timeout=120
        )
        done = [str(c.params["text"]) for c in edits if "Imported" in str(c.params["text"])]
        if done:
            return done[0]
        seen = len(edits) + 1


async def test_others_are_answered_while_a_big_upload_imports(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    """Alice's 60,000-row statement takes seconds to store; Bob's spend meanwhile is stored
    and answered before her summary comes, and her file imports whole."""
    frame = generate(months=1_000, seed=3).head(60_000)
    fake.send_document(ALICE, "year.csv", to_csv_bytes(frame))
    await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE)  # "Importing year.csv…"
    assert "₹40 Dining Out" in await reply(fake, BOB, "40 chai")
    summaries = [c for c in fake.sent("editMessageText", chat_id=ALICE) if "Imported" in c.params["text"]]
    assert summaries == [], "Bob waited for Alice's whole import"
    assert "60,000 imported" in await _summary(fake, ALICE)
    assert db.scalar(select(func.count()).select_from(Entry)) == 60_001


async def test_an_upload_cut_off_by_a_restart_is_run_again_and_the_person_told(
    fake: FakeTelegram, bot_settings: Settings, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot died after storing some batches of Alice's statement: the next start runs it
    again from the kept file, every row once, and tells her with the usual summary."""
    sessions = make_session_factory(make_engine(bot_settings.database_url))
    defaults = people.UserDefaults("Asia/Kolkata", "INR")
    alice = transaction(
        sessions, lambda s: people.person(session=s, telegram_id=ALICE, defaults=defaults, chat_id=ALICE)
    )
    frame = generate(months=200, seed=8)

    def die(done: int, total: int) -> None:
        if done >= 4_000:
            raise SystemExit("SIGKILL")

    monkeypatch.setattr(pipeline, "discard_import", lambda *args: None)  # a killed process cleans nothing
    with pytest.raises(SystemExit):
        pipeline.import_statement(
            turn=in_turns(sessions),
            user=alice,
            data=to_csv_bytes(frame),
            file_name="statement.csv",
            on_progress=die,
            chat_id=ALICE,
        )
    monkeypatch.undo()
    gone = subprocess.Popen(["true"])
    gone.wait()
    transaction(
        sessions, lambda s: s.execute(update(ImportFile).values(owner=f"{socket.gethostname()}:{gone.pid}:x"))
    )
    sessions.kw["bind"].dispose()
    assert 0 < db.scalar(select(func.count()).select_from(Entry)) < len(frame)

    async with running_bot(bot_settings):
        told = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=2, timeout=60)
    assert told[0].params["text"] == (
        "A restart cut off your import of statement.csv, so I ran it again from the start."
    )
    assert f"{len(frame):,} imported" in told[1].params["text"]
    assert told[1].params["reply_markup"]  # Revert, as after any import
    assert db.scalar(select(func.count()).select_from(Entry)) == len(frame)
    assert db.scalars(select(Import.status)).all() == ["completed"]
    assert db.scalar(select(func.count()).select_from(ImportFile)) == 0


def _locked_statement() -> bytes:
    """A month of HDFC statement as a PDF locked with the password ravi@1234."""
    rows = [
        [
            f"{day:02d}/03/24",
            f"UPI-ZOMATO LIMITED-zomato@okaxis-{day}",
            f"00004065{day:08d}",
            f"{day:02d}/03/24",
            "250.00",
            "",
            f"{10_000 - 250 * day:,.2f}",
        ]
        for day in range(1, 11)
    ]
    return statement_pdf(HDFC_PDF, rows, password="ravi@1234")


async def test_a_locked_pdf_asks_for_its_password_uses_it_once_and_deletes_it(
    fake: FakeTelegram, bot, db: Session, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    """The bot asks for the password; a wrong one is deleted and asked again; the right one
    is deleted, opens the file, and is found in no log line, table or kept file."""
    caplog.set_level(logging.DEBUG)
    fake.send_document(ALICE, "march.pdf", _locked_statement(), mime="application/pdf")
    asked = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=2)
    assert asked[1].params["text"].startswith("🔒 Send me the password of march.pdf")
    assert "force_reply" in str(asked[1].params["reply_markup"])

    fake.send_text(ALICE, "ravi1234", message_id=501)
    again = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=4)
    assert "That password does not open it" in again[3].params["text"]
    assert "₹250 Dining Out" in await reply(fake, ALICE, "250 chai upi")  # a spend meanwhile stays one
    fake.send_text(ALICE, "ravi@1234", message_id=502)
    assert "10 imported" in await _summary(fake, ALICE)

    deleted = [c.params["message_id"] for c in fake.sent("deleteMessage")]
    assert sorted(int(m) for m in deleted) == [501, 502]
    assert db.scalar(select(func.count()).select_from(Entry)) == 11
    kept = [str(r) for r in db.execute(select(Import)).all()] + [
        str(o) for o in db.scalars(select(ImportFile.options)).all()
    ]
    assert not any("ravi@1234" in k for k in kept)
    assert "ravi@1234" not in caplog.text


async def test_a_password_for_a_file_the_bot_no_longer_holds_is_deleted_not_logged_as_a_spend(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """After a restart the bot has forgotten the locked file: a reply to its question is
    still a password (deleted, not stored as "ravi 1234"), and the person is told to resend."""
    question = {**fake.message(ALICE, "🔒 Send me the password of march.pdf."), "from": BOT_USER}
    fake.send_text(ALICE, "ravi 1234", message_id=601, reply_to=question)
    told = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE)
    assert (
        told[0].params["text"]
        == "I no longer have the locked file that password was for: send the PDF again."
    )
    assert [c.params["message_id"] for c in fake.sent("deleteMessage")] in ([601], ["601"])
    assert db.scalar(select(func.count()).select_from(Entry)) == 0


async def test_excel_and_pdf_statements_upload_like_csv(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    book = workbook_xlsx(
        HDFC_HEADER, [[dt.date(2024, 4, 3), "UPI-SWIGGY", "0000411", dt.date(2024, 4, 3), 320.5, None, 99.5]]
    )
    fake.send_document(
        ALICE, "april.xlsx", book, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "1 imported" in await _summary(fake, ALICE)
    amounts = db.scalars(select(Entry.amount_minor)).all()
    assert amounts == [32_050]


async def test_the_summary_says_what_the_statement_held(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    """A statement with ATM cash, a card bill and a refund: the chat summary names the
    account, the dates, the counts by type, the transfers (not spending) and the top leak,
    phone-width; the refund takes off April's dining and the transfers are in no total."""
    from tests.factories import HDFC_HEADER, csv_bytes
    from tests.services.importing.test_transfers import APRIL, PREAMBLE

    await reply(fake, ALICE, "/start")
    fake.send_document(ALICE, "april.csv", csv_bytes(HDFC_HEADER, APRIL, preamble=PREAMBLE))
    summary = await _summary(fake, ALICE)
    lines = summary.split("\n")
    assert "Imported april.csv</b> (HDFC Bank statement)" in lines[0]
    assert lines[1:6] == [
        "Account ending 5678",
        "1–30 April 2024 · INR",
        "9 imported · 0 duplicates · 0 rejected",
        "4 spends, 1 income, 1 refund",
        "3 transfers, not spending:",
    ]
    assert lines[6:8] == ["ATM, card bill, wallet", "Top leak: Other, ₹23.60 (once)"]  # the bank's fee
    assert all(len(line) <= 40 for line in lines[1:])
    assert "You spent ₹1,773.60 in 2024" in await reply(fake, ALICE, "/monthly 2024")


async def _edit_with(fake: FakeTelegram, chat_id: int, text: str, *, after: int) -> Call:
    """The first edit of the bot's messages to chat_id, after the first `after`, that says text."""
    seen = after + 1
    while True:
        edits = await asyncio.to_thread(
            fake.wait_for, "editMessageText", chat_id=chat_id, count=seen, timeout=60
        )
        found = [c for c in edits[after:] if text in str(c.params["text"])]
        if found:
            return found[0]
        seen = len(edits) + 1


def _days(db: Session, telegram_id: int) -> list[str]:
    rows = db.execute(
        select(Entry.local_date, Entry.type)
        .join(User)
        .where(User.telegram_id == telegram_id)
        .order_by(Entry.local_date)
    ).all()
    return [f"{r.local_date} {r.type}" for r in rows]


async def test_a_file_whose_dates_read_both_ways_is_asked_held_and_the_answer_remembered(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """Every date of Alice's statement reads both ways: she is asked with one date read both
    ways, nothing is stored meanwhile (the file is held), her tap imports it, and her next
    file of that layout is read the same way without asking."""
    header = ["Date", "Description", "Amount"]
    fake.send_document(
        ALICE,
        "march.csv",
        csv_bytes(header, [["03/04/2024", "Zomato", "-250"], ["05/06/2024", "Ola", "-99"]]),
    )
    asked = await _edit_with(fake, ALICE, "Which date is 03/04/2024?", after=0)
    assert [b["text"] for b in buttons(asked)] == ["3 April 2024", "4 March 2024"]
    assert db.scalars(select(Import.status)).all() == ["waiting"]
    assert db.scalar(select(func.count()).select_from(ImportFile)) == 1 and _days(db, ALICE) == []

    month_first = next(b["callback_data"] for b in buttons(asked) if b["text"] == "4 March 2024")
    await press(fake, ALICE, month_first)
    summary = await _edit_with(fake, ALICE, "Imported march.csv", after=1)
    assert "2 imported" in summary.params["text"] and "Dates read month first" in summary.params["text"]
    assert {"Revert this import", "Swap day/month"} <= {b["text"] for b in buttons(summary)}
    assert _days(db, ALICE) == ["2024-03-04 expense", "2024-05-06 expense"]
    assert "already read that file" in await press(fake, ALICE, month_first)  # a second tap does nothing

    edits = len(fake.sent("editMessageText", chat_id=ALICE))
    fake.send_document(ALICE, "april.csv", csv_bytes(header, [["07/08/2024", "Uber", "-180"]]))
    later = await _edit_with(fake, ALICE, "Imported april.csv", after=edits)
    assert "1 imported" in later.params["text"] and "2024-07-08 expense" in _days(db, ALICE)


async def test_swap_and_flip_buttons_re_import_in_place_and_the_choice_is_remembered(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """A US bank's file (month first by its layout, every day 12 or less) offers Swap
    day/month: the tap re-reads it in place, the same entries with day and month swapped. A
    card export whose charges are positive reads as income: Flip signs makes them spends, and
    the next file of that layout is read flipped without a tap."""
    chase = ["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"]
    rows = [
        ["DEBIT", "03/04/2024", "STARBUCKS STORE 1234", "-5.25", "DEBIT_CARD", "994.75", ""],
        ["CREDIT", "05/06/2024", "ACME PAYROLL", "2000.00", "ACH_CREDIT", "2994.75", ""],
    ]
    fake.send_document(ALICE, "chase.csv", csv_bytes(chase, rows))
    summary = await _edit_with(fake, ALICE, "Imported chase.csv", after=0)
    assert "Chase statement" in summary.params["text"] and "Dates read month first" in summary.params["text"]
    assert _days(db, ALICE) == ["2024-03-04 expense", "2024-05-06 income"]
    swap = next(b["callback_data"] for b in buttons(summary) if b["text"] == "Swap day/month")
    sent = len(fake.sent(chat_id=ALICE))
    await press(fake, ALICE, swap)
    again = await _edit_with(fake, ALICE, "Dates read day first", after=1)
    assert "2 imported · 0 duplicates" in again.params["text"]
    assert _days(db, ALICE) == ["2024-04-03 expense", "2024-06-05 income"]  # the same two, swapped
    assert len(fake.sent(chat_id=ALICE)) == sent  # in place: the summary message changed, none sent
    assert db.scalar(select(func.count()).select_from(Import)) == 1

    card = ["Transaction Date", "Description", "Amount"]
    edits = len(fake.sent("editMessageText", chat_id=ALICE))
    fake.send_document(
        BOB,
        "card.csv",
        csv_bytes(card, [["13/04/2024", "Zomato order", "250"], ["14/04/2024", "Swiggy", "300"]]),
    )
    summary = await _edit_with(fake, BOB, "Imported card.csv", after=0)
    assert _days(db, BOB) == ["2024-04-13 income", "2024-04-14 income"]
    flip = next(b["callback_data"] for b in buttons(summary) if b["text"] == "Flip signs")
    await press(fake, BOB, flip)
    await _edit_with(fake, BOB, "Imported card.csv", after=1)
    assert _days(db, BOB) == ["2024-04-13 expense", "2024-04-14 expense"]
    fake.send_document(BOB, "may.csv", csv_bytes(card, [["15/05/2024", "Zomato order", "199"]]))
    await _edit_with(fake, BOB, "Imported may.csv", after=2)
    assert _days(db, BOB)[-1] == "2024-05-15 expense"
    assert len(fake.sent("editMessageText", chat_id=ALICE)) == edits  # Alice's messages untouched
