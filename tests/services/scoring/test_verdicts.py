"""One verdict per expense: the person's call, else their model, else the rule read by their
policy; a necessity is no leak by default, and is one under the seed's own rule."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.render.entries import verdict
from db.models import Entry
from services.ledger import entries as ledger
from services.ledger.entries import view_entry
from services.scoring.rescoring import rederive
from services.scoring.verdicts import derive
from services.usecases import account
from services.usecases import entries as use
from tests.factories import make_user

SATURDAY = datetime(2024, 6, 15, 17, 30, tzinfo=UTC)  # 11 pm in Kolkata


def _logged(session: Session, user, text: str, ref: str):  # type: ignore[no-untyped-def]
    return ledger.log_text(session=session, user=user, text=text, now=SATURDAY, source_ref=ref).entry


def test_a_necessity_is_no_leak_by_default_and_is_one_under_the_seed_rule(session: Session) -> None:
    """A late medicine on a Saturday scores 5 of 9 (micro, emergency, night, weekend): the
    guarded default says OK and why; `leak_rule seed` gives the seed's own verdict, and
    switching back re-derives it again."""
    user = make_user(session)
    medicine = _logged(session, user, "120 medicine 10pm", "m")
    petrol = _logged(session, user, "500 petrol card", "p")
    snack = _logged(session, user, "120 snacks 10pm", "s")
    assert verdict(medicine) == "OK · a necessity (the rule: 5 of 9 points)"
    assert not petrol.is_leak
    assert verdict(snack) == (
        "Leak · 7 of 9 points (leak from 5): micro spend, not necessary, impulsive context (unplanned), "
        "night, weekend"
    )

    change = account.change_setting(session=session, person=user, name="leak_rule", value="seed")
    assert change.rescored == 3
    stored = session.get(Entry, medicine.id)
    session.refresh(stored)
    assert verdict(view_entry(stored, user)) == (
        "Leak · 5 of 9 points (leak from 5): micro spend, impulsive context (emergency), night, weekend"
    )
    account.change_setting(session=session, person=user, name="leak_rule", value="guarded")
    session.refresh(stored)
    assert (stored.is_leak, stored.decided_by, stored.rule_leak) == (False, "need", True)


def test_the_persons_own_call_decides_until_cleared(session: Session) -> None:
    user = make_user(session)
    medicine = _logged(session, user, "120 medicine 10pm", "m")
    called = use.record_verdict(session=session, person=user, entry_id=medicine.id, is_leak=True)
    assert verdict(called) == "Leak · your call (the rule: 5 of 9 points)"
    cleared = use.record_verdict(session=session, person=user, entry_id=medicine.id, is_leak=None)
    assert verdict(cleared) == "OK · a necessity (the rule: 5 of 9 points)"


def test_stored_verdicts_rederived_in_sql_equal_the_rule_in_python(session: Session) -> None:
    """Every combination of call, model probability, rule verdict, necessity and category,
    re-derived by the database (SQLite and PostgreSQL) as derive() says, under both policies."""
    user = make_user(session)
    rng = np.random.default_rng(4)
    n = 400
    calls = rng.choice(np.array([None, True, False], dtype=object), n)
    probability = np.where(rng.random(n) < 0.4, rng.random(n).round(4), None)
    rule = rng.random(n) < 0.5
    necessary = rng.random(n) < 0.3
    category = rng.choice(np.array(["Dining Out", "Rent", "Fuel", "Clothing"], dtype=object), n)
    session.execute(
        insert(Entry),
        [
            {
                "user_id": user.id,
                "occurred_at": SATURDAY,
                "local_date": SATURDAY.date(),
                "type": "expense",
                "category": category[k],
                "amount_minor": 10_000,
                "is_necessary": bool(necessary[k]),
                "payment_mode": "UPI",
                "is_recurring": False,
                "context": "Unplanned",
                "time_block": "Night",
                "day_type": "Weekend",
                "source": "csv",
                "source_ref": f"r{k}",
                "leakage_score": 6 if rule[k] else 3,
                "leak_rules": "",
                "rule_leak": bool(rule[k]),
                "model_probability": probability[k],
                "user_verdict": calls[k],
            }
            for k in range(n)
        ],
    )
    for policy in ("guarded", "seed"):
        user.leak_policy = policy
        assert rederive(session, user) == n
        stored = session.execute(
            select(Entry.is_leak, Entry.decided_by).where(Entry.user_id == user.id).order_by(Entry.id)
        ).all()
        leak, by = derive(
            category=category,
            is_necessary=necessary,
            rule_leak=rule,
            model_probability=probability,
            user_verdict=calls,
            policy=policy,
        )
        assert [tuple(r) for r in stored] == list(zip(leak.tolist(), by.tolist(), strict=True)), policy
