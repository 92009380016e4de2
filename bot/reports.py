"""Charts, the dashboard and the PDF report in chat: /chart NAME [period], /charts (a menu),
/dashboard [YYYY-MM], /report [YYYY-MM]."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.ext import ContextTypes

from bot.buttons import Action, keyboard, word
from bot.render import reports as render
from bot.runtime import call, runtime
from services.reporting.names import CHART_TITLES
from services.usecases import reports

CHART_USAGE = (
    "Usage: /chart NAME [period], e.g. /chart categories 2024-05. Charts: {names}. "
    "Periods: 2024-05, 2024, 30d, all (default: the last 365 days). /charts shows them as buttons."
)


async def chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chart NAME [period]: one chart as a picture."""
    message = update.effective_message
    assert message
    args = context.args or []
    if not args or len(args) > 2 or args[0].lower() not in CHART_TITLES:
        await message.reply_text(CHART_USAGE.format(names=", ".join(CHART_TITLES)))
        return
    name, period = args[0].lower(), args[1] if len(args) > 1 else None
    now = datetime.now(UTC)
    picture = await call(update, context, reports.chart, name=name, period=period, now=now)
    await message.reply_photo(picture.png, caption=render.chart_caption(picture))


async def charts_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer every chart as a button (the last 365 days)."""
    assert update.effective_message
    buttons = [
        InlineKeyboardButton(title, callback_data=CHART.data(name)) for name, title in CHART_TITLES.items()
    ]
    await update.effective_message.reply_text(
        "Which chart? (last 365 days)", reply_markup=keyboard(buttons, 2)
    )


async def chart_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str) -> None:
    """Send the chart whose button was pressed."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    now = datetime.now(UTC)
    picture = await call(update, context, reports.chart, name=name, period=None, now=now)
    if query.message is not None:
        await context.bot.send_photo(
            query.message.chat.id, picture.png, caption=render.chart_caption(picture)
        )


def _month_argument(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The month asked for, as typed (the use case reads it), or None for this month."""
    return " ".join(context.args) if context.args else None


async def dashboard_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dashboard [YYYY-MM]: the month's KPI tiles and charts as one picture, with a summary."""
    message = update.effective_message
    assert message
    now = datetime.now(UTC)
    month = _month_argument(context)
    shown = await call(update, context, reports.dashboard, month=month, now=now)
    page = runtime(context).settings.webapp_page()
    opener = None
    if page is not None:  # the same month, to tap through, in the Mini App (bot/webapp.py)
        shown_month = f"{shown.data.month.start:%Y-%m}"
        app = WebAppInfo(url=f"{page}?month={shown_month}")
        opener = InlineKeyboardMarkup([[InlineKeyboardButton("Open dashboard", web_app=app)]])
    await message.reply_photo(
        shown.png, caption=render.dashboard_summary(shown.data)[:1024], reply_markup=opener
    )


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [YYYY-MM]: a PDF with the dashboard, every chart and the fourteen question tables."""
    message = update.effective_message
    assert message
    now = datetime.now(UTC)
    month = _month_argument(context)
    made = await call(update, context, reports.report, month=month, now=now)
    await message.reply_document(
        made.pdf, filename=render.report_file_name(made), caption=render.report_caption(made)
    )


CHART = Action("ch", (word(CHART_TITLES),), chart_pressed)
BUTTONS = (CHART,)
