"""Build the Telegram Application from settings; handlers stay thin (parse, call a service, reply)."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import render
from db.models import User
from db.session import make_engine, make_session_factory, session_scope
from services import ledger, questions
from services.config import Settings
from services.errors import LeakBotError
from services.parsing import looks_like_entry

log = logging.getLogger(__name__)

HELP = """\
<b>LeakBot</b> finds the small spends that add up.
/spend 250 dining upi — log an expense (or just send <code>250 dining upi</code>)
/income 50000 salary — log income
/save 2000 mutual fund — log savings
/recent — your last entries with their verdicts
/ask — the fourteen questions as buttons, or directly:
/monthly [year] · /nonessential [year] · /top_categories · /micro_modes · /recurring
/weekdays · /leak_times · /leak_contexts · /savings · /salary_week · /risky_channels
/top_leaks · /salary_jumps · /leak_rate
/help — this list"""
COMMANDS = [
    BotCommand("spend", "Log an expense: /spend 250 dining upi"),
    BotCommand("income", "Log income: /income 50000 salary"),
    BotCommand("save", "Log savings: /save 2000 mutual fund"),
    BotCommand("recent", "Your last entries"),
    BotCommand("ask", "Ask a question about your spending"),
    *(BotCommand(q.command, q.title) for q in questions.QUESTIONS),
    BotCommand("help", "What I can do"),
]


@dataclass
class Runtime:
    """What handlers share: built in post_init, released in post_shutdown."""

    settings: Settings
    engine: Engine | None = None
    sessions: sessionmaker[Session] | None = None


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]  # type: ignore[no-any-return]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register the person and greet them."""
    rt = runtime(context)
    assert update.effective_user and update.effective_chat and update.effective_message and rt.sessions
    with session_scope(rt.sessions) as session:
        ledger.ensure_user(
            session=session,
            telegram_id=update.effective_user.id,
            chat_id=update.effective_chat.id,
            defaults=ledger.UserDefaults(rt.settings.default_timezone, rt.settings.default_currency),
        )
    await update.effective_message.reply_text(
        "Hi! Tell me what you spend and I'll point out the leaks.\n"
        "Try: 250 dining upi · /income 50000 salary · 120 swiggy gpay 9pm"
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands."""
    assert update.effective_message
    await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)


async def log_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an entry from /spend, /income, /save or a plain message that starts with an amount."""
    rt = runtime(context)
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message and user and chat and rt.sessions
    text = message.text or ""
    if not text.startswith("/") and not looks_like_entry(text):
        await message.reply_text(
            "Send an amount and a category, e.g. 250 dining upi. /help lists everything."
        )
        return
    try:
        with session_scope(rt.sessions) as session:
            owner = ledger.ensure_user(
                session=session,
                telegram_id=user.id,
                chat_id=chat.id,
                defaults=ledger.UserDefaults(rt.settings.default_timezone, rt.settings.default_currency),
            )
            logged = ledger.log_text(
                session=session,
                user=owner,
                text=text,
                now=message.date.astimezone(UTC) if message.date else datetime.now(UTC),
                source_ref=f"chat:{chat.id}:{message.message_id}",
            )
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(render_entry(logged.entry), parse_mode=ParseMode.HTML)


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the person's last entries."""
    rt = runtime(context)
    message, user = update.effective_message, update.effective_user
    assert message and user and rt.sessions
    with session_scope(rt.sessions) as session:
        owner = ledger.find_user(session=session, telegram_id=user.id)
        rows = ledger.recent(session=session, user=owner, limit=10) if owner else []
    if not rows:
        await message.reply_text("Nothing logged yet. Try: 250 dining upi")
        return
    await message.reply_text("\n".join(render_entry(e, short=True) for e in rows), parse_mode=ParseMode.HTML)


def render_entry(e: ledger.EntryView, *, short: bool = False) -> str:
    """One entry as HTML: amount, category, mode, when, and the verdict."""
    head = f"{html.escape(e.amount)} {html.escape(e.category)} · {html.escape(e.payment_mode)}"
    when = f"{e.local_date:%d %b} {e.local_time} ({e.time_block.lower()})"
    if short:
        return f"#{e.id} {head} · {when} · {html.escape(e.verdict)}"
    note = f"\n<i>{html.escape(e.note)}</i>" if e.note else ""
    return f"<b>{head}</b>\n{when}{note}\n{html.escape(e.verdict)}"


def _owner(session: Session, rt: Runtime, update: Update) -> User:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    return ledger.ensure_user(
        session=session,
        telegram_id=user.id,
        chat_id=chat.id if chat else None,
        defaults=ledger.UserDefaults(rt.settings.default_timezone, rt.settings.default_currency),
    )


def answer_question(rt: Runtime, update: Update, question_id: str, year: int | None) -> str:
    """Ask one question for the person behind update and render the reply."""
    assert rt.sessions
    with session_scope(rt.sessions) as session:
        owner = _owner(session, rt, update)
        result = questions.ask(session=session, user=owner, question_id=question_id, year=year)
        reply = render.answer_html(result)
        if not result.rows:
            return reply
        if question_id == "top_leak_contexts_by_month":
            today = ledger.local_datetime(datetime.now(UTC), owner.timezone).date()
            leaks = questions.largest_leaks(session=session, user=owner, year=today.year, month=today.month)
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
        reply = answer_question(runtime(context), update, question.id, year)
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
        await query.answer("That button is not one of mine.", show_alert=False)
        return
    await query.answer()
    reply = answer_question(runtime(context), update, question_id, None)
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, reply, parse_mode=ParseMode.HTML)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and apologise without details."""
    log.error("update failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        await update.effective_message.reply_text("Sorry, something went wrong on my side. Please try again.")


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    rt: Runtime = application.bot_data["runtime"]
    rt.engine = make_engine(rt.settings.database_url)
    rt.sessions = make_session_factory(rt.engine)
    await application.bot.set_my_commands(COMMANDS)


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    rt: Runtime = application.bot_data["runtime"]
    if rt.engine is not None:
        rt.engine.dispose()


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The one factory for the bot: `leakbot run` and the tests both use it."""
    assert settings.telegram_bot_token is not None
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data["runtime"] = Runtime(settings=settings)
    allowed = (
        filters.User(user_id=list(settings.allowed_user_ids)) if settings.allowed_user_ids else filters.ALL
    )
    application.add_handler(CommandHandler("start", start, filters=allowed))
    application.add_handler(CommandHandler("help", help_command, filters=allowed))
    application.add_handler(CommandHandler(["spend", "income", "save"], log_message, filters=allowed))
    application.add_handler(CommandHandler("recent", recent, filters=allowed))
    application.add_handler(
        CommandHandler(list(questions.QUESTIONS_BY_COMMAND), question_command, filters=allowed)
    )
    application.add_handler(CommandHandler("ask", ask_menu, filters=allowed))
    application.add_handler(CallbackQueryHandler(ask_button, pattern=r"^ask:"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & allowed, log_message))
    application.add_error_handler(error_handler)
    return application
