"""The multi-page PDF report: the dashboard, every chart for the twelve months to the month,
and the fourteen question tables."""

from __future__ import annotations

import io
from datetime import date

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from sqlalchemy.orm import Session

from db.models import User
from services.money import format_money
from services.questions import canned
from services.reporting import charts, periods
from services.reporting.dashboard import dashboard_data, dashboard_figure


def _cell(value: object, kind: canned.Kind, currency: str) -> str:
    return format_money(int(value), currency) if kind is canned.Kind.MONEY else str(value)  # type: ignore[call-overload]


def _table_page(result: canned.QuestionResult) -> Figure:
    figure = Figure(figsize=(11.7, 8.3), layout="constrained")
    ax = figure.add_subplot()
    ax.axis("off")
    ax.set_title(result.title, fontsize=15, loc="left")
    rows = [
        [_cell(v, k, result.currency) for v, k in zip(row, result.kinds, strict=True)]
        for row in result.rows[:30]
    ]
    if rows:
        table = ax.table(cellText=rows, colLabels=list(result.columns), loc="upper left", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(9)
        table.scale(1, 1.3)
    else:
        ax.text(0.02, 0.9, "No data for this question yet.", fontsize=12, transform=ax.transAxes)
    return figure


def report_pdf(session: Session, user: User, *, year: int, month: int) -> bytes:
    """Dashboard, every chart for the twelve months to this one, and the fourteen question tables."""
    data = dashboard_data(session, user, year=year, month=month)
    period = periods.Period(date.fromisoformat(f"{data.monthly[0][0]}-01"), data.month.end, "last 12 months")
    frame = periods.entries(session, user, period)
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        pdf.savefig(dashboard_figure(data))
        for chart in charts.CHARTS.values():
            figure = chart.draw(frame, user.currency)
            if figure is not None:
                pdf.savefig(figure)
        for question in canned.QUESTIONS:
            pdf.savefig(
                _table_page(canned.ask(session=session, user=user, question_id=question.id, year=None))
            )
    return buffer.getvalue()
