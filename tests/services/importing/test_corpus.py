"""Every layout of the corpus (tests/services/importing/corpus.py) imported through the real
pipeline, in every encoding a bank or a spreadsheet writes and in every delimiter: the
amounts, directions, dates, descriptions and categories a person would see, nothing
rejected, and the statement's balance and footer lines skipped."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from db.frames import entries_frame
from services.importing.pipeline import import_csv
from tests.factories import make_user
from tests.services.importing.corpus import DELIMITERS, ENCODINGS, LAYOUTS, Expected, Layout, statement_bytes


def _variants(layout: Layout) -> list[tuple[str, str]]:
    """(encoding, delimiter): the layout's own delimiter in every encoding, then every other
    delimiter in UTF-8."""
    own = [(encoding, layout.delimiter) for encoding in ENCODINGS]
    return own + [("utf-8", d) for d in DELIMITERS.values() if d != layout.delimiter]


def _check(session: Session, layout: Layout, encoding: str, delimiter: str) -> None:
    where = f"{layout.name}, {encoding}, delimiter {delimiter!r}"
    user = make_user(session, currency=layout.currency)
    data, expected = statement_bytes(layout, encoding, delimiter)
    summary = import_csv(session=session, user=user, data=data, file_name="statement.csv")
    assert summary.errors == (), where
    assert (summary.imported, summary.rejected, summary.skipped) == (len(expected), 0, layout.skipped), where
    assert summary.layout == layout.detected_as, where
    stored = entries_frame(session, user.id).sort_values(["local_date", "id"]).reset_index(drop=True)
    want = sorted(expected, key=lambda e: e.day)
    assert stored["local_date"].tolist() == [e.day for e in want], where
    assert stored["amount_minor"].tolist() == [e.amount_minor for e in want], where
    assert stored["type"].tolist() == [e.type for e in want], where
    assert stored["note"].tolist() == [e.note for e in want], where
    categories = [(e.note, e.category) for e in want if e.category is not None]
    got = [(note, cat) for note, cat in zip(stored["note"], stored["category"], strict=True)]
    assert [g for g in got if g[0] in {n for n, _ in categories}] == categories, where


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_every_layout_imports_right_in_every_encoding_and_delimiter(session: Session, layout: Layout) -> None:
    for encoding, delimiter in _variants(layout):
        _check(session, layout, encoding, delimiter)


def test_the_corpus_covers_the_banks_and_conventions_it_claims() -> None:
    assert len(LAYOUTS) >= 30
    assert len({layout.name for layout in LAYOUTS}) == len(LAYOUTS)
    assert {layout.date_order for layout in LAYOUTS} == {"DMY", "MDY", "YMD"}
    assert {layout.delimiter for layout in LAYOUTS} >= {",", ";", "\t"}
    assert any(layout.decimal_comma for layout in LAYOUTS)
    assert any(layout.sign.startswith("charges positive") for layout in LAYOUTS)


def test_expected_rows_are_what_a_person_would_check() -> None:
    """The corpus's own arithmetic: a fee is added to what went out and taken from what came in."""
    from tests.services.importing.corpus import REVOLUT, statement_text

    _text, expected = statement_text(REVOLUT)
    uber = next(e for e in expected if e.note.startswith("UBER"))
    salary = next(e for e in expected if "SALARY" in e.note)
    assert (uber.amount_minor, uber.type) == (1855, "expense")
    assert (salary.amount_minor, salary.type) == (234567 - 6832, "income")
    assert isinstance(uber, Expected)


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_the_same_statement_in_another_encoding_and_delimiter_adds_nothing(
    session: Session, layout: Layout
) -> None:
    """Downloaded again as UTF-16 with tabs (a spreadsheet's "Unicode text"), the statement's
    rows are all recognised as the ones stored from its CSV."""
    user = make_user(session, currency=layout.currency)
    first, expected = statement_bytes(layout, "utf-8")
    again, _expected = statement_bytes(layout, "utf-16-le-bom", "\t")
    assert import_csv(session=session, user=user, data=first, file_name="a.csv").imported == len(expected)
    summary = import_csv(session=session, user=user, data=again, file_name="b.txt")
    assert (summary.imported, summary.duplicates, summary.rejected) == (0, len(expected), 0), layout.name
