"""Charts, the dashboard and the PDF report in chat: /chart NAME [period], /charts (a menu),
/dashboard [YYYY-MM], /report [YYYY-MM]."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.runtime import with_person
from db.models import User
from services import charts, dashboard, ledger, reports
from services.errors import LeakBotError

CHART_PREFIX = "ch:"
T = TypeVar("T")


def _today(person: User) -> datetime:
    return ledger.local_datetime(datetime.now(UTC), person.timezone)


def _chart(session: Session, person: User, name: str, period_text: str | None) -> tuple[bytes, str]:
    period = reports.parse_period(period_text, today=_today(person).date())
    frame = reports.entries(session, person, period)
    return charts.render(name, frame, person.currency, period_label=period.label), period.label


def charts_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(c.title, callback_data=f"{CHART_PREFIX}{c.name}") for c in charts.CHARTS.values()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chart NAME [period]: one chart as a picture."""
    message = update.effective_message
    assert message
    args = context.args or []
    if not args or len(args) > 2 or args[0].lower() not in charts.CHARTS:
        names = ", ".join(charts.CHARTS)
        await message.reply_text(
            f"Usage: /chart NAME [period], e.g. /chart categories 2024-05. Charts: {names}. "
            "Periods: 2024-05, 2024, 30d, all (default: the last 365 days). /charts shows them as buttons."
        )
        return
    try:
        picture, label = await with_person(
            update, context, lambda s, p: _chart(s, p, args[0].lower(), args[1] if len(args) > 1 else None)
        )
    except LeakBotError as exc:
        await message.reply_text(str(exc))
        return
    await message.reply_photo(picture, caption=f"{charts.CHARTS[args[0].lower()].title} · {label}")


async def charts_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    await update.effective_message.reply_text("Which chart? (last 365 days)", reply_markup=charts_keyboard())


async def chart_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    name = (query.data or "").removeprefix(CHART_PREFIX)
    if not (query.data or "").startswith(CHART_PREFIX) or name not in charts.CHARTS:
        await query.answer("That button is not one of mine.")
        return
    await query.answer()
    picture, label = await with_person(update, context, lambda s, p: _chart(s, p, name, None))
    if query.message is not None:
        await context.bot.send_photo(
            query.message.chat.id, picture, caption=f"{charts.CHARTS[name].title} · {label}"
        )


def _month(args: list[str], person: User) -> tuple[int, int]:
    if not args:
        today = _today(person)
        return today.year, today.month
    if len(args) > 1 or not re.fullmatch(r"\d{4}-\d{2}", args[0]):
        raise LeakBotError("Give a month as YYYY-MM, e.g. /dashboard 2024-05.")
    period = reports.parse_period(args[0], today=_today(person).date())
    return period.start.year, period.start.month


async def _for_month(
    update: Update, context: ContextTypes.DEFAULT_TYPE, build: Callable[[Session, User, int, int], T]
) -> T | None:
    """Run build for the month in the command's argument (default: this month); a bad month
    gets its message and None."""
    args = context.args or []
    try:
        return await with_person(update, context, lambda s, p: build(s, p, *_month(args, p)))
    except LeakBotError as exc:
        assert update.effective_message
        await update.effective_message.reply_text(str(exc))
        return None


def _dashboard(session: Session, person: User, year: int, month: int) -> tuple[bytes, str]:
    data = dashboard.dashboard_data(session, person, year=year, month=month)
    return dashboard.dashboard_png(data), dashboard.summary_text(data)


def _report(session: Session, person: User, year: int, month: int) -> tuple[bytes, str]:
    return dashboard.report_pdf(session, person, year=year, month=month), f"{year}-{month:02d}"


async def dashboard_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dashboard [YYYY-MM]: the month's KPI tiles and charts as one picture, with a summary."""
    assert update.effective_message
    result = await _for_month(update, context, _dashboard)
    if result is not None:
        picture, summary = result
        await update.effective_message.reply_photo(picture, caption=summary[:1024])


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [YYYY-MM]: a PDF with the dashboard, every chart and the fourteen question tables."""
    assert update.effective_message
    result = await _for_month(update, context, _report)
    if result is not None:
        pdf, label = result
        await update.effective_message.reply_document(
            pdf, filename=f"leakbot-report-{label}.pdf", caption=f"LeakBot report, {label}"
        )
