"""The "Leak or not?" cards in words: the question, what an answer led to, the CLI's list."""

from __future__ import annotations

from datetime import time

from bot.render.text import Reply, b
from services.ledger.entries import EntryView
from services.money import format_money
from services.scoring.verdicts import MODEL, NEED, YOU
from services.usecases.teaching import Answered, Card
from services.wording import counted

NOTHING_TO_ASK = (
    "Nothing to ask right now: your\n"
    "recent spends are judged or\n"
    "necessities. Log a few more and\n"
    "try /teach again."
)
WHAT_NEXT = "Your model learns from them\ntonight; /model shows how it does."


def clock(t: time) -> str:
    """`10 pm`, `9:30 am`."""
    hour = t.hour % 12 or 12
    minutes = f":{t.minute:02d}" if t.minute else ""
    return f"{hour}{minutes} {'am' if t.hour < 12 else 'pm'}"


def spend_line(e: EntryView) -> str:
    """`12 Nov, ₹180 Dining Out`."""
    return f"{e.local_date.day} {e.local_date:%b}, {format_money(e.amount_minor, e.currency)} {e.category}"


def now_line(e: EntryView) -> str:
    """The current verdict and who gave it: `Now: leak · the rule, 6 of 9`."""
    head = "leak" if e.is_leak else "OK"
    if e.decided_by == YOU:
        return f"Now: {head} · your call"
    if e.decided_by == MODEL and e.model_probability is not None:
        return f"Now: {head} · your model, {e.model_probability:.0%}"
    if e.decided_by == NEED:
        return "Now: OK · a necessity"
    return f"Now: {head} · the rule, {e.score} of 9"


def card_reply(card: Card) -> Reply:
    """`Leak or not? 2 of 5` / `12 Nov, ₹180 Dining Out` / `UPI · 10 pm` / `Now: ...`."""
    e = card.entry
    head = "Leak or not?" + (f" {card.number} of {card.of}" if card.of > 1 else "")
    return Reply.of(b(head), spend_line(e), f"{e.payment_mode} · {clock(e.local_time)}", now_line(e))


def noted(answered: Answered) -> str:
    """The short note a press is answered with."""
    if not answered.recorded:
        return "You had judged that one already."
    return "Noted: a leak." if answered.entry.user_verdict else "Noted: not a leak."


def finished(answered: Answered) -> str:
    """What the message says once the last card of a round (or the day's card) is answered."""
    if answered.of == 1:
        return f"{noted(answered)} Thanks!\n/teach asks five more."
    answers = counted(answered.number, "answer", "answers")
    if answered.number < answered.of:
        return f"Thanks! That's all I had to ask\nfor now ({answers}).\n{WHAT_NEXT}"
    return f"Thanks! {answers}.\n{WHAT_NEXT}"


def stopped(answered_before: int) -> str:
    """After Stop on a card: how many were answered."""
    if answered_before == 0:
        return "Stopped. /teach asks again any time."
    return f"Stopped after {counted(answered_before, 'answer', 'answers')}.\n{WHAT_NEXT}"


def question_lines(entries: tuple[EntryView, ...], user: int) -> list[str]:
    """`leakbot teach`: one line per question with its entry id, then how to answer."""
    if not entries:
        return [NOTHING_TO_ASK.replace("\n", " ").replace("/teach", "leakbot teach")]
    lines = [
        f"#{e.id} {spend_line(e)} · {e.payment_mode} · {clock(e.local_time)} · {now_line(e)}" for e in entries
    ]
    return [*lines, f"Answer: leakbot verdict --user {user} ID leak|ok"]
