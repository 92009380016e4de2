"""Entries from forwarded alerts and confirmed photos: stored once per payment, reversals
give back their spend, and a statement's later row for the same payment is not added again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from services.capture.proposal import Proposal
from services.errors import NotFound
from services.importing.pipeline import import_csv
from services.learning.serving import ModelService
from services.ledger import captures
from services.usecases.entries import log_message
from tests.factories import count_entries, make_user

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SWIGGY_ALERT = (
    "Sent Rs.450.00\nFrom HDFC Bank A/C *4821\nTo SWIGGY\nOn 02/12/26\nRef 633712345678\n"
    "Not You?\nCall 18002586161/SMS BLOCK UPI to 7308080808"
)


def _log(session: Session, user, text: str, ref: str):  # type: ignore[no-untyped-def]
    models = ModelService(Path("/nonexistent/models"))  # nobody has a model yet: the rules decide
    return log_message(session=session, person=user, text=text, now=NOW, source_ref=ref, models=models)


def test_a_forwarded_alert_is_a_spend_stored_once_and_its_statement_row_is_not_added_again(
    session: Session,
) -> None:
    user = make_user(session)
    first = _log(session, user, SWIGGY_ALERT, "chat:1:1")
    entry = first.lines[0].logged.entry  # type: ignore[union-attr]
    assert first.alert_from == "HDFC Bank"
    assert (entry.amount_minor, entry.category, entry.payment_mode, entry.local_date) == (
        45_000,
        "Dining Out",
        "UPI",
        date(2026, 12, 2),
    )
    again = _log(session, user, SWIGGY_ALERT, "chat:1:2")  # forwarded again: the same payment
    assert again.lines[0].logged is not None and not again.lines[0].logged.created

    statement = (
        b"Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
        b"02/12/26,UPI-SWIGGY-swiggy@icici-633712345678,0000633712345678,02/12/26,450.00,,9550.00\n"
        b"02/12/26,UPI-ZEPTO-zepto@ybl-633712349999,0000633712349999,02/12/26,212.00,,9338.00\n"
    )
    summary = import_csv(session=session, user=user, data=statement, file_name="hdfc.csv")
    assert (summary.imported, summary.duplicates) == (1, 1)
    assert count_entries(session, user.id) == 2


def test_a_reversal_gives_back_the_spend_it_reverses(session: Session) -> None:
    user = make_user(session)
    _log(session, user, "Rs 380 swiggy upi", "chat:1:1")
    back = _log(
        session,
        user,
        "Rs 380.00 credited to your A/c XX5521 as reversal of failed txn on 02-12-26. Ref 633700000001 -SBI",
        "chat:1:2",
    )
    refund = back.lines[0].logged.entry  # type: ignore[union-attr]
    assert (refund.type.value, refund.category, refund.amount_minor) == ("refund", "Dining Out", 38_000)
    again = _log(
        session,
        user,
        "Rs 380.00 credited to your A/c XX5521 as reversal of failed txn on 02-12-26. Ref 633700000001 -SBI",
        "chat:1:3",
    )  # the same reversal forwarded again gives back nothing more
    assert again.lines[0].logged is not None and not again.lines[0].logged.created
    assert count_entries(session, user.id) == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "123456 is your OTP for txn of Rs 500.00 at AMAZON on HDFC Bank card XX1234. Do not share.",
            "an OTP",
        ),
        ("Your UPI txn of Rs 450.00 to ZOMATO has failed. -SBI", "a failed payment"),
    ],
)
def test_a_message_that_moved_no_money_stores_nothing(session: Session, text: str, reason: str) -> None:
    user = make_user(session)
    assert _log(session, user, text, "chat:1:1").not_a_spend == reason
    assert count_entries(session, user.id) == 0


def test_an_unknown_senders_alert_waits_for_confirm_and_is_stored_once(session: Session) -> None:
    user = make_user(session)
    text = "Rs 1,240.00 debited from your account XX5566 on 02-12-26 to GOPI MEDICALS. Ref 998877665544"
    held = _log(session, user, text, "chat:1:1").pending
    assert held is not None and held.category == "Medical" and count_entries(session, user.id) == 0
    stored = captures.confirm_pending(session=session, user=user, pending_id=held.id, now=NOW)
    twice = captures.confirm_pending(session=session, user=user, pending_id=held.id, now=NOW)
    assert stored.created and not twice.created and twice.entry.id == stored.entry.id
    row = session.scalar(select(Entry).where(Entry.id == stored.entry.id))
    assert row is not None and row.reference == "998877665544" and row.note == "GOPI MEDICALS · a/c 5566"


def test_a_cancelled_capture_stores_nothing_and_is_nobody_elses(session: Session) -> None:
    user, other = make_user(session), make_user(session)
    held = captures.keep_pending(
        session=session,
        user=user,
        proposal=Proposal(
            amount_minor=25_000, payee="Chai Point", payment_mode="UPI", source="Google Pay", sure=False
        ),
        source_ref="photo:1:1",
        now=NOW,
    )
    with pytest.raises(NotFound):
        captures.confirm_pending(session=session, user=other, pending_id=held.id, now=NOW)
    assert (
        captures.drop_pending(session=session, user=user, pending_id=held.id, now=NOW).proposal.payee
        == "Chai Point"
    )
    with pytest.raises(NotFound):
        captures.confirm_pending(session=session, user=user, pending_id=held.id, now=NOW)
    assert count_entries(session, user.id) == 0
