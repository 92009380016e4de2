"""The person's own account: /settings, location, /budget, /forget."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import callbacks, render
from bot.runtime import in_db_thread, runtime, with_person
from db.models import User
from db.session import session_scope
from services import budgets, ledger, preferences
from services.errors import LeakBotError
from services.wording import counted


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings, or change one: /settings NAME VALUE."""
    message = update.effective_message
    assert message
    args = context.args or []
    if not args:
        view = await with_person(update, context, lambda s, p: preferences.view(p))
        await message.reply_text(render.preferences_html(view), parse_mode=ParseMode.HTML)
        return
    if len(args) < 2:
        await message.reply_text("Usage: /settings NAME VALUE, e.g. /settings timezone Europe/London")
        return
    name, value = args[0], " ".join(args[1:])
    try:
        change = await with_person(
            update, context, lambda s, p: preferences.change(session=s, user=p, setting=name, value=value)
        )
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    rescored = f" {counted(change.rescored, 'entry', 'entries')} re-scored." if change.rescored else ""
    await message.reply_text(f"{change.setting} is now {change.value}.{rescored}")


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the time zone from a shared location."""
    message = update.effective_message
    assert message and message.location
    lat, lng = message.location.latitude, message.location.longitude

    def act(session: Session, person: User) -> preferences.Change:
        zone = preferences.timezone_at(latitude=lat, longitude=lng)
        return preferences.change(session=session, user=person, setting="timezone", value=zone)

    try:
        change = await with_person(update, context, act)
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(f"Time zone set to {change.value}.")


async def budget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List budgets, or set one: /budget CATEGORY AMOUNT, /budget leaks AMOUNT, /budget X off."""
    message = update.effective_message
    assert message
    args = context.args or []
    if not args:
        today = datetime.now(UTC)
        rows = await with_person(
            update,
            context,
            lambda s, p: budgets.usage(
                session=s, user=p, today=ledger.local_datetime(today, p.timezone).date()
            ),
        )
        await message.reply_text(render.budgets_html(rows), parse_mode=ParseMode.HTML)
        return
    if len(args) < 2:
        await message.reply_text(
            "Usage: /budget CATEGORY AMOUNT, e.g. /budget dining 3000 or /budget leaks 2000"
        )
        return
    target, amount = " ".join(args[:-1]), args[-1]
    try:
        text = await with_person(
            update, context, lambda s, p: budgets.set_budget(session=s, user=p, target=target, amount=amount)
        )
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(text)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting everything about the person."""
    message, sender = update.effective_message, update.effective_user
    assert message and sender
    await message.reply_text(
        "This deletes every entry, import, budget and setting of yours. Sure?",
        reply_markup=render.forget_keyboard(sender.id),
    )


async def forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete everything, if the presser is the person the button was made for."""
    query, sender = update.callback_query, update.effective_user
    assert query is not None and sender is not None
    payload = callbacks.decode(query.data)
    if payload is None or payload.action != "fg" or payload.a != sender.id:
        await query.answer("That button is not one of mine.")
        return
    rt = runtime(context)
    assert rt.sessions is not None
    sessions = rt.sessions

    def wipe() -> bool:
        with session_scope(sessions) as session:
            person = ledger.find_user(session=session, telegram_id=sender.id)
            if person is not None:
                ledger.forget(session=session, user=person)
            return person is not None

    await in_db_thread(context, wipe)
    await query.answer("Deleted.")
    await query.edit_message_text("Everything about you is deleted. Send /start to begin again.")
