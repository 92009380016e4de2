"""Run Alembic migrations from code: `leakbot db upgrade`, the bot's start-up and the tests.

Every CLI command first checks the schema with one query (ensure_current) and runs the
migration machinery only when the database is behind: loading Alembic and its scripts costs
more than most commands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

import migrations
from db import models  # noqa: F401  (registers the tables)
from db.session import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent
# The newest revision in migrations/versions (tests/db/test_migrations.py checks it is).
HEAD_REVISION = "0018"


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (one query, no Alembic); None when unmigrated."""
    with engine.connect() as connection:  # an unreachable database raises, as it should
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()  # type: ignore[no-any-return]


def ensure_current(url: str) -> None:
    """Migrate the database unless it already is at HEAD_REVISION."""
    engine = make_engine(url)
    try:
        current = stored_revision(engine)
    finally:
        engine.dispose()
    if current != HEAD_REVISION:
        upgrade(url)


def alembic_config(url: str) -> Config:
    """Return an Alembic config pointing at the packaged migrations and the given database."""
    from alembic.config import Config

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
    from alembic import command

    _run(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Step migrations back down to revision."""
    from alembic import command

    _run(url, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None when it was never migrated."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest revision in the migrations folder (as Alembic reads it)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head
