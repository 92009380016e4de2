"""People: register on first contact with the defaults, look up, forget everything."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db import repositories as repo
from db.models import User
from services.ledger.completion import ScoringProfile
from services.money import default_micro_threshold
from services.scoring.verdicts import DEFAULT_POLICY


@dataclass(frozen=True, slots=True)
class UserDefaults:
    """What a new person starts with (DEFAULT_TIMEZONE, DEFAULT_CURRENCY)."""

    timezone: str
    currency: str


def profile_of(user: User) -> ScoringProfile:
    """The settings the person's entries are derived and scored with."""
    return ScoringProfile(
        timezone=user.timezone,
        micro_threshold_minor=user.micro_threshold_minor,
        leak_threshold=user.leak_threshold,
        salary_day=user.salary_day,
        leak_policy=user.leak_policy or DEFAULT_POLICY,
    )


def ensure_user(
    *, session: Session, telegram_id: int, defaults: UserDefaults, chat_id: int | None = None
) -> User:
    """The person with this Telegram id, registered with the defaults if new (their micro-spend
    threshold in their own currency: ₹300, $5, ¥600)."""
    user = repo.get_user(session, telegram_id)
    if user is None:
        user = repo.add_user(
            session,
            telegram_id=telegram_id,
            chat_id=chat_id,
            timezone=defaults.timezone,
            currency=defaults.currency,
            micro_threshold_minor=default_micro_threshold(defaults.currency),
        )
    elif chat_id is not None and user.chat_id != chat_id:
        user.chat_id = chat_id
    return user


def find_user(*, session: Session, telegram_id: int) -> User | None:
    return repo.get_user(session, telegram_id)


def forget(*, session: Session, user: User) -> None:
    """Delete the person and everything about them (entries, imports, budgets cascade)."""
    session.delete(user)
