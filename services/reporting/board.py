"""The interactive dashboard's numbers (the Mini App, bot/webapp.py): one month of a person,
optionally filtered by category, payment mode and time block (combinable).

The same definitions as the dashboard picture (services/reporting/dashboard.py): spending is
net of refunds (services/ledger/spending.py), a leak is an expense whose effective verdict
(`is_leak`) says so, savings rate is savings over income. Everything is summed in SQL, in
exact minor units, scoped to the person by the (user_id, local_date) index.

Cross-filtering as in the seed's Power BI page: the tiles, the trend and the entries take
every filter; a chart leaves out the filter on its own dimension (the category bars ignore
the category filter, the mode x time grid ignores mode and time block), so it still shows
what else there is to pick, and the picked one is marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import ColumnElement, and_, case, extract, func, select
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.catalog import PAYMENT_MODES, TIME_BLOCKS, EntryType
from services.errors import LeakBotError
from services.ledger.spending import SPENDING_TYPES, net_amount
from services.timing import local_datetime, month_bounds, month_start
from services.wording import percent_change

MONTHS_OF_TREND = 12  # the trend ends with the month shown, as the dashboard's does
PAGE_SIZE = 20  # entries per page of the list
CATEGORY_LENGTH = 64  # Entry.category
EXPENSE, INCOME, SAVINGS = EntryType.EXPENSE.value, EntryType.INCOME.value, EntryType.SAVINGS.value
FLOW_TYPES = (INCOME, SAVINGS, *SPENDING_TYPES)


@dataclass(frozen=True)
class Month:
    """A calendar month (periods.Period's fields, without loading pandas: the bot serves this)."""

    start: date  # inclusive
    end: date  # exclusive
    label: str  # "May 2024"


def month_of(year: int, month: int) -> Month:
    start, end = month_bounds(date(year, month, 1))
    return Month(start, end, f"{start:%B %Y}")


@dataclass(frozen=True)
class BoardFilter:
    """What the person tapped; None: everything."""

    category: str | None = None
    payment_mode: str | None = None
    time_block: str | None = None

    def __post_init__(self) -> None:
        if self.category is not None and not 0 < len(self.category) <= CATEGORY_LENGTH:
            raise LeakBotError("That is not a category.")
        if self.payment_mode is not None and self.payment_mode not in PAYMENT_MODES:
            raise LeakBotError(f"Payment modes: {', '.join(PAYMENT_MODES)}.")
        if self.time_block is not None and self.time_block not in TIME_BLOCKS:
            raise LeakBotError(f"Times of day: {', '.join(TIME_BLOCKS)}.")

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.category, self.payment_mode, self.time_block))

    def conditions(self, *, ignore: tuple[str, ...] = ()) -> list[ColumnElement[bool]]:
        """SQL conditions for every filter set, but those on the columns in ignore."""
        pairs = (
            ("category", self.category, Entry.category),
            ("payment_mode", self.payment_mode, Entry.payment_mode),
            ("time_block", self.time_block, Entry.time_block),
        )
        return [column == value for name, value, column in pairs if value is not None and name not in ignore]


@dataclass(frozen=True)
class Tile:
    """A month's total and the month before's."""

    name: str
    value_minor: int
    previous_minor: int

    @property
    def change_pct(self) -> float | None:
        return percent_change(self.value_minor, self.previous_minor)


@dataclass(frozen=True)
class Rate:
    """Savings over income, in percent; None without income."""

    value: float | None
    previous: float | None


@dataclass(frozen=True)
class CategoryBar:
    category: str
    spent_minor: int  # net of refunds
    leak_minor: int


@dataclass(frozen=True)
class Cell:
    """Spending in one payment mode and time block."""

    payment_mode: str
    time_block: str
    spent_minor: int
    leak_minor: int
    spends: int  # expenses (a refund is no spend)


@dataclass(frozen=True)
class MonthFlow:
    month: date  # its first day
    income_minor: int
    expenses_minor: int
    leak_minor: int


@dataclass(frozen=True)
class EntryRow:
    """One entry behind the filter, as the list shows it."""

    id: int
    type: str
    category: str
    amount_minor: int
    local_date: date
    local_time: time
    payment_mode: str
    time_block: str
    note: str
    is_leak: bool | None  # the effective verdict; None: not an expense
    user_verdict: bool | None
    decided_by: str | None


@dataclass(frozen=True)
class Board:
    month: Month
    currency: str
    filter: BoardFilter
    income: Tile
    expenses: Tile
    savings: Tile
    leaks: Tile
    savings_rate: Rate
    leak_share: float | None  # percent of the month's spending
    expenses_by_category: list[CategoryBar]  # largest first, only what is above zero
    leaks_by_category: list[CategoryBar]  # largest leak first, only categories with leaks
    grid: list[Cell]  # every payment mode x time block with spending
    payment_modes: tuple[str, ...]  # the grid's rows, in catalog order, then any others
    time_blocks: tuple[str, ...]
    trend: list[MonthFlow]  # MONTHS_OF_TREND months, oldest first, ending with this month
    entries: list[EntryRow]  # one page, newest first
    entries_total: int
    page: int
    page_size: int
    first_month: date | None  # the months the person has entries in, for the month picker
    last_month: date | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.entries_total // self.page_size))


def _rate(savings: int, income: int) -> float | None:
    return savings * 100.0 / income if income else None


def _month_key(day: date) -> int:
    return day.year * 100 + day.month


def board_data(
    session: Session,
    user: User,
    *,
    year: int,
    month: int,
    chosen: BoardFilter | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> Board:
    """Every number the interactive dashboard shows for one calendar month (local dates)."""
    chosen = chosen or BoardFilter()
    if page < 0:
        raise LeakBotError("Pages start at 1.")
    this = month_of(year, month)
    first = month_start(year, month, plus=-(MONTHS_OF_TREND - 1))
    mine = Entry.user_id == user.id
    in_month = and_(mine, Entry.local_date >= this.start, Entry.local_date < this.end)
    is_leak = and_(Entry.type == EXPENSE, Entry.is_leak.is_(True))
    leak_amount = func.sum(case((is_leak, Entry.amount_minor), else_=0))

    # Months: every flow type, every filter; the tiles are this month's and the one before's.
    ym = extract("year", Entry.local_date) * 100 + extract("month", Entry.local_date)
    flows = session.execute(
        select(ym, Entry.type, func.sum(Entry.amount_minor), leak_amount)
        .where(mine, Entry.local_date >= first, Entry.local_date < this.end, Entry.type.in_(FLOW_TYPES))
        .where(*chosen.conditions())
        .group_by(ym, Entry.type)
    ).all()
    totals: dict[tuple[int, str], int] = {}
    leaks: dict[int, int] = {}
    for key, kind, amount, leak in flows:
        key = int(key)
        signed = -int(amount) if kind == EntryType.REFUND.value else int(amount)
        kind = EXPENSE if kind in SPENDING_TYPES else kind
        totals[key, kind] = totals.get((key, kind), 0) + signed
        leaks[key] = leaks.get(key, 0) + int(leak or 0)
    months = [month_start(first.year, first.month, plus=i) for i in range(MONTHS_OF_TREND)]
    trend = [
        MonthFlow(
            m,
            totals.get((_month_key(m), INCOME), 0),
            totals.get((_month_key(m), EXPENSE), 0),
            leaks.get(_month_key(m), 0),
        )
        for m in months
    ]
    now_key, before_key = _month_key(this.start), _month_key(months[-2])

    def tile(name: str, kind: str) -> Tile:
        return Tile(name, totals.get((now_key, kind), 0), totals.get((before_key, kind), 0))

    income, savings, expenses = tile("Income", INCOME), tile("Savings", SAVINGS), tile("Expenses", EXPENSE)
    leak_tile = Tile("Leaks", leaks.get(now_key, 0), leaks.get(before_key, 0))

    # Categories: this month's spending, every filter but the category's own.
    spending = and_(in_month, Entry.type.in_(SPENDING_TYPES))
    by_category = session.execute(
        select(Entry.category, func.sum(net_amount()), leak_amount)
        .where(spending, *chosen.conditions(ignore=("category",)))
        .group_by(Entry.category)
    ).all()
    bars = [CategoryBar(str(c), int(v), int(leak or 0)) for c, v, leak in by_category]
    expenses_by_category = sorted(
        (b for b in bars if b.spent_minor > 0), key=lambda b: (-b.spent_minor, b.category)
    )
    leaks_by_category = sorted(
        (b for b in bars if b.leak_minor > 0), key=lambda b: (-b.leak_minor, b.category)
    )

    # Payment mode x time block: every filter but those two.
    spends = func.sum(case((Entry.type == EXPENSE, 1), else_=0))
    cells = session.execute(
        select(Entry.payment_mode, Entry.time_block, func.sum(net_amount()), leak_amount, spends)
        .where(spending, *chosen.conditions(ignore=("payment_mode", "time_block")))
        .group_by(Entry.payment_mode, Entry.time_block)
    ).all()
    grid = [Cell(str(m), str(b), int(v), int(leak or 0), int(n or 0)) for m, b, v, leak, n in cells]
    seen_modes = {c.payment_mode for c in grid}
    seen_blocks = {c.time_block for c in grid}
    modes = (*PAYMENT_MODES, *sorted(seen_modes - set(PAYMENT_MODES)))
    blocks = (*TIME_BLOCKS, *sorted(seen_blocks - set(TIME_BLOCKS)))

    # The entries behind the filter, newest first.
    listed = and_(in_month, *chosen.conditions())
    count = int(session.scalar(select(func.count()).select_from(Entry).where(listed)) or 0)
    rows = session.scalars(
        select(Entry)
        .where(listed)
        .order_by(Entry.occurred_at.desc(), Entry.id.desc())
        .limit(page_size)
        .offset(page * page_size)
    ).all()
    entries = [
        EntryRow(
            id=e.id,
            type=e.type,
            category=e.category,
            amount_minor=e.amount_minor,
            local_date=e.local_date,
            local_time=local_datetime(e.occurred_at, user.timezone).time().replace(second=0, microsecond=0),
            payment_mode=e.payment_mode,
            time_block=e.time_block,
            note=e.note or "",
            is_leak=bool(e.is_leak) if e.type == EXPENSE else None,
            user_verdict=e.user_verdict if e.type == EXPENSE else None,
            decided_by=e.decided_by if e.type == EXPENSE else None,
        )
        for e in rows
    ]
    earliest, latest = session.execute(
        select(func.min(Entry.local_date), func.max(Entry.local_date)).where(mine)
    ).one()
    spent = expenses.value_minor
    return Board(
        month=this,
        currency=user.currency,
        filter=chosen,
        income=income,
        expenses=expenses,
        savings=savings,
        leaks=leak_tile,
        savings_rate=Rate(
            _rate(savings.value_minor, income.value_minor),
            _rate(savings.previous_minor, income.previous_minor),
        ),
        leak_share=leak_tile.value_minor * 100.0 / spent if spent > 0 else None,
        expenses_by_category=expenses_by_category,
        leaks_by_category=leaks_by_category,
        grid=grid,
        payment_modes=modes,
        time_blocks=blocks,
        trend=trend,
        entries=entries,
        entries_total=count,
        page=page,
        page_size=page_size,
        first_month=_first_day(earliest),
        last_month=_first_day(latest),
    )


def _first_day(day: date | str | None) -> date | None:
    if day is None:
        return None
    if isinstance(day, str):  # SQLite's min() of a date column comes back as text
        day = date.fromisoformat(day)
    return day.replace(day=1)
