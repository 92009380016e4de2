"""A person talks to the real bot through the fake Bot API server."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session

from db import repositories as repo
from services.importing.pipeline import import_csv
from services.ledger.people import UserDefaults, ensure_user
from services.questions.canned import QUESTIONS
from services.synthetic import generate, to_csv_bytes
from tests.bot.helpers import buttons, edits_after, press, reply, reply_call
from tests.factories import count_entries
from tests.fake_telegram import BOT_USER, FakeTelegram

ALICE, BOB = 1001, 2002


def flat(text: str) -> str:
    """A reply's words on one line (chat answers wrap at a phone's width)."""
    return " ".join(text.split())


async def test_a_person_logs_spends_in_each_form_and_gets_the_verdict(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    assert "Try: 250 dining upi" in await reply(fake, ALICE, "/start")
    commands = fake.wait_for("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {"spend", "help", "ask", "top_leaks", "savings"}

    plain = await reply(fake, ALICE, "250 dining upi")
    assert "₹250 Dining Out · UPI" in plain and "of 9 points" in plain
    leak = await reply(fake, ALICE, "/spend 120 swiggy gpay 9pm #festive")
    assert "of 9 points (leak from 5): micro spend" in leak and "impulsive context (festive)" in leak
    income = await reply(fake, ALICE, "/income 50000 salary")
    assert "₹50,000 Salary" in income and "Not scored" in income
    assert "I don&#x27;t know “fod” yet. Which category is it?" in await reply(fake, ALICE, "250 fod")
    assert "Send what you spent, e.g. chai 20" in await reply(fake, ALICE, "hello bot")
    assert "&lt;b&gt;" in await reply(fake, ALICE, "99 coffee <b>bold</b>")  # notes are escaped HTML

    recent = await reply(fake, ALICE, "/recent")
    assert recent.count("#") == 5


async def test_a_redelivered_message_is_stored_once(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = await reply(fake, ALICE, "300 groceries", message_id=77)
    second = await reply(fake, ALICE, "300 groceries", message_id=77)
    assert first == second
    user = repo.get_user(db, ALICE)
    assert user is not None and count_entries(db, user.id) == 1


async def test_questions_answer_from_the_persons_own_data_only(fake: FakeTelegram, bot, db: Session) -> None:  # type: ignore[no-untyped-def]
    alice = ensure_user(session=db, telegram_id=ALICE, defaults=UserDefaults("Asia/Kolkata", "INR"))
    import_csv(session=db, user=alice, data=to_csv_bytes(generate(months=14, seed=5)), file_name="a.csv")
    db.commit()

    top = await reply(fake, ALICE, "/top_categories")
    assert "<pre>" in top and "transaction_count" not in top and "is your most frequent" in top
    assert "in 2023, the most in" in flat(await reply(fake, ALICE, "/monthly 2023"))
    assert "Usage: /monthly YEAR" in await reply(fake, ALICE, "/monthly soon")
    assert "a year could stay in your pocket" in flat(await reply(fake, ALICE, "/savings"))

    leaks = await reply_call(fake, ALICE, "/top_leaks")  # 14 months, three contexts each: pages
    assert "your biggest leaks were" in flat(leaks.params["text"])
    assert "1–5 of" in leaks.params["text"] and buttons(leaks)[0]["text"] == "More"
    shown = {**fake.message(ALICE, leaks.params["text"], message_id=900), "from": BOT_USER}
    fake.press_button(ALICE, buttons(leaks)[0]["callback_data"], message=shown)
    (edit,) = await edits_after(fake, 1)
    assert "Top leak contexts per month, 6–10 of" in flat(edit.params["text"])
    assert edit.params["message_id"] == 900 and buttons(edit)[0]["text"] == "More"

    assert "Nothing to show yet" in await reply(fake, BOB, "/top_categories")
    await reply(fake, BOB, "250 dining upi")  # Bob's first month: his year is a pace, not a sum
    savings = flat(await reply(fake, BOB, "/savings"))
    assert "saved ₹125 over the last month." in savings
    assert "About ₹1,500 a year at this pace (from one month)" in savings

    await reply(fake, ALICE, "/ask")
    keyboard = fake.sent(chat_id=ALICE)[-1].params["reply_markup"]["inline_keyboard"]
    assert sum(len(row) for row in keyboard) == len(QUESTIONS)
    before = len(fake.sent(chat_id=ALICE))
    fake.press_button(ALICE, "ask:leak_time_blocks")
    answer = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=ALICE, count=before + 1)
    assert "You leak most in the" in answer[-1].params["text"]

    fake.press_button(ALICE, "ask:'; DROP TABLE entries; --")
    refusal = await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", count=3)
    assert refusal[-1].params.get("text") == "That button is not one of mine."


async def test_atm_cash_is_a_transfer_and_a_refund_takes_off_its_category(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """`2000 atm` is logged as a transfer: never spending, never a leak; a refund takes its
    amount off the month's spend."""
    await reply(fake, ALICE, "/start")
    assert "₹250 Dining Out" in await reply(fake, ALICE, "250 dining upi 2024-05-03 9pm")
    assert "Leak · 7 of 9 points" in await reply(
        fake, ALICE, "/spend 120 swiggy gpay 2024-05-04 11pm #festive"
    )
    transfer = await reply_call(fake, ALICE, "2000 atm 2024-05-05")
    text = transfer.params["text"]
    assert "₹2,000 ATM Cash · Cash" in text and "Transfer: not spending, never a leak." in text
    assert [b["text"] for row in transfer.params["reply_markup"]["inline_keyboard"] for b in row] == [
        "Undo",
        "Change category",
    ]
    assert "₹5,000 Card Bill" in await reply(fake, ALICE, "/transfer 5000 card bill 2024-05-06")
    assert "Refund: off Dining Out spend for May." in await reply(fake, ALICE, "/refund 70 dining 2024-05-07")

    monthly = await reply(fake, ALICE, "/monthly 2024")
    assert "You spent ₹300 in 2024" in monthly  # 250 + 120 - 70: no ATM cash, no card bill
    top = await reply(fake, ALICE, "/top_leaks")
    assert "ATM" not in top and "Card Bill" not in top and "2,000" not in top and "5,000" not in top


async def test_the_plan_suggests_a_change_and_adopts_it_as_a_goal(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """Four late Zomato orders this month: /plan prices cutting one a week, the button adopts
    it, and the plan then lists it among the goals."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from db.models import Goal
    from tests.bot.helpers import buttons, press

    for k in range(4):
        day = date.today() - timedelta(days=3 * k + 1)
        await reply(fake, ALICE, f"420 dining zomato upi {day.isoformat()} 10pm")
    shown = await reply_call(fake, ALICE, "/plan")
    text = str(shown.params["text"])
    assert text.startswith("The change that would save you the most:\n1. Zomato after 9 pm: 4 times, ₹1,680")
    assert "One fewer a week saves about ₹22,000 a year." in text
    (adopt,) = buttons(shown)
    assert adopt["text"] == "Adopt: Zomato after 9 pm"
    assert (
        await press(fake, ALICE, adopt["callback_data"])
        == "Adopted. Your weekly digest will say how it goes."
    )
    assert [g.title for g in db.scalars(select(Goal))] == ["Zomato after 9 pm"]


async def test_lines_as_people_type_them_are_logged_asked_about_and_taught(
    fake: FakeTelegram, bot, db: Session
) -> None:  # type: ignore[no-untyped-def]
    assert "₹150 Groceries · Cash" in await reply(fake, ALICE, "150 sabzi cash")

    # Two numbers: nothing is stored until the person picks the amount
    original = fake.message(ALICE, "2 chai 40", message_id=501)
    asked = await reply_call(fake, ALICE, "2 chai 40", message_id=501)
    assert "₹40, ₹80 or ₹2?" in asked.params["text"]
    assert [b["text"] for b in buttons(asked)] == ["₹40", "₹80", "₹2"]
    user = repo.get_user(db, ALICE)
    assert user is not None and count_entries(db, user.id) == 1
    question = {**fake.message(ALICE, asked.params["text"]), "from": BOT_USER, "reply_to_message": original}
    fake.press_button(ALICE, buttons(asked)[1]["callback_data"], message=question)
    picked = await edits_after(fake, 1)
    assert "₹80 Dining Out" in picked[-1].params["text"] and "2 × ₹40" in picked[-1].params["text"]
    fake.press_button(ALICE, buttons(asked)[1]["callback_data"], message=question)  # pressed twice
    await edits_after(fake, 2)
    assert count_entries(db, user.id) == 2

    # An unknown word is kept under Other; the pick is remembered for the word
    kept = await reply_call(fake, ALICE, "250 pedigree")
    assert "₹250 kept under Other." in kept.params["text"]
    labels = {b["text"]: b["callback_data"] for b in buttons(kept)}
    assert {"More categories", "New category", "Undo"} <= set(labels)
    answer = await press(fake, ALICE, labels["New category"])
    assert answer == ""
    need_or_want = (await edits_after(fake, 3))[-1]
    assert "A new category “Pedigree”: is it a need or a want?" in need_or_want.params["text"]
    made = await press(fake, ALICE, buttons(need_or_want)[0]["callback_data"])
    assert made == "Made Pedigree."
    assert "₹99 Pedigree" in await reply(fake, ALICE, "pedigree 99")

    # Several lines: each is logged or says why, in one reply
    several = await reply(fake, ALICE, "chai 20\nauto 80 cash\nforgot this one")
    assert "Logged 2 of 3 lines." in several and "3. “forgot this one”: How much?" in several
    assert count_entries(db, user.id) == 6
