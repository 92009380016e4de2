"""A person's own categories: list, add, rename, merge (`/category`, `leakbot category`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import User
from services.errors import ParseError
from services.ledger import vocabulary
from services.ledger.vocabulary import CategoryList

NEED_WORDS = {"need": True, "needed": True, "necessary": True, "want": False, "wanted": False}


@dataclass(frozen=True, slots=True)
class CategoryChange:
    """What changed: made (name), renamed (source -> name) or merged (source -> name)."""

    action: str  # "made", "renamed", "merged"
    name: str
    necessary: bool | None = None
    source: str | None = None
    moved: int = 0  # entries moved by a merge


def list_categories(*, session: Session, person: User) -> CategoryList:
    """The expense categories (built in, then the person's own) and the words they taught."""
    return vocabulary.list_categories(session=session, user=person)


def add_category(*, session: Session, person: User, name: str, need: str) -> CategoryChange:
    """Make an expense category of the person's own; need is `need` or `want`."""
    necessary = NEED_WORDS.get(need.strip().casefold())
    if necessary is None:
        raise ParseError(
            f"Say whether {name.strip()} is a need or a want, e.g. /category add {name.strip()} need."
        )
    made = vocabulary.add_category(session=session, user=person, name=name, necessary=necessary)
    return CategoryChange("made", made, necessary)


def rename_category(*, session: Session, person: User, old: str, new: str) -> CategoryChange:
    """Rename one of the person's categories; its entries, budget and words follow."""
    source, name = vocabulary.rename_category(session=session, user=person, old=old, new=new)
    return CategoryChange("renamed", name, source=source)


def merge_category(*, session: Session, person: User, source: str, into: str) -> CategoryChange:
    """Fold one of the person's categories into another; its entries are re-scored there."""
    merged, name, moved = vocabulary.merge_category(session=session, user=person, source=source, into=into)
    return CategoryChange("merged", name, source=merged, moved=moved)
