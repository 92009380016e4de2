"""Who is asking: register a person on first contact, or forget everything about them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import User
from services.ledger import people
from services.ledger.people import UserDefaults

__all__ = ["UserDefaults", "forget", "person"]


def person(*, session: Session, telegram_id: int, defaults: UserDefaults, chat_id: int | None = None) -> User:
    """The person with this Telegram id, registered with the defaults when new."""
    return people.ensure_user(session=session, telegram_id=telegram_id, defaults=defaults, chat_id=chat_id)


def forget(*, session: Session, telegram_id: int) -> bool:
    """Delete the person and everything about them; False when there was nobody to delete."""
    user = people.find_user(session=session, telegram_id=telegram_id)
    if user is None:
        return False
    people.forget(session=session, user=user)
    return True
