"""CSV in and out: uploads (with progress, summary, revert and duplicate offers) and /export."""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath

from sqlalchemy.orm import Session
from telegram import InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import callbacks, render
from bot.runtime import runtime, with_person
from db.models import User
from services import corrections, importing, matching, modeling
from services.errors import LeakBotError
from services.export import export_csv
from services.importing.reader import MAX_FILE_BYTES
from services.wording import counted

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
    if size is not None and size > MAX_FILE_BYTES:
        return (
            f"That file is {size / 1_048_576:.1f} MB; I take CSV files up to "
            f"{MAX_FILE_BYTES // 1_048_576} MB. Split it by date and send the parts."
        )
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
    progress = await message.reply_text(f"Importing {name}…")
    data = bytes(await (await document.get_file()).download_as_bytearray())
    loop = asyncio.get_running_loop()
    reported = [0.0]

    def on_progress(done: int, total: int) -> None:
        share = done / total if total else 1.0
        if total >= PROGRESS_ROWS and share - reported[0] >= PROGRESS_STEP and share < 1:
            reported[0] = share
            asyncio.run_coroutine_threadsafe(_edit(progress, f"Importing {name}… {share:.0%}"), loop)

    model_dir = runtime(context).settings.model_dir

    def work(session: Session, person: User) -> tuple[importing.ImportSummary, list]:
        summary = importing.import_csv(
            session=session, user=person, data=data, file_name=name, on_progress=on_progress
        )
        modeling.predict_import(session, person, summary.import_id, model_dir=model_dir)
        return summary, matching.possible_duplicates(
            session=session, user=person, import_id=summary.import_id
        )

    try:
        summary, duplicates = await with_person(update, context, work)
    except LeakBotError as exc:
        await _edit(progress, f"Nothing imported from {name}: {exc}")
        return
    revert = render.revert_keyboard(summary.import_id) if summary.imported else None  # nothing to undo
    await _edit(progress, render.import_summary_html(summary), markup=revert)
    for chat_entry, imported in duplicates:
        await message.reply_text(
            render.duplicate_html(chat_entry, imported),
            parse_mode=ParseMode.HTML,
            reply_markup=render.duplicate_keyboard(chat_entry.id, imported.id),
        )


async def _edit(message: Message, text: str, *, markup: object = None) -> None:
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)  # type: ignore[arg-type]
    except TelegramError as exc:  # e.g. "message is not modified"
        log.warning("could not edit the progress message: %s", exc)


async def import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Revert an import, or merge / keep a possible duplicate."""
    query = update.callback_query
    assert query is not None
    payload = callbacks.decode(query.data)
    if payload is None or payload.action not in ("rv", "mg", "kp"):
        await query.answer("That button is not one of mine.")
        return

    def act(session: Session, person: User) -> str:
        if payload.action == "rv":
            removed = importing.revert_import(session=session, user=person, import_id=payload.a)
            return f"Import #{payload.a} reverted: {counted(removed, 'entry', 'entries')} removed."
        if payload.action == "kp":
            assert payload.b is not None
            for entry_id in (payload.a, payload.b):  # only the owner's own offer can be answered
                corrections.owned_entry(session, person, entry_id)
            return "Kept both."
        assert payload.b is not None
        merged = matching.merge(session=session, user=person, chat_id=payload.a, imported_id=payload.b)
        return f"Merged into #{merged.id}: {merged.amount} {merged.category} on {merged.local_date}."

    try:
        text = await with_person(update, context, act)
    except LeakBotError as exc:
        await query.answer(str(exc))
        return
    await query.answer()
    await query.edit_message_text(text)


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the person's data as CSV in LeakBot's own format."""
    message = update.effective_message
    assert message
    data = await with_person(update, context, lambda s, p: export_csv(session=s, user=p))
    rows = data.count(b"\n") - 1
    await message.reply_document(
        InputFile(data, filename="leakbot-export.csv"),
        caption=f"{counted(rows, 'entry', 'entries')}. Send this file back to import it.",
    )
