"""Which spends the bot asks "Leak or not?" about (services/learning/asking.py), as a person
would notice: never a necessity, one kind of spend per round, recent spends before old ones,
and a kind the person has judged asked less than one they have not."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import Entry, User
from services.learning.asking import questions_for
from services.ledger.entries import log_text
from tests.factories import make_user

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _log(session: Session, user: User, *lines: str) -> dict[str, int]:
    """Each line logged; its entry id by the line."""
    return {
        line: log_text(session=session, user=user, text=line, now=NOW, source_ref=f"t:{line}").entry.id
        for line in lines
    }


def _even_chances(session: Session, user: User) -> None:
    """Every entry served at an even chance: only novelty and recency tell them apart."""
    session.execute(update(Entry).where(Entry.user_id == user.id).values(model_probability=0.5))
    session.expire_all()


def _asked(session: Session, user: User, limit: int = 5) -> list[int]:
    return [q.entry_id for q in questions_for(session=session, user=user, today=TODAY, limit=limit)]


def test_necessities_are_never_asked_about(session: Session) -> None:
    user = make_user(session)
    ids = _log(session, user, "9000 rent 2026-11-01", "300 medicine 2026-11-02", "400 fuel 2026-11-03")
    assert _asked(session, user) == []
    dining = _log(session, user, "250 dining upi 10pm 2026-11-20")
    assert _asked(session, user) == list(dining.values())
    assert not set(ids.values()) & set(_asked(session, user))


def test_a_round_asks_about_different_kinds_of_spend(session: Session) -> None:
    user = make_user(session)
    ids = _log(
        session,
        user,
        "250 dining upi 10pm 2026-11-20",
        "260 dining upi 10pm 2026-11-21",
        "270 dining upi 10pm 2026-11-22",
        "500 movie 8pm 2026-11-03",
        "700 clothes 3pm 2026-11-04",
    )
    _even_chances(session, user)
    round_ = _asked(session, user, limit=3)
    dining = {ids[k] for k in ids if "dining" in k}
    assert len(round_) == 3 and len(dining & set(round_)) == 1  # one dinner, the movie, the clothes
    assert len(_asked(session, user, limit=5)) == 5  # with kinds used up, the rest follow


def test_recent_spends_are_asked_before_old_ones(session: Session) -> None:
    user = make_user(session)
    ids = _log(
        session,
        user,
        "250 dining upi 10pm 2026-05-20",  # over six months ago
        "500 movie 8pm 2026-11-25",
        "700 clothes 3pm 2026-11-28",
    )
    _even_chances(session, user)
    recent = {ids["700 clothes 3pm 2026-11-28"], ids["500 movie 8pm 2026-11-25"]}
    asked = _asked(session, user)
    assert set(asked[:2]) == recent and asked[2:] == [ids["250 dining upi 10pm 2026-05-20"]]
    session.execute(update(Entry).where(Entry.local_date > date(2026, 11, 1)).values(user_verdict=False))
    session.expire_all()
    assert _asked(session, user) == [ids["250 dining upi 10pm 2026-05-20"]]  # nothing recent left


def test_a_kind_the_person_has_judged_is_asked_less(session: Session) -> None:
    user = make_user(session)
    dinners = [f"{250 + 10 * k} dining upi 10pm 2026-11-{20 + k}" for k in range(5)]
    ids = _log(session, user, *dinners, "500 movie card 3pm 2026-11-10")
    _even_chances(session, user)
    judged = [ids[line] for line in dinners[:4]]
    session.execute(update(Entry).where(Entry.id.in_(judged)).values(user_verdict=False))
    session.expire_all()
    assert _asked(session, user, limit=1) == [ids["500 movie card 3pm 2026-11-10"]]


def test_a_spend_like_one_called_a_leak_is_sought_while_leaks_are_few(session: Session) -> None:
    """Someone whose leaks are rare says Leak seldom: the next question is a look-alike of
    the spend they called a leak, so their taste is found in tens of answers."""
    user = make_user(session)
    ids = _log(
        session,
        user,
        "300 dining cash 9pm 2026-11-21",
        "320 dining cash 9pm 2026-11-28",
        "500 movie card 3pm 2026-11-24",
    )
    _even_chances(session, user)
    session.execute(
        update(Entry).where(Entry.id == ids["300 dining cash 9pm 2026-11-21"]).values(user_verdict=True)
    )
    session.expire_all()
    assert _asked(session, user, limit=1) == [ids["320 dining cash 9pm 2026-11-28"]]
