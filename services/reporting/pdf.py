"""The multi-page PDF report for one month: the dashboard, every chart for the twelve months
to the month, and the fourteen question tables.

Every page is the pictures' phone portrait (charts.SIZE), so the PDF reads on a phone as
well as on paper. The tables are about the report's year: the questions asked by year are
asked for it (not for the latest year with entries), a table by month keeps that year's
months; the others count every entry and say so under their title. No table is cut: a long
one goes on over as many pages as it needs. Cells are words: months by name, currency on
money, "Mode not given" for an unnamed payment mode, column names in words.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle
from sqlalchemy.orm import Session

from db.models import User
from services.money import format_money
from services.questions import canned
from services.reporting import charts, periods
from services.reporting.dashboard import dashboard_data, dashboard_figure
from services.reporting.labels import mode_label, month_name, year_month

ROWS_PER_PAGE = 20
FONT = 11.5  # table cells: 11.5 px when a page is shown 390 px wide
ROW_PT = 17.0
MARGIN_PT = 14.0
COLUMN_WORDS = {
    "month": "Month",
    "ym": "Month",
    "total_spend": "Spent",
    "non_essential_count": "Non-essential spends",
    "category": "Category",
    "transaction_count": "Spends",
    "count": "Spends",
    "payment_mode": "Payment mode",
    "micro_spend_count": "Micro spends",
    "is_recurring": "Kind",
    "avg_spend": "Average spend",
    "weekday": "Weekday",
    "avg_daily_spend": "Average a day",
    "time_block": "Time of day",
    "leak_count": "Leaks",
    "context": "Context",
    "high_score_count": "High-scored spends",
    "potential_savings": "Could save",
    "avg_leakage_score": "Average score",
    "leak_amount": "Leaked",
    "rank": "Rank",
    "salary_week_leak": "Salary week",
    "previous": "Before",
    "pct_jump": "Jump",
    "total_count": "Spends",
    "leak_rate_pct": "Leak rate",
}
RIGHT = {canned.Kind.MONEY, canned.Kind.COUNT, canned.Kind.SCORE, canned.Kind.PERCENT, canned.Kind.RANK}


def column_words(column: str) -> str:
    return COLUMN_WORDS.get(column, column.replace("_", " ").capitalize())


def cell(value: Any, kind: canned.Kind, column: str, currency: str) -> str:
    """One table cell in words."""
    match kind:
        case canned.Kind.MONEY:
            return format_money(int(value), currency)
        case canned.Kind.MONTH:
            return month_name(int(value))
        case canned.Kind.YEAR_MONTH:
            return year_month(str(value))
        case canned.Kind.COUNT:
            return f"{int(value):,}"
        case canned.Kind.PERCENT:
            return f"{Decimal(value):,.1f}%"
        case canned.Kind.SCORE:
            return f"{Decimal(value):.2f}"
        case canned.Kind.FLAG:
            if column == "is_recurring":
                return "Recurring" if value else "One-off"
            return "Yes" if value else "No"
        case _:
            return mode_label(value) if column == "payment_mode" else str(value)


@dataclass(frozen=True)
class Table:
    """A question's answer as the report shows it."""

    title: str
    scope: str  # which entries it counts, in words
    columns: tuple[str, ...]
    right: tuple[bool, ...]  # right-aligned (numbers)
    rows: tuple[tuple[str, ...], ...]


def report_table(result: canned.QuestionResult, *, year: int) -> Table:
    """The answer in words, kept to the report's year where it has months."""
    rows = result.rows
    # every question is asked for the report's year
    scope = f"January to December {year}" if result.year is not None else f"Your entries of {year}"
    if result.kinds[0] is canned.Kind.YEAR_MONTH:
        rows = tuple(r for r in rows if str(r[0]).startswith(f"{year}-"))
    return Table(
        result.title,
        scope,
        tuple(column_words(c) for c in result.columns),
        tuple(k in RIGHT for k in result.kinds),
        tuple(
            tuple(
                cell(v, k, c, result.currency)
                for v, k, c in zip(row, result.kinds, result.columns, strict=True)
            )
            for row in rows
        ),
    )


def _widths(table: Table) -> list[float]:
    """Column widths as shares of the page: by the longest text, a header counting less."""
    longest = [max([len(h) * 0.8, *(len(r[i]) for r in table.rows)]) + 2 for i, h in enumerate(table.columns)]
    total = sum(longest)
    return [w / total for w in longest]


def table_pages(table: Table) -> list[Figure]:
    """The table over as many pages as its rows need (ROWS_PER_PAGE a page, headers on each)."""
    pages = max(1, math.ceil(len(table.rows) / ROWS_PER_PAGE))
    figures = []
    ink, light = charts.PALETTE["ink"], charts.PALETTE["light"]
    for page in range(pages):
        figure = Figure(figsize=charts.SIZE, dpi=charts.DPI)
        width_pt, height_pt = (v * 72 for v in charts.SIZE)

        def y(pt: float, height: float = height_pt) -> float:
            return 1 - pt / height

        x0 = MARGIN_PT / width_pt
        span = 1 - 2 * x0
        title = table.title + (f" (continued, {page + 1} of {pages})" if page else "")
        figure.text(x0, y(14), charts.wrap(title, 40), fontsize=14, weight="bold", color=ink, va="top")
        figure.text(x0, y(56), table.scope, fontsize=FONT, color=ink, va="top")
        rows = table.rows[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
        if not table.rows:
            figure.text(x0, y(90), "No entries for this question yet.", fontsize=FONT, color=ink, va="top")
        top = 84.0
        lefts = [x0]
        for w in _widths(table)[:-1]:
            lefts.append(lefts[-1] + w * span)
        rights = [*lefts[1:], x0 + span]
        pad = 4 / width_pt
        for i, row in enumerate([table.columns, *rows] if table.rows else []):
            line = top + i * ROW_PT
            if i and i % 2 == 0:
                figure.patches.append(
                    Rectangle(
                        (x0, y(line + ROW_PT - 3)),
                        span,
                        ROW_PT / height_pt,
                        transform=figure.transFigure,
                        facecolor=light,
                        edgecolor="none",
                    )
                )
            for text, left, right, numeric in zip(row, lefts, rights, table.right, strict=True):
                figure.text(
                    right - pad if numeric else left + pad,
                    y(line + ROW_PT / 2),
                    text,
                    ha="right" if numeric else "left",
                    va="center",
                    fontsize=FONT,
                    weight="bold" if i == 0 else "normal",
                    color=ink,
                )
        figures.append(figure)
    return figures


def _footer(figure: Figure, text: str) -> None:
    """The page's place in the report, under what the page shows."""
    engine = figure.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):  # a chart: keep its bottom clear
        engine.set(rect=(0, 0.05, 1, 0.95))
    figure.text(0.5, 0.012, text, ha="center", va="bottom", fontsize=FONT, color=charts.PALETTE["ink"])


def report_figures(session: Session, user: User, *, year: int, month: int) -> list[Figure]:
    """Every page of the report, numbered, in order."""
    data = dashboard_data(session, user, year=year, month=month)
    first = date.fromisoformat(f"{data.monthly[0][0]}-01")
    frame = periods.entries(session, user, periods.Period(first, data.month.end, "last 12 months"))
    twelve = f"{first:%B %Y} to {data.month.end - timedelta(days=1):%B %Y}"
    pages: list[tuple[Figure, str]] = [(dashboard_figure(data), "Dashboard")]
    for chart in charts.CHARTS.values():
        figure = chart.draw(frame, user.currency)
        if figure is not None:
            pages.append((figure, f"charts, {twelve}"))
    for question in canned.QUESTIONS:
        answer = canned.ask(
            session=session,
            user=user,
            question_id=question.id,
            year=year,
            within=(date(year, 1, 1), date(year + 1, 1, 1)),
        )
        table = report_table(answer, year=year)
        pages += [(figure, "tables") for figure in table_pages(table)]
    for number, (figure, what) in enumerate(pages, start=1):
        if number > 1:  # the dashboard fills its page; it names the month itself
            _footer(figure, f"{data.month.label} · {what} · page {number} of {len(pages)}")
    return [figure for figure, _ in pages]


def report_pdf(session: Session, user: User, *, year: int, month: int) -> bytes:
    """Dashboard, every chart for the twelve months to this one, and the fourteen question tables."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:  # text a reader can copy
        for figure in report_figures(session, user, year=year, month=month):
            pdf.savefig(figure)
        info = pdf.infodict()
        info["Title"] = f"LeakBot report, {date(year, month, 1):%B %Y}"
    return buffer.getvalue()
