"""Questions in plain words in chat: `/ask TEXT`, a message that asks, and the suggestions."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy.orm import Session

from services.questions.canned import QUESTIONS
from tests.bot.helpers import buttons, reply, reply_call
from tests.fake_telegram import FakeTelegram

ALICE = 1001


def lines(html: str) -> list[str]:
    return re.sub(r"</?b>", "", html).replace("&#x27;", "'").splitlines()


async def test_a_question_in_words_is_answered_with_how_it_was_read(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    for line in ("250 dining upi", "120 swiggy gpay", "300 groceries cash"):
        await reply(fake, ALICE, line)

    asked = lines(await reply(fake, ALICE, "/ask dining this month"))
    assert asked[0].startswith("Dining Out, 1–") and asked[-1] == "₹370 in 2 spends"
    question = lines(await reply(fake, ALICE, "how much did I spend on groceries this month?"))
    assert question[0].startswith("Groceries, 1–") and question[-1] == "₹300 in 1 spend"
    kitna = lines(await reply(fake, ALICE, "kitna kharcha upi pe is mahine"))
    assert "by UPI" in kitna[0] and kitna[-1] == "₹370 in 2 spends"
    # not a question, but clearly one: chat lines keep a merchant only as its category
    zomato = lines(await reply(fake, ALICE, "zomato this year"))
    assert zomato[0] == "No spends name Zomato." and zomato[-1] == "₹370 in 2 spends"
    top = lines(await reply(fake, ALICE, "/ask top categories this month"))
    assert top[-2:] == ["Dining Out ₹370", "Groceries ₹300"]
    for reply_lines in (asked, question, kitna, zomato, top):
        assert all(len(line) <= 34 for line in reply_lines), reply_lines

    assert "Send what you spent" in await reply(fake, ALICE, "hello bot")  # no question: today's hint
    menu = await reply_call(fake, ALICE, "/ask")
    assert sum(len(row) for row in menu.params["reply_markup"]["inline_keyboard"]) == len(QUESTIONS)


async def test_what_is_not_understood_offers_three_questions_to_press(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    await reply(fake, ALICE, "250 dining upi")
    call = await reply_call(fake, ALICE, "/ask dinning this month")
    assert lines(call.params["text"]) == ["I don't know “dinning” here.", "Try one of these:"]
    offered = buttons(call)
    assert offered[0]["text"] == "dining out this month" and len(offered) == 3

    before = len(fake.sent(chat_id=ALICE))
    fake.press_button(ALICE, offered[0]["callback_data"])
    answer = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 1)
    assert lines(answer[-1].params["text"])[-1] == "₹250 in 1 spend"

    chatter = await reply_call(fake, ALICE, "what is this?")  # a question with nothing we know in it
    assert "Send what you spent" in chatter.params["text"] and len(buttons(chatter)) == 3
