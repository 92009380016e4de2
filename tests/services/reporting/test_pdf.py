"""The PDF report is about the month asked for: its year in every table by year or by month,
every row of every table (paged), words and currency in the cells."""

from __future__ import annotations

import io
import re

import pandas as pd
import pdfplumber
from sqlalchemy.orm import Session

from services import synthetic
from services.ledger.spending import net_spending
from services.money import format_money
from services.questions import canned
from services.reporting import charts, pdf, periods
from tests.factories import make_user

MONTH_YEAR = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})\b"
)


def _pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [page.extract_text() for page in document.pages]


def _table(pages: list[str], title: str) -> list[str]:
    """The pages of one table, continued ones included, without their footers."""
    return [p.rsplit("\n", 1)[0] for p in pages if p.replace("\n", " ").startswith(title)]


def test_a_june_2024_report_on_four_years_of_data(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=42, seed=5)  # January 2023 to June 2026
    pages = _pages(pdf.report_pdf(session, person, year=2024, month=6))
    total = len(pages)
    assert all(p.rstrip().endswith(f"page {n} of {total}") for n, p in enumerate(pages[1:], start=2))
    assert "June 2024 at a glance" in pages[0]

    monthly = _table(pages, "Spend per month")
    assert len(monthly) == 1 and "January to December 2024" in monthly[0]
    frame = net_spending(
        periods.entries(
            session, person, periods.Period(*pd.to_datetime(["2024-01-01", "2025-01-01"]).date, "")
        )
    )
    by_month = frame.groupby(frame["local_date"].dt.month)["amount_minor"].sum()
    rows = re.findall(r"^(\w+) (₹[\d,.]+)$", monthly[0], re.M)
    assert rows == [
        (pd.Timestamp(2024, m, 1).strftime("%B"), format_money(int(v), "INR")) for m, v in by_month.items()
    ]
    assert len(rows) == 12

    contexts = canned.ask(session=session, user=person, question_id="top_leak_contexts_by_month")
    of_2024 = [r for r in contexts.rows if r[0].startswith("2024-")]
    table = _table(pages, "Top leak contexts per month")
    assert len(table) == -(-len(of_2024) // pdf.ROWS_PER_PAGE) >= 2  # paged, not cut
    assert "(continued, 2 of" in table[1].replace("\n", " ")
    shown = [m for page in table for m in MONTH_YEAR.findall(page)]
    assert shown == [(pd.Timestamp(f"{ym}-01").strftime("%B"), "2024") for ym, *_ in of_2024]

    for question in canned.QUESTIONS:  # every table is there, in words, for the report's year
        assert _table(pages, question.title), question.title
    top = _table(pages, "Most frequent expense categories")[0]
    in_2024 = canned.ask(
        session=session,
        user=person,
        question_id="top_categories",
        within=(pd.Timestamp(2024, 1, 1).date(), pd.Timestamp(2025, 1, 1).date()),
    )
    assert "Your entries of 2024" in top and f"{in_2024.rows[0][0]} {in_2024.rows[0][1]}" in top
    text = "\n".join(pages)
    assert "December 2026" not in text and "total_spend" not in text and "payment_mode" not in text
    assert {year for page in pages for _, year in MONTH_YEAR.findall(page)} == {"2023", "2024"}


def test_no_table_cell_runs_into_another(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=18, seed=6)
    for question in canned.QUESTIONS:
        answer = canned.ask(session=session, user=person, question_id=question.id, year=2024)
        for page in pdf.table_pages(pdf.report_table(answer, year=2024)):
            texts = charts.drawn_texts(page)
            assert charts.overlapping(texts) == [] and all(t.inside for t in texts), question.id
            assert charts.smallest_text_px(page) >= 11
