"""The fourteen business questions of the seed analysis, as canned SQL over one person's entries.

Every query is parameterised, scoped to the person asking (`user_id`), and means the same on
SQLite and PostgreSQL: where the dialects differ (month keys, weekdays, month lengths, month
arithmetic) a small fragment is chosen per dialect; PERCENTILE_CONT, which SQLite lacks, is
computed with window functions and integer arithmetic on both. Unless a question says
otherwise it looks at expenses only; the spend totals (per month, per weekday) are net of
refunds. Transfers are never in any. Sums leave SQL as exact integers (minor units, counts);
money stays in integer minor units (an average rounded half up to a whole minor unit), scores
and percentages become Decimals with two places, rounded half up. Each column has a kind
(money, count, month, ...) that tells a renderer how to show it. Ties in a ranking break by
the label ascending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlalchemy.orm import Session

from db.models import User
from services.errors import NotFound
from services.ledger.spending import NET_AMOUNT_SQL, SPENDING_SQL
from services.money import exponent
from services.timing import SALARY_WEEK_DAYS, local_today, month_start

CENT = Decimal("0.01")
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


class Kind(StrEnum):
    """What a column holds, so every door shows it right."""

    LABEL = "label"  # a category, payment mode, context, time block or weekday
    MONTH = "month"  # a month number of the question's year, 1-12
    YEAR_MONTH = "year_month"  # "YYYY-MM"
    MONEY = "money"  # integer minor units of the person's currency
    COUNT = "count"
    SCORE = "score"  # an average six-rule score, Decimal with two places
    PERCENT = "percent"  # Decimal with two places, 0-100 (or more for a jump)
    FLAG = "flag"  # True / False
    RANK = "rank"


@dataclass(frozen=True, slots=True)
class Fragments:
    """SQL pieces that differ between SQLite and PostgreSQL (constants, never user input)."""

    ym: str  # 'YYYY-MM' of {d}
    month: str  # month number of {d}
    dow: str  # 0 = Sunday of {d}
    day: str  # day of month of {d}
    days_in_month: str  # length of {d}'s month
    days_in_prev_month: str
    least: str  # smaller of {a} and {b}
    month_start: str  # first day of {d}'s month, as a date
    next_month: str  # {d} plus one month


SQLITE = Fragments(
    ym="strftime('%Y-%m', {d})",
    month="CAST(strftime('%m', {d}) AS INTEGER)",
    dow="CAST(strftime('%w', {d}) AS INTEGER)",
    day="CAST(strftime('%d', {d}) AS INTEGER)",
    days_in_month="CAST(strftime('%d', {d}, 'start of month', '+1 month', '-1 day') AS INTEGER)",
    days_in_prev_month="CAST(strftime('%d', {d}, 'start of month', '-1 day') AS INTEGER)",
    least="MIN({a}, {b})",
    month_start="date({d}, 'start of month')",
    next_month="date({d}, '+1 month')",
)
POSTGRESQL = Fragments(
    ym="to_char({d}, 'YYYY-MM')",
    month="CAST(EXTRACT(MONTH FROM {d}) AS INTEGER)",
    dow="CAST(EXTRACT(DOW FROM {d}) AS INTEGER)",
    day="CAST(EXTRACT(DAY FROM {d}) AS INTEGER)",
    days_in_month="CAST(EXTRACT(DAY FROM date_trunc('month', {d}) + interval '1 month - 1 day') AS INTEGER)",
    days_in_prev_month="CAST(EXTRACT(DAY FROM date_trunc('month', {d}) - interval '1 day') AS INTEGER)",
    least="LEAST({a}, {b})",
    month_start="CAST(date_trunc('month', {d}) AS DATE)",
    next_month="CAST({d} + interval '1 month' AS DATE)",
)


def fragments_for(session: Session) -> Fragments:
    return SQLITE if session.get_bind().dialect.name == "sqlite" else POSTGRESQL


def salary_week_sql(f: Fragments, d: str = "local_date") -> str:
    """True when {d} is within SALARY_WEEK_DAYS days from the latest salary date.

    The salary date of a month is the person's salary day, or the month's last day when the
    salary day is beyond it (as services/timing.py salary_weeks defines it).
    """
    day = f.day.format(d=d)
    this_pay = f.least.format(a=":salary_day", b=f.days_in_month.format(d=d))
    prev_len = f.days_in_prev_month.format(d=d)
    prev_pay = f.least.format(a=":salary_day", b=prev_len)
    return (
        f"(CASE WHEN {day} >= {this_pay} THEN {day} - {this_pay} "
        f"ELSE {day} + {prev_len} - {prev_pay} END) < {SALARY_WEEK_DAYS}"
    )


# Every question looks at the entries dated within [:within_start, :within_end): everything,
# unless asked for a span (the PDF report asks for its year).
WITHIN = " AND local_date >= :within_start AND local_date < :within_end"
EVERYTHING = (date(1, 1, 1), date(9999, 12, 31))
EXPENSES = "SELECT * FROM entries WHERE user_id = :user_id AND type = 'expense'" + WITHIN
# Spending net of refunds (services/ledger/spending.py), for the questions that add amounts
# up: a refund takes off its month and day; transfers are in neither.
NET_SPENDING = (
    f"SELECT local_date, {NET_AMOUNT_SQL} AS amount_minor FROM entries "
    f"WHERE user_id = :user_id AND {SPENDING_SQL}{WITHIN}"
)


@dataclass(frozen=True)
class Question:
    id: str
    command: str
    title: str
    columns: tuple[str, ...]
    kinds: tuple[Kind, ...]
    sql: Callable[[Fragments], str]
    shape: Callable[[Sequence[Any]], tuple[Any, ...]]
    by_year: bool = False


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: str
    title: str
    columns: tuple[str, ...]
    kinds: tuple[Kind, ...]
    rows: tuple[tuple[Any, ...], ...]
    currency: str
    year: int | None = None


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _mean_minor(total: Any, count: Any) -> int:
    """An average amount, rounded half up to a whole minor unit."""
    return _half_up(Decimal(int(total)) / Decimal(int(count)))


def _ratio(numerator: Any, denominator: Any, places: Decimal = CENT) -> Decimal:
    return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(places, rounding=ROUND_HALF_UP)


M, C, L, YM = Kind.MONEY, Kind.COUNT, Kind.LABEL, Kind.YEAR_MONTH


def _year_filter() -> str:
    return " AND local_date >= :year_start AND local_date < :year_end"


QUESTIONS: tuple[Question, ...] = (
    Question(
        "monthly_spend",
        "monthly",
        "Spend per month",
        ("month", "total_spend"),
        (Kind.MONTH, M),
        lambda f: (
            f"SELECT {f.month.format(d='local_date')} AS month, SUM(amount_minor) AS total "
            f"FROM ({NET_SPENDING}{_year_filter()}) e GROUP BY 1 ORDER BY 1"
        ),
        lambda r: (int(r[0]), int(r[1])),
        by_year=True,
    ),
    Question(
        "non_essential_count",
        "nonessential",
        "Non-essential expenses per month",
        ("month", "non_essential_count"),
        (Kind.MONTH, C),
        lambda f: (
            f"SELECT {f.month.format(d='local_date')} AS month, COUNT(*) AS n "
            f"FROM ({EXPENSES}{_year_filter()}) e WHERE NOT is_necessary GROUP BY 1 ORDER BY 1"
        ),
        lambda r: (int(r[0]), int(r[1])),
        by_year=True,
    ),
    Question(
        "top_categories",
        "top_categories",
        "Most frequent expense categories",
        ("category", "transaction_count"),
        (L, C),
        lambda f: (
            f"SELECT category, COUNT(*) AS n FROM ({EXPENSES}) e "
            "GROUP BY category ORDER BY n DESC, category ASC LIMIT 5"
        ),
        lambda r: (r[0], int(r[1])),
    ),
    Question(
        "micro_spend_modes",
        "micro_modes",
        "Micro spends per payment mode",
        ("payment_mode", "micro_spend_count"),
        (L, C),
        lambda f: (
            "SELECT payment_mode, SUM(CASE WHEN amount_minor < :micro THEN 1 ELSE 0 END) AS n "
            f"FROM ({EXPENSES}) e GROUP BY payment_mode ORDER BY n DESC, payment_mode ASC"
        ),
        lambda r: (r[0], int(r[1])),
    ),
    Question(
        "recurring_vs_one_off",
        "recurring",
        "Average expense: one-off vs recurring",
        ("is_recurring", "avg_spend"),
        (Kind.FLAG, M),
        lambda f: (
            "SELECT CASE WHEN is_recurring THEN 1 ELSE 0 END AS rec, SUM(amount_minor), COUNT(*) "
            f"FROM ({EXPENSES}) e GROUP BY 1 ORDER BY 1"
        ),
        lambda r: (bool(r[0]), _mean_minor(r[1], r[2])),
    ),
    Question(
        "weekday_spend",
        "weekdays",
        "Average daily spend by weekday",
        ("weekday", "avg_daily_spend"),
        (L, M),
        lambda f: (
            "WITH days AS (SELECT local_date, SUM(amount_minor) AS total FROM "
            f"({NET_SPENDING}) e GROUP BY local_date), named AS (SELECT CASE {f.dow.format(d='local_date')} "
            + " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(WEEKDAYS))
            + " END AS weekday, total FROM days) SELECT weekday, SUM(total), COUNT(*) FROM named "
            "GROUP BY weekday ORDER BY SUM(total) * 1.0 / COUNT(*) DESC, weekday ASC"
        ),
        lambda r: (r[0], _mean_minor(r[1], r[2])),
    ),
    Question(
        "leak_time_blocks",
        "leak_times",
        "Leaks per time block",
        ("time_block", "leak_count"),
        (L, C),
        lambda f: (
            f"SELECT time_block, COUNT(*) AS n FROM ({EXPENSES}) e WHERE is_leak "
            "GROUP BY time_block ORDER BY n DESC, time_block ASC LIMIT 3"
        ),
        lambda r: (r[0], int(r[1])),
    ),
    Question(
        "high_score_contexts",
        "leak_contexts",
        "Contexts of the highest-scored expenses",
        ("context", "high_score_count"),
        (L, C),
        # PERCENTILE_CONT(0.75) with linear interpolation: position p = 0.75 * (n - 1),
        # written as integer arithmetic so it is exact on both dialects.
        lambda f: (
            f"WITH e AS ({EXPENSES}), s AS (SELECT leakage_score AS v, "
            "ROW_NUMBER() OVER (ORDER BY leakage_score) - 1 AS i, COUNT(*) OVER () AS n FROM e), "
            "p AS (SELECT MAX(n) AS n, (3 * (MAX(n) - 1)) / 4 AS lo, (3 * (MAX(n) - 1)) % 4 AS r FROM s), "
            "cut AS (SELECT MAX(CASE WHEN s.i = p.lo THEN s.v END) * 4 + p.r * ("
            "COALESCE(MAX(CASE WHEN s.i = p.lo + 1 THEN s.v END), MAX(CASE WHEN s.i = p.lo THEN s.v END)) "
            "- MAX(CASE WHEN s.i = p.lo THEN s.v END)) AS cutoff4 FROM s, p GROUP BY p.lo, p.r) "
            "SELECT context, COUNT(*) AS n FROM e, cut WHERE e.leakage_score * 4 > cut.cutoff4 "
            "GROUP BY context ORDER BY n DESC, context ASC"
        ),
        lambda r: (r[0], int(r[1])),
    ),
    Question(
        "potential_savings",
        "savings",
        "Potential savings: halve the top tenth by score",
        ("ym", "potential_savings"),
        (YM, M),
        lambda f: (
            "WITH ranked AS (SELECT local_date, amount_minor, NTILE(10) OVER (ORDER BY "
            "leakage_score DESC, amount_minor DESC, local_date ASC, id ASC) AS decile FROM "
            f"({EXPENSES}) e) SELECT {f.ym.format(d='local_date')} AS ym, SUM(amount_minor) FROM ranked "
            "WHERE decile = 1 GROUP BY 1 ORDER BY 1"
        ),
        lambda r: (r[0], _half_up(Decimal(int(r[1])) / 2)),
    ),
    Question(
        "salary_week_categories",
        "salary_week",
        "Non-essential categories in salary weeks",
        ("category", "count"),
        (L, C),
        lambda f: (
            f"SELECT category, COUNT(*) AS n FROM ({EXPENSES}) e WHERE NOT is_necessary "
            f"AND {salary_week_sql(f)} GROUP BY category ORDER BY n DESC, category ASC LIMIT 3"
        ),
        lambda r: (r[0], int(r[1])),
    ),
    Question(
        "channel_risk",
        "risky_channels",
        "Average leakage score per payment mode",
        ("payment_mode", "avg_leakage_score"),
        (L, Kind.SCORE),
        lambda f: (
            f"SELECT payment_mode, SUM(leakage_score), COUNT(*) FROM ({EXPENSES}) e "
            "GROUP BY payment_mode ORDER BY SUM(leakage_score) * 1.0 / COUNT(*) DESC, payment_mode ASC"
        ),
        lambda r: (r[0], _ratio(r[1], r[2])),
    ),
    Question(
        "top_leak_contexts_by_month",
        "top_leaks",
        "Top leak contexts per month",
        ("ym", "context", "leak_amount", "rank"),
        (YM, L, M, Kind.RANK),
        lambda f: (
            f"WITH m AS (SELECT {f.ym.format(d='local_date')} AS ym, context, "
            f"SUM(amount_minor) AS leak FROM ({EXPENSES}) e WHERE is_leak GROUP BY 1, context), "
            "r AS (SELECT ym, context, leak, RANK() OVER (PARTITION BY ym ORDER BY leak DESC) AS rnk FROM m) "
            "SELECT ym, context, leak, rnk FROM r WHERE rnk <= 3 ORDER BY ym, rnk, context"
        ),
        lambda r: (r[0], r[1], int(r[2]), int(r[3])),
    ),
    Question(
        "salary_week_jumps",
        "salary_jumps",
        "Months whose salary-week leaks jumped",
        ("ym", "salary_week_leak", "previous", "pct_jump"),
        (YM, M, M, Kind.PERCENT),
        lambda f: (
            f"WITH RECURSIVE e AS ({EXPENSES}), bounds AS (SELECT MIN(local_date) AS lo, "
            "MAX(local_date) AS hi FROM e), "
            f"months(m) AS (SELECT {f.month_start.format(d='lo')} FROM bounds WHERE lo IS NOT NULL "
            f"UNION ALL SELECT {f.next_month.format(d='m')} FROM months, bounds "
            f"WHERE {f.next_month.format(d='m')} <= hi), "
            f"leaks AS (SELECT {f.month_start.format(d='local_date')} AS m, SUM(amount_minor) AS s FROM e "
            f"WHERE is_leak AND {salary_week_sql(f)} GROUP BY 1), "
            "series AS (SELECT months.m AS m, COALESCE(leaks.s, 0) AS cur, "
            "LAG(COALESCE(leaks.s, 0)) OVER (ORDER BY months.m) AS prev "
            "FROM months LEFT JOIN leaks ON leaks.m = months.m) "
            f"SELECT {f.ym.format(d='m')}, cur, prev FROM series WHERE prev > 0 AND cur > prev ORDER BY m"
        ),
        lambda r: (r[0], int(r[1]), int(r[2]), _ratio((int(r[1]) - int(r[2])) * 100, r[2])),
    ),
    Question(
        "channel_leak_rate",
        "leak_rate",
        "Leak rate per payment mode",
        ("payment_mode", "leak_count", "total_count", "leak_rate_pct"),
        (L, C, C, Kind.PERCENT),
        lambda f: (
            "SELECT payment_mode, SUM(CASE WHEN is_leak THEN 1 ELSE 0 END) AS leaks, "
            f"COUNT(*) AS total FROM ({EXPENSES}) e GROUP BY payment_mode "
            "ORDER BY SUM(CASE WHEN is_leak THEN 1 ELSE 0 END) * 1.0 / COUNT(*) DESC, payment_mode ASC"
        ),
        lambda r: (r[0], int(r[1]), int(r[2]), _ratio(int(r[1]) * 100, r[2])),
    ),
)
QUESTIONS_BY_ID = {q.id: q for q in QUESTIONS}
QUESTIONS_BY_COMMAND = {q.command: q for q in QUESTIONS}


def latest_expense_year(session: Session, user: User) -> int | None:
    """The most recent year in which the person has expenses."""
    value = session.execute(
        text("SELECT MAX(local_date) FROM entries WHERE user_id = :u AND type = 'expense'"), {"u": user.id}
    ).scalar()
    if value is None:
        return None
    return value.year if isinstance(value, date) else int(str(value)[:4])


def ask(
    *,
    session: Session,
    user: User,
    question_id: str,
    year: int | None = None,
    within: tuple[date, date] = EVERYTHING,
) -> QuestionResult:
    """Answer one question over the person's own entries (those dated within [start, end))."""
    question = QUESTIONS_BY_ID.get(question_id)
    if question is None:
        raise NotFound(f"There is no question {question_id!r}. Questions: {', '.join(QUESTIONS_BY_ID)}.")
    if question.by_year:
        year = (
            year or latest_expense_year(session, user) or local_today(datetime.now(UTC), user.timezone).year
        )
        if not 1900 <= year <= 2999:
            raise NotFound(f"{year} is not a year I can look at.")
    statement = text(question.sql(fragments_for(session))).bindparams(
        bindparam("within_start", type_=Date), bindparam("within_end", type_=Date)
    )
    params: dict[str, Any] = {
        "user_id": user.id,
        "micro": user.micro_threshold_minor,
        "salary_day": user.salary_day,
        "within_start": within[0],
        "within_end": within[1],
    }
    if question.by_year:
        assert year is not None
        statement = statement.bindparams(
            bindparam("year_start", type_=Date), bindparam("year_end", type_=Date)
        )
        params |= {"year_start": date(year, 1, 1), "year_end": date(year + 1, 1, 1)}
    rows = tuple(question.shape(row) for row in session.execute(statement, params))
    return QuestionResult(
        question.id,
        question.title,
        question.columns,
        question.kinds,
        rows,
        user.currency,
        year if question.by_year else None,
    )


@dataclass(frozen=True, slots=True)
class SavingsPace:
    """potential_savings over the year up to its latest month: what it adds up to, over how
    many calendar months (from the first month with savings in that year), and that pace
    over twelve months (an estimate, in whole currency units)."""

    total_minor: int
    months: int
    per_year_minor: int


def savings_pace(rows: Sequence[tuple[Any, ...]], currency: str) -> SavingsPace:
    """From potential_savings rows ("YYYY-MM", minor units), oldest first, at least one."""

    def month_number(ym: str) -> int:
        year, month = ym.split("-")
        return int(year) * 12 + int(month)

    last = month_number(rows[-1][0])
    year = [r for r in rows if last - month_number(r[0]) < 12]
    total = sum(int(r[1]) for r in year)
    months = last - month_number(year[0][0]) + 1
    unit = 10 ** exponent(currency)  # an estimate: whole currency units
    per_year = _half_up(Decimal(total) * 12 / (months * unit)) * unit
    return SavingsPace(total, months, per_year)


@dataclass(frozen=True, slots=True)
class LeakLine:
    local_date: date
    category: str
    amount_minor: int
    score: int


def largest_leaks(*, session: Session, user: User, year: int, month: int, limit: int = 5) -> list[LeakLine]:
    """The month's largest leaks, for /top_leaks."""
    start, end = month_start(year, month), month_start(year, month, plus=1)
    statement = text(
        "SELECT local_date, category, amount_minor, leakage_score FROM entries WHERE user_id = :u "
        "AND type = 'expense' AND is_leak AND local_date >= :start AND local_date < :end "
        "ORDER BY amount_minor DESC, local_date ASC, id ASC LIMIT :limit"
    ).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
    rows = session.execute(statement, {"u": user.id, "start": start, "end": end, "limit": limit})
    return [
        LeakLine(d if isinstance(d, date) else date.fromisoformat(str(d)), c, int(a), int(s))
        for d, c, a, s in rows
    ]
