"""/model and /subscriptions through the real bot: a person's own model speaks in replies once
it beats the rule, and recurring charges can be confirmed or dismissed."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.render.learning import training_lines
from db.models import Entry
from db.session import within
from services import synthetic
from services.config import Settings
from services.learning.training import train_all
from tests.bot.helpers import buttons, edits_after, press, replies, reply
from tests.factories import give_verdicts, make_user
from tests.fake_telegram import FakeTelegram

ALICE = 1001


def _teach(db: Session, settings: Settings) -> list[str]:
    """Alice's history, with verdicts from someone for whom anything unnecessary after dark is a leak."""
    give_verdicts(db, make_user(db, telegram_id=ALICE), months=12, taste="night_owl", share=0.3, seed=5)
    db.commit()
    report = train_all(within(db), model_dir=settings.model_dir)
    db.commit()
    return training_lines(report)


async def test_a_promoted_personal_model_speaks_in_replies_and_in_model(
    fake: FakeTelegram, bot, db: Session, bot_settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    assert "No model yet: the six rules decide" in await reply(fake, ALICE + 1, "/model")

    lines = await asyncio.to_thread(_teach, db, bot_settings)
    assert any("personal" in line and "promoted" in line and "not promoted" not in line for line in lines), (
        lines
    )

    logged = await reply(fake, ALICE, "450 dining upi 10pm")
    assert "· your model, " in logged and "% leak (the rule: " in logged

    before = len(fake.sent("sendPhoto", chat_id=ALICE))
    fake.send_text(ALICE, "/model")
    photo = (await asyncio.to_thread(fake.wait_for, "sendPhoto", chat_id=ALICE, count=before + 1))[-1]
    caption = photo.params["caption"]
    assert caption.startswith("Your own model decides your verdicts now (v1, trained")
    assert re.search(r"it agreed with you \d+ times \(\d+%\), the rule \d+ times", caption), caption
    assert photo.params["photo"]["data"].startswith(b"\x89PNG")

    # Uploaded expenses get the model's probability too.
    fake.send_document(ALICE, "more.csv", synthetic.to_csv_bytes(synthetic.generate(months=1, seed=77)))
    await asyncio.to_thread(fake.wait_for, "editMessageText", chat_id=ALICE)
    db.expire_all()
    imported = db.scalars(select(Entry).where(Entry.import_id.is_not(None), Entry.type == "expense")).all()
    assert imported and all(e.model_probability is not None for e in imported)


async def test_subscriptions_are_found_confirmed_and_dismissed(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(UTC).date()
    for months_ago in range(4, 0, -1):
        day = today - timedelta(days=30 * months_ago)
        await reply(fake, ALICE, f"/spend 649 subscription {day.isoformat()} Netflix")
        await reply(fake, ALICE, f"/spend 119 subscription {(day + timedelta(days=2)).isoformat()} Spotify")
    (listing,) = await replies(fake, ALICE, "/subscriptions", 1)
    lines = listing.params["text"].split("\n")
    assert lines[0].startswith("2 recurring charges, about ₹768 a month")
    assert lines[1].startswith("1. 🆕 Netflix: ₹649 monthly") and lines[2].startswith(
        "2. 🆕 Spotify: ₹119 monthly"
    )
    labels = [b["text"] for b in buttons(listing)]
    assert labels == ["Yes: Netflix", "Dismiss 1", "Yes: Spotify", "Dismiss 2"]
    confirm = buttons(listing)[0]["callback_data"]
    dismiss = buttons(listing)[3]["callback_data"]

    assert await press(fake, ALICE + 1, dismiss) == "That subscription is not one of yours."
    assert await press(fake, ALICE, confirm) == "Noted. I'll remind you before Netflix renews."
    assert await press(fake, ALICE, dismiss) == "Dismissed: I won't mention it again."
    (listing,) = await replies(fake, ALICE, "/subscriptions", 1)
    assert (
        listing.params["text"].startswith("1 recurring charge,") and "1. ✅ Netflix" in listing.params["text"]
    )


async def test_a_renewal_check_and_the_plan_both_lead_to_a_cancel_reminder(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """Netflix renews in two days (Alice's reminder days) and Spotify soon after: the check
    before the renewal answers Yes / Remind me to cancel, and /plan offers the same."""
    from bot import learning
    from db.models import Subscription
    from tests.bot.test_broadcasts import _run_job

    today = datetime.now(UTC).date()
    for months_ago in range(4, 0, -1):
        day = today + timedelta(days=2) - timedelta(days=30 * months_ago)
        await reply(fake, ALICE, f"/spend 649 subscription {day.isoformat()} Netflix")
        await reply(fake, ALICE, f"/spend 119 subscription {(day + timedelta(days=5)).isoformat()} Spotify")
    (listing,) = await replies(fake, ALICE, "/subscriptions", 1)
    assert await press(fake, ALICE, buttons(listing)[0]["callback_data"]) == (
        "Noted. I'll remind you before Netflix renews."
    )

    sent = len(fake.sent("sendMessage", chat_id=ALICE))
    await _run_job(bot, learning.renewal_reminders)
    check = fake.sent("sendMessage", chat_id=ALICE)[sent]
    assert check.params["text"].startswith("Still using Netflix?")
    keep, cancel = buttons(check)
    assert (keep["text"], cancel["text"]) == ("Yes, still using", "Remind me to cancel")
    assert await press(fake, ALICE, cancel["callback_data"]) == (
        "I'll remind you the day before Netflix renews, to cancel it."
    )
    status = {s.label: s.status for s in db.scalars(select(Subscription))}
    assert status["Netflix"] == "cancelling"
    assert (
        await press(fake, ALICE, keep["callback_data"])
        == "Good. I'll ask again before Netflix renews next time."
    )

    (plan,) = await replies(fake, ALICE, "/plan", 1)
    assert "renew within 30 days" in plan.params["text"]
    offered = [b for b in buttons(plan) if b["text"].startswith("Remind me to cancel")]
    assert [b["text"] for b in offered] == ["Remind me to cancel Netflix", "Remind me to cancel Spotify"]
    edited = len(fake.sent("editMessageText"))
    await press(fake, ALICE, offered[1]["callback_data"])
    edit = (await edits_after(fake, edited + 1))[-1]
    assert [b["text"] for b in buttons(edit) if "cancel" in b["text"]] == ["Remind me to cancel Netflix"]
    db.expire_all()
    assert {s.label: s.status for s in db.scalars(select(Subscription))}["Spotify"] == "cancelling"


async def test_chat_spends_are_answered_while_the_models_train(
    fake: FakeTelegram, bot_settings: Settings, empty_database_url: str
) -> None:
    """Training reads in one short transaction, fits outside any, and records each model in
    one of its own: a stream of spends meanwhile is stored and answered, none refused."""
    from sqlalchemy import func

    from db import repositories as repo
    from db.migrate import upgrade
    from db.models import ModelRecord
    from db.session import make_engine, make_session_factory
    from services.usecases import learning as learning_usecases
    from tests.bot.conftest import running_bot
    from tests.factories import count_entries

    settings = bot_settings.model_copy(update={"database_url": empty_database_url})
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with make_session_factory(engine)() as arrange:
        for k, taste in enumerate(("night_owl", "weekday_diner", "big_ticket")):
            give_verdicts(arrange, make_user(arrange), months=18, taste=taste, share=0.3, seed=60 + k)
        arrange.commit()
    async with running_bot(settings) as app:
        rt = app.bot_data["runtime"]
        training = asyncio.ensure_future(
            rt.run_at_length(lambda turn: learning_usecases.train(turn=turn, models=rt.models))
        )
        answered_during = 0
        for k in range(12):
            text = await reply(fake, ALICE, f"{100 + k} dining upi")
            assert f"₹{100 + k} Dining Out" in text, text
            answered_during += not training.done()
        report = await training
    with make_session_factory(engine)() as check:
        assert check.scalar(select(func.count()).select_from(ModelRecord)) == len(report.models) > 0
        alice = repo.get_user(check, ALICE)
        assert alice is not None and count_entries(check, alice.id) == 12
    engine.dispose()
    assert answered_during >= 6, "training ended before the spends: make it longer"
