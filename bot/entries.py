"""Logging entries and fixing them: /start, /help, /spend, /income, /save, plain amounts,
/recent, /undo, /delete, /edit and the buttons under each logged entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import callbacks, render
from bot.runtime import runtime, with_person
from db.models import User
from services import budgets, corrections, insights, ledger, modeling
from services.catalog import EntryType, categories_of
from services.errors import LeakBotError, NotFound
from services.parsing import looks_like_entry

HELP = """\
<b>LeakBot</b> finds the small spends that add up. Every command with an example:
/spend 250 dining upi — log an expense (or just send <code>250 dining upi</code>)
/spend 120+80 lunch — amounts can add up
/income 50000 salary — log income
/save 2000 mutual fund — log savings
/recent 10 — your last entries with their ids
/undo — remove the last entry
/delete 42 — remove entry #42
/edit 42 amount 300 — change a field (amount, category, mode, context, necessary, recurring, note, date, time)
/export — your data as CSV (send a CSV or bank statement to import)
/settings micro 200 — show or change: timezone, currency, micro, leak_threshold, salary_day, reminder_days
/budget dining 3000 — monthly limits (/budget leaks 2000; /budget lists them)
/ask — the business questions as buttons, or directly:
/monthly 2024 · /nonessential 2024 · /top_categories · /micro_modes · /recurring · /weekdays
/leak_times · /leak_contexts · /savings · /salary_week · /risky_channels · /top_leaks
/salary_jumps · /leak_rate
/dashboard 2024-05 — the month at a glance (a picture and a summary)
/charts — charts as buttons, or /chart categories 2024 (periods: 2024-05, 2024, 30d, all)
/report 2024-05 — a PDF: dashboard, charts and every question
/digest now — last week's digest now (/digest sunday 09:00, /digest off)
/model — the model that learns your idea of a leak
/subscriptions — recurring charges I found
/forget — delete everything about you
Share your location to set your time zone."""
RECENT_DEFAULT, RECENT_MAX = 10, 50


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register the person and greet them with three examples."""
    assert update.effective_message
    await with_person(update, context, lambda session, person: None)
    await update.effective_message.reply_text(
        "Hi! Tell me what you spend and I'll point out the small leaks that add up.\n"
        "Try: 250 dining upi · 120 swiggy gpay 9pm #unplanned · /income 50000 salary"
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List every command with an example."""
    assert update.effective_message
    await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)


def _log(
    session: Session, person: User, text: str, now: datetime, ref: str, model_dir: Path
) -> tuple[ledger.EntryView, list[str]]:
    logged = ledger.log_text(session=session, user=person, text=text, now=now, source_ref=ref)
    if not logged.created:
        return logged.entry, []
    entry, view = logged.row, logged.entry
    if entry.type == "expense":
        probability = modeling.predict_entries(session, person, [entry.id], model_dir=model_dir)
        if entry.id in probability:
            view = replace(view, model_probability=probability[entry.id])
    history = (
        insights.category_history(session=session, user=person, entry=entry)
        if entry.type == "expense"
        else None
    )
    lines = [
        insights.unusual_line(session=session, user=person, entry=entry, history=history),
        insights.pace_line(session=session, user=person, entry=entry, history=history),
    ]
    extra = budgets.alerts_for(session=session, user=person, entry=entry)
    return view, [line for line in lines if line] + extra


async def log_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an entry from /spend, /income, /save or a plain message that starts with an amount."""
    message, chat = update.effective_message, update.effective_chat
    assert message and chat
    text = message.text or ""
    if not text.startswith("/") and not looks_like_entry(text):
        await message.reply_text(
            "Send an amount and a category, e.g. 250 dining upi. /help lists everything."
        )
        return
    now = message.date.astimezone(UTC) if message.date else datetime.now(UTC)
    ref = f"chat:{chat.id}:{message.message_id}"
    try:
        model_dir = runtime(context).settings.model_dir
        view, extra = await with_person(update, context, lambda s, p: _log(s, p, text, now, ref, model_dir))
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(
        render.entry_html(view, extra=extra),
        parse_mode=ParseMode.HTML,
        reply_markup=render.entry_keyboard(view.id, view.type),
    )


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the last entries (default 10) with their ids."""
    message = update.effective_message
    assert message
    args = context.args or []
    if len(args) > 1 or (args and not (args[0].isdigit() and 1 <= int(args[0]) <= RECENT_MAX)):
        await message.reply_text(f"Usage: /recent [n], with n from 1 to {RECENT_MAX}.")
        return
    limit = int(args[0]) if args else RECENT_DEFAULT
    rows = await with_person(update, context, lambda s, p: ledger.recent(session=s, user=p, limit=limit))
    if not rows:
        await message.reply_text("Nothing logged yet. Try: 250 dining upi")
        return
    await message.reply_text("\n".join(render.entry_line(e) for e in rows), parse_mode=ParseMode.HTML)


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove the last logged entry."""
    assert update.effective_message
    try:
        gone = await with_person(update, context, lambda s, p: corrections.undo_last(session=s, user=p))
    except LeakBotError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    await update.effective_message.reply_text(
        f"Removed #{gone.id}: {gone.amount} {gone.category} on {gone.local_date}."
    )


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove one entry by id."""
    message = update.effective_message
    assert message
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        await message.reply_text("Usage: /delete ID, e.g. /delete 42 (/recent shows ids).")
        return
    entry_id = int(args[0].lstrip("#"))
    try:
        gone = await with_person(
            update, context, lambda s, p: corrections.delete_entry(session=s, user=p, entry_id=entry_id)
        )
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(f"Removed #{gone.id}: {gone.amount} {gone.category} on {gone.local_date}.")


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Change one field of an entry: /edit ID FIELD VALUE."""
    message = update.effective_message
    assert message
    args = context.args or []
    if len(args) < 3 or not args[0].lstrip("#").isdigit():
        await message.reply_text(
            f"Usage: /edit ID FIELD VALUE, e.g. /edit 42 amount 300. "
            f"Fields: {', '.join(corrections.EDITABLE)}."
        )
        return
    entry_id, field, value = int(args[0].lstrip("#")), args[1], " ".join(args[2:])
    try:
        shown = await with_person(
            update,
            context,
            lambda s, p: corrections.edit_entry(
                session=s, user=p, entry_id=entry_id, field=field, value=value
            ),
        )
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_text(render.entry_html(shown), parse_mode=ParseMode.HTML)


async def entry_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Undo, verdict and category buttons under a logged entry."""
    query = update.callback_query
    assert query is not None
    payload = callbacks.decode(query.data)
    if payload is None or payload.action not in ("u", "v", "c", "s"):
        await query.answer("That button is not one of mine.")
        return
    entry_id = payload.a

    def act(session: Session, person: User) -> tuple[str, ledger.EntryView | None, object]:
        if payload.action == "u":
            gone = corrections.delete_entry(session=session, user=person, entry_id=entry_id)
            return "Undone.", None, f"Undone: {gone.amount} {gone.category} on {gone.local_date}."
        if payload.action == "v":
            shown = corrections.set_verdict(
                session=session, user=person, entry_id=entry_id, is_leak=payload.b == 1
            )
            return (
                ("Noted: a leak." if payload.b == 1 else "Noted: not a leak."),
                shown,
                render.entry_keyboard(entry_id, shown.type),
            )
        entry = corrections.owned_entry(session, person, entry_id)
        kind = EntryType(entry.type)
        if payload.action == "c":
            return (
                "Pick a category.",
                ledger.view_entry(entry, person),
                render.category_keyboard(entry_id, kind),
            )
        names = [c.name for c in categories_of(kind)]
        if payload.b is None or payload.b >= len(names):
            raise LeakBotError("That button is not one of mine.")
        shown = corrections.set_category(
            session=session, user=person, entry_id=entry_id, category=names[payload.b]
        )
        return f"Moved to {shown.category}.", shown, render.entry_keyboard(entry_id, shown.type)

    try:
        note, shown, follow = await with_person(update, context, act)
    except NotFound:
        await query.answer("That entry isn't yours or no longer exists.")
        return
    except LeakBotError as exc:
        await query.answer(str(exc))
        return
    await query.answer(note)
    if shown is None:
        await query.edit_message_text(str(follow))
        return
    await query.edit_message_text(render.entry_html(shown), parse_mode=ParseMode.HTML, reply_markup=follow)  # type: ignore[arg-type]
