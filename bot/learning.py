"""What LeakBot learnt: /model (which model speaks for you, against the rule) and
/subscriptions (recurring charges found, to confirm or dismiss); plus the jobs that retrain
models nightly and remind people of renewals."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import pacing
from bot.buttons import ID, Action
from bot.pacing import BroadcastPacer
from bot.render import learning as render
from bot.runtime import call, in_session, models, runtime
from services.usecases import learning

if TYPE_CHECKING:
    from services.insights.subscriptions import Reminder

log = logging.getLogger(__name__)


async def model(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the model in use (or that the rules decide), its metrics and a confusion matrix."""
    message = update.effective_message
    assert message
    service = models(context)
    shown = await call(update, context, learning.model_status, models=service)
    text = render.status_reply(shown.status).html
    if shown.confusion_png is None:
        await message.reply_text(text, parse_mode=ParseMode.HTML)
    else:
        await message.reply_photo(shown.confusion_png, caption=text[:1024], parse_mode=ParseMode.HTML)


def _keyboard(found: learning.Subscriptions) -> InlineKeyboardMarkup | None:
    """A row per charge shown: "Yes: Netflix" while it is not confirmed, and "Dismiss"."""
    rows = []
    for k, item in enumerate(found.items[: render.SHOWN_SUBSCRIPTIONS], start=1):
        dismiss = InlineKeyboardButton(f"Dismiss {k}", callback_data=DISMISS.data(item.id))
        if item.status == "confirmed":
            rows.append([dismiss])
        else:
            confirm = InlineKeyboardButton(
                f"Yes: {item.detected.label}"[:40], callback_data=CONFIRM.data(item.id)
            )
            rows.append([confirm, dismiss])
    return InlineKeyboardMarkup(rows) if rows else None


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List recurring charges found in the person's spending, in one message with buttons."""
    message = update.effective_message
    assert message
    found = await call(update, context, learning.subscriptions, now=datetime.now(UTC))
    if not found.items:
        await message.reply_text(render.NO_SUBSCRIPTIONS)
        return
    await message.reply_text(
        render.subscriptions_reply(found).html, parse_mode=ParseMode.HTML, reply_markup=_keyboard(found)
    )


async def _set_subscription(
    update: Update, context: ContextTypes.DEFAULT_TYPE, subscription_id: int, confirmed: bool
) -> None:
    query = update.callback_query
    assert query is not None
    row = await call(
        update, context, learning.set_subscription, subscription_id=subscription_id, confirmed=confirmed
    )
    if confirmed:
        await query.answer(f"Noted. I'll remind you before {row.label} renews.")
    else:
        await query.answer("Dismissed: I won't mention it again.")
    found = await call(update, context, learning.subscriptions, now=datetime.now(UTC))
    text = render.subscriptions_reply(found).html if found.items else render.NO_SUBSCRIPTIONS
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=_keyboard(found))


async def confirm_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, subscription_id: int) -> None:
    """Confirm a recurring charge: reminders before it renews."""
    await _set_subscription(update, context, subscription_id, True)


async def dismiss_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, subscription_id: int) -> None:
    """Dismiss a recurring charge: it is not mentioned again."""
    await _set_subscription(update, context, subscription_id, False)


# --- jobs ------------------------------------------------------------------------------------
async def nightly_training(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Retrain the models when verdicts arrived since the last training."""
    service = models(context)
    report = await runtime(context).run_at_length(
        lambda turn: learning.nightly_training(turn=turn, models=service)
    )
    if report is not None:
        log.info("nightly training: %s", "; ".join(render.training_lines(report)))


async def renewal_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind people of confirmed subscriptions renewing soon (each renewal once), side by side
    through the scheduled sends' pacer: a second reminder to one chat waits out its second
    without holding up anyone else's."""
    today = datetime.now(UTC).date()
    due = await in_session(context, lambda s: learning.renewal_reminders(session=s, today=today))
    pacer = pacing.shared(context.bot_data)
    await asyncio.gather(*(_remind(context.bot, pacer, reminder) for reminder in due))


async def _remind(bot: Bot, pacer: BroadcastPacer, reminder: Reminder) -> None:
    """Send one reminder in its turn; one that cannot be delivered does not stop the others."""
    try:
        async with pacer.turn(reminder.chat_id):
            await bot.send_message(
                reminder.chat_id, render.reminder_text(reminder), reply_markup=_reminder_keyboard(reminder)
            )
    except Forbidden:
        log.info("reminder not delivered: the person blocked the bot")
    except TelegramError as exc:
        log.warning("reminder not delivered: %s", exc)


def _reminder_keyboard(reminder: Reminder) -> InlineKeyboardMarkup | None:
    """Yes, still using / Remind me to cancel, on the check before a renewal."""
    if reminder.cancelling or not reminder.subscription_id:
        return None
    keep = InlineKeyboardButton("Yes, still using", callback_data=STILL_USING.data(reminder.subscription_id))
    cancel = InlineKeyboardButton(
        "Remind me to cancel", callback_data=TO_CANCEL.data(reminder.subscription_id)
    )
    return InlineKeyboardMarkup([[keep, cancel]])


async def still_using_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, subscription_id: int
) -> None:
    """Keep the subscription: checked again before its next renewal."""
    query = update.callback_query
    assert query is not None
    row = await call(
        update, context, learning.set_subscription, subscription_id=subscription_id, confirmed=True
    )
    await query.answer(f"Good. I'll ask again before {row.label} renews next time.")
    await query.edit_message_reply_markup(None)


async def to_cancel_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, subscription_id: int) -> None:
    """Remind the person the day before it renews, to cancel it then."""
    query = update.callback_query
    assert query is not None
    row = await call(update, context, learning.plan_to_cancel, subscription_id=subscription_id)
    await query.answer(f"I'll remind you the day before {row.label} renews, to cancel it.")
    await query.edit_message_reply_markup(None)


CONFIRM = Action("sc", (ID,), confirm_pressed)
STILL_USING = Action("sk", (ID,), still_using_pressed)
TO_CANCEL = Action("sx", (ID,), to_cancel_pressed)
DISMISS = Action("sd", (ID,), dismiss_pressed)
BUTTONS = (CONFIRM, DISMISS, STILL_USING, TO_CANCEL)
