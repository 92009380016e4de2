"""The business questions in chat: /monthly ... /leak_rate, and /ask with a button each."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import render
from bot.runtime import with_person
from db.models import User
from services import ledger, questions
from services.errors import LeakBotError


def answer(session: Session, person: User, question_id: str, year: int | None) -> str:
    """Ask one question for the person and render the reply."""
    result = questions.ask(session=session, user=person, question_id=question_id, year=year)
    reply = render.answer_html(result)
    if not result.rows:
        return reply
    if question_id == "top_leak_contexts_by_month":
        today = ledger.local_datetime(datetime.now(UTC), person.timezone).date()
        leaks = questions.largest_leaks(session=session, user=person, year=today.year, month=today.month)
        reply += "\n" + render.largest_leaks_html(leaks, today)
    if question_id == "potential_savings":
        reply += "\n" + render.savings_total_html(result)
    return reply


async def question_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the business question this command names (/monthly, /top_leaks, ...)."""
    message = update.effective_message
    assert message and message.text
    command = message.text.split()[0].lstrip("/").split("@", 1)[0].lower()
    question = questions.QUESTIONS_BY_COMMAND[command]
    year: int | None = None
    if context.args:
        if not question.by_year or len(context.args) > 1 or not context.args[0].isdigit():
            usage = f"/{command} YEAR, e.g. /{command} 2024" if question.by_year else f"/{command}"
            await message.reply_text(f"Usage: {usage}")
            return
        year = int(context.args[0])
    try:
        reply = await with_person(update, context, lambda s, p: answer(s, p, question.id, year))
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def ask_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer every question as a button."""
    assert update.effective_message
    await update.effective_message.reply_text("Which question?", reply_markup=render.questions_keyboard())


async def ask_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the question whose button was pressed; refuse forged buttons."""
    query = update.callback_query
    assert query is not None
    question_id = render.question_from_callback(query.data)
    if question_id is None:
        await query.answer("That button is not one of mine.")
        return
    await query.answer()
    reply = await with_person(update, context, lambda s, p: answer(s, p, question_id, None))
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, reply, parse_mode=ParseMode.HTML)
