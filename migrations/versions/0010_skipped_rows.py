"""imports.skipped_rows: statement lines that are no transaction (totals, balances, footers)

They are skipped and counted apart, not reported as rejected rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("imports") as table:
        table.add_column(sa.Column("skipped_rows", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table(
        "imports", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as table:
        table.drop_column("skipped_rows")
