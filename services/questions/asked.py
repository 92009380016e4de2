"""Answer a question in plain words (a services/questions/plain.py Query) with parameterised
SQL over one person's entries, the same on SQLite and PostgreSQL.

What is counted (as services/questions/canned.py): money is spending net of refunds (an
expense adds, a refund of the same filters takes off, and a refund is never a leak); counts,
averages and top spends look at expenses alone; transfers, income and savings are in none.
`is_leak` is the effective verdict. Amounts stay exact integer minor units; an average is
rounded half up to a whole minor unit.

A merchant is named by an entry's note (as services/insights/merchants.py reads a bank
statement's description): the notes that may name it are found with LIKE and then read
exactly in Python, and the matching ids go back into the query as a bound list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlalchemy.orm import Session

from db.models import User
from services.insights.budgets import usage
from services.insights.merchants import MERCHANTS, merchant_of
from services.ledger.spending import NET_AMOUNT_SQL, SPENDING_SQL
from services.questions.canned import Fragments, fragments_for
from services.questions.plain import TOP_DEFAULT, By, Filters, Measure, Period, Query
from services.timing import month_start


@dataclass(frozen=True, slots=True)
class Figures:
    """One period's spending: net of refunds, and how many spends (expenses) it was."""

    period: Period
    total_minor: int
    count: int


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a top list or a trend.

    A top spend: label its category, day its date, note its note. A group (category, payment
    mode, time block): label the group. A trend: day the first day of its month or week."""

    label: str
    total_minor: int
    count: int
    day: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class BudgetLeft:
    category: str | None  # None: the budget on leaks
    limit_minor: int
    used_minor: int

    @property
    def left_minor(self) -> int:
        return self.limit_minor - self.used_minor


@dataclass(frozen=True, slots=True)
class Result:
    currency: str
    figures: tuple[Figures, ...]  # the period's (a comparison: both, the asked one first)
    average_minor: int | None = None  # Measure.AVERAGE: the mean spend
    rows: tuple[Row, ...] = ()
    budgets: tuple[BudgetLeft, ...] = ()
    more_rows: int = 0  # a top list: groups beyond the limit


def _mean_minor(total: Any, count: Any) -> int:
    """An average amount, rounded half up to a whole minor unit."""
    return int((Decimal(int(total)) / Decimal(int(count))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _dates(statement: Any) -> Any:
    return statement.bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))


def _where(filters: Filters, f: Fragments, params: dict[str, Any], *, expenses_only: bool) -> str:
    """The WHERE clause of the filters; every value is a bound parameter."""
    parts = ["user_id = :user_id", "local_date >= :start", "local_date <= :end"]
    parts.append("type = 'expense'" if expenses_only or filters.leak else SPENDING_SQL)
    if filters.categories:
        parts.append("category IN :categories")
        params["categories"] = list(filters.categories)
    if filters.payment_modes:
        parts.append("payment_mode IN :modes")
        params["modes"] = list(filters.payment_modes)
    if filters.time_block is not None:
        parts.append("time_block = :time_block")
        params["time_block"] = filters.time_block
    if filters.day_type is not None:
        parts.append("day_type = :day_type")
        params["day_type"] = filters.day_type
    if filters.weekday is not None:
        parts.append(f"{f.dow.format(d='local_date')} = :dow")
        params["dow"] = (filters.weekday + 1) % 7  # SQL: 0 = Sunday
    if filters.leak is True:
        parts.append("is_leak")
    elif filters.leak is False:
        parts.append("(type = 'refund' OR is_leak IS NULL OR NOT is_leak)")
    if filters.necessary is not None:
        parts.append("is_necessary" if filters.necessary else "NOT is_necessary")
    if filters.merchant is not None:
        parts.append("id IN :ids")
    return " AND ".join(parts)


def _expanding(sql: str, params: dict[str, Any]) -> Any:
    statement = _dates(text(sql))
    for name in ("categories", "modes", "ids"):
        if name in params:
            statement = statement.bindparams(bindparam(name, expanding=True))
    return statement


def _merchant_ids(session: Session, user: User, merchant: str, start: date, end: date) -> list[int]:
    """The ids of the person's spending entries in the period whose note names the merchant."""
    words = next(w for name, w in MERCHANTS if name == merchant)
    likes = {f"like{i}": f"%{word.split()[0]}%" for i, word in enumerate(words)}
    sql = (
        f"SELECT id, note FROM entries WHERE user_id = :user_id AND {SPENDING_SQL} "
        "AND local_date >= :start AND local_date <= :end AND ("
        + " OR ".join(f"LOWER(note) LIKE :{name}" for name in likes)
        + ")"
    )
    rows = session.execute(_dates(text(sql)), {"user_id": user.id, "start": start, "end": end, **likes})
    return [int(i) for i, note in rows if merchant_of(note) == merchant]


class _Asker:
    def __init__(self, session: Session, user: User, query: Query) -> None:
        self.session, self.user, self.query = session, user, query
        self.f = fragments_for(session)

    def params(self, period: Period) -> dict[str, Any]:
        params: dict[str, Any] = {"user_id": self.user.id, "start": period.start, "end": period.end}
        merchant = self.query.filters.merchant
        if merchant is not None:
            params["ids"] = _merchant_ids(self.session, self.user, merchant, period.start, period.end)
        return params

    def rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        return list(self.session.execute(_expanding(sql, params), params))

    def figures(self, period: Period) -> Figures:
        params = self.params(period)
        where = _where(self.query.filters, self.f, params, expenses_only=False)
        sql = (
            f"SELECT COALESCE(SUM({NET_AMOUNT_SQL}), 0), "
            "COALESCE(SUM(CASE WHEN type = 'expense' THEN 1 ELSE 0 END), 0) "
            f"FROM entries WHERE {where}"
        )
        total, count = self.rows(sql, params)[0]
        return Figures(period, int(total), int(count))

    def average(self, period: Period) -> int | None:
        params = self.params(period)
        where = _where(self.query.filters, self.f, params, expenses_only=True)
        total, count = self.rows(f"SELECT SUM(amount_minor), COUNT(*) FROM entries WHERE {where}", params)[0]
        return _mean_minor(total, count) if count else None

    def top_spends(self, period: Period) -> tuple[Row, ...]:
        params = self.params(period) | {"limit": self.query.limit or TOP_DEFAULT}
        where = _where(self.query.filters, self.f, params, expenses_only=True)
        sql = (
            f"SELECT category, amount_minor, local_date, note FROM entries WHERE {where} "
            "ORDER BY amount_minor DESC, local_date ASC, id ASC LIMIT :limit"
        )
        return tuple(Row(c, int(a), 1, _day(d), n or "") for c, a, d, n in self.rows(sql, params))

    def top_groups(self, period: Period, column: str) -> tuple[tuple[Row, ...], int]:
        params = self.params(period)
        where = _where(self.query.filters, self.f, params, expenses_only=False)
        sql = (
            f"SELECT {column}, SUM({NET_AMOUNT_SQL}) AS total, "
            "SUM(CASE WHEN type = 'expense' THEN 1 ELSE 0 END) "
            f"FROM entries WHERE {where} GROUP BY {column} ORDER BY total DESC, {column} ASC"
        )
        rows = tuple(Row(str(g), int(t), int(n)) for g, t, n in self.rows(sql, params))
        limit = self.query.limit or len(rows)  # every group unless the question says how many
        return rows[:limit], len(rows) - len(rows[:limit])

    def trend(self, period: Period, by: By) -> tuple[Row, ...]:
        params = self.params(period)
        where = _where(self.query.filters, self.f, params, expenses_only=False)
        key = self.f.month_start.format(d="local_date") if by is By.MONTH else self.week_start()
        sql = (
            f"SELECT {key} AS k, SUM({NET_AMOUNT_SQL}), SUM(CASE WHEN type = 'expense' THEN 1 ELSE 0 END) "
            f"FROM entries WHERE {where} GROUP BY 1"
        )
        found = {_day(k): (int(t), int(n)) for k, t, n in self.rows(sql, params)}
        return tuple(
            Row(start.isoformat()[: 7 if by is By.MONTH else 10], *found.get(start, (0, 0)), day=start)
            for start in _starts(period, by)
        )

    def week_start(self) -> str:
        """The Monday of local_date's week, as a date, per dialect (constants only)."""
        if self.session.get_bind().dialect.name == "sqlite":
            return "date(local_date, 'weekday 0', '-6 days')"
        return "CAST(date_trunc('week', local_date) AS DATE)"

    def budgets(self) -> tuple[BudgetLeft, ...]:
        filters = self.query.filters
        wanted: set[str | None] | None = None
        if filters.categories:
            wanted = set(filters.categories)
        elif filters.leak:
            wanted = {None}
        lines = usage(session=self.session, user=self.user, today=self.query.period.end)
        return tuple(
            BudgetLeft(u.category, u.limit_minor, u.used_minor)
            for u in lines
            if wanted is None or u.category in wanted
        )


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _starts(period: Period, by: By) -> list[date]:
    """The first day of every month or week (Monday) the period touches."""
    if by is By.MONTH:
        first = month_start(period.start.year, period.start.month)
        count = (period.end.year - first.year) * 12 + period.end.month - first.month + 1
        return [month_start(first.year, first.month, plus=i) for i in range(count)]
    first = period.start - timedelta(days=period.start.weekday())
    return [first + timedelta(weeks=i) for i in range((period.end - first).days // 7 + 1)]


def answer(*, session: Session, user: User, query: Query) -> Result:
    """The answer to one understood question, over the person's own entries."""
    asker = _Asker(session, user, query)
    currency = user.currency
    if query.measure is Measure.BUDGET:
        return Result(currency, (asker.figures(query.period),), budgets=asker.budgets())
    figures = asker.figures(query.period)
    if query.measure is Measure.COMPARE:
        assert query.other is not None
        return Result(currency, (figures, asker.figures(query.other)))
    if query.measure is Measure.AVERAGE:
        return Result(currency, (figures,), average_minor=asker.average(query.period))
    if query.measure is Measure.TREND:
        assert query.by is not None
        return Result(currency, (figures,), rows=asker.trend(query.period, query.by))
    if query.measure is Measure.TOP:
        if query.by is By.SPEND or query.by is None:
            return Result(currency, (figures,), rows=asker.top_spends(query.period))
        rows, more = asker.top_groups(query.period, query.by.value)
        return Result(currency, (figures,), rows=rows, more_rows=more)
    return Result(currency, (figures,))
