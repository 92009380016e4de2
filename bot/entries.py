"""Logging entries and fixing them: /start, /help, /spend, /income, /save, /transfer, /refund, plain amounts,
/recent, /undo, /delete, /edit and the buttons under each logged entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.buttons import FLAG, ID, Action, keyboard
from bot.questions import answer_if_asked
from bot.render import capture as render_capture
from bot.render import entries as render
from bot.render.text import Reply
from bot.runtime import call, models, with_person
from services.catalog import EntryType, categories_of
from services.errors import LeakBotError, NotFound
from services.ledger.corrections import EDITABLE
from services.ledger.entries import EntryView
from services.ledger.parsing import looks_like_entry
from services.money import format_money
from services.usecases import entries

HELP = """\
<b>LeakBot</b> finds the small spends that add up. Every command with an example:
/spend 250 dining upi — log an expense (or just send <code>250 dining upi</code>)
/spend 120+80 lunch — amounts can add up
chai 20 · spent 200 on petrol · 100/- sabzi cash — any order, Hinglish too; one entry per line
/category add Pets need — your own categories (rename, merge; /category lists them)
/income 50000 salary — log income
/save 2000 mutual fund — log savings
/transfer 2000 atm — ATM cash, a card bill, your own account: not spending
/refund 300 dining — money back: takes off that category's spend
/recent 10 — your last entries with their ids
/undo — remove the last entry
/delete 42 — remove entry #42
/edit 42 amount 300 — change a field (amount, category, mode, context, necessary, recurring, note, date, time)
/export — your data as CSV (send a bank statement, CSV, Excel or PDF, to import it)
/settings micro 200 — show or change: timezone, currency, micro, leak_threshold, leak_rule,
salary_day, reminder_days, ask (on/off: a daily "Leak or not?" card)
Verdicts read "Leak · 6 of 9 points (leak from 5): why". Your own call, or your model once it
beats the rule, decides first; a necessity (rent, medicine, fuel…) is no leak unless you say so
(/settings leak_rule seed gives the seed's own rule)
/budget dining 3000 — monthly limits (/budget leaks 2000; /budget lists them)
/today · /month — spent so far, leaks and budgets left, against last month
/ask zomato this year — any question in plain words (or just send: how much on food in May?)
/ask — the business questions as buttons, or directly:
/monthly 2024 · /nonessential 2024 · /top_categories · /micro_modes · /recurring · /weekdays
/leak_times · /leak_contexts · /savings · /salary_week · /risky_channels · /top_leaks
/salary_jumps · /leak_rate
/dashboard 2024-05 — the month at a glance (a picture and a summary)
/charts — charts as buttons, or /chart categories 2024 (periods: 2024-05, 2024, 30d, all)
/report 2024-05 — a PDF: dashboard, charts and every question
/digest now — last week's digest now (/digest sunday 09:00, /digest off)
/model — the model that learns your idea of a leak
/teach — five quick "Leak or not?" questions that teach it
/plan — the three changes that would save you the most, and your goals
/subscriptions — recurring charges I found
/forget — delete everything about you
Share your location to set your time zone."""
NOT_YOURS = "That entry isn't yours or no longer exists."
T = TypeVar("T")


async def _send(message: Message, reply: Reply, markup: InlineKeyboardMarkup | None = None) -> None:
    await message.reply_text(reply.html, parse_mode=ParseMode.HTML, reply_markup=markup)


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


async def log_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the entries of /spend, /income, /save, /transfer, /refund or a plain message whose
    lines each name an amount (`chai 20`, one entry per line)."""
    message, chat = update.effective_message, update.effective_chat
    assert message and chat
    text = message.text or ""
    if not text.startswith("/") and not looks_like_entry(text):
        if not await answer_if_asked(update, context, text):
            await message.reply_text(render.HELP_HINT)
        return
    now = message.date.astimezone(UTC) if message.date else datetime.now(UTC)
    ref = f"chat:{chat.id}:{message.message_id}"
    service = models(context)
    logged = await call(
        update, context, entries.log_message, text=text, now=now, source_ref=ref, models=service
    )
    await _send_logged(message, logged)
    from bot.teaching import after_spend  # the day's "Leak or not?" card, when due and useful

    await after_spend(update, context, logged)


async def _send_logged(message: Message, logged: entries.LoggedMessage) -> None:
    if logged.not_a_spend is not None:
        await message.reply_text(render_capture.not_a_spend(logged.not_a_spend))
        return
    if logged.pending is not None:
        from bot.capture import send_proposal  # its buttons live there, beside the photos'

        await send_proposal(message, logged.pending)
        return
    asked = next((line for line in logged.lines if line.choices), None)
    await message.reply_text(
        render.message_reply(logged).html,
        parse_mode=ParseMode.HTML,
        reply_markup=message_keyboard(logged),
        do_quote=asked is not None,  # the amount buttons read the line from the message quoted
    )


def message_keyboard(logged: entries.LoggedMessage) -> InlineKeyboardMarkup | None:
    """One entry's buttons; or, for a line with two numbers, one button per amount; or, for
    an entry under Other, the closest categories, More categories and New category."""
    asked = [line for line in logged.lines if line.choices]
    if asked:
        several = len(logged.lines) > 1
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        (f"{line.number}: " if several else "") + format_money(amount, logged.currency),
                        callback_data=AMOUNT.data(line.number, k),
                    )
                    for k, amount in enumerate(line.choices)
                ]
                for line in asked[:3]
            ]
        )
    if len(logged.lines) != 1 or logged.lines[0].logged is None:
        return None
    return logged_keyboard(logged.lines[0].logged)


def logged_keyboard(logged: entries.Logged) -> InlineKeyboardMarkup:
    if not logged.uncategorised:
        return entry_keyboard(logged.entry)
    e = logged.entry
    names = [c.name for c in categories_of(e.type)]
    picks = [
        InlineKeyboardButton(name, callback_data=PICK_CATEGORY.data(e.id, names.index(name)))
        for name in logged.suggestions
        if name in names
    ]
    more = [InlineKeyboardButton("More categories", callback_data=CATEGORY_MENU.data(e.id))]
    if logged.unknown_word and e.type is EntryType.EXPENSE:
        more.append(InlineKeyboardButton("New category", callback_data=NEW_CATEGORY.data(e.id)))
    rows = [picks, more, [InlineKeyboardButton("Undo", callback_data=UNDO.data(e.id))]]
    return InlineKeyboardMarkup([row for row in rows if row])


async def amount_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, line: int, choice: int) -> None:
    """Log the line the question was about with the amount picked (once: the line's entry is
    keyed by the message it came in)."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    original = query.message.reply_to_message
    if original is None or not original.text:
        await query.answer("I can't see that message any more; please send it again.")
        return
    chat_id = original.chat.id
    now = original.date.astimezone(UTC) if original.date else datetime.now(UTC)
    logged = await call(
        update,
        context,
        entries.log_message,
        text=original.text,
        now=now,
        source_ref=f"chat:{chat_id}:{original.message_id}",
        models=models(context),
        pick=(line, choice),
    )
    await query.answer("Logged.")
    done = logged.lines[0].logged if logged.lines else None
    if done is None:
        await query.edit_message_text(render.message_reply(logged).html, parse_mode=ParseMode.HTML)
        return
    await query.edit_message_text(
        render.logged_reply(done).html, parse_mode=ParseMode.HTML, reply_markup=logged_keyboard(done)
    )


async def new_category_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int) -> None:
    """Ask whether the new category named after the entry's word is a need or a want."""
    query = update.callback_query
    assert query is not None
    menu = await on_entry(update, context, entries.category_menu, entry_id=entry_id)
    if menu.word is None:
        raise LeakBotError("This entry has no word to name a category after; use /category add NAME need.")
    await query.answer()
    await query.edit_message_text(
        f"A new category “{menu.word.capitalize()}”: is it a need or a want?\n"
        f"(Another name: /category add NAME need, then Change category.)",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Need", callback_data=MAKE_CATEGORY.data(entry_id, True)),
                    InlineKeyboardButton("Want", callback_data=MAKE_CATEGORY.data(entry_id, False)),
                ]
            ]
        ),
    )


async def make_category_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int, necessary: bool
) -> None:
    """Make the category, move the entry there and remember its word for it."""
    moved = await on_entry(
        update,
        context,
        entries.new_category_for,
        entry_id=entry_id,
        necessary=necessary,
        models=models(context),
    )
    await _answer_entry(update, f"Made {moved.entry.category}.", moved.entry, entry_keyboard(moved.entry))


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the last entries (default 10) with their ids."""
    message = update.effective_message
    assert message
    args = context.args or []
    if len(args) > 1 or (args and not args[0].isdecimal()):
        await message.reply_text(f"Usage: /recent [n], with n from 1 to {entries.RECENT_MAX}.")
        return
    limit = int(args[0]) if args else entries.RECENT_DEFAULT
    rows = await call(update, context, entries.recent, limit=limit)
    await _send(message, render.recent_reply(rows))


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove the last logged entry."""
    assert update.effective_message
    gone = await call(update, context, entries.undo_last)
    await update.effective_message.reply_text(render.removed(gone))


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove one entry by id."""
    message = update.effective_message
    assert message
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdecimal():
        await message.reply_text("Usage: /delete ID, e.g. /delete 42 (/recent shows ids).")
        return
    entry_id = int(args[0].lstrip("#"))
    gone = await call(update, context, entries.delete_entry, entry_id=entry_id)
    await message.reply_text(render.removed(gone))


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Change one field of an entry: /edit ID FIELD VALUE."""
    message = update.effective_message
    assert message
    args = context.args or []
    if len(args) < 3 or not args[0].lstrip("#").isdecimal():
        await message.reply_text(
            f"Usage: /edit ID FIELD VALUE, e.g. /edit 42 amount 300. Fields: {', '.join(EDITABLE)}."
        )
        return
    entry_id, field, value = int(args[0].lstrip("#")), args[1], " ".join(args[2:])
    shown = await call(
        update,
        context,
        entries.edit_entry,
        entry_id=entry_id,
        field=field,
        value=value,
        models=models(context),
    )
    await _send(message, render.entry_reply(shown))


# --- buttons under an entry ------------------------------------------------------------------
def entry_keyboard(e: EntryView) -> InlineKeyboardMarkup:
    """Undo and Change category under every entry; the verdict buttons under expenses only
    (income and savings are never leaks)."""
    first = [InlineKeyboardButton("Undo", callback_data=UNDO.data(e.id))]
    if e.type is EntryType.EXPENSE:
        first += [
            InlineKeyboardButton("Not a leak", callback_data=VERDICT.data(e.id, False)),
            InlineKeyboardButton("Leak", callback_data=VERDICT.data(e.id, True)),
        ]
    return InlineKeyboardMarkup(
        [first, [InlineKeyboardButton("Change category", callback_data=CATEGORY_MENU.data(e.id))]]
    )


async def _answer_entry(update: Update, note: str, shown: EntryView, markup: InlineKeyboardMarkup) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(note)
    await query.edit_message_text(
        render.entry_reply(shown).html, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def on_entry(
    update: Update, context: ContextTypes.DEFAULT_TYPE, use_case: Callable[..., T], **arguments: object
) -> T:
    """call() for a button about an entry (under it, or on a card): an entry that is not
    theirs, or gone, is said so."""
    try:
        return await call(update, context, use_case, **arguments)
    except NotFound as exc:
        raise LeakBotError(NOT_YOURS) from exc


async def undo_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int) -> None:
    """Remove the entry the button sits under."""
    query = update.callback_query
    assert query is not None
    gone = await on_entry(update, context, entries.delete_entry, entry_id=entry_id)
    await query.answer("Undone.")
    await query.edit_message_text(render.undone(gone))


async def verdict_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int, is_leak: bool
) -> None:
    """Store the person's own verdict on the entry."""
    shown = await on_entry(update, context, entries.record_verdict, entry_id=entry_id, is_leak=is_leak)
    await _answer_entry(
        update, "Noted: a leak." if is_leak else "Noted: not a leak.", shown, entry_keyboard(shown)
    )


async def category_menu_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int) -> None:
    """Show the categories the entry can move to."""
    menu = await on_entry(update, context, entries.category_menu, entry_id=entry_id)
    buttons = [
        InlineKeyboardButton(name, callback_data=PICK_CATEGORY.data(entry_id, i))
        for i, name in enumerate(menu.categories)
    ]
    await _answer_entry(update, "Pick a category.", menu.entry, keyboard(buttons, 3))


async def category_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: int, index: int
) -> None:
    """Move the entry to the chosen category and re-score it."""
    moved = await on_entry(
        update, context, entries.pick_category, entry_id=entry_id, index=index, models=models(context)
    )
    note = f"Moved to {moved.entry.category}." + (
        f" “{moved.taught}” goes there from now on." if moved.taught else ""
    )
    await _answer_entry(update, note, moved.entry, entry_keyboard(moved.entry))


AMOUNT = Action("am", (ID, ID), amount_pressed)  # line number, index of the amount
NEW_CATEGORY = Action("nc", (ID,), new_category_pressed)
MAKE_CATEGORY = Action("mc", (ID, FLAG), make_category_pressed)  # 1 = a need
UNDO = Action("u", (ID,), undo_pressed)
VERDICT = Action("v", (ID, FLAG), verdict_pressed)  # 1 = a leak, 0 = not a leak
CATEGORY_MENU = Action("c", (ID,), category_menu_pressed)
PICK_CATEGORY = Action("s", (ID, ID), category_pressed)  # entry id, index in its category menu
BUTTONS = (UNDO, VERDICT, CATEGORY_MENU, PICK_CATEGORY, AMOUNT, NEW_CATEGORY, MAKE_CATEGORY)
