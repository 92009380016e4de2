"""Build the Telegram Application from settings: the one factory `leakbot run` and the tests use."""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import time as dtime

from telegram import BotCommand, MenuButtonWebApp, Update, WebAppInfo
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import (
    account,
    buttons,
    capture,
    categories,
    digests,
    entries,
    health,
    imports,
    learning,
    outbox,
    planning,
    questions,
    redaction,
    reports,
    teaching,
    today,
)
from bot.intake import OnePersonAtATime
from bot.outbox import KEPT_RETRY_EVERY_S, KeepingBot, Postponed
from bot.request import AnsweredLate, RetryingRequest
from bot.runtime import (
    FORGET_HANDLED_EVERY_S,
    LONG_WORKERS,
    Runtime,
    db_workers,
    finish_here,
    forget_old_updates,
    mark_finished,
    quick_wait,
    runtime,
    skip_finished,
)
from db.session import make_engine, make_session_factory, write_problem
from services.config import Settings
from services.errors import LeakBotError
from services.learning.serving import ModelService
from services.questions.canned import QUESTIONS

log = logging.getLogger(__name__)
CONCURRENT_UPDATES = 16
BOT_API_CONNECTIONS = 4  # keep-alive connections for replies; getUpdates has its own
NIGHTLY_TRAINING_AT = dtime(3, 0, tzinfo=UTC)  # retrain when new verdicts arrived
RENEWAL_REMINDERS_AT = dtime(4, 0, tzinfo=UTC)  # 09:30 in India
FORGET_FILES_AT = dtime(2, 30, tzinfo=UTC)  # statements kept a week for a question or a doubt
DIGEST_TICK_S = 60  # how often the scheduler looks for due digests
RESUME_IMPORTS_EVERY_S = 60  # how often imports cut off by a stopped process are looked for
FEATURES = (
    entries,
    capture,
    imports,
    account,
    questions,
    reports,
    learning,
    planning,
    teaching,
)  # each lists its BUTTONS
COMMANDS = [
    BotCommand("spend", "Log an expense: /spend 250 dining upi"),
    BotCommand("income", "Log income: /income 50000 salary"),
    BotCommand("save", "Log savings: /save 2000 mutual fund"),
    BotCommand("transfer", "Not spending: /transfer 2000 atm"),
    BotCommand("refund", "Money back: /refund 300 dining"),
    BotCommand("category", "Your own categories: /category add Pets need"),
    BotCommand("recent", "Your last entries: /recent 10"),
    BotCommand("undo", "Remove the last entry"),
    BotCommand("delete", "Remove an entry: /delete 42"),
    BotCommand("edit", "Change an entry: /edit 42 amount 300"),
    BotCommand("export", "Your data as CSV"),
    BotCommand("settings", "Show or change settings"),
    BotCommand("budget", "Monthly limits: /budget dining 3000"),
    BotCommand("today", "Spent today, leaks, budgets left"),
    BotCommand("month", "This month so far against last month"),
    BotCommand("ask", "Ask a question about your spending"),
    *(BotCommand(q.command, q.title) for q in QUESTIONS),
    BotCommand("dashboard", "This month at a glance: /dashboard 2024-05"),
    BotCommand("charts", "Charts of your spending"),
    BotCommand("chart", "One chart: /chart categories 2024"),
    BotCommand("report", "A PDF report: /report 2024-05"),
    BotCommand("digest", "Weekly digest: /digest now, /digest sunday 09:00, off"),
    BotCommand("model", "The model that learns your idea of a leak"),
    BotCommand("teach", "Five quick 'Leak or not?' questions"),
    BotCommand("plan", "The changes that would save you the most"),
    BotCommand("subscriptions", "Recurring charges I found"),
    BotCommand("forget", "Delete everything about you"),
    BotCommand("help", "What I can do"),
]


async def only_allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """With ALLOWED_USER_IDS set, answer anyone else once, politely, and store nothing."""
    rt = runtime(context)
    allowed = rt.settings.allowed_user_ids
    sender = update.effective_user
    if not allowed or (sender is not None and sender.id in allowed):
        return
    if update.callback_query is not None:
        await update.callback_query.answer("This LeakBot is private.")
    elif sender is not None and sender.id not in rt.refused and update.effective_message is not None:
        rt.refused.add(sender.id)
        await update.effective_message.reply_text(
            "Sorry, this LeakBot is private. You can run your own: it is open source."
        )
    await finish_here(update, context)


async def private_chats_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep every ledger out of groups: a command or a button there is answered with a pointer
    to the private chat, other group messages are left alone, and nothing is stored or shown.
    (A group's own shared ledger is for the groups issue.)"""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    pointer = f"I keep your money private: talk to me in a private chat, https://t.me/{context.bot.username}"
    if update.callback_query is not None:
        await update.callback_query.answer(pointer)
    elif update.effective_message is not None and (update.effective_message.text or "").startswith("/"):
        await update.effective_message.reply_text(pointer)
    await finish_here(update, context)


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer commands and messages nobody else took with a short hint."""
    message = update.effective_message
    if message is None:
        return
    if message.text and message.text.startswith("/"):
        command = message.text.split()[0]
        await message.reply_text(f"I don't know {command}. /help lists what I can do.")
    else:
        await message.reply_text(
            "Send what you spent (chai 20), a forwarded bank SMS, a receipt photo, a statement, or /help."
        )


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell a person what was wrong with their input; log anything else and apologise.

    A LeakBotError is bad input (a use case refusing it, with a message safe to show and
    nothing changed): its message is the answer, to a button or to a message. Handlers let it
    come here instead of catching it each."""
    refusal = context.error if isinstance(context.error, LeakBotError) else None
    if isinstance(context.error, AnsweredLate | Postponed):  # it arrived, or it will: say no more
        log.warning("%s", context.error)
        return
    if refusal is None:
        log.error("update failed", exc_info=context.error)
    if not isinstance(update, Update):  # a job: nobody to tell
        if refusal is not None:
            log.warning("a job was refused: %s", refusal)
        return
    if update.callback_query is not None:
        await update.callback_query.answer(str(refusal) if refusal else "Sorry, that failed on my side.")
    elif update.effective_message is not None:
        await update.effective_message.reply_text(
            str(refusal) if refusal else "Sorry, something went wrong on my side. Please try again."
        )


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    rt: Runtime = application.bot_data["runtime"]
    rt.engine = make_engine(rt.settings.database_url)
    rt.sessions = make_session_factory(rt.engine)
    rt.executor = ThreadPoolExecutor(db_workers(rt.engine), thread_name_prefix="leakbot-db")
    rt.long_executor = ThreadPoolExecutor(LONG_WORKERS, thread_name_prefix="leakbot-long")
    rt.quick_wait_s = quick_wait(rt.engine)
    rt.models = ModelService(rt.settings.model_dir, training_threads=rt.settings.training_threads)
    if isinstance(application.bot, KeepingBot):
        application.bot.keep_with(rt)
    if rt.settings.health_port is not None:
        sessions, executor = rt.sessions, rt.executor
        min_free = rt.settings.health_min_free_mb * 1_048_576

        async def probe() -> str | None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                executor, lambda: write_problem(sessions, min_free_bytes=min_free)
            )

        rt.health = await health.serve(rt.settings.health_host, rt.settings.health_port, probe)
    await application.bot.set_my_commands(COMMANDS)
    if (page := rt.settings.webapp_page()) is not None:  # the chat's menu button opens the Mini App
        await application.bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp("Dashboard", WebAppInfo(url=page))
        )


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    rt: Runtime = application.bot_data["runtime"]
    if rt.health is not None:
        rt.health.close()
        await rt.health.wait_closed()
    if rt.long_executor is not None:
        rt.long_executor.shutdown(wait=True)
    if rt.executor is not None:
        rt.executor.shutdown(wait=True)  # in-flight service calls finish
    if rt.engine is not None:
        rt.engine.dispose()


# The event loop and the service threads share the GIL. Every SQLite or PostgreSQL call
# releases it, and getting it back waits out the switch interval (5 ms by default) whenever
# the loop is busy, ten times per message. 0.5 ms keeps that handover short.
GIL_SWITCH_INTERVAL_S = 0.0005


def tune_interpreter() -> None:
    """Process-wide settings for running the bot (`leakbot run` and the bot benchmark)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """Wire every handler; services run off the event loop, updates are handled concurrently."""
    assert settings.telegram_bot_token is not None
    redaction.protect(
        token=settings.telegram_bot_token.get_secret_value(),
        webhook_secret=settings.webhook_secret_value(),
        database_url=settings.database_url,
        message_texts=settings.log_message_texts,
    )
    application = (
        ApplicationBuilder()
        .bot(
            KeepingBot(  # replies that cannot be sent wait in the outbox (bot/outbox.py)
                settings.telegram_bot_token.get_secret_value(),
                base_url=settings.telegram_api_base_url,
                base_file_url=settings.telegram_file_base_url,
                request=RetryingRequest(
                    connection_pool_size=BOT_API_CONNECTIONS,
                    read_timeout=settings.bot_api_timeout,
                    write_timeout=settings.bot_api_timeout,
                ),
                get_updates_request=RetryingRequest(),
            )
        )
        .concurrent_updates(OnePersonAtATime(CONCURRENT_UPDATES))
        .updater(None)  # updates come in through bot/intake.py
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data["runtime"] = Runtime(settings=settings)
    application.add_handler(TypeHandler(Update, skip_finished), group=-3)
    application.add_handler(TypeHandler(Update, only_allowed), group=-2)
    application.add_handler(TypeHandler(Update, private_chats_only), group=-1)
    add = application.add_handler
    add(CommandHandler("start", entries.start))
    add(CommandHandler("help", entries.help_command))
    add(CommandHandler(["spend", "income", "save", "transfer", "refund"], entries.log_message))
    add(CommandHandler("category", categories.category_command))
    add(CommandHandler("recent", entries.recent))
    add(CommandHandler("undo", entries.undo))
    add(CommandHandler("delete", entries.delete))
    add(CommandHandler("edit", entries.edit))
    add(CommandHandler("export", imports.export))
    add(CommandHandler("settings", account.settings))
    add(CommandHandler("budget", account.budget))
    add(CommandHandler("forget", account.forget))
    add(CommandHandler("digest", digests.digest_command))
    add(CommandHandler("chart", reports.chart))
    add(CommandHandler("charts", reports.charts_menu))
    add(CommandHandler("dashboard", reports.dashboard_command))
    add(CommandHandler("report", reports.report_command))
    add(CommandHandler("model", learning.model))
    add(CommandHandler("teach", teaching.teach_command))
    add(CommandHandler("subscriptions", learning.subscriptions_command))
    add(CommandHandler("plan", planning.plan_command))
    add(CommandHandler(list(questions.COMMANDS), questions.question_command))
    add(CommandHandler("ask", questions.ask_menu))
    add(CommandHandler("today", today.today_command))
    add(CommandHandler("month", today.month_command))
    add(buttons.handler_for(action for feature in FEATURES for action in feature.BUTTONS))
    locked = application.bot_data[imports.LOCKED] = imports.LockedFiles()
    add(CommandHandler("cancel", imports.cancel))
    add(MessageHandler(filters.PHOTO | filters.Document.IMAGE, capture.photo))
    add(MessageHandler(filters.Document.ALL, imports.upload))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND & locked, imports.password_given))
    add(MessageHandler(filters.LOCATION, account.location))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND, entries.log_message))
    add(MessageHandler(filters.ALL, unknown))
    application.add_handler(TypeHandler(Update, mark_finished), group=100)
    jobs = application.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is a dependency"
    jobs.run_daily(learning.nightly_training, time=NIGHTLY_TRAINING_AT, name="nightly-training")
    jobs.run_daily(learning.renewal_reminders, time=RENEWAL_REMINDERS_AT, name="renewal-reminders")
    jobs.run_repeating(digests.tick, interval=DIGEST_TICK_S, first=DIGEST_TICK_S, name="digests")
    jobs.run_repeating(
        forget_old_updates, interval=FORGET_HANDLED_EVERY_S, first=60, name="forget-handled-updates"
    )
    jobs.run_repeating(outbox.send_kept, interval=KEPT_RETRY_EVERY_S, first=5, name="send-kept-replies")
    jobs.run_repeating(
        imports.resume_unfinished, interval=RESUME_IMPORTS_EVERY_S, first=1, name="resume-imports"
    )
    jobs.run_daily(imports.forget_old_files, time=FORGET_FILES_AT, name="forget-kept-statements")
    application.add_error_handler(error_handler)
    return application
