"""Questions in plain words: each phrasing is read as a person means it (written out by hand
below), and its answer equals an independent pandas computation of that meaning over the
same generated entries, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from db.frames import entries_frame, insert_entry_frame
from db.models import User
from services.insights.budgets import set_budget
from services.insights.merchants import merchant_of
from services.ledger.people import profile_of
from services.ledger.vocabulary import add_category, teach_word
from services.questions import asked
from services.questions.plain import By, Filters, Measure, NotUnderstood, Query, understand
from services.synthetic import generate_entries
from services.usecases.questions import ask
from tests.factories import make_user

TODAY = date(2024, 6, 20)  # a Thursday
NOW = datetime(2024, 6, 20, 12, 0, tzinfo=UTC)  # 17:30 in Asia/Kolkata


def d(text: str) -> date:
    return date.fromisoformat(text)


def span(start: str, end: str) -> tuple[date, date]:
    return d(start), d(end)


TM = span("2024-06-01", "2024-06-20")  # this month, to today
LM = span("2024-05-01", "2024-05-31")
TW = span("2024-06-17", "2024-06-20")
LW = span("2024-06-10", "2024-06-16")
TY = span("2024-01-01", "2024-06-20")
Y2023 = span("2023-01-01", "2023-12-31")
TODAY_ONLY = span("2024-06-20", "2024-06-20")
YESTERDAY = span("2024-06-19", "2024-06-19")
MAY = LM
DO = ("Dining Out",)
CARDS = ("Debit Card", "Credit Card")


@dataclass(frozen=True)
class Case:
    text: str
    measure: Measure
    period: tuple[date, date]
    filters: dict[str, Any] = field(default_factory=dict)
    other: tuple[date, date] | None = None
    by: By | None = None
    limit: int | None = None

    def __str__(self) -> str:
        return self.text


T, C, A, TOP, CMP, TR, BU = (
    Measure.TOTAL,
    Measure.COUNT,
    Measure.AVERAGE,
    Measure.TOP,
    Measure.COMPARE,
    Measure.TREND,
    Measure.BUDGET,
)
CASES = (
    # totals
    Case("how much did I spend on food last month?", T, LM, {"categories": DO}),
    Case("kitna kharcha food pe is mahine", T, TM, {"categories": DO}),
    Case("pichle mahine ka kharcha", T, LM),
    Case("weekend dining in May", T, MAY, {"categories": DO, "day_type": "Weekend"}),
    Case("zomato this year", T, TY, {"merchant": "Zomato"}),
    Case("Swiggy last month?", T, LM, {"merchant": "Swiggy"}),
    Case("uber in 2023", T, Y2023, {"merchant": "Uber"}),
    Case(
        "how much on groceries between 1 May and 15 June",
        T,
        span("2024-05-01", "2024-06-15"),
        {"categories": ("Groceries",)},
    ),
    Case("upi spends in the last 30 days", T, span("2024-05-22", "2024-06-20"), {"payment_modes": ("UPI",)}),
    Case("cash spending this week", T, TW, {"payment_modes": ("Cash",)}),
    Case("card spends last week", T, LW, {"payment_modes": CARDS}),
    Case("spent by credit card in 2023", T, Y2023, {"payment_modes": ("Credit Card",)}),
    Case("what did I spend today", T, TODAY_ONLY),
    Case("spending yesterday", T, YESTERDAY),
    Case("night spends this month", T, TM, {"time_block": "Night"}),
    Case("late night food orders in May", T, MAY, {"categories": DO, "time_block": "Night"}),
    Case("morning coffee last month", T, LM, {"categories": DO, "time_block": "Morning"}),
    Case("afternoon travel this year", T, TY, {"categories": ("Travel",), "time_block": "Afternoon"}),
    Case(
        "evening entertainment in 2023", T, Y2023, {"categories": ("Entertainment",), "time_block": "Evening"}
    ),
    Case("how much did I leak this month", T, TM, {"leak": True}),
    Case("leaks last month", T, LM, {"leak": True}),
    Case("non-leaks this month", T, TM, {"leak": False}),
    Case("spending that was not a leak in May", T, MAY, {"leak": False}),
    Case("unnecessary spending last month", T, LM, {"necessary": False}),
    Case("non-essential spends in 2023", T, Y2023, {"necessary": False}),
    Case("necessary expenses this month", T, TM, {"necessary": True}),
    Case("essentials in May", T, MAY, {"necessary": True}),
    Case("weekday lunch this week", T, TW, {"categories": DO, "day_type": "Weekday"}),
    Case("spending on saturdays in 2024", T, TY, {"weekday": 5}),
    Case("fridays last month", T, LM, {"weekday": 4}),
    Case("rent in March 2024", T, span("2024-03-01", "2024-03-31"), {"categories": ("Rent",)}),
    Case("petrol since april", T, span("2024-04-01", "2024-06-20"), {"categories": ("Fuel",)}),
    Case("medicine from 20 dec to 5 jan", T, span("2023-12-20", "2024-01-05"), {"categories": ("Medical",)}),
    Case("groceries and dining last month", T, LM, {"categories": ("Groceries", "Dining Out")}),
    Case("shopping in december", T, span("2023-12-01", "2023-12-31"), {"categories": ("Clothing",)}),
    Case(
        "movies in the last 3 months", T, span("2024-03-21", "2024-06-20"), {"categories": ("Entertainment",)}
    ),
    Case("subscriptions in 2023", T, Y2023, {"categories": ("Subscription",)}),
    Case("EMI last year", T, Y2023, {"categories": ("EMI",)}),
    Case(
        "education spending in the past 2 weeks",
        T,
        span("2024-06-07", "2024-06-20"),
        {"categories": ("Education",)},
    ),
    Case("bills this year", T, TY, {"categories": ("Utilities",)}),
    Case("mobile recharge in 2024", T, TY, {"categories": ("Mobile Recharge",)}),
    Case("gifts last month", T, LM, {"categories": ("Gift",)}),
    Case(
        "insurance between 2024-01-01 and 2024-03-31",
        T,
        span("2024-01-01", "2024-03-31"),
        {"categories": ("Insurance",)},
    ),
    Case("chai pe kitna kharcha pichle hafte", T, LW, {"categories": DO}),
    Case("aaj ka kharcha", T, TODAY_ONLY),
    Case("kal kitna kharch hua", T, YESTERDAY),
    Case("is saal travel", T, TY, {"categories": ("Travel",)}),
    Case("pichle saal dining", T, Y2023, {"categories": DO}),
    Case(
        "leaks by upi at night this year",
        T,
        TY,
        {"leak": True, "payment_modes": ("UPI",), "time_block": "Night"},
    ),
    Case(
        "gpay dining on weekends last month",
        T,
        LM,
        {"categories": DO, "payment_modes": ("UPI",), "day_type": "Weekend"},
    ),
    Case("What’s my spend in June?", T, TM),
    Case("चाय this month", T, TM, {"categories": DO}),
    Case("how much did I spend this weekend", T, span("2024-06-15", "2024-06-16")),
    Case("dining last weekend", T, span("2024-06-15", "2024-06-16"), {"categories": DO}),
    Case("between march and may", T, span("2024-03-01", "2024-05-31")),
    Case("from nov to feb travel", T, span("2023-11-01", "2024-02-29"), {"categories": ("Travel",)}),
    Case(
        "compare groceries this weekend",
        CMP,
        span("2024-06-15", "2024-06-16"),
        {"categories": ("Groceries",)},
        other=span("2024-06-08", "2024-06-09"),
    ),
    # counts
    Case("how many times did I take an auto in 2024", C, TY, {"categories": ("Travel",)}),
    Case("how many leaks this month", C, TM, {"leak": True}),
    Case("how often did I eat out last month", C, LM, {"categories": DO}),
    Case("number of cab rides this year", C, TY, {"categories": ("Travel",)}),
    Case("kitni baar chai li is hafte", C, TW, {"categories": DO}),
    Case("count of zomato orders in May", C, MAY, {"merchant": "Zomato"}),
    Case("how many cash spends yesterday", C, YESTERDAY, {"payment_modes": ("Cash",)}),
    Case("how many unnecessary spends last week", C, LW, {"necessary": False}),
    # averages
    Case("average dining spend this year", A, TY, {"categories": DO}),
    Case("average spend last month", A, LM),
    Case("avg upi payment in May", A, MAY, {"payment_modes": ("UPI",)}),
    Case("typical grocery spend in 2023", A, Y2023, {"categories": ("Groceries",)}),
    Case("average leak this month", A, TM, {"leak": True}),
    # top lists
    Case("biggest leaks this week", TOP, TW, {"leak": True}, by=By.SPEND),
    Case("top 3 spends last month", TOP, LM, by=By.SPEND, limit=3),
    Case("largest expenses in 2023", TOP, Y2023, by=By.SPEND),
    Case("top categories this month", TOP, TM, by=By.CATEGORY),
    Case("where did I spend most last month", TOP, LM, by=By.CATEGORY),
    Case("top 3 categories in 2023", TOP, Y2023, by=By.CATEGORY, limit=3),
    Case("biggest dining spends in May", TOP, MAY, {"categories": DO}, by=By.SPEND),
    Case("spend by category last month", TOP, LM, by=By.CATEGORY),
    Case("top payment modes this year", TOP, TY, by=By.PAYMENT_MODE),
    Case("leaks by time of day this year", TOP, TY, {"leak": True}, by=By.TIME_BLOCK),
    Case("sabse bada kharcha is mahine", TOP, TM, by=By.SPEND),
    Case("most expensive travel last year", TOP, Y2023, {"categories": ("Travel",)}, by=By.SPEND),
    # comparisons
    Case("compare coffee this month and last", CMP, TM, {"categories": DO}, other=LM),
    Case("this month vs last month", CMP, TM, other=LM),
    Case("compare leaks this week and last week", CMP, TW, {"leak": True}, other=LW),
    Case("May 2024 vs April 2024", CMP, MAY, other=span("2024-04-01", "2024-04-30")),
    Case("compare dining in 2023 and 2024", CMP, Y2023, {"categories": DO}, other=TY),
    Case("groceries this year compared to last year", CMP, TY, {"categories": ("Groceries",)}, other=Y2023),
    Case("compare travel this month", CMP, TM, {"categories": ("Travel",)}, other=LM),
    # trends
    Case("dining trend", TR, span("2024-02-01", "2024-06-20"), {"categories": DO}, by=By.MONTH),
    Case("monthly spending in 2023", TR, Y2023, by=By.MONTH),
    Case("weekly trend of leaks", TR, span("2024-05-20", "2024-06-20"), {"leak": True}, by=By.WEEK),
    Case("travel per week this month", TR, TM, {"categories": ("Travel",)}, by=By.WEEK),
    Case("har mahine ka kharcha is saal", TR, TY, by=By.MONTH),
    Case("spending month by month since january", TR, TY, by=By.MONTH),
    # budgets
    Case("what's left in my dining budget", BU, TM, {"categories": DO}),
    Case("how much is left in my budgets", BU, TM),
    Case("leaks budget left", BU, TM, {"leak": True}),
)
NOTES = {  # what bank statements name, on some of the generated spends
    "Dining Out": (
        "UPI-ZOMATO LIMITED-zomato@okaxis-4065",
        "SWIGGY BANGALORE",
        "",
        "zomato gold",
        "DOMINOS PIZZA",
    ),
    "Travel": ("UBER INDIA SYSTEMS", "", "OLA CABS", "auto"),
}


@cache
def ledger(profile: Any) -> pd.DataFrame:
    """18 months of generated entries to TODAY, with merchants in notes, refunds and transfers."""
    frame = generate_entries(months=18, seed=31, profile=profile).reset_index(drop=True)
    frame = frame[frame["local_date"] <= TODAY].reset_index(drop=True)
    for category, notes in NOTES.items():
        rows = frame.index[frame["category"] == category]
        frame.loc[rows, "note"] = [notes[i % len(notes)] for i in range(len(rows))]
    expenses = frame.index[frame["type"] == "expense"]
    frame.loc[expenses[::19], "type"] = "refund"  # money back on some spends
    frame.loc[expenses[7::29], "type"] = "transfer"
    return frame


@pytest.fixture
def person(session: Session) -> User:
    user = make_user(session)
    frame = ledger(profile_of(user))
    insert_entry_frame(
        session,
        frame.assign(user_id=user.id, source="csv", source_ref=[f"q:{i}" for i in range(len(frame))]),
    )
    set_budget(session=session, user=user, target="dining", amount="3000")
    set_budget(session=session, user=user, target="groceries", amount="5000")
    set_budget(session=session, user=user, target="leaks", amount="2000")
    return user


# --- the independent computation ---------------------------------------------------------------
def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def spending(e: pd.DataFrame, case: Case, start: date, end: date) -> pd.DataFrame:
    """The spending rows the case means, a refund's amount negative and never a leak."""
    f = Filters(**case.filters)
    e = e[e["type"].isin(["expense", "refund"])].copy()
    e["net"] = e["amount_minor"].where(e["type"] == "expense", -e["amount_minor"])
    e["leak"] = e["is_leak"].fillna(False).astype(bool) & (e["type"] == "expense")
    day = pd.to_datetime(e["local_date"])
    keep = (day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))
    if f.categories:
        keep &= e["category"].isin(f.categories)
    if f.merchant:
        keep &= e["note"].map(merchant_of) == f.merchant
    if f.payment_modes:
        keep &= e["payment_mode"].isin(f.payment_modes)
    if f.time_block:
        keep &= e["time_block"] == f.time_block
    if f.day_type:
        keep &= day.dt.day_of_week.isin([5, 6]) == (f.day_type == "Weekend")
    if f.weekday is not None:
        keep &= day.dt.day_of_week == f.weekday
    if f.leak is not None:
        keep &= e["leak"] == f.leak
    if f.necessary is not None:
        keep &= e["is_necessary"].astype(bool) == f.necessary
    return e[keep]


def figures(e: pd.DataFrame) -> tuple[int, int]:
    return int(e["net"].sum()), int((e["type"] == "expense").sum())


def expected(frame: pd.DataFrame, case: Case) -> dict[str, Any]:
    rows = spending(frame, case, *case.period)
    out: dict[str, Any] = {"figures": [figures(rows)]}
    spends = rows[rows["type"] == "expense"]
    if case.measure is Measure.COMPARE:
        assert case.other is not None
        out["figures"].append(figures(spending(frame, case, *case.other)))
    elif case.measure is Measure.AVERAGE:
        out["average"] = (
            half_up(Decimal(int(spends["amount_minor"].sum())) / len(spends)) if len(spends) else None
        )
    elif case.measure is Measure.TOP and case.by is By.SPEND:
        top = spends.assign(day=pd.to_datetime(spends["local_date"]))
        top = top.sort_values(["amount_minor", "day", "id"], ascending=[False, True, True]).head(
            case.limit or 5
        )
        out["rows"] = [(r.category, int(r.amount_minor), r.day.date()) for r in top.itertuples()]
    elif case.measure is Measure.TOP:
        column = case.by.value  # type: ignore[union-attr]
        groups = rows.groupby(column).agg(
            total=("net", "sum"), n=("type", lambda t: int((t == "expense").sum()))
        )
        groups = groups.reset_index().sort_values(["total", column], ascending=[False, True])
        out["rows"] = [
            (str(r[0]), int(r[1]), int(r[2]))
            for r in groups.head(case.limit or len(groups)).itertuples(index=False)
        ]
        out["more"] = len(groups) - min(len(groups), case.limit or len(groups))
    elif case.measure is Measure.TREND:
        day = pd.to_datetime(rows["local_date"])
        if case.by is By.MONTH:
            key = day.dt.to_period("M").dt.start_time
            starts = pd.period_range(case.period[0], case.period[1], freq="M").start_time
        else:
            key = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.normalize()
            first = pd.Timestamp(case.period[0] - timedelta(days=case.period[0].weekday()))
            starts = pd.date_range(first, pd.Timestamp(case.period[1]), freq="7D")
        grouped = (
            rows.assign(key=key)
            .groupby("key")
            .agg(total=("net", "sum"), n=("type", lambda t: int((t == "expense").sum())))
        )
        out["rows"] = [
            (s.date(), int(grouped["total"].get(s, 0)), int(grouped["n"].get(s, 0))) for s in starts
        ]
    elif case.measure is Measure.BUDGET:
        june = spending(frame, Case("", T, TM), d("2024-06-01"), d("2024-06-30"))
        limits = {"Dining Out": 300_000, "Groceries": 500_000, None: 200_000}
        used = {
            "Dining Out": int(june.loc[june["category"] == "Dining Out", "net"].sum()),
            "Groceries": int(june.loc[june["category"] == "Groceries", "net"].sum()),
            None: int(june.loc[june["leak"], "net"].sum()),
        }
        wanted = list(case.filters.get("categories", ())) or (
            [None] if case.filters.get("leak") else list(limits)
        )
        out["budgets"] = {k: (limits[k], used[k]) for k in wanted}
    return out


def understood(case: Case) -> Query:
    query = understand(case.text, today=TODAY)
    assert isinstance(query, Query), query
    return query


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_question_is_read_as_meant(case: Case) -> None:
    query = understood(case)
    assert query.measure is case.measure
    assert query.filters == Filters(**case.filters)
    assert (query.period.start, query.period.end) == case.period
    assert (None if query.other is None else (query.other.start, query.other.end)) == case.other
    if case.by is not None or query.measure in (Measure.TOP, Measure.TREND):
        assert query.by is case.by
    if case.measure is Measure.TOP:
        assert query.limit == case.limit


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_answer_equals_pandas_over_the_same_entries(session: Session, person: User, case: Case) -> None:
    result = asked.answer(session=session, user=person, query=understood(case))
    want = expected(entries_frame(session, person.id), case)
    assert [(f.total_minor, f.count) for f in result.figures] == want["figures"]
    if "average" in want:
        assert result.average_minor == want["average"]
    if case.measure is Measure.TOP and case.by is By.SPEND:
        assert [(r.label, r.total_minor, r.day) for r in result.rows] == want["rows"]
    elif "rows" in want:
        shape = (
            (lambda r: (r.day, r.total_minor, r.count))
            if case.measure is Measure.TREND
            else (lambda r: (r.label, r.total_minor, r.count))
        )
        assert [shape(r) for r in result.rows] == want["rows"]
    if "more" in want:
        assert result.more_rows == want["more"]
    if "budgets" in want:
        assert {b.category: (b.limit_minor, b.used_minor) for b in result.budgets} == want["budgets"]


def test_there_are_at_least_eighty_distinct_phrasings() -> None:
    assert len({c.text.casefold() for c in CASES}) >= 80
    assert {c.measure for c in CASES} == set(Measure)


# --- not understood ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["dinning last month", "how much on unicorns", "hello there", "spent 500 on xyz", "leaks in 2024-02-31"],
)
def test_what_is_not_understood_gets_three_suggestions_that_are(text: str) -> None:
    answer = understand(text, today=TODAY)
    assert isinstance(answer, NotUnderstood)
    assert len(answer.suggestions) == 3 and len(set(answer.suggestions)) == 3
    for suggestion in answer.suggestions:
        assert isinstance(understand(suggestion, today=TODAY), Query), suggestion


def test_a_misspelt_category_is_suggested_by_its_name() -> None:
    answer = understand("dinning last month", today=TODAY)
    assert isinstance(answer, NotUnderstood) and answer.unknown == ("dinning",)
    assert answer.suggestions[0] == "dining out this month"


def test_a_persons_own_categories_and_words_are_understood(session: Session, person: User) -> None:
    add_category(session=session, user=person, name="Pets", necessary=True)
    teach_word(session=session, user=person, word="sabzi", category="Groceries")
    assert isinstance(understand("pets this month", today=TODAY), NotUnderstood)  # not without their words
    pets = ask(session=session, person=person, text="pets this month", now=NOW)
    assert pets.query is not None and pets.query.filters.categories == ("Pets",)
    assert pets.result is not None and pets.result.figures[0].count == 0
    sabzi = ask(session=session, person=person, text="sabzi last month", now=NOW)
    assert sabzi.query is not None and sabzi.query.filters.categories == ("Groceries",)


def test_a_merchant_no_note_names_is_answered_by_its_category(session: Session, person: User) -> None:
    """Chat lines (`netflix 199`) keep the merchant only as its category."""
    answer = ask(session=session, person=person, text="netflix in 2023", now=NOW)
    assert answer.no_merchant == "Netflix"
    assert answer.query is not None and answer.query.filters.categories == ("Subscription",)
    want = expected(entries_frame(session, person.id), Case("", T, Y2023, {"categories": ("Subscription",)}))
    assert (
        answer.result is not None
        and [(answer.result.figures[0].total_minor, answer.result.figures[0].count)] == want["figures"]
    )


def test_another_persons_entries_never_count(session: Session, person: User) -> None:
    other = make_user(session)
    answer = ask(session=session, person=other, text="how much did I spend in 2023", now=NOW)
    assert answer.result is not None and answer.result.figures[0].count == 0


WORDS = [c.text for c in CASES] + [
    "between 31 feb and 3 march",
    "last 0 days",
    "top 0",
    "in 2099",
    "चाय this month",
]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80) | st.lists(st.sampled_from(" ".join(WORDS).split()), max_size=12).map(" ".join))
def test_any_text_is_either_understood_or_answered_with_suggestions(text: str) -> None:
    answer = understand(text, today=TODAY)
    if isinstance(answer, Query):
        assert answer.period.start <= answer.period.end
    else:
        assert len(answer.suggestions) == 3
