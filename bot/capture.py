"""Receipt photos and payment screenshots, and the Confirm / Edit / Cancel buttons under
anything read from a photo or an unknown bank's alert. Nothing is stored before Confirm."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.buttons import ID, Action
from bot.entries import logged_keyboard
from bot.render import capture as render
from bot.render import entries as render_entries
from bot.runtime import call, models, person_of
from services.capture.receipts import MAX_IMAGE_BYTES, ImageRefused
from services.errors import LeakBotError, NotFound
from services.ledger.captures import Pending
from services.timing import local_datetime
from services.usecases import capture

TOO_BIG = f"That image is over {MAX_IMAGE_BYTES // (1024 * 1024)} MB; send a smaller photo of the receipt."


def capture_keyboard(held: Pending) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Confirm", callback_data=CONFIRM.data(held.id)),
                InlineKeyboardButton("Edit", callback_data=EDIT.data(held.id)),
                InlineKeyboardButton("Cancel", callback_data=CANCEL.data(held.id)),
            ]
        ]
    )


async def send_proposal(message: Message, held: Pending) -> None:
    await message.reply_text(
        render.proposal_reply(held).html, parse_mode=ParseMode.HTML, reply_markup=capture_keyboard(held)
    )


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Read a photo (or an image sent as a file) off the event loop and propose its spend."""
    message, chat = update.effective_message, update.effective_chat
    assert message and chat
    if message.photo:
        biggest = message.photo[-1]
        file_id, size = biggest.file_id, biggest.file_size
    else:
        assert message.document is not None
        file_id, size = message.document.file_id, message.document.file_size
    if size is not None and size > MAX_IMAGE_BYTES:
        await message.reply_text(TOO_BIG)
        return
    person = await person_of(update, context)
    today = local_datetime(datetime.now(UTC), person.timezone).date()
    data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    working = await message.reply_text("Reading your photo…")
    try:
        reading = await asyncio.to_thread(capture.read_photo, data=data, today=today)
    except ImageRefused as refused:
        await working.edit_text(str(refused))
        return
    now = message.date.astimezone(UTC) if message.date else datetime.now(UTC)
    held = await call(
        update,
        context,
        capture.propose,
        proposal=reading.proposal,
        source_ref=f"photo:{chat.id}:{message.message_id}",
        now=now,
    )
    await working.edit_text(
        render.proposal_reply(held, reading.scaled_from).html,
        parse_mode=ParseMode.HTML,
        reply_markup=capture_keyboard(held),
    )


async def _held(update: Update, context: ContextTypes.DEFAULT_TYPE, use_case, **arguments):  # type: ignore[no-untyped-def]
    try:
        return await call(update, context, use_case, **arguments)
    except NotFound as exc:
        raise LeakBotError(str(exc)) from exc


async def confirm_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, pending_id: int) -> None:
    """Store the capture; the message becomes the entry with its usual buttons."""
    query = update.callback_query
    assert query is not None
    logged = await _held(
        update,
        context,
        capture.confirm_capture,
        pending_id=pending_id,
        now=datetime.now(UTC),
        models=models(context),
    )
    await query.answer("Logged." if logged.created else "Already logged.")
    await query.edit_message_text(
        render_entries.logged_reply(logged).html,
        parse_mode=ParseMode.HTML,
        reply_markup=logged_keyboard(logged),
    )


async def edit_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, pending_id: int) -> None:
    """Give the capture back as a line to fix and send."""
    query = update.callback_query
    assert query is not None
    line = await _held(update, context, capture.edit_capture, pending_id=pending_id, now=datetime.now(UTC))
    await query.answer()
    await query.edit_message_text(render.edit_prompt(line).html, parse_mode=ParseMode.HTML)


async def cancel_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, pending_id: int) -> None:
    query = update.callback_query
    assert query is not None
    held = await _held(update, context, capture.cancel_capture, pending_id=pending_id, now=datetime.now(UTC))
    await query.answer("Cancelled.")
    await query.edit_message_text(render.cancelled(held))


CONFIRM = Action("ok", (ID,), confirm_pressed)
EDIT = Action("ed", (ID,), edit_pressed)
CANCEL = Action("no", (ID,), cancel_pressed)
BUTTONS = (CONFIRM, EDIT, CANCEL)
