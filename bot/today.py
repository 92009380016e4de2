"""/today and /month: spent so far, leaks, what is left in each budget, against last month."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.render.today import so_far_reply
from bot.runtime import call
from services.usecases import today


async def today_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what was spent today, against last month's usual day."""
    assert update.effective_message
    shown = await call(update, context, today.today, now=datetime.now(UTC))
    await update.effective_message.reply_text(so_far_reply(shown).html, parse_mode=ParseMode.HTML)


async def month_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what was spent this month so far, against last month to the same day."""
    assert update.effective_message
    shown = await call(update, context, today.this_month, now=datetime.now(UTC))
    await update.effective_message.reply_text(so_far_reply(shown).html, parse_mode=ParseMode.HTML)
