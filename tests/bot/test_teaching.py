"""Teaching LeakBot through the real bot: /teach asks five "Leak or not?" cards in one
message and stores each answer as the person's verdict; the day's card comes after a logged
spend once a day, not twice, and never with /settings ask off; nobody answers another's card."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import repositories as repo
from db.models import Entry
from services import synthetic
from tests.bot.helpers import buttons, edits_after, press, replies, reply
from tests.factories import make_user
from tests.fake_telegram import Call, FakeTelegram

ALICE, BOB, CAROL = 1001, 2002, 3003
NOT_YOURS = "That entry isn't yours or no longer exists."


def _with_history(db: Session, telegram_id: int, seed: int) -> None:
    """A person with LeakBot for a month, three months of spending imported, none judged."""
    user = make_user(db, telegram_id=telegram_id, created_at=datetime.now(UTC) - timedelta(days=30))
    synthetic.store_generated(db, user, months=3, seed=seed)
    db.commit()


def _verdicts(db: Session, telegram_id: int) -> dict[int, bool]:
    db.expire_all()
    user = repo.get_user(db, telegram_id)
    assert user is not None
    rows = db.execute(
        select(Entry.id, Entry.user_verdict).where(Entry.user_id == user.id, Entry.user_verdict.is_not(None))
    )
    return {entry_id: bool(verdict) for entry_id, verdict in rows}


def _lines_fit(call: Call) -> None:
    text = str(call.params["text"])
    assert all(len(line) <= 34 for line in text.split("\n")), text


async def test_a_teach_round_asks_five_cards_in_one_message_and_stores_the_answers(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await asyncio.to_thread(_with_history, db, ALICE, 3)
    (card,) = await replies(fake, ALICE, "/teach", 1)
    first = card.params["text"].split("\n")
    assert first[0] == "<b>Leak or not? 1 of 5</b>" and first[-1].startswith("Now: "), first
    assert [b["text"] for b in buttons(card)] == ["Leak", "Not a leak", "Stop"]

    leak = buttons(card)[0]["callback_data"]
    assert await press(fake, BOB, leak) == NOT_YOURS  # Bob cannot answer Alice's card
    assert _verdicts(db, ALICE) == {}

    answers = [True, False, True, False, False]
    asked: list[str] = []
    for k, is_leak in enumerate(answers):
        asked.append(card.params["text"])
        edited = len(fake.sent("editMessageText"))
        note = await press(fake, ALICE, buttons(card)[0 if is_leak else 1]["callback_data"])
        assert note == ("Noted: a leak." if is_leak else "Noted: not a leak.")
        card = (await edits_after(fake, edited + 1))[-1]
        _lines_fit(card)
        if k < 4:
            assert card.params["text"].startswith(f"<b>Leak or not? {k + 2} of 5</b>")
    assert card.params["text"] == (
        "Thanks! 5 answers.\nYour model learns from them\ntonight; /model shows how it does."
    )
    assert buttons(card) == []
    assert len(set(asked)) == 5  # five different spends
    stored = _verdicts(db, ALICE)
    assert sorted(stored.values()) == sorted(answers) and len(stored) == 5


async def test_the_days_card_comes_after_a_spend_once_a_day_and_not_when_turned_off(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await asyncio.to_thread(_with_history, db, ALICE, 4)
    logged, card = await replies(fake, ALICE, "450 dining upi 10pm", 2)
    assert "Dining" in logged.params["text"]
    assert card.params["text"].startswith("<b>Leak or not?</b>\n")
    _lines_fit(card)
    assert [b["text"] for b in buttons(card)] == ["Leak", "Not a leak"]

    # The second spend of the day: its reply only (the next reply is /settings's).
    before = len(fake.sent(chat_id=ALICE))
    await reply(fake, ALICE, "120 swiggy gpay 9pm")
    settings = await reply(fake, ALICE, "/settings")
    assert len(fake.sent(chat_id=ALICE)) == before + 2 and "ask: on" in settings

    edited = len(fake.sent("editMessageText"))
    assert await press(fake, ALICE, buttons(card)[0]["callback_data"]) == "Noted: a leak."
    done = (await edits_after(fake, edited + 1))[-1]
    assert done.params["text"] == "Noted: a leak. Thanks!\n/teach asks five more."
    assert list(_verdicts(db, ALICE).values()) == [True]

    # Carol, new to LeakBot, is not quizzed in her first week.
    await reply(fake, CAROL, "450 dining upi 10pm")
    await reply(fake, CAROL, "/settings")
    assert len(fake.sent(chat_id=CAROL)) == 2

    # Bob turns the cards off: his spends come alone; /teach still asks.
    await asyncio.to_thread(_with_history, db, BOB, 5)
    assert await reply(fake, BOB, "/settings ask off") == "ask is now off: no daily card (/teach still asks)."
    before = len(fake.sent(chat_id=BOB))
    await reply(fake, BOB, "450 dining upi 10pm")
    assert "ask: off" in await reply(fake, BOB, "/settings")
    assert len(fake.sent(chat_id=BOB)) == before + 2
    assert (await reply(fake, BOB, "/teach")).startswith("<b>Leak or not? 1 of 5</b>")


async def test_a_card_judged_meanwhile_moves_on_and_stop_ends_the_round(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await asyncio.to_thread(_with_history, db, ALICE, 6)
    (card,) = await replies(fake, ALICE, "/teach", 1)
    entry_id = int(buttons(card)[0]["callback_data"].split(":")[1])
    # Meanwhile Alice judges that spend with its own Not a leak button.
    edited = len(fake.sent("editMessageText"))
    assert await press(fake, ALICE, f"v:{entry_id}:0") == "Noted: not a leak."
    await edits_after(fake, edited + 1)  # the entry's own message

    edited += 1
    assert await press(fake, ALICE, buttons(card)[0]["callback_data"]) == "You had judged that one already."
    card = (await edits_after(fake, edited + 1))[-1]
    assert card.params["text"].startswith("<b>Leak or not? 2 of 5</b>")
    assert _verdicts(db, ALICE) == {entry_id: False}  # the call made meanwhile stands

    edited = len(fake.sent("editMessageText"))
    assert await press(fake, ALICE, buttons(card)[2]["callback_data"]) == "Stopped."
    done = (await edits_after(fake, edited + 1))[-1]
    assert done.params["text"].startswith("Stopped after 1 answer.")


async def test_the_weekly_digest_ends_with_the_days_card(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.test_digest_chat import _make_due, _tick

    await asyncio.to_thread(_with_history, db, ALICE, 7)
    _make_due(db, ALICE)
    await _tick(bot)
    digest, card = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=2)
    assert "Your week" in digest.params["text"]
    assert card.params["text"].startswith("<b>Leak or not?</b>\n")
    assert [b["text"] for b in buttons(card)] == ["Leak", "Not a leak"]

    # That was the day's card: a spend afterwards comes alone.
    await reply(fake, ALICE, "450 dining upi 10pm")
    await reply(fake, ALICE, "/settings")
    assert len(fake.sent(chat_id=ALICE)) == 4
