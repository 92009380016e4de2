from __future__ import annotations

from sqlalchemy import Engine, inspect

from db.migrate import current_revision, downgrade, head_revision, schema_drift, upgrade


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
