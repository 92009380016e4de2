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

from db.models import Entry, Import, ImportFile
from db.session import in_turns, make_engine, make_session_factory, transaction
from services.config import Settings
from services.importing import pipeline
from services.synthetic import generate, to_csv_bytes
from services.usecases import people
from tests.bot.conftest import running_bot
from tests.bot.helpers import reply
from tests.documents import HDFC_PDF, statement_pdf, workbook_xlsx
from tests.fake_telegram import BOT_USER, FakeTelegram

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
    fake.send_text(ALICE, "ravi@1234", message_id=502)
    assert "10 imported" in await _summary(fake, ALICE)

    deleted = [c.params["message_id"] for c in fake.sent("deleteMessage")]
    assert sorted(int(m) for m in deleted) == [501, 502]
    assert db.scalar(select(func.count()).select_from(Entry)) == 10
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
    header = [
        "Date",
        "Narration",
        "Chq./Ref.No.",
        "Value Dt",
        "Withdrawal Amt.",
        "Deposit Amt.",
        "Closing Balance",
    ]
    book = workbook_xlsx(
        header, [[dt.date(2024, 4, 3), "UPI-SWIGGY", "0000411", dt.date(2024, 4, 3), 320.5, None, 99.5]]
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
    assert "2024: ₹1,773.60 spent" in await reply(fake, ALICE, "/monthly 2024")
