"""A person's own categories and words, in chat lines, imports, budgets and merges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Budget, Entry
from services.errors import LeakBotError, ParseError
from services.importing.pipeline import import_csv
from services.insights.budgets import set_budget
from services.ledger import vocabulary
from services.ledger.entries import log_text
from tests.factories import make_user

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
STATEMENT = (
    b"Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
    b"01/12/26,UPI-SABZI MANDI RAMU-ramu@ybl,100000000001,01/12/26,180.00,,9820.00\n"
    b"02/12/26,POS PEDIGREE PETSHOP,100000000002,02/12/26,640.00,,9180.00\n"
    b"02/12/26,UPI-ZOMATO-zomato@icici,100000000003,02/12/26,320.00,,8860.00\n"
)


def _categories(session: Session, user_id: int) -> dict[str, str]:
    rows = session.execute(select(Entry.note, Entry.category).where(Entry.user_id == user_id)).all()
    return {note: category for note, category in rows}


def test_taught_words_and_own_categories_read_chat_lines_and_imported_rows(session: Session) -> None:
    user = make_user(session)
    vocabulary.add_category(session=session, user=user, name="pets", necessary=True)
    vocabulary.teach_word(session=session, user=user, word="Sabzi", category="Groceries")
    vocabulary.teach_word(session=session, user=user, word="pedigree", category="Pets")

    line = log_text(session=session, user=user, text="pedigree 450", now=NOW, source_ref="c1")
    assert (line.entry.category, line.entry.is_necessary) == ("Pets", True)
    import_csv(session=session, user=user, data=STATEMENT, file_name="hdfc.csv")
    imported = _categories(session, user.id)
    assert imported["UPI-SABZI MANDI RAMU-ramu@ybl"] == "Groceries"
    assert imported["POS PEDIGREE PETSHOP"] == "Pets"
    assert imported["UPI-ZOMATO-zomato@icici"] == "Dining Out"  # the keywords still read the rest
    pets = session.scalars(
        select(Entry.is_necessary).where(Entry.user_id == user.id, Entry.category == "Pets")
    )
    assert set(pets) == {True}


def test_renaming_and_merging_move_entries_budgets_and_words(session: Session) -> None:
    user = make_user(session)
    vocabulary.add_category(session=session, user=user, name="Pets", necessary=False)
    vocabulary.teach_word(session=session, user=user, word="pedigree", category="Pets")
    log_text(session=session, user=user, text="pedigree 450", now=NOW, source_ref="c1")
    set_budget(session=session, user=user, target="pets", amount="2000")

    assert vocabulary.rename_category(session=session, user=user, old="pets", new="Pet care") == (
        "Pets",
        "Pet care",
    )
    assert (
        log_text(session=session, user=user, text="pedigree 99", now=NOW, source_ref="c2").entry.category
        == "Pet care"
    )
    assert session.scalar(select(Budget.category).where(Budget.user_id == user.id)) == "Pet care"

    merged = vocabulary.merge_category(session=session, user=user, source="Pet care", into="groceries")
    assert merged == ("Pet care", "Groceries", 2)
    assert set(_categories(session, user.id).values()) == {"Groceries"}
    assert vocabulary.vocabulary_of(session, user).taught == {"pedigree": "Groceries"}
    assert vocabulary.list_categories(session=session, user=user).custom == ()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            lambda s, u: vocabulary.add_category(session=s, user=u, name="dining", necessary=False),
            "already means",
        ),
        (
            lambda s, u: vocabulary.add_category(session=s, user=u, name="Groceries", necessary=True),
            "already is",
        ),
        (
            lambda s, u: vocabulary.add_category(session=s, user=u, name="42!", necessary=True),
            "starting with a letter",
        ),
        (lambda s, u: vocabulary.rename_category(session=s, user=u, old="Groceries", new="Food"), "built in"),
        (
            lambda s, u: vocabulary.merge_category(session=s, user=u, source="Nope", into="Other"),
            "no category",
        ),
    ],
)
def test_bad_category_changes_say_why_and_change_nothing(session: Session, action, message: str) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session)
    with pytest.raises((LeakBotError, ParseError), match=message):
        action(session, user)
    assert vocabulary.list_categories(session=session, user=user).custom == ()
