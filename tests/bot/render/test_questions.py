"""The fourteen answers as a phone shows them: a sentence first, five rows a page, nothing wider
than a portrait screen, months by name, money with its currency, words instead of column ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.render.questions import PAGE_ROWS, WIDTH, answer_page, answer_reply
from services.importing.pipeline import import_csv
from services.ledger import entries as ledger
from services.questions.canned import QUESTIONS
from services.synthetic import generate, to_csv_bytes
from services.usecases.questions import answer
from tests.factories import make_user

NOW = datetime(2024, 6, 20, 12, tzinfo=UTC)  # the generated ledger runs Jan 2023 - Jun 2024
COLUMN_IDS = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\d{4}-\d{2}\b|\bmonth \d")
MONEY_WITHOUT_CURRENCY = re.compile(r"(?<![₹\d,.])\d{1,3}(,\d{2,3})+(\.\d\d)?\b")


@pytest.fixture
def person(session: Session):
    alice = make_user(session)
    data = to_csv_bytes(generate(months=18, seed=7))
    import_csv(session=session, user=alice, data=data, file_name="alice.csv")
    return alice


@pytest.mark.parametrize("question", [q.id for q in QUESTIONS])
def test_every_page_of_every_answer_fits_a_phone(session: Session, person, question: str) -> None:
    a = answer(session=session, person=person, question_id=question, now=NOW, year=2024)
    first = answer_page(a, 0)
    assert first.count == -(-len(a.result.rows) // PAGE_ROWS)
    shown_rows = 0
    for number in range(first.count):
        page = answer_page(a, number)
        text = page.reply.plain
        lines = text.splitlines()
        assert all(len(line) <= WIDTH for line in lines), [x for x in lines if len(x) > WIDTH]
        assert lines[0][0].isupper() and not COLUMN_IDS.search(text), text
        assert not MONEY_WITHOUT_CURRENCY.search(text), text
        block = next(s for s in page.reply.lines if getattr(s, "style", "") == "pre")
        rows = block.text.splitlines()
        assert 1 <= len(rows) <= PAGE_ROWS
        shown_rows += len(rows)
        assert page.more == (number + 1 < first.count)
    assert shown_rows == len(a.result.rows)  # every row on some page, none twice


def test_months_are_named_and_the_peak_is_said_in_words(session: Session, person) -> None:
    a = answer(session=session, person=person, question_id="monthly_spend", now=NOW, year=2024)
    peak = max(a.result.rows, key=lambda r: (r[1], -r[0]))
    month = ["", "January", "February", "March", "April", "May", "June"][peak[0]]
    page = answer_page(a, 0).reply.plain
    assert page.startswith("You spent ₹") and f"the most in {month}:" in " ".join(page.splitlines())
    assert "January 2024  ₹" in page
    assert "June 2024" in answer_page(a, 1).reply.plain


def test_an_unnamed_payment_mode_is_said_so(session: Session, person) -> None:
    ledger.log_text(session=session, user=person, text="chai 20", now=NOW, source_ref="t:1")
    a = answer(session=session, person=person, question_id="channel_leak_rate", now=NOW)
    modes = [r[0] for r in a.result.rows]
    text = "\n".join(answer_page(a, n).reply.plain for n in range(answer_page(a).count))
    assert "Other" in modes and "Mode not given" in text and "Other" not in text


def test_the_command_line_keeps_the_whole_table(session: Session, person) -> None:
    a = answer(session=session, person=person, question_id="top_leak_contexts_by_month", now=NOW)
    full = answer_reply(a).plain
    assert len(a.result.rows) > PAGE_ROWS and all(f"{r[0]}  " in full for r in a.result.rows)
