"""The person's own account: /settings, location, /budget, /forget."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.buttons import ID, NOT_MINE, Action
from bot.render import account as render
from bot.runtime import call, in_session
from services.usecases import account, people


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings, or change one: /settings NAME VALUE."""
    message = update.effective_message
    assert message
    args = context.args or []
    if not args:
        shown = await call(update, context, account.settings)
        await message.reply_text(render.settings_reply(shown).html, parse_mode=ParseMode.HTML)
        return
    if len(args) < 2:
        await message.reply_text("Usage: /settings NAME VALUE, e.g. /settings timezone Europe/London")
        return
    name, value = args[0], " ".join(args[1:])
    change = await call(update, context, account.change_setting, name=name, value=value)
    await message.reply_text(render.changed(change))


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the time zone from a shared location."""
    message = update.effective_message
    assert message and message.location
    lat, lng = message.location.latitude, message.location.longitude
    change = await call(update, context, account.set_timezone_at, latitude=lat, longitude=lng)
    await message.reply_text(f"Time zone set to {change.now.timezone}.")


async def budget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List budgets, or set one: /budget CATEGORY AMOUNT, /budget leaks AMOUNT, /budget X off."""
    message = update.effective_message
    assert message
    args = context.args or []
    now = datetime.now(UTC)
    if not args:
        now_used = await call(update, context, account.budgets, now=now)
        await message.reply_text(render.budgets_reply(now_used).html, parse_mode=ParseMode.HTML)
        return
    if len(args) < 2:
        await message.reply_text(
            "Usage: /budget CATEGORY AMOUNT, e.g. /budget dining 3000 or /budget leaks 2000"
        )
        return
    target, amount = " ".join(args[:-1]), args[-1]
    change = await call(update, context, account.set_budget, target=target, amount=amount)
    await message.reply_text(render.budget_changed(change))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting everything about the person."""
    message, sender = update.effective_message, update.effective_user
    assert message and sender
    await message.reply_text(
        "This deletes every entry, import, budget and setting of yours. Sure?",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Yes, delete everything", callback_data=FORGET.data(sender.id))]]
        ),
    )


async def forget_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, telegram_id: int) -> None:
    """Delete everything, if the presser is the person the button was made for."""
    query, sender = update.callback_query, update.effective_user
    assert query is not None and sender is not None
    if telegram_id != sender.id:
        await query.answer(NOT_MINE)
        return
    await in_session(context, lambda s: people.forget(session=s, telegram_id=sender.id))
    await query.answer("Deleted.")
    await query.edit_message_text("Everything about you is deleted. Send /start to begin again.")


FORGET = Action("fg", (ID,), forget_pressed)  # the presser's own Telegram id
BUTTONS = (FORGET,)
