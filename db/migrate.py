"""Run Alembic migrations from code: `leakbot db upgrade`, the bot's start-up and the tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import migrations
from db import models  # noqa: F401  (registers the tables)
from db.base import Base
from db.session import make_engine

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def alembic_config(url: str) -> Config:
    """Return an Alembic config pointing at the packaged migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def _run(url: str, step: Callable[[Config, str], None], revision: str) -> None:
    """Run the step in one transaction: all of it or none of it.

    On SQLite, foreign keys are off while it runs, as SQLite's own procedure for schema
    changes asks: a batch migration rebuilds a table by copying it and dropping the old one,
    and with foreign keys on, dropping `users` or `imports` would cascade-delete every row
    that refers to them. Before the commit, `PRAGMA foreign_key_check` must find nothing.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # on the driver connection: SQLite ignores it inside a transaction
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with connection.begin():
                    config = alembic_config(url)
                    config.attributes["connection"] = connection
                    step(config, revision)
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise RuntimeError(f"the migration left rows without their parents: {broken[:5]}")
            finally:
                if sqlite:
                    connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to revision (default: the newest)."""
    _run(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Step migrations back down to revision."""
    _run(url, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest revision in the migrations folder."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def schema_drift(engine: Engine) -> list[object]:
    """Return the differences autogenerate finds between the models and the database."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
