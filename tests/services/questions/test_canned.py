"""Every question against an independent pandas computation of the same meaning."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from db.frames import entries_frame
from services.errors import NotFound
from services.importing.pipeline import import_csv
from services.questions.canned import QUESTIONS, ask
from services.synthetic import generate, to_csv_bytes
from services.timing import salary_weeks
from tests.factories import make_user

CENT = Decimal("0.01")


def money(minor: float | int | Decimal) -> int:
    """An amount in whole minor units, rounded half up."""
    return int(Decimal(str(minor)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ratio(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def ranked(frame: pd.DataFrame, value: str, label: str) -> pd.DataFrame:
    return frame.sort_values([value, label], ascending=[False, True], kind="stable")


def expected_answers(e: pd.DataFrame, *, micro: int, salary_day: int, year: int) -> dict[str, list[tuple]]:
    e = e[e["type"] == "expense"].copy()
    e["day"] = pd.to_datetime(e["local_date"])
    e["ym"] = e["day"].dt.strftime("%Y-%m")
    e["is_leak"] = e["is_leak"].astype(bool)
    in_year = e[e["day"].dt.year == year]
    leaks = e[e["is_leak"]]
    out: dict[str, list[tuple]] = {}

    monthly = in_year.groupby(in_year["day"].dt.month)["amount_minor"].sum()
    out["monthly_spend"] = [(int(m), money(v)) for m, v in monthly.items()]
    ne = in_year[~in_year["is_necessary"].astype(bool)].groupby(in_year["day"].dt.month).size()
    out["non_essential_count"] = [(int(m), int(v)) for m, v in ne.items()]

    cats = e.groupby("category").size().rename("n").reset_index()
    out["top_categories"] = [tuple(r) for r in ranked(cats, "n", "category").head(5).itertuples(index=False)]

    micro_modes = (
        e.assign(m=e["amount_minor"] < micro).groupby("payment_mode")["m"].sum().rename("n").reset_index()
    )
    out["micro_spend_modes"] = [
        (m, int(n)) for m, n in ranked(micro_modes, "n", "payment_mode").itertuples(index=False)
    ]

    rec = e.groupby(e["is_recurring"].astype(bool))["amount_minor"].agg(["sum", "count"])
    out["recurring_vs_one_off"] = [
        (bool(k), money(Decimal(int(r["sum"])) / int(r["count"]))) for k, r in rec.iterrows()
    ]

    daily = e.groupby("day")["amount_minor"].sum().reset_index()
    daily["weekday"] = daily["day"].dt.day_name()
    wd = daily.groupby("weekday")["amount_minor"].agg(["sum", "count"]).reset_index()
    wd["mean"] = wd["sum"] / wd["count"]
    out["weekday_spend"] = [
        (r.weekday, money(Decimal(int(r.sum)) / int(r.count)))
        for r in ranked(wd, "mean", "weekday").itertuples()
    ]

    tb = leaks.groupby("time_block").size().rename("n").reset_index()
    out["leak_time_blocks"] = [
        tuple(r) for r in ranked(tb, "n", "time_block").head(3).itertuples(index=False)
    ]

    cutoff = np.percentile(e["leakage_score"].astype(int), 75, method="linear")
    high = e[e["leakage_score"].astype(int) > cutoff].groupby("context").size().rename("n").reset_index()
    out["high_score_contexts"] = [tuple(r) for r in ranked(high, "n", "context").itertuples(index=False)]

    order = e.sort_values(
        ["leakage_score", "amount_minor", "local_date", "id"], ascending=[False, False, True, True]
    )
    top = order.head(len(order) // 10 + (1 if len(order) % 10 else 0))
    savings = top.groupby("ym")["amount_minor"].sum()
    out["potential_savings"] = [(ym, money(Decimal(int(v)) / 2)) for ym, v in savings.items()]

    sw = e[~e["is_necessary"].astype(bool) & salary_weeks(e["day"].to_numpy(), salary_day)]
    swc = sw.groupby("category").size().rename("n").reset_index()
    out["salary_week_categories"] = [
        tuple(r) for r in ranked(swc, "n", "category").head(3).itertuples(index=False)
    ]

    risk = e.groupby("payment_mode")["leakage_score"].agg(["sum", "count"]).reset_index()
    risk["mean"] = risk["sum"] / risk["count"]
    out["channel_risk"] = [
        (r.payment_mode, ratio(int(r.sum), int(r.count)))
        for r in ranked(risk, "mean", "payment_mode").itertuples()
    ]

    by = leaks.groupby(["ym", "context"])["amount_minor"].sum().rename("leak").reset_index()
    by["rank"] = by.groupby("ym")["leak"].rank(method="min", ascending=False).astype(int)
    by = by[by["rank"] <= 3].sort_values(["ym", "rank", "context"])
    out["top_leak_contexts_by_month"] = [(r.ym, r.context, money(r.leak), r.rank) for r in by.itertuples()]

    months = pd.period_range(e["day"].min(), e["day"].max(), freq="M").strftime("%Y-%m")
    swl = leaks[salary_weeks(leaks["day"].to_numpy(), salary_day)].groupby("ym")["amount_minor"].sum()
    series = swl.reindex(months, fill_value=0)
    prev = series.shift(1)
    jumps = [
        (ym, money(cur), money(int(p)), ratio((cur - int(p)) * 100, int(p)))
        for ym, cur, p in zip(series.index, series, prev, strict=True)
        if p > 0 and cur > p
    ]
    out["salary_week_jumps"] = jumps

    rate = e.groupby("payment_mode").agg(leaks=("is_leak", "sum"), total=("is_leak", "size")).reset_index()
    rate["r"] = rate["leaks"] / rate["total"]
    out["channel_leak_rate"] = [
        (r.payment_mode, int(r.leaks), int(r.total), ratio(int(r.leaks) * 100, int(r.total)))
        for r in ranked(rate, "r", "payment_mode").itertuples()
    ]
    return out


@pytest.fixture
def people(session: Session):  # type: ignore[no-untyped-def]
    alice = make_user(session, salary_day=28, micro_threshold_minor=25_000)
    bob = make_user(session)
    import_csv(
        session=session, user=alice, data=to_csv_bytes(generate(months=20, seed=21)), file_name="a.csv"
    )
    import_csv(session=session, user=bob, data=to_csv_bytes(generate(months=6, seed=99)), file_name="b.csv")
    return alice, bob


def test_every_question_matches_an_independent_pandas_computation(session: Session, people) -> None:  # type: ignore[no-untyped-def]
    alice, _bob = people
    frame = entries_frame(session, alice.id)
    expected = expected_answers(
        frame, micro=alice.micro_threshold_minor, salary_day=alice.salary_day, year=2023
    )
    for question in QUESTIONS:
        result = ask(session=session, user=alice, question_id=question.id, year=2023)
        assert list(result.rows) == expected[question.id], question.id
        assert result.columns == question.columns
        assert result.rows, f"{question.id} should have rows on 20 months of data"


def test_every_question_can_be_asked_for_one_year_only(session: Session, people) -> None:  # type: ignore[no-untyped-def]
    """The PDF report asks every question for its year: the same answers as pandas over
    that year's entries alone."""
    alice, _bob = people
    frame = entries_frame(session, alice.id)
    days = pd.to_datetime(frame["local_date"])
    expected = expected_answers(
        frame[(days >= "2023-01-01") & (days < "2024-01-01")],
        micro=alice.micro_threshold_minor,
        salary_day=alice.salary_day,
        year=2023,
    )
    span = (date(2023, 1, 1), date(2024, 1, 1))
    for question in QUESTIONS:
        result = ask(session=session, user=alice, question_id=question.id, year=2023, within=span)
        assert list(result.rows) == expected[question.id], question.id


def test_a_question_never_sees_another_persons_entries(session: Session, people) -> None:  # type: ignore[no-untyped-def]
    _alice, bob = people
    stranger = make_user(session)
    for question in QUESTIONS:
        assert ask(session=session, user=stranger, question_id=question.id).rows == ()
    totals = [r[2] for r in ask(session=session, user=bob, question_id="channel_leak_rate").rows]
    assert sum(totals) == len(entries_frame(session, bob.id, types=["expense"]))


def test_monthly_defaults_to_the_latest_year_with_expenses(session: Session, people) -> None:  # type: ignore[no-untyped-def]
    alice, _ = people
    result = ask(session=session, user=alice, question_id="monthly_spend")
    assert result.year == 2024 and [m for m, _ in result.rows] == list(range(1, 9))


def test_an_unknown_question_names_the_real_ones(session: Session, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="monthly_spend"):
        ask(session=session, user=people[0], question_id="nope")


@pytest.mark.seed
def test_the_sample_dataset_answers_every_question_like_pandas(session: Session, seed_csv: bytes) -> None:
    user = make_user(session)
    import_csv(session=session, user=user, data=seed_csv, file_name="seed.csv")
    frame = entries_frame(session, user.id)
    for year in (2023, 2024):
        expected = expected_answers(
            frame, micro=user.micro_threshold_minor, salary_day=user.salary_day, year=year
        )
        for question in QUESTIONS:
            result = ask(session=session, user=user, question_id=question.id, year=year)
            assert list(result.rows) == expected[question.id], (year, question.id)
    months_2023 = ask(session=session, user=user, question_id="monthly_spend", year=2023).rows
    assert [m for m, _ in months_2023] == list(range(1, 13))


def test_savings_a_year_counts_the_year_up_to_the_latest_month_and_scales_a_shorter_history() -> None:
    """/savings ends with "about X a year": a full year of history is summed as it is; a
    shorter one (a new user's first month, or a gap) is scaled to twelve months."""
    from services.questions.canned import savings_pace

    two_years = [(f"{2024 + k // 12}-{k % 12 + 1:02d}", 10_050) for k in range(14)]
    full = savings_pace(two_years, "INR")  # 2024-03 .. 2025-02 count
    assert (full.months, full.total_minor, full.per_year_minor) == (12, 120_600, 120_600)
    first_month = savings_pace([("2026-11", 12_500)], "INR")
    assert (first_month.months, first_month.per_year_minor) == (1, 150_000)
    with_a_gap = savings_pace([("2026-06", 6_000), ("2026-08", 3_000)], "INR")
    assert (with_a_gap.months, with_a_gap.total_minor, with_a_gap.per_year_minor) == (3, 9_000, 36_000)
    in_yen = savings_pace([("2026-10", 1_501), ("2026-11", 1_500)], "JPY")
    assert (in_yen.total_minor, in_yen.per_year_minor) == (3_001, 18_006)
