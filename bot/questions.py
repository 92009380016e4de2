"""The business questions in chat: /monthly ... /leak_rate, /ask with a button each, and
questions in plain words (`/ask zomato this year`, or a message that asks one)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.buttons import ID, Action, Arg, keyboard, word
from bot.render import asking
from bot.render import questions as render
from bot.render.entries import HELP_HINT
from bot.runtime import call
from services.ledger.parsing import _asks as asks_a_question
from services.questions import plain
from services.questions.canned import QUESTIONS, QUESTIONS_BY_COMMAND, QUESTIONS_BY_ID
from services.usecases import questions
from services.usecases.questions import AskAnswer

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
    """Answer `/ask TEXT`; offer every question as a button on `/ask` alone."""
    assert update.effective_message
    if context.args:
        await ask_plain(update, context, " ".join(context.args))
        return
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


async def ask_plain(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, answer: AskAnswer | None = None
) -> None:
    """Answer a question in plain words; what is not understood gets three suggestions."""
    message = update.effective_message
    assert message is not None
    if answer is None:
        answer = await call(update, context, questions.ask, text=text, now=datetime.now(UTC))
    await message.reply_text(
        asking.ask_reply(answer).html, parse_mode=ParseMode.HTML, reply_markup=suggestion_buttons(answer)
    )


async def answer_if_asked(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """Answer a message that is no entry when it asks a question (`how much on food?`) or is
    one the parser reads with confidence (`zomato this year`); False when it is neither."""
    answer = await call(update, context, questions.ask, text=text, now=datetime.now(UTC))
    if not asks_a_question(text) and not plain.confident(answer.query or answer.not_understood):
        return False
    message = update.effective_message
    if answer.not_understood is not None and not answer.not_understood.recognised and message is not None:
        # nothing in it was a question we know ("what is this?"): today's hint, and questions to try
        hint = f"{HELP_HINT}\nOr ask me something like:"
        await message.reply_text(hint, reply_markup=suggestion_buttons(answer))
        return True
    await ask_plain(update, context, text, answer)
    return True


def suggestion_buttons(answer: AskAnswer) -> InlineKeyboardMarkup | None:
    """One button per suggestion of a question not understood (those that fit a button)."""
    if answer.not_understood is None:
        return None
    fitting = [s for s in answer.not_understood.suggestions if ASK_PLAIN.parse(f"{ASK_PLAIN.prefix}:{s}")]
    buttons = [InlineKeyboardButton(s, callback_data=ASK_PLAIN.data(s)) for s in fitting]
    return keyboard(buttons, 1) if buttons else None


async def suggestion_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Answer the suggested question whose button was pressed."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    answer = await call(update, context, questions.ask, text=text, now=datetime.now(UTC))
    if query.message is not None:
        await context.bot.send_message(
            query.message.chat.id,
            asking.ask_reply(answer).html,
            parse_mode=ParseMode.HTML,
            reply_markup=suggestion_buttons(answer),
        )


ASK = Action("ask", (word(QUESTIONS_BY_ID),), ask_pressed)
MORE = Action("qm", (word(QUESTIONS_BY_ID), ID, ID), more_pressed)
# A suggestion's own words (ASCII letters, digits, spaces; at most 63 bytes with the prefix):
# read again by the parser when pressed, so nothing in them reaches SQL but bound values.
ASK_PLAIN = Action("aq", (Arg(r"[A-Za-z0-9][A-Za-z0-9 '&.-]{0,59}", str),), suggestion_pressed)
BUTTONS = (ASK, MORE, ASK_PLAIN)
