"""entry ids are never reused on SQLite

SQLite gives a new row max(id) + 1, so after /undo removed the newest entry the next entry
took its id, and the Undo / Leak / category buttons under the removed entry's message acted
on the new one. AUTOINCREMENT never hands out an id twice. PostgreSQL's sequences never did.

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


def _recreate_entries(autoincrement: bool) -> None:
    # Safe to rebuild: no table references entries, so dropping the old copy cascades nowhere.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "entries", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _recreate_entries(True)


def downgrade() -> None:
    _recreate_entries(False)
