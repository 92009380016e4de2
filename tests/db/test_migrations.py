from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect

from db.base import Base
from db.migrate import (
    HEAD_REVISION,
    current_revision,
    downgrade,
    ensure_current,
    head_revision,
    stored_revision,
    upgrade,
)


def schema_drift(engine: Engine) -> list[object]:
    """The differences Alembic's autogenerate finds between the models and the database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrations_reach_head_and_match_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert schema_drift(engine) == []


def test_migrations_go_down_and_up_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from db.session import make_engine

    url = f"sqlite:///{tmp_path / 'updown.db'}"
    upgrade(url)
    downgrade(url, "base")
    eng = make_engine(url)
    assert set(inspect(eng).get_table_names()) == {"alembic_version"}
    upgrade(url)
    assert {"users", "entries", "imports"} <= set(inspect(eng).get_table_names())
    eng.dispose()


def test_a_database_filled_at_the_first_revision_upgrades_with_every_row_intact(
    empty_database_url: str,
) -> None:
    import pandas as pd
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from db.frames import insert_entry_frame
    from db.session import make_engine
    from services.ledger.completion import ScoringProfile
    from services.synthetic import generate_entries

    url = empty_database_url
    upgrade(url, "0001")
    engine = make_engine(url)
    frame = generate_entries(months=3, seed=8, profile=ScoringProfile("Asia/Kolkata", 30_000, 5))
    frame = frame.assign(
        user_id=1,
        source="csv",
        source_ref=[f"m{i}" for i in range(len(frame))],
        import_id=1,  # rebuilding imports (0005) must not take these with it
    ).drop(columns=["rule_leak", "decided_by"])  # columns of 0014
    need = frame.index[frame["category"].isin(["Rent", "Medical"])][:3]
    frame.loc[need, ["leakage_score", "is_leak"]] = [5, True]  # the rule's leak on a necessity
    with Session(engine) as session, session.begin():
        session.execute(
            text(
                "INSERT INTO users (id, telegram_id, chat_id, timezone, currency, micro_threshold_minor, "
                "leak_threshold, salary_day, digest_enabled, digest_weekday, digest_minute_of_day, "
                "created_at) "
                "VALUES (1, 77, 77, 'Asia/Kolkata', 'INR', 30000, 5, 1, true, 6, 540, '2024-01-01 00:00:00')"
            )
        )
        session.execute(
            text(
                "INSERT INTO imports (id, user_id, file_name, sha256, layout, total_rows, imported_rows, "
                "duplicate_rows, rejected_rows, errors, status, created_at) VALUES (1, 1, 'a.csv', "
                f"'{'0' * 64}', 'leakbot', {len(frame)}, {len(frame)}, 0, 0, '', 'completed', "
                "'2024-01-01 00:00:00')"
            )
        )
        insert_entry_frame(session, frame)
    before = pd.read_sql("SELECT * FROM entries ORDER BY id", engine)
    engine.dispose()

    upgrade(url)
    engine = make_engine(url)
    after = pd.read_sql("SELECT * FROM entries ORDER BY id", engine)
    with engine.connect() as connection:
        reminder = connection.execute(text("SELECT renewal_reminder_days FROM users WHERE id = 1")).scalar()
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert len(after) == len(before) > 100
    kept = [c for c in before.columns if c != "is_leak"]
    pd.testing.assert_frame_equal(after[kept], before[kept])
    assert after["verdict_at"].isna().all() and reminder == 2
    # 0014: the verdict stored before is the rule's own; the effective one spares necessities.
    expense = (before["type"] == "expense").to_numpy()
    rule = before["is_leak"].astype("boolean")
    assert (after.loc[expense, "rule_leak"].astype("boolean") == rule[expense]).all()
    spared = (after["decided_by"] == "need").to_numpy()
    assert spared.any() and not after.loc[spared, "is_leak"].astype(bool).any()
    assert (after.loc[expense & ~spared, "is_leak"].astype(bool) == rule[expense & ~spared]).all()


def test_an_upgrade_that_fails_half_way_leaves_the_database_as_it_was(
    empty_database_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The bot migrates on start; a crash or a stop signal in the middle must not leave half a
    schema behind. The last revision's table fails to be created: nothing of any revision stays."""
    from alembic.operations import Operations

    from db.session import make_engine

    create_table = Operations.create_table

    def fail_on_digests(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "digests":
            raise RuntimeError("interrupted")
        return create_table(self, name, *args, **kwargs)

    monkeypatch.setattr(Operations, "create_table", fail_on_digests)
    with pytest.raises(RuntimeError, match="interrupted"):
        upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None
    engine.dispose()
    monkeypatch.undo()
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_commands_check_the_revision_with_one_query_and_migrate_only_when_behind(
    empty_database_url: str,
) -> None:
    """HEAD_REVISION is Alembic's head; a database behind it is brought up to it. (That a
    current one loads no Alembic at all: tests/bot/test_startup.py.)"""
    from db.session import make_engine

    assert head_revision() == HEAD_REVISION
    engine = make_engine(empty_database_url)
    try:
        assert stored_revision(engine) is None
        upgrade(empty_database_url, "0003")
        ensure_current(empty_database_url)
        assert stored_revision(engine) == HEAD_REVISION == current_revision(engine)
    finally:
        engine.dispose()


def test_0013_makes_old_refunds_refunds_and_imported_atm_cash_transfers_and_back(
    empty_database_url: str,
) -> None:
    """Income in the old Refund category becomes a refund of the category its note names;
    imported expenses whose description is ATM cash or a card bill become unscored
    transfers; a chat note is left alone. Downgrade turns them back into types 0012 knows."""
    from sqlalchemy import text

    from db.session import make_engine

    url = empty_database_url
    upgrade(url, "0012")
    engine = make_engine(url)
    columns = (
        "id, user_id, occurred_at, local_date, type, category, amount_minor, is_necessary, payment_mode, "
        "is_recurring, context, time_block, day_type, note, source, source_ref, leakage_score, "
        "leak_rules, is_leak, user_verdict, created_at"
    )
    rows = [  # id, type, category, note, source, score, is_leak, verdict
        (1, "income", "Refund", "REFUND-SWIGGY-ORDER 88", "csv", "NULL", "NULL", "NULL"),
        (2, "income", "Refund", "money back", "chat", "NULL", "NULL", "NULL"),
        (3, "expense", "Other", "ATM WDL-ATM CASH MG ROAD", "csv", "4", "false", "true"),
        (4, "expense", "Other", "CC PAYMENT 4315XXXX1234", "csv", "3", "false", "NULL"),
        (5, "expense", "Other", "ATM WDL CHARGES", "csv", "3", "false", "NULL"),  # a fee: spending
        (6, "expense", "Other", "atm near office", "chat", "5", "true", "NULL"),  # the person's words
        (7, "income", "Salary", "SALARY ACME", "csv", "NULL", "NULL", "NULL"),
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, telegram_id, chat_id, timezone, currency, micro_threshold_minor, "
                "leak_threshold, salary_day, digest_enabled, digest_weekday, digest_minute_of_day, "
                "created_at) VALUES (1, 77, 77, 'Asia/Kolkata', 'INR', 30000, 5, 1, true, 6, 540, "
                "'2024-01-01 00:00:00')"
            )
        )
        for i, kind, category, note, source, score, leak, verdict in rows:
            connection.execute(
                text(
                    f"INSERT INTO entries ({columns}) VALUES ({i}, 1, '2024-04-0{i} 06:30:00', "
                    f"'2024-04-0{i}', "
                    f"'{kind}', '{category}', {i * 1000}, false, 'UPI', false, 'Unplanned', 'Morning', "
                    f"'Weekday', '{note}', '{source}', 'r{i}', {score}, NULL, {leak}, {verdict}, "
                    "'2024-04-01 00:00:00')"
                )
            )

    def stored() -> list[tuple[object, ...]]:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT id, type, category, leakage_score, user_verdict FROM entries ORDER BY id")
            )
            return [tuple(r) for r in found]

    upgrade(url)
    assert stored() == [
        (1, "refund", "Dining Out", None, None),
        (2, "refund", "Other", None, None),
        (3, "transfer", "ATM Cash", None, None),
        (4, "transfer", "Card Bill", None, None),
        (5, "expense", "Other", 3, None),
        (6, "expense", "Other", 5, None),
        (7, "income", "Salary", None, None),
    ]
    with engine.begin() as connection:  # the new types are allowed now
        connection.execute(text("UPDATE entries SET type = 'transfer' WHERE id = 7"))
    downgrade(url, "0012")
    assert [r[:3] for r in stored()] == [
        (1, "income", "Refund"),
        (2, "income", "Refund"),
        (3, "savings", "Other Savings"),
        (4, "savings", "Other Savings"),
        (5, "expense", "Other"),
        (6, "expense", "Other"),
        (7, "savings", "Other Savings"),
    ]
    with pytest.raises(Exception, match=r"(?i)check"), engine.begin() as connection:
        connection.execute(text("UPDATE entries SET type = 'refund' WHERE id = 1"))
    engine.dispose()
