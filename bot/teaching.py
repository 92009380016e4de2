"""Teaching LeakBot the person's idea of a leak: /teach (a round of five "Leak or not?"
cards, each press editing the message to the next), the day's one card after a logged spend
(and at the end of the weekly digest, bot/digests.py), and the cards' buttons."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.buttons import FLAG, ID, Action, Arg
from bot.entries import on_entry
from bot.render import teaching as render
from bot.runtime import call
from services.catalog import EntryType
from services.learning.asking import ROUND
from services.usecases import teaching
from services.usecases.entries import LoggedMessage
from services.usecases.teaching import Card

log = logging.getLogger(__name__)
POSITION = Arg(f"[1-{ROUND}]", int)  # a card's place in its round, and the round's size


def card_keyboard(card: Card) -> InlineKeyboardMarkup:
    """Leak / Not a leak; in a /teach round, Stop under them."""
    e, at = card.entry, (card.number, card.of)
    rows = [
        [
            InlineKeyboardButton("Leak", callback_data=ANSWER.data(e.id, True, *at)),
            InlineKeyboardButton("Not a leak", callback_data=ANSWER.data(e.id, False, *at)),
        ]
    ]
    if card.of > 1:
        rows.append([InlineKeyboardButton("Stop", callback_data=STOP.data(e.id, card.number))])
    return InlineKeyboardMarkup(rows)


async def send_card(message: Message, card: Card) -> None:
    await message.reply_text(
        render.card_reply(card).html, parse_mode=ParseMode.HTML, reply_markup=card_keyboard(card)
    )


async def teach_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a round of five "Leak or not?" cards."""
    message = update.effective_message
    assert message
    card = await call(update, context, teaching.start_round, now=datetime.now(UTC))
    if card is None:
        await message.reply_text(render.NOTHING_TO_ASK)
        return
    await send_card(message, card)


async def after_spend(update: Update, context: ContextTypes.DEFAULT_TYPE, logged: LoggedMessage) -> None:
    """After a newly logged expense: the day's card, when one is due and useful. The spend
    is answered already: a failure here is logged, never said."""
    message = update.effective_message
    new = any(line.created and line.entry.type is EntryType.EXPENSE for line in logged.logged)
    if message is None or not new:
        return
    try:
        card = await call(update, context, teaching.daily_card, now=datetime.now(UTC))
        if card is not None:
            await send_card(message, card)
    except Exception:  # the card is an extra; the spend stands and was answered
        log.warning("the daily card failed", exc_info=True)


async def answer_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int, is_leak: bool, number: int, of: int
) -> None:
    """Record the answer and show the round's next card, or the thanks."""
    query = update.callback_query
    assert query is not None
    answered = await on_entry(
        update,
        context,
        teaching.answer,
        entry_id=entry_id,
        is_leak=is_leak,
        number=number,
        of=of,
        now=datetime.now(UTC),
    )
    await query.answer(render.noted(answered))
    if answered.next is None:
        await query.edit_message_text(render.finished(answered))
        return
    await query.edit_message_text(
        render.card_reply(answered.next).html,
        parse_mode=ParseMode.HTML,
        reply_markup=card_keyboard(answered.next),
    )


async def stop_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int, number: int
) -> None:
    """End the round at this card."""
    query = update.callback_query
    assert query is not None
    await on_entry(update, context, teaching.stop_round, entry_id=entry_id)
    await query.answer("Stopped.")
    await query.edit_message_text(render.stopped(number - 1))


ANSWER = Action("ta", (ID, FLAG, POSITION, POSITION), answer_pressed)  # entry, 1 = a leak, card, of
STOP = Action("ts", (ID, POSITION), stop_pressed)  # entry, card
BUTTONS = (ANSWER, STOP)
