"""What LeakBot learnt: /model (which model speaks for you, against the rule) and
/subscriptions (recurring charges found, to confirm or dismiss); plus the jobs that retrain
models nightly and remind people of renewals."""

from __future__ import annotations

import html
import logging
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot import callbacks
from bot.runtime import in_db_thread, runtime, with_person
from db.models import User
from db.session import session_scope
from services import charts, ledger, modeling, subscriptions
from services.errors import LeakBotError
from services.money import format_money

log = logging.getLogger(__name__)


async def model(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the model in use (or that the rules decide), its metrics and a confusion matrix."""
    message = update.effective_message
    assert message

    def work(session: Session, person: User) -> tuple[modeling.ModelStatus, bytes | None]:
        shown = modeling.status(session, person)
        picture = charts.confusion_matrix_png(shown.confusion, shown.title) if shown.confusion else None
        return shown, picture

    shown, picture = await with_person(update, context, work)
    text = "\n".join(html.escape(line) for line in shown.lines)
    if picture is None:
        await message.reply_text(text, parse_mode=ParseMode.HTML)
    else:
        await message.reply_photo(picture, caption=text[:1024], parse_mode=ParseMode.HTML)


def _today(person: User) -> date:
    return ledger.local_datetime(datetime.now(UTC), person.timezone).date()


def _keyboard(subscription_id: int, status: str) -> InlineKeyboardMarkup:
    """Dismiss, plus "Yes, a subscription" while it is not confirmed yet."""
    dismiss = InlineKeyboardButton("Dismiss", callback_data=callbacks.encode("sd", subscription_id))
    if status == "confirmed":
        return InlineKeyboardMarkup([[dismiss]])
    confirm = InlineKeyboardButton(
        "Yes, a subscription", callback_data=callbacks.encode("sc", subscription_id)
    )
    return InlineKeyboardMarkup([[confirm, dismiss]])


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List recurring charges found in the person's spending, one message each with buttons."""
    message = update.effective_message
    assert message

    def work(session: Session, person: User) -> tuple[list[subscriptions.Listed], str]:
        return subscriptions.refresh(session=session, user=person, today=_today(person)), person.currency

    items, currency = await with_person(update, context, work)
    if not items:
        await message.reply_text(
            "No recurring charges found yet. I look for the same payment every week, month or year "
            "(at least three times)."
        )
        return
    monthly = sum(i.detected.monthly_minor for i in items if not i.detected.stopped)
    await message.reply_text(
        f"{len(items)} recurring charges, about {format_money(monthly, currency)} a month "
        f"({format_money(monthly * 12, currency)} a year) for the active ones:"
    )
    for item in items:
        mark = "✅ " if item.status == "confirmed" else ("🆕 " if item.new else "")
        await message.reply_text(
            mark + html.escape(subscriptions.describe(item.detected, currency)),
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(item.id, item.status),
        )


async def subscription_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm (sc) or dismiss (sd) one of the presser's subscriptions."""
    query = update.callback_query
    assert query is not None
    payload = callbacks.decode(query.data)
    if payload is None or payload.action not in ("sc", "sd"):
        await query.answer("That button is not one of mine.")
        return
    status = "confirmed" if payload.action == "sc" else "dismissed"
    try:
        row = await with_person(
            update,
            context,
            lambda s, p: subscriptions.set_status(
                session=s, user=p, subscription_id=payload.a, status=status
            ),
        )
    except LeakBotError as exc:
        await query.answer(str(exc))
        return
    if status == "confirmed":
        await query.answer(f"Noted. I'll remind you before {row.label} renews.")
        await query.edit_message_reply_markup(_keyboard(row.id, row.status))
    else:
        await query.answer("Dismissed: I won't mention it again.")
        await query.edit_message_reply_markup(None)


# --- jobs ------------------------------------------------------------------------------------
async def nightly_training(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Retrain the models when verdicts arrived since the last training."""
    rt = runtime(context)
    assert rt.sessions is not None
    sessions, model_dir = rt.sessions, rt.settings.model_dir

    def train() -> list[str] | None:
        with session_scope(sessions) as session:
            if not modeling.needs_training(session):
                return None
            return modeling.train_all(session, model_dir=model_dir).lines()

    lines = await in_db_thread(context, train)
    if lines is not None:
        log.info("nightly training: %s", "; ".join(lines))


async def renewal_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind people of confirmed subscriptions renewing soon (each renewal once)."""
    rt = runtime(context)
    assert rt.sessions is not None
    sessions = rt.sessions

    def due() -> list[tuple[int, str]]:
        with session_scope(sessions) as session:
            today = datetime.now(UTC).date()
            return [
                (r.user.chat_id or r.user.telegram_id, r.text)
                for r in subscriptions.due_reminders(session=session, today=today)
            ]

    for chat_id, text in await in_db_thread(context, due):
        try:
            await context.bot.send_message(chat_id, text)
        except Forbidden:
            log.info("reminder not delivered: the person blocked the bot")
