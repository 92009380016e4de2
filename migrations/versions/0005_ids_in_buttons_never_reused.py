"""ids in buttons are never reused on SQLite: entries, imports, subscriptions

SQLite gives a new row max(id) + 1, so after /undo removed the newest entry the next entry
took its id, and the Undo / Leak / category buttons under the removed entry's message acted
on the new one (likewise an import's Revert button and a subscription's buttons after
/forget). AUTOINCREMENT never hands out an id twice. PostgreSQL's sequences never did.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = ("entries", "imports", "subscriptions")


def _rebuild(autoincrement: bool) -> None:
    # db.migrate runs this with foreign keys off, so dropping the old copy of imports does not
    # cascade to the entries that refer to it.
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
