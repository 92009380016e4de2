"""The business questions in chat: /monthly ... /leak_rate, and /ask with a button each."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.buttons import ID, Action, keyboard, word
from bot.render import questions as render
from bot.runtime import call
from services.questions.canned import QUESTIONS, QUESTIONS_BY_COMMAND, QUESTIONS_BY_ID
from services.usecases import questions

COMMANDS = tuple(QUESTIONS_BY_COMMAND)


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question_id: str, year: int | None, page: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer's page as chat HTML, with a More button while pages are left."""
    now = datetime.now(UTC)
    result = await call(update, context, questions.answer, question_id=question_id, now=now, year=year)
    shown = render.answer_page(result, page)
    if shown.count == 1:
        return shown.reply.html, None
    label, to = ("More", shown.number + 1) if shown.more else ("Back to the start", 0)
    button = InlineKeyboardButton(label, callback_data=MORE.data(question_id, to, year or 0))
    return shown.reply.html, InlineKeyboardMarkup([[button]])


async def question_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the business question this command names (/monthly, /top_leaks, ...)."""
    message = update.effective_message
    assert message and message.text
    command = message.text.split()[0].lstrip("/").split("@", 1)[0].lower()
    question = QUESTIONS_BY_COMMAND[command]
    year: int | None = None
    if context.args:
        if not question.by_year or len(context.args) > 1 or not context.args[0].isdecimal():
            usage = f"/{command} YEAR, e.g. /{command} 2024" if question.by_year else f"/{command}"
            await message.reply_text(f"Usage: {usage}")
            return
        year = int(context.args[0])
    reply, buttons = await _answer(update, context, question.id, year)
    await message.reply_text(reply, parse_mode=ParseMode.HTML, reply_markup=buttons)


async def ask_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer every question as a button."""
    assert update.effective_message
    buttons = [InlineKeyboardButton(q.title, callback_data=ASK.data(q.id)) for q in QUESTIONS]
    await update.effective_message.reply_text("Which question?", reply_markup=keyboard(buttons, 2))


async def ask_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, question_id: str) -> None:
    """Answer the question whose button was pressed."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    reply, buttons = await _answer(update, context, question_id, None)
    if query.message is not None:
        await context.bot.send_message(
            query.message.chat.id, reply, parse_mode=ParseMode.HTML, reply_markup=buttons
        )


async def more_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question_id: str, page: int, year: int
) -> None:
    """Show the answer's next page in place of the one the button was under."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    reply, buttons = await _answer(update, context, question_id, year or None, page)
    with contextlib.suppress(BadRequest):  # "message is not modified": pressed twice
        await query.edit_message_text(reply, parse_mode=ParseMode.HTML, reply_markup=buttons)


ASK = Action("ask", (word(QUESTIONS_BY_ID),), ask_pressed)
MORE = Action("qm", (word(QUESTIONS_BY_ID), ID, ID), more_pressed)
BUTTONS = (ASK, MORE)
