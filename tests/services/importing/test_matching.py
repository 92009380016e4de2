"""After a statement import, chat spends that are the same money as an imported row are
offered for merging (never merged without a tap), and a merge keeps the best of both."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry
from services.errors import NotFound
from services.importing.matching import merge, possible_duplicates
from services.importing.pipeline import import_csv
from services.ledger import entries as ledger
from tests.factories import HDFC_HEADER, csv_bytes, make_user

NOW = datetime(2024, 5, 20, 12, tzinfo=UTC)


def _chat(session: Session, person, text: str, ref: str) -> int:  # type: ignore[no-untyped-def]
    return ledger.log_text(session=session, user=person, text=text, now=NOW, source_ref=ref).entry.id


def _statement(session: Session, person, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    return import_csv(session=session, user=person, data=csv_bytes(HDFC_HEADER, rows), file_name="hdfc.csv")


def test_a_chat_spend_pairs_with_one_statement_row_of_the_same_amount_within_two_days(
    session: Session,
) -> None:
    person = make_user(session)
    lunch = _chat(session, person, "450 dining upi 2024-05-10 1pm lunch with team", "a")
    taxi = _chat(session, person, "230 uber 2024-05-11", "b")
    _chat(session, person, "999 clothing 2024-05-01", "c")  # nothing like it on the statement
    summary = _statement(
        session,
        person,
        [
            ["12/05/24", "UPI-SWIGGY-swiggy@icici", "0000431", "12/05/24", "450.00", "", "9,550.00"],
            ["12/05/24", "UPI-ZOMATO-zomato@axis", "0000432", "12/05/24", "450.00", "", "9,100.00"],
            ["14/05/24", "UPI-UBER", "0000433", "14/05/24", "230.00", "", "8,870.00"],  # three days: too far
        ],
    )
    pairs = possible_duplicates(session=session, user=person, import_id=summary.import_id)
    assert [(chat.id, row.note[:10]) for chat, row in pairs] == [(lunch, "UPI-SWIGGY")]  # each row pairs once
    assert taxi not in [chat.id for chat, _ in pairs]
    stranger = make_user(session)
    assert possible_duplicates(session=session, user=stranger, import_id=summary.import_id) == []


def test_a_merge_keeps_the_statement_row_with_what_the_person_said_and_removes_the_chat_entry(
    session: Session,
) -> None:
    person = make_user(session)
    lunch = _chat(session, person, "450 dining upi 2024-05-10 1pm #planned lunch with team", "a")
    summary = _statement(
        session, person, [["11/05/24", "UPI-SWIGGY", "0000431", "11/05/24", "450.00", "", "1.00"]]
    )
    ((chat, row),) = possible_duplicates(session=session, user=person, import_id=summary.import_id)
    with pytest.raises(NotFound):
        merge(session=session, user=make_user(session), chat_id=chat.id, imported_id=row.id)
    merged = merge(session=session, user=person, chat_id=chat.id, imported_id=row.id)
    assert merged.id == row.id and merged.id != lunch
    assert (merged.category, merged.payment_mode, merged.context, merged.note) == (
        "Dining Out",
        "UPI",
        "Planned",
        "lunch with team",
    )
    assert merged.local_date == date(2024, 5, 10) and merged.score == 2  # not necessary; planned
    count = session.scalar(select(func.count()).select_from(Entry).where(Entry.user_id == person.id))
    assert count == 1
    again = _statement(
        session, person, [["11/05/24", "UPI-SWIGGY", "0000431", "11/05/24", "450.00", "", "1.00"]]
    )
    assert (again.imported, again.duplicates) == (0, 1)  # the statement's reference stays
