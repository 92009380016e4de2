"""The production model learns each person's own notion of a leak, and only serves when it
beats the six rules on verdicts it never saw."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.render.learning import training_lines
from db.migrate import upgrade
from db.models import Entry, Import, ModelRecord, User
from db.session import in_turns, make_engine, make_session_factory, session_scope, within
from ml import persistence
from ml.training import leak_probability
from services import synthetic
from services.learning import serving as serving_module
from services.learning.features import entry_features, load_expenses, model_frame
from services.learning.serving import ModelService
from services.learning.training import needs_training, train_all
from services.ledger import corrections
from services.ledger import entries as ledger
from services.usecases import imports
from tests.factories import give_verdicts, make_user

MONTHS = 36
SHARE = 0.10


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Four people with different tastes, 10% of their expenses judged, models trained."""
    directory = tmp_path_factory.mktemp("models")
    url = f"sqlite:///{directory / 'taste.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    people: dict[str, tuple[int, pd.DataFrame]] = {}
    with session_scope(sessions) as session:
        for k, taste in enumerate(("rule", "weekday_diner", "big_ticket", "night_owl")):
            user = make_user(session)
            judged = give_verdicts(session, user, months=MONTHS, taste=taste, share=SHARE, seed=100 + 2 * k)
            people[taste] = (user.id, judged)
        report = train_all(within(session), model_dir=directory)
    print("\n".join(training_lines(report)))
    return {"sessions": sessions, "people": people, "report": report, "models": ModelService(directory)}


@pytest.mark.parametrize("taste", ["weekday_diner", "big_ticket", "night_owl"])
def test_a_personal_model_learns_a_taste_the_rule_does_not_share(trained: dict, taste: str) -> None:  # type: ignore[type-arg]
    user_id, expenses = trained["people"][taste]
    unseen = expenses[~expenses["judged"]]
    with session_scope(trained["sessions"]) as session:
        user = session.get(User, user_id)
        record = trained["models"].serving(session, user)
        assert record is not None and record.scope == "personal", training_lines(trained["report"])
        probability = trained["models"].predict_entries(
            session, user, unseen["entry_id"].astype(int).tolist()
        )
    predicted = unseen["entry_id"].map(probability).to_numpy() >= 0.5
    model_f1 = f1_score(unseen["truth"], predicted)
    rule_f1 = f1_score(unseen["truth"], unseen["is_leak"].astype(bool))
    assert model_f1 >= rule_f1 + 0.15, (taste, model_f1, rule_f1)


def test_once_a_model_is_promoted_every_expense_follows_it_and_a_reply_says_so_once(trained: dict) -> None:  # type: ignore[type-arg]
    """Old entries too: each unjudged expense's verdict is the model's (at 0.5), the judged
    ones the person's own, and the reply names one verdict with the rule only as context."""
    from bot.render.entries import verdict
    from services.ledger.entries import view_entry

    user_id, _ = trained["people"]["night_owl"]
    with session_scope(trained["sessions"]) as session:
        user = session.get(User, user_id)
        rows = session.scalars(select(Entry).where(Entry.user_id == user_id, Entry.type == "expense")).all()
        judged = [e for e in rows if e.user_verdict is not None]
        unjudged = [e for e in rows if e.user_verdict is None]
        assert {e.decided_by for e in judged} == {"you"}
        assert all(e.is_leak == e.user_verdict for e in judged)
        assert {e.decided_by for e in unjudged} == {"model"}
        assert all(e.is_leak == (e.model_probability >= 0.5) for e in unjudged)
        overruled = next(e for e in unjudged if e.is_leak != e.rule_leak)
        line = verdict(view_entry(overruled, user))
    assert "your model" in line and line.count("Leak") + line.count("OK") == 1, line


def test_no_personal_model_for_someone_whose_taste_is_the_rule(trained: dict) -> None:  # type: ignore[type-arg]
    user_id, _ = trained["people"]["rule"]
    with session_scope(trained["sessions"]) as session:
        records = session.scalars(select(ModelRecord).where(ModelRecord.user_id == user_id)).all()
        assert len(records) == 1 and not records[0].promoted
        record = trained["models"].serving(session, session.get(User, user_id))
    # The global model may speak for them only if it beat the rule on held-out people.
    assert record is None or record.scope == "global"


def test_a_tampered_or_foreign_model_file_is_refused_and_the_rule_stands(trained: dict, caplog) -> None:  # type: ignore[no-untyped-def, type-arg]
    user_id, expenses = trained["people"]["night_owl"]
    with session_scope(trained["sessions"]) as session:
        user = session.get(User, user_id)
        record = trained["models"].serving(session, user)
        assert record is not None
        path = trained["models"].model_dir / record.file_name
        original = path.read_bytes()
        try:
            path.write_bytes(original[:-10] + b"0123456789")
            fresh = ModelService(trained["models"].model_dir)  # a process that has not loaded it yet
            assert fresh.predict_entries(session, user, [int(expenses["entry_id"].iloc[0])]) == {}
            assert "does not match its recorded sha256" in caplog.text
        finally:
            path.write_bytes(original)
        with pytest.raises(persistence.ModelRejected, match="scikit-learn"):
            persistence.load(
                path, sha256=record.sha256, versions={**record.library_versions, "scikit-learn": "0.1"}
            )


def test_retraining_is_needed_only_after_new_verdicts(trained: dict) -> None:  # type: ignore[type-arg]
    with session_scope(trained["sessions"]) as session:
        assert not needs_training(session)
        entry = session.scalars(select(Entry).where(Entry.type == "expense").limit(1)).one()
        corrections.set_verdict(
            session=session, user=session.get(User, entry.user_id), entry_id=entry.id, is_leak=True
        )
        assert needs_training(session)
        session.rollback()
    with session_scope(trained["sessions"]) as session:
        newest = session.scalars(select(ModelRecord).order_by(ModelRecord.trained_at.desc()).limit(1)).one()
        newest.file_name = "personal-1-v1.joblib"  # written before skops: refused, so retrained
        assert needs_training(session)
        session.rollback()


def test_one_entrys_features_equal_its_row_in_the_batch(session: Session) -> None:
    """The chat path (its month, its category, its description's count) and the training path
    (the whole history) agree."""
    user = make_user(session, salary_day=28, micro_threshold_minor=25_000)
    synthetic.store_generated(session, user, months=3, seed=9)
    for k, text in enumerate(["649 subscription netflix", "649 subscription Netflix!", "99 snacks 11pm"]):
        ledger.log_text(
            session=session,
            user=user,
            text=text,
            now=datetime(2023, 2, 27, 12, tzinfo=UTC),
            source_ref=f"n{k}",
        )
    expenses = load_expenses(session, user_ids=[user.id])
    batch = model_frame(expenses, {user.id: user})
    rng = np.random.default_rng(1)
    picks = list(rng.choice(len(expenses), size=12, replace=False)) + list(
        range(len(expenses) - 3, len(expenses))
    )
    for i in picks:
        entry = session.get(Entry, int(expenses["entry_id"].iloc[i]))
        one = entry_features(session, user, entry)
        expected = batch.iloc[i]
        for column in batch.columns:
            if isinstance(expected[column], str):
                assert one[column] == expected[column], column
            else:
                assert one[column] == pytest.approx(float(expected[column]), rel=1e-9), (column, i)


def test_an_imported_statement_gets_the_probabilities_its_entries_get_one_by_one(
    trained: dict,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Imports are scored in small batches of whole months; each expense gets what it gets
    when asked alone (its month, the whole history's medians and description counts)."""
    sessions = trained["sessions"]
    owner_id, _ = trained["people"]["night_owl"]
    with session_scope(sessions) as session:
        speaker = trained["models"].serving(session, session.get(User, owner_id))
        newcomer = make_user(session)
    models = ModelService(trained["models"].model_dir)
    monkeypatch.setattr(models, "serving", lambda session, user: speaker)  # night owl's model speaks
    monkeypatch.setattr(serving_module, "PROBABILITIES_PER_TURN", 37)  # batches across month ends
    data = synthetic.to_csv_bytes(synthetic.generate(months=6, seed=77))
    result = imports.import_file(
        turn=in_turns(sessions), person=newcomer, data=data, file_name="six.csv", models=models
    )
    with session_scope(sessions) as session:
        stored = dict(
            session.execute(
                select(Entry.id, Entry.model_probability).where(
                    Entry.import_id == result.summary.import_id, Entry.type == "expense"
                )
            ).all()
        )
        assert len(stored) > 200 and all(p is not None for p in stored.values())
        user = session.get(User, newcomer.id)
        for entry_id in list(stored)[::25]:
            alone = models.predict_entries(session, user, [entry_id])
            assert alone[entry_id] == pytest.approx(stored[entry_id], abs=1e-4)
        session.execute(delete(Entry).where(Entry.user_id == newcomer.id))
        session.execute(delete(Import).where(Import.user_id == newcomer.id))


def test_model_speaks_in_plain_words_what_it_changed_and_what_it_still_needs(trained: dict) -> None:  # type: ignore[type-arg]
    from bot.render.learning import needed_line, status_reply
    from services.learning.status import ModelStatus, status

    user_id, _ = trained["people"]["night_owl"]
    with session_scope(trained["sessions"]) as session:
        user = session.get(User, user_id)
        shown = status(session, user, trained["models"])
        moved = session.scalar(
            select(func.count()).where(
                Entry.user_id == user_id, Entry.decided_by == "model", Entry.is_leak != Entry.rule_leak
            )
        )
    lines = status_reply(shown).plain.splitlines()
    assert lines[0].startswith("Your own model decides your verdicts now")
    assert re.fullmatch(
        r"On \d+ of your calls it never saw, it agreed with you \d+ times \(\d+%\), "
        r"the rule \d+ times \(\d+%\)\.",
        lines[1],
    )
    top = shown.changed[0]
    assert lines[2] in (
        f"It now calls {top.now_ok} of your {top.category} spends OK that the rule called leaks.",
        f"It now calls {top.now_leak} of your {top.category} spends leaks that the rule called OK.",
    )
    assert sum(c.now_ok + c.now_leak for c in shown.changed) <= moved
    assert "F1" not in status_reply(shown).plain  # metric names stay in the CLI
    assert needed_line(ModelStatus(1, 25, None)) == "With 2 more Leak calls I can learn your own taste."
    assert needed_line(ModelStatus(2, 0, None)) == (
        "With 1 more Leak call, 3 more Not a leak calls and 10 more calls of either kind "
        "I can learn your own taste."
    )
    assert (
        needed_line(ModelStatus(5, 6, None)) == "With 5 more calls of either kind I can learn your own taste."
    )


def test_fitting_uses_no_more_threads_than_it_is_given(session: Session, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a 2-core machine OpenMP's default (a thread per core) made one fit 12-40 times slower
    while the chat ran; LEAKBOT's TRAINING_THREADS (default 1) bounds every fit."""
    from threadpoolctl import threadpool_info

    from ml import training as ml_training

    seen: list[dict[str, int]] = []
    real_fit = ml_training.fit

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append({pool["user_api"]: pool["num_threads"] for pool in threadpool_info()})
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(ml_training, "fit", watched)
    for k in range(2):
        give_verdicts(session, make_user(session), months=6, taste="night_owl", share=0.5, seed=40 + k)
    train_all(within(session), model_dir=tmp_path, threads=1)
    assert seen and all(pools.get("openmp", 1) == 1 and pools.get("blas", 1) == 1 for pools in seen)


def test_serving_at_arrival_equals_training_later_on_a_replayed_history(session: Session) -> None:
    """Three months replayed spend by spend: what serving computes for each entry when it
    arrives is its training row once the whole history is there (nothing later leaks in)."""
    user = make_user(session, salary_day=28)
    sample = synthetic.generate(months=3, seed=12)
    hours = {"Morning": "9am", "Afternoon": "2pm", "Evening": "7pm", "Night": "11pm"}
    sample = sample[sample["type"] == "expense"].head(120)
    when = pd.to_datetime(sample["Date"], format="%d-%m-%Y") + pd.to_timedelta(
        sample["time_block"].map({"Morning": 9, "Afternoon": 14, "Evening": 19, "Night": 23}), unit="h"
    )
    sample = sample.assign(when=when).sort_values("when", kind="stable")  # spends as they happen
    served = {}
    now = datetime(2023, 4, 2, 12, tzinfo=UTC)
    for k, row in enumerate(sample.itertuples()):
        day = datetime.strptime(row.Date, "%d-%m-%Y").date().isoformat()
        note = ["swiggy order", "netflix", "chai"][k % 3]
        text = f"{row.value} {row.category} {day} {hours[row.time_block]} {note}"
        logged = ledger.log_text(session=session, user=user, text=text, now=now, source_ref=f"r{k}")
        if logged.row.type == "expense":
            served[logged.row.id] = entry_features(session, user, logged.row)
    expenses = load_expenses(session, user_ids=[user.id])
    trained = model_frame(expenses, {user.id: user}).set_index(expenses["entry_id"].astype(int))
    assert len(served) > 60
    for entry_id, features in served.items():
        for column in trained.columns:
            expected = trained.loc[entry_id, column]
            if isinstance(expected, str):
                assert features[column] == expected, column
            else:
                assert features[column] == pytest.approx(float(expected), rel=1e-9), (column, entry_id)


def test_a_changed_category_or_amount_is_decided_again_by_the_model(trained: dict) -> None:  # type: ignore[type-arg]
    """After Change category or /edit the reply shows the model's new probability, the one the
    entry's new features give, not the old one."""
    from services.usecases import entries

    user_id, _ = trained["people"]["night_owl"]
    models = trained["models"]
    with session_scope(trained["sessions"]) as session:
        user = session.get(User, user_id)
        model = models.load(models.serving(session, user))
        entry = session.scalars(
            select(Entry).where(
                Entry.user_id == user_id, Entry.category == "Dining Out", Entry.time_block == "Night"
            )
        ).first()
        assert entry is not None and entry.model_probability is not None
        before = entry.model_probability
        moved = entries.move_to(
            session=session, person=user, entry_id=entry.id, category="Groceries", models=models
        )
        expected = float(np.round(leak_probability(model, [entry_features(session, user, entry)])[0], 4))
        assert moved.entry.model_probability == pytest.approx(expected) and expected != pytest.approx(before)
        edited = entries.edit_entry(
            session=session, person=user, entry_id=entry.id, field="amount", value="5000", models=models
        )
        expected = float(np.round(leak_probability(model, [entry_features(session, user, entry)])[0], 4))
        assert edited.model_probability == pytest.approx(expected)
        session.rollback()
