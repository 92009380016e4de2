"""Uploads in the running bot: a big file does not hold up other people, and an import a
restart cut off is run again from its kept file, with the person told."""

from __future__ import annotations

import asyncio
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
from tests.fake_telegram import FakeTelegram

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
