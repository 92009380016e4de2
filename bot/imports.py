"""Files in and out: uploads (with progress, summary, revert and duplicate offers) and /export."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePath

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from bot.buttons import ID, Action, word
from bot.render import imports as render
from bot.render.text import Reply
from bot.runtime import call, call_at_length, models, runtime
from services.errors import LeakBotError, PasswordNeeded, WrongPassword
from services.importing.limits import too_big
from services.importing.options import ImportOptions
from services.ledger.parsing import looks_like_entry
from services.usecases import imports

log = logging.getLogger(__name__)
STATEMENT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls", ".pdf")
STATEMENT_TYPES = {
    "text/csv",
    "text/plain",
    "application/csv",
    "text/comma-separated-values",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
}
PROGRESS_ROWS = 20_000  # files with more rows than this get a progress message that moves
PROGRESS_STEP = 0.25
# A locked PDF waits this long for its password, and takes this many tries.
PASSWORD_WAIT = timedelta(minutes=10)
PASSWORD_TRIES = 3
# The question that asks for a PDF's password starts so: a reply to it is a password,
# even after a restart has lost the file it was for.
PASSWORD_QUESTION = "🔒"


def _refusal(name: str, mime: str | None, size: int | None) -> str | None:
    if size is not None and (refusal := too_big(size)) is not None:
        return refusal
    suffix = PurePath(name).suffix.casefold()
    if suffix not in STATEMENT_SUFFIXES and (mime or "") not in STATEMENT_TYPES:
        return (
            "I can import statements as CSV, Excel (.xlsx, .xls) or PDF. "
            "Download yours from your bank's website or app in one of those and send it."
        )
    return None


@dataclass
class LockedFile:
    """A PDF that waits for its password: where Telegram keeps it, never its bytes."""

    file_id: str
    file_name: str
    asked_at: datetime
    tries: int = 0


class LockedFiles(filters.MessageFilter):
    """The chats whose locked PDF waits for its password, and a filter that lets through
    the text that answers it: any text in such a chat, or a reply to the question."""

    def __init__(self) -> None:
        super().__init__(name="LockedFiles")
        self.waiting: dict[int, LockedFile] = {}

    def filter(self, message: Message) -> bool:
        asked = message.reply_to_message
        from_bot = asked is not None and asked.from_user is not None and asked.from_user.is_bot
        if from_bot and (asked.text or "").startswith(PASSWORD_QUESTION):  # type: ignore[union-attr]
            return True
        found = self.waiting.get(message.chat_id)
        if found is not None and datetime.now(UTC) - found.asked_at > PASSWORD_WAIT:
            del self.waiting[message.chat_id]
            return False
        text = (message.text or "").strip()
        if found is not None and " " in text and looks_like_entry(text):
            return False  # "250 chai" meanwhile is a spend, not a password: nothing is lost
        return found is not None


LOCKED = "locked_files"


def _locked(context: ContextTypes.DEFAULT_TYPE) -> LockedFiles:
    return context.application.bot_data[LOCKED]  # type: ignore[no-any-return]


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Import an uploaded statement (CSV, Excel, PDF): progress, then a summary with Revert,
    then duplicate offers; a locked PDF first asks for its password."""
    message = update.effective_message
    assert message and message.document
    document = message.document
    name = document.file_name or "upload.csv"
    refusal = _refusal(name, document.mime_type, document.file_size)
    if refusal:
        await message.reply_text(refusal)
        return
    progress = await message.reply_text(f"Importing {name}…")  # plain text: the name as it is
    _locked(context).waiting.pop(message.chat_id, None)  # a new file: the locked one is let go
    await _import(update, context, document.file_id, name, progress, ImportOptions())


async def _import(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    file_id: str,
    name: str,
    progress: Message,
    options: ImportOptions,
) -> None:
    """Download the file Telegram keeps and import it, the progress message becoming the
    summary; a locked PDF asks for its password instead."""
    message = update.effective_message
    assert message is not None
    data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
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
            options=options,
        )
    except PasswordNeeded as exc:
        wrong = isinstance(exc, WrongPassword)
        await _ask_password(context, message.chat_id, file_id, name, progress, wrong=wrong)
        return
    except LeakBotError as exc:
        await _edit(progress, Reply.of(f"Nothing imported from {name}: {exc}").html)
        return
    if isinstance(result, imports.DatesQuestion):
        await _edit(progress, render.dates_question(result).html, markup=_date_buttons(result))
        return
    await _summary(context.bot, message.chat_id, result, progress=progress)


async def _ask_password(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    file_id: str,
    name: str,
    progress: Message,
    *,
    wrong: bool,
) -> None:
    """Ask for the locked PDF's password (again, when the last one was wrong), keeping only
    where Telegram holds the file; after PASSWORD_TRIES wrong ones, give up."""
    locked = _locked(context)
    tries = locked.waiting[chat_id].tries + 1 if wrong and chat_id in locked.waiting else 0
    if tries >= PASSWORD_TRIES:
        locked.waiting.pop(chat_id, None)
        refusal = f"Nothing imported from {name}: that password did not open it either."
        await _edit(progress, Reply.of(refusal).html)
        return
    locked.waiting[chat_id] = LockedFile(file_id, name, datetime.now(UTC), tries)
    await _edit(progress, Reply.of(f"{name} is locked with a password.").html)
    said = "That password does not open it. " if wrong else ""
    await context.bot.send_message(
        chat_id,
        f"{PASSWORD_QUESTION} {said}Send me the password of {name}. I use it once to open the file, "
        "never keep it, and delete your message. /cancel to stop.",
        reply_markup=ForceReply(input_field_placeholder="PDF password"),
    )


async def password_given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the waiting locked PDF with the password just sent, and delete that message."""
    message = update.effective_message
    assert message is not None and message.text is not None
    password = message.text.strip()
    try:
        await message.delete()
        deleted = True
    except TelegramError:
        deleted = False
    found = _locked(context).waiting.get(message.chat_id)
    if found is None:
        await context.bot.send_message(
            message.chat_id, "I no longer have the locked file that password was for: send the PDF again."
        )
        return
    opening = f"Opening {found.file_name}…"
    progress = await context.bot.send_message(
        message.chat_id, opening if deleted else f"{opening} (delete your password message)"
    )
    await _import(update, context, found.file_id, found.file_name, progress, ImportOptions(password=password))
    still = _locked(context).waiting.get(message.chat_id)
    if still is found:  # opened, or refused for another reason: nothing waits any more
        del _locked(context).waiting[message.chat_id]


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop waiting for a locked PDF's password."""
    message = update.effective_message
    assert message is not None
    found = _locked(context).waiting.pop(message.chat_id, None)
    await message.reply_text(f"Stopped: {found.file_name} was not imported." if found else "Nothing to stop.")


def _date_buttons(q: imports.DatesQuestion) -> InlineKeyboardMarkup:
    """One date of the file read both ways, a button each (a row each: easy to tap)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    render.long_date(q.day_first), callback_data=DATES.data(q.import_id, "DMY")
                )
            ],
            [
                InlineKeyboardButton(
                    render.long_date(q.month_first), callback_data=DATES.data(q.import_id, "MDY")
                )
            ],
        ]
    )


def _summary_buttons(summary: imports.ImportSummary) -> InlineKeyboardMarkup | None:
    """Revert (when something was imported), and the other reading of what was in doubt."""
    rows = []
    if summary.imported:
        rows.append(
            [InlineKeyboardButton("Revert this import", callback_data=REVERT.data(summary.import_id))]
        )
    other_way = [
        InlineKeyboardButton(render.SWAP_DATES, callback_data=SWAP.data(summary.import_id))
        if doubt == "dates"
        else InlineKeyboardButton(render.FLIP_SIGNS, callback_data=FLIP.data(summary.import_id))
        for doubt, _line in render.doubts(summary)
    ]
    if other_way and summary.imported:  # nothing read to read again the other way
        rows.append(other_way)
    return InlineKeyboardMarkup(rows) if rows else None


async def _summary(bot: Bot, chat_id: int, result: imports.Imported, *, progress: Message | None) -> None:
    """The import's summary with its Revert button (in place of the progress message when
    there is one), then one offer per chat spend that looks like an imported row."""
    summary = result.summary
    revert = _summary_buttons(summary)
    if progress is not None:
        await _edit(progress, render.summary_reply(summary).html, markup=revert)
    else:
        await bot.send_message(
            chat_id, render.summary_reply(summary).html, parse_mode=ParseMode.HTML, reply_markup=revert
        )
    pairs = result.possible_duplicates
    if not pairs:
        return
    shown = pairs[: render.SHOWN_DUPLICATES]
    rows = [
        [
            InlineKeyboardButton(f"Merge {k}", callback_data=MERGE.data(chat_entry.id, imported.id)),
            InlineKeyboardButton(f"Keep both {k}", callback_data=KEEP_BOTH.data(chat_entry.id, imported.id)),
        ]
        for k, (chat_entry, imported) in enumerate(shown, start=1)
    ]
    if len(pairs) > 1:
        rows.insert(
            0,
            [
                InlineKeyboardButton(
                    f"Merge all {len(pairs)}", callback_data=MERGE_ALL.data(summary.import_id)
                )
            ],
        )
    await bot.send_message(
        chat_id,
        render.duplicates_reply(pairs).html,
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def forget_old_files(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job (daily): delete the statements kept a week for a question nobody answered or a
    reading in doubt."""
    now = datetime.now(UTC)
    gone = await runtime(context).run_in_session(lambda s: imports.forget_old_files(session=s, now=now))
    if gone:
        log.info("deleted %d statement files kept a week", gone)


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


async def dates_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, import_id: int, order: str
) -> None:
    """Import a held file with its dates read as the person tapped."""
    await _read_in_place(update, context, imports.read_held, import_id=import_id, date_order=order)


async def swap_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, import_id: int) -> None:
    """Re-import in place with day and month swapped."""
    await _read_in_place(update, context, imports.read_again, import_id=import_id, swap_dates=True)


async def flip_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, import_id: int) -> None:
    """Re-import in place with debits and credits the other way round."""
    await _read_in_place(update, context, imports.read_again, import_id=import_id, flip_sign=True)


async def _read_in_place(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    use_case: Callable[..., imports.Imported],
    **arguments: object,
) -> None:
    """Read an import's kept file (again) as the button says; its summary replaces the
    message the button was on. A refusal answers the tap and changes nothing."""
    query = update.callback_query
    assert query is not None
    message = query.message if isinstance(query.message, Message) else None
    chat_id = update.effective_chat.id if update.effective_chat else query.from_user.id
    try:
        result = await call_at_length(update, context, use_case, models=models(context), **arguments)
    except LeakBotError as exc:
        await _answer(query, str(exc))
        return
    await _answer(query, None)
    await _summary(context.bot, chat_id, result, progress=message)


async def _answer(query: CallbackQuery, text: str | None) -> None:
    try:  # after a long import the tap may be too old to answer: the summary says it all
        await query.answer(text)
    except TelegramError as exc:
        log.warning("could not answer the button: %s", exc)


async def merge_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, imported_id: int
) -> None:
    """Merge a chat spend into the statement row that is the same money."""
    merged = await call(
        update, context, imports.merge_duplicate, chat_entry_id=chat_id, imported_entry_id=imported_id
    )
    await _answered(update, render.merged(merged))


async def merge_all_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, import_id: int) -> None:
    """Merge every chat spend that looks like a row of this import."""
    merged = await call(update, context, imports.merge_all_duplicates, import_id=import_id)
    await _answered(update, render.merged_all(merged))


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
MERGE_ALL = Action("ma", (ID,), merge_all_pressed)  # the import's id
DATES = Action("dt", (ID, word(("DMY", "MDY"))), dates_pressed)  # held import id, the order tapped
SWAP = Action("sw", (ID,), swap_pressed)
FLIP = Action("fs", (ID,), flip_pressed)
BUTTONS = (REVERT, MERGE, KEEP_BOTH, DATES, SWAP, FLIP, MERGE_ALL)
