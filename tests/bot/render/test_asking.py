"""Replies to questions in plain words fit a portrait phone: the restatement first, at most
five rows, no line over 34 characters, for every measure and for long names."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from bot.render.asking import CHAT_ROWS, WIDTH, ask_reply, ask_text, period_label
from db.frames import insert_entry_frame
from db.models import User
from services.insights.budgets import set_budget
from services.ledger.people import profile_of
from services.ledger.vocabulary import add_category
from services.questions.plain import Measure, Period
from services.usecases.questions import ask
from tests.factories import make_user
from tests.services.questions.test_plain import CASES, NOW, ledger, person  # noqa: F401  (a fixture)


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2024-05-01", "2024-05-31", "1–31 May 2024"),
        ("2024-06-20", "2024-06-20", "20 June 2024"),
        ("2024-05-01", "2024-06-15", "1 May–15 Jun 2024"),
        ("2023-12-20", "2024-01-05", "20 Dec 2023–5 Jan 2024"),
        ("2023-01-01", "2023-12-31", "2023"),
    ],
)
def test_periods_are_said_with_month_names(start: str, end: str, words: str) -> None:
    assert period_label(Period(date.fromisoformat(start), date.fromisoformat(end), "span")) == words


def chat_lines(session: Session, user: User, text: str) -> list[str]:
    return ask_reply(ask(session=session, person=user, text=text, now=NOW)).plain.splitlines()


def test_every_measure_fits_a_phone(session: Session, person: User) -> None:  # noqa: F811
    assert {c.measure for c in CASES} == set(Measure)
    for case in CASES:
        lines = chat_lines(session, person, case.text)
        assert all(len(line) <= WIDTH for line in lines), (case.text, lines)
        money_rows = [line for line in lines[2:] if line[0].isalpha() and "₹" in line]
        if case.measure in (Measure.TOP, Measure.TREND):
            assert len(money_rows) <= CHAT_ROWS, (case.text, lines)


def test_the_first_line_restates_the_question(session: Session, person: User) -> None:  # noqa: F811
    lines = chat_lines(session, person, "weekend dining in May")
    assert lines[:2] == ["Dining Out, weekends,", "1–31 May 2024:"]
    assert lines[2] == "₹106 in 1 spend"
    trend = chat_lines(session, person, "monthly spending in 2023")
    assert trend[2] == "(7 earlier months not shown)" and trend[-1].startswith("December 2023 ₹")
    full = ask_text(ask(session=session, person=person, text="monthly spending in 2023", now=NOW))
    assert "January 2023 ₹" in full and "not shown" not in full  # the CLI shows every row


def test_long_names_and_large_amounts_still_fit(session: Session) -> None:
    user = make_user(session)
    name = add_category(session=session, user=user, name="Kids school and tuition fees", necessary=True)
    rows = ledger(profile_of(user))
    rows = rows[rows["type"] == "expense"].head(2).reset_index(drop=True)
    rows = rows.assign(
        user_id=user.id,
        category=name,
        amount_minor=[999_999_900, 1_234_500],
        local_date=[date(2024, 6, 3), date(2024, 5, 3)],
        source="csv",
        source_ref=["long:0", "long:1"],
    )
    insert_entry_frame(session, rows)
    set_budget(session=session, user=user, target=name, amount="5000")
    for text in (
        f"{name} this month",
        f"how many {name} leaks by credit card at night on weekends between 1 May and 15 June",
        f"top {name} spends this year",
        "top categories this year",
        f"compare {name} this month and last",
        f"{name} trend",
        f"what's left in my {name} budget",
        f"average {name} unnecessary spend on fridays since april",
        "xyzzyxyzzyxyzzyxyzzyxyzzyxyzzyxyzzy this month",
    ):
        lines = chat_lines(session, user, text)
        print(text, lines)
        assert all(len(line) <= WIDTH for line in lines), (text, lines)
