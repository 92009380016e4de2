"""A person's own categories and words, read everywhere a built-in one is.

- **Custom categories** (`/category add Pets need`): expense categories with their own
  necessity; they can be renamed, merged into another category (their entries, budgets
  and words move with them) and listed. Built-in categories are never renamed or removed.
- **Taught words**: when a line names no category (`150 sabzi`), the entry is kept under
  Other and the person's pick from the buttons is remembered for that word: the next
  `sabzi` line goes straight to it, and so do imported rows whose description names it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.models import Budget, CategoryWord, CustomCategory, Entry, User
from services.catalog import EntryType, alias_table, categories_of, category_named
from services.errors import LeakBotError, ParseError
from services.scoring import rescoring

if TYPE_CHECKING:
    import pandas as pd

MAX_CUSTOM = 30  # custom categories per person
NAME_LENGTH = 32
_NAME = re.compile(r"^[^\W\d_][\w &'-]*$")  # starts with a letter; letters, digits, spaces, & ' -


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The categories and words a person's lines are read with, besides the catalogue's."""

    custom: Mapping[str, bool]  # custom category name -> necessary, in the order made
    taught: Mapping[str, str]  # casefolded word -> category

    def words(self) -> dict[str, str]:
        """Casefolded word -> category for the parser: custom names, then taught words."""
        return {**{name.casefold(): name for name in self.custom}, **self.taught}

    def expense_categories(self) -> tuple[str, ...]:
        """Every category an expense can have: the catalogue's, then the person's."""
        return (*(c.name for c in categories_of(EntryType.EXPENSE)), *self.custom)

    def necessary(self, category: str) -> bool | None:
        """The custom category's necessity (None for a built-in one: the catalogue says)."""
        return self.custom.get(category)

    def resolve(self, name: str, kind: EntryType = EntryType.EXPENSE) -> str | None:
        """The category a name or word means for an entry of this type, or None."""
        word = " ".join(name.split()).casefold()
        if kind in (EntryType.EXPENSE, EntryType.REFUND) and word in (own := self.words()):
            return own[word]
        return alias_table(kind).get(word)


EMPTY = Vocabulary(MappingProxyType({}), MappingProxyType({}))


def vocabulary_of(session: Session, user: User) -> Vocabulary:
    """The person's custom categories and taught words (two small queries)."""
    custom = session.execute(
        select(CustomCategory.name, CustomCategory.necessary)
        .where(CustomCategory.user_id == user.id)
        .order_by(CustomCategory.id)
    ).all()
    taught = session.execute(
        select(CategoryWord.word, CategoryWord.category).where(CategoryWord.user_id == user.id)
    ).all()
    if not custom and not taught:
        return EMPTY
    return Vocabulary(
        MappingProxyType({name: necessary for name, necessary in custom}),
        MappingProxyType({word: category for word, category in taught}),
    )


@dataclass(frozen=True, slots=True)
class CategoryList:
    built_in: tuple[tuple[str, bool], ...]  # (name, necessary) of the expense categories
    custom: tuple[tuple[str, bool], ...]
    taught: tuple[tuple[str, str], ...]  # (word, category), alphabetically


def list_categories(*, session: Session, user: User) -> CategoryList:
    """The expense categories a person can use, and the words they taught."""
    vocabulary = vocabulary_of(session, user)
    return CategoryList(
        built_in=tuple((c.name, c.necessary) for c in categories_of(EntryType.EXPENSE)),
        custom=tuple(vocabulary.custom.items()),
        taught=tuple(sorted(vocabulary.taught.items())),
    )


def is_category_name(name: str) -> bool:
    """Whether name may name a category of a person's own (`Pet care`, `Kids' school`)."""
    clean = " ".join(name.split())
    return 0 < len(clean) <= NAME_LENGTH and _NAME.match(clean) is not None


def _clean_name(name: str, vocabulary: Vocabulary) -> str:
    clean = " ".join(name.split())
    if not is_category_name(clean):
        raise ParseError(
            f"A category name is 1 to {NAME_LENGTH} letters, digits, spaces, & ' or -, "
            "starting with a letter (e.g. Pets)."
        )
    clean = clean[0].upper() + clean[1:]
    taken = vocabulary.resolve(clean)
    if taken is not None and taken.casefold() == clean.casefold():
        raise LeakBotError(f"There already is a category {taken}.")
    if taken is not None:
        raise LeakBotError(f"{clean!r} already means {taken}; pick another name.")
    return clean


def add_category(*, session: Session, user: User, name: str, necessary: bool) -> str:
    """Make a custom expense category; returns its name as stored."""
    vocabulary = vocabulary_of(session, user)
    if len(vocabulary.custom) >= MAX_CUSTOM:
        raise LeakBotError(f"You have {MAX_CUSTOM} categories of your own; merge some first.")
    clean = _clean_name(name, vocabulary)
    session.add(CustomCategory(user_id=user.id, name=clean, necessary=necessary))
    session.flush()
    return clean


def _own(vocabulary: Vocabulary, name: str) -> str:
    found = vocabulary.resolve(name)
    if found is None:
        raise LeakBotError(f"You have no category {name!r}; /category lists them.")
    if found not in vocabulary.custom:
        raise LeakBotError(f"{found} is built in; only your own categories can be renamed or merged.")
    return found


def rename_category(*, session: Session, user: User, old: str, new: str) -> tuple[str, str]:
    """Rename one of the person's categories; its entries, budgets and words follow."""
    vocabulary = vocabulary_of(session, user)
    source = _own(vocabulary, old)
    target = _clean_name(new, vocabulary)
    session.execute(
        update(CustomCategory)
        .where(CustomCategory.user_id == user.id, CustomCategory.name == source)
        .values(name=target)
    )
    _move_everything(session, user, source, target)
    return source, target


def merge_category(*, session: Session, user: User, source: str, into: str) -> tuple[str, str, int]:
    """Fold one of the person's categories into another (built-in or their own): its
    entries (re-scored with their category), budget and words move; it is removed.
    Returns (source, into, entries moved)."""
    vocabulary = vocabulary_of(session, user)
    merged = _own(vocabulary, source)
    target = vocabulary.resolve(into)
    if target is None:
        raise LeakBotError(f"You have no category {into!r}; /category lists them.")
    if target == merged:
        raise LeakBotError("A category cannot be merged into itself.")
    ids = list(session.scalars(select(Entry.id).where(Entry.user_id == user.id, Entry.category == merged)))
    if session.scalar(select(Budget.id).where(Budget.user_id == user.id, Budget.category == target)):
        session.execute(delete(Budget).where(Budget.user_id == user.id, Budget.category == merged))
    _move_everything(session, user, merged, target)
    session.execute(
        delete(CustomCategory).where(CustomCategory.user_id == user.id, CustomCategory.name == merged)
    )
    if ids:
        rescoring.rederive(session, user, ids)
    return merged, target, len(ids)


def _move_everything(session: Session, user: User, source: str, target: str) -> None:
    for table in (Entry, Budget, CategoryWord):
        session.execute(
            update(table).where(table.user_id == user.id, table.category == source).values(category=target)
        )


def teach_word(*, session: Session, user: User, word: str, category: str) -> None:
    """Remember that this word means this expense category for the person."""
    key = " ".join(word.split()).casefold()[:64]
    if not key or category_named(key) is not None:
        return
    found = session.scalar(
        select(CategoryWord).where(CategoryWord.user_id == user.id, CategoryWord.word == key)
    )
    if found is None:
        session.add(CategoryWord(user_id=user.id, word=key, category=category))
    else:
        found.category = category


def word_of(note: str) -> str | None:
    """The word of a note a line's category was looked for in: its first word with a letter
    (the parser's unknown word), casefolded."""
    return next((w.casefold() for w in note.split() if any(ch.isalpha() for ch in w)), None)


def adopt_categories(session: Session, user: User, rows: pd.DataFrame) -> pd.DataFrame:
    """Imported rows read with the person's words, before they are stored:
    - an expense whose description names a taught word goes to its category (`SABZI MANDI`
      -> Groceries once `sabzi` was taught), whatever the keywords guessed;
    - a category the rows name and the person lacks (a LeakBot export of someone's own
      categories) is made, a need when its rows mostly are."""
    import pandas as pd

    vocabulary = vocabulary_of(session, user)
    expense = rows["type"] == EntryType.EXPENSE.value
    if vocabulary.taught and expense.any():
        rows = rows.copy()
        text = " " + rows["note"].fillna("").str.casefold() + " "
        for word, category in sorted(vocabulary.taught.items(), key=lambda item: -len(item[0])):
            named = expense & text.str.contains(rf"\b{re.escape(word)}\b", regex=True)
            rows.loc[named, "category"] = category
            expense &= ~named  # the longest word wins
    if vocabulary.custom and (mine := rows["category"].isin(list(vocabulary.custom))).any():
        rows = rows.copy()
        given = (
            rows["is_necessary"]
            if "is_necessary" in rows
            else pd.Series(None, index=rows.index, dtype=object)
        )
        needs = rows["category"].map(vocabulary.custom)
        rows["is_necessary"] = given.where(given.notna() | ~mine, needs)
    known = {c.name for c in categories_of(EntryType.EXPENSE)} | set(vocabulary.custom)
    new = rows[(rows["type"] == EntryType.EXPENSE.value) & ~rows["category"].isin(known)]
    for name, group in new.groupby("category"):
        necessary = bool(group["is_necessary"].fillna(False).astype(bool).mean() >= 0.5)
        session.add(CustomCategory(user_id=user.id, name=str(name), necessary=necessary))
    if len(new):
        session.flush()
    return rows
