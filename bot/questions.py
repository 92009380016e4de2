"""The business questions in chat: /monthly ... /leak_rate, and /ask with a button each."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.buttons import Action, keyboard, word
from bot.render import questions as render
from bot.runtime import call
from services.questions.canned import QUESTIONS, QUESTIONS_BY_COMMAND, QUESTIONS_BY_ID
from services.usecases import questions

COMMANDS = tuple(QUESTIONS_BY_COMMAND)


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question_id: str, year: int | None
) -> str:
    now = datetime.now(UTC)
    result = await call(update, context, questions.answer, question_id=question_id, now=now, year=year)
    return render.answer_reply(result).html


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
    reply = await _answer(update, context, question.id, year)
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


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
    reply = await _answer(update, context, question_id, None)
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, reply, parse_mode=ParseMode.HTML)


ASK = Action("ask", (word(QUESTIONS_BY_ID),), ask_pressed)
BUTTONS = (ASK,)
