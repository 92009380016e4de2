"""Files in and out: uploads (with progress, summary, revert and duplicate offers) and /export."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import PurePath

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.buttons import ID, Action
from bot.render import imports as render
from bot.render.text import Reply
from bot.runtime import call, call_at_length, models, runtime
from services.errors import LeakBotError
from services.importing.limits import too_big
from services.usecases import imports

log = logging.getLogger(__name__)
CSV_TYPES = {
    "text/csv",
    "text/plain",
    "application/csv",
    "text/comma-separated-values",
    "application/vnd.ms-excel",
}
PROGRESS_ROWS = 20_000  # files with more rows than this get a progress message that moves
PROGRESS_STEP = 0.25


def _refusal(name: str, mime: str | None, size: int | None) -> str | None:
    if size is not None and (refusal := too_big(size)) is not None:
        return refusal
    suffix = PurePath(name).suffix.casefold()
    if suffix not in (".csv", ".txt") and (mime or "") not in CSV_TYPES:
        return "I can only import CSV files (.csv). Export your statement as CSV and send that."
    return None


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Import an uploaded CSV: progress, then a summary with Revert, then duplicate offers."""
    message = update.effective_message
    assert message and message.document
    document = message.document
    name = document.file_name or "upload.csv"
    refusal = _refusal(name, document.mime_type, document.file_size)
    if refusal:
        await message.reply_text(refusal)
        return
    progress = await message.reply_text(f"Importing {name}…")  # plain text: the name as it is
    data = bytes(await (await document.get_file()).download_as_bytearray())
    loop = asyncio.get_running_loop()
    reported = [0.0]

    def on_progress(done: int, total: int) -> None:
        share = done / total if total else 1.0
        step = int(share / PROGRESS_STEP) * PROGRESS_STEP  # 25%, 50%, 75%: round figures
        if total >= PROGRESS_ROWS and step > reported[0] and share < 1:
            reported[0] = step
            text = Reply.of(f"Importing {name}… {step:.0%}").html
            asyncio.run_coroutine_threadsafe(_edit(progress, text), loop)

    service = models(context)
    try:
        result = await call_at_length(
            update,
            context,
            imports.import_file,
            data=data,
            file_name=name,
            models=service,
            on_progress=on_progress,
            chat_id=message.chat_id,
        )
    except LeakBotError as exc:
        await _edit(progress, Reply.of(f"Nothing imported from {name}: {exc}").html)
        return
    await _summary(context.bot, message.chat_id, result, progress=progress)


async def _summary(bot: Bot, chat_id: int, result: imports.Imported, *, progress: Message | None) -> None:
    """The import's summary with its Revert button (in place of the progress message when
    there is one), then one offer per chat spend that looks like an imported row."""
    summary = result.summary
    revert = (  # nothing to undo when nothing was imported
        InlineKeyboardMarkup(
            [[InlineKeyboardButton("Revert this import", callback_data=REVERT.data(summary.import_id))]]
        )
        if summary.imported
        else None
    )
    if progress is not None:
        await _edit(progress, render.summary_reply(summary).html, markup=revert)
    else:
        await bot.send_message(
            chat_id, render.summary_reply(summary).html, parse_mode=ParseMode.HTML, reply_markup=revert
        )
    for chat_entry, imported in result.possible_duplicates:
        await bot.send_message(
            chat_id,
            render.duplicate_reply(chat_entry, imported).html,
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("Merge", callback_data=MERGE.data(chat_entry.id, imported.id)),
                        InlineKeyboardButton(
                            "Keep both", callback_data=KEEP_BOTH.data(chat_entry.id, imported.id)
                        ),
                    ]
                ]
            ),
        )


async def resume_unfinished(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job (at start, then every minute): imports a stopped process cut off are run again
    from their kept files, and each person is told and sent the summary."""
    rt = runtime(context)
    found = await rt.run_in_session(lambda s: imports.unfinished_imports(session=s, now=datetime.now(UTC)))
    service = models(context)
    for item in found:
        log.info("resuming import #%s cut off by a stopped process", item.import_id)
        try:
            result = await rt.run_at_length(
                lambda turn, item=item: imports.resume_import(turn=turn, found=item, models=service)  # type: ignore[misc]
            )
        except LeakBotError as exc:
            if item.chat_id is not None:
                await context.bot.send_message(item.chat_id, f"Nothing imported from {item.file_name}: {exc}")
            continue
        if result is None or item.chat_id is None:
            continue
        await context.bot.send_message(
            item.chat_id,
            f"A restart cut off your import of {item.file_name}, so I ran it again from the start.",
        )
        await _summary(context.bot, item.chat_id, result, progress=None)


async def _edit(message: Message, text: str, *, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except TelegramError as exc:  # e.g. "message is not modified"
        log.warning("could not edit the progress message: %s", exc)


async def _answered(update: Update, text: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(text)


async def revert_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, import_id: int) -> None:
    """Remove everything the import added."""
    done = await call(update, context, imports.revert_import, import_id=import_id)
    await _answered(update, render.reverted(done))


async def merge_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, imported_id: int
) -> None:
    """Merge a chat spend into the statement row that is the same money."""
    merged = await call(
        update, context, imports.merge_duplicate, chat_entry_id=chat_id, imported_entry_id=imported_id
    )
    await _answered(update, render.merged(merged))


async def keep_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, imported_id: int
) -> None:
    """Keep both entries."""
    await call(update, context, imports.keep_both, chat_entry_id=chat_id, imported_entry_id=imported_id)
    await _answered(update, "Kept both.")


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the person's data as CSV in LeakBot's own format."""
    message = update.effective_message
    assert message
    done = await call(update, context, imports.export_entries)
    await message.reply_document(
        InputFile(done.data, filename="leakbot-export.csv"), caption=render.export_caption(done)
    )


REVERT = Action("rv", (ID,), revert_pressed)
MERGE = Action("mg", (ID, ID), merge_pressed)  # chat entry id, imported entry id
KEEP_BOTH = Action("kp", (ID, ID), keep_pressed)
BUTTONS = (REVERT, MERGE, KEEP_BOTH)
