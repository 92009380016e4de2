"""/plan: the changes that would save the most, each with a button to adopt it as a goal."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.buttons import ID, Action, Arg, word
from bot.render import plan as render
from bot.runtime import call
from services.insights.advice import SLICES, Habit, Plan, Renewals
from services.usecases import planning

TARGET = Arg(r"[mc]_[a-z0-9_]{1,40}", str)  # m_zomato, c_dining_out (services/insights/merchants.slug)


def _keyboard(p: Plan) -> InlineKeyboardMarkup | None:
    adopted = {g.title for g in p.goals}
    rows = []
    for a in p.actions:
        if isinstance(a, Habit) and a.title not in adopted:
            rows.append(
                [InlineKeyboardButton(f"Adopt: {a.title}", callback_data=ADOPT.data(a.target, a.slice))]
            )
        elif isinstance(a, Renewals):
            rows += [
                [
                    InlineKeyboardButton(
                        f"Remind me to cancel {render.subscription_name(label)}",
                        callback_data=CANCEL.data(sub_id),
                    )
                ]
                for sub_id, label in a.to_cancel[:3]
            ]
    return InlineKeyboardMarkup(rows) if rows else None


async def plan_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the three changes that would save the most, and the goals' progress."""
    message = update.effective_message
    assert message
    found = await call(update, context, planning.make_plan, now=datetime.now(UTC))
    await message.reply_text(
        render.plan_reply(found).html, parse_mode=ParseMode.HTML, reply_markup=_keyboard(found)
    )


async def adopt_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, target: str, slice_code: str
) -> None:
    """Adopt a suggested change as a goal; the plan message shows it among the goals."""
    query = update.callback_query
    assert query is not None
    found = await call(
        update, context, planning.adopt_goal, target=target, slice_code=slice_code, now=datetime.now(UTC)
    )
    await query.answer("Adopted. Your weekly digest will say how it goes.")
    await query.edit_message_text(
        render.plan_reply(found).html, parse_mode=ParseMode.HTML, reply_markup=_keyboard(found)
    )


async def cancel_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, subscription_id: int) -> None:
    """Mark the subscription to cancel: the day before it renews, a reminder says so."""
    query = update.callback_query
    assert query is not None
    found = await call(
        update, context, planning.plan_to_cancel, subscription_id=subscription_id, now=datetime.now(UTC)
    )
    await query.answer("I'll remind you the day before it renews, to cancel it.")
    await query.edit_message_text(
        render.plan_reply(found).html, parse_mode=ParseMode.HTML, reply_markup=_keyboard(found)
    )


ADOPT = Action("pa", (TARGET, word(SLICES)), adopt_pressed)
CANCEL = Action("pc", (ID,), cancel_pressed)
BUTTONS = (ADOPT, CANCEL)
