"""Lines a reply adds: an unusual spend for the person's own norm."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from services import insights, ledger
from tests.factories import make_user

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)


def _log(session: Session, user, text: str, ref: str):  # type: ignore[no-untyped-def]
    return ledger.log_text(session=session, user=user, text=text, now=NOW, source_ref=ref).row


def test_a_spend_far_above_the_persons_norm_is_pointed_out_and_a_usual_one_is_not(session: Session) -> None:
    user = make_user(session)
    for k, amount in enumerate([180, 220, 150, 199, 240, 210, 170, 260, 190, 205]):
        _log(session, user, f"{amount} dining 2025-06-{k + 1:02d}", f"d{k}")
    few = make_user(session)
    _log(session, few, "150 dining", "f0")

    usual = _log(session, user, "300 dining", "u")
    assert insights.unusual_line(session=session, user=user, entry=usual) is None
    big = _log(session, user, "4500 dining", "b")
    line = insights.unusual_line(session=session, user=user, entry=big)
    assert line == "Unusual for you: ₹4,500 on dining out; you usually spend about ₹205."
    # Too little history for a norm, and other people's history does not count.
    assert (
        insights.unusual_line(session=session, user=few, entry=_log(session, few, "4500 dining", "f1"))
        is None
    )
