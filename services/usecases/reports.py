"""Pictures and documents of a person's spending: a chart, the month's dashboard, the PDF
report, the weekly digest, and the leak overview. matplotlib and pandas load on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db.models import User
from services.errors import LeakBotError
from services.reporting.names import CHART_TITLES
from services.timing import local_today

if TYPE_CHECKING:
    from services.insights.overview import LeakOverview
    from services.reporting.dashboard import Dashboard
    from services.reporting.digest import WeeklyDigest
    from services.reporting.periods import Period

_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    period: Period
    png: bytes = field(repr=False)


def chart(*, session: Session, person: User, name: str, period: str | None, now: datetime) -> Chart:
    """One chart for a period: `2024-05`, `2024`, `30d`, `all` (default: the last 365 days)."""
    if name not in CHART_TITLES:
        raise LeakBotError(f"No chart {name!r}. Charts: {', '.join(CHART_TITLES)}.")
    from services.reporting import charts, periods

    chosen = periods.parse_period(period, today=local_today(now, person.timezone))
    picture = charts.render(
        name, periods.entries(session, person, chosen), person.currency, period_label=chosen.label
    )
    return Chart(name, CHART_TITLES[name], chosen, picture)


def _month(text: str | None, person: User, now: datetime) -> tuple[int, int]:
    """year and month of `YYYY-MM`, or this month in the person's time zone."""
    today = local_today(now, person.timezone)
    if text is None:
        return today.year, today.month
    from services.reporting import periods

    if not _MONTH.fullmatch(text.strip()):  # `2024-05`, nothing more
        raise LeakBotError("Give a month as YYYY-MM, e.g. 2024-05.")
    chosen = periods.parse_period(text.strip(), today=today)
    return chosen.start.year, chosen.start.month


@dataclass(frozen=True)
class DashboardPicture:
    data: Dashboard  # every number the picture shows, exact
    png: bytes = field(repr=False)


def dashboard(*, session: Session, person: User, month: str | None, now: datetime) -> DashboardPicture:
    """The month at a glance (default: this month)."""
    from services.reporting.dashboard import dashboard_data, dashboard_png

    year, number = _month(month, person, now)
    data = dashboard_data(session, person, year=year, month=number)
    return DashboardPicture(data, dashboard_png(data))


@dataclass(frozen=True)
class Report:
    month: date  # its first day
    pdf: bytes = field(repr=False)


def report(*, session: Session, person: User, month: str | None, now: datetime) -> Report:
    """The PDF report: dashboard, every chart for the twelve months to the month, the questions."""
    from services.reporting.pdf import report_pdf

    year, number = _month(month, person, now)
    return Report(date(year, number, 1), report_pdf(session, person, year=year, month=number))


def digest_preview(*, session: Session, person: User, now: datetime) -> WeeklyDigest:
    """The digest of the seven days before today (what /digest now sends)."""
    return digest_for_week(session=session, person=person, week_ending=local_today(now, person.timezone))


def digest_for_week(*, session: Session, person: User, week_ending: date) -> WeeklyDigest:
    """The digest of the seven local days before week_ending."""
    from services.reporting import digest

    return digest.build(session, person, week_ending)


def overview(*, session: Session, person: User) -> LeakOverview:
    """How much leaks, in which categories, and the highest-scored leaks."""
    from services.insights.overview import leak_overview

    return leak_overview(session=session, user=person)
