"""import_files.options: how an unfinished import reads its file (date order, sign, columns)

A rerun after a restart reads the kept file exactly as the person asked. Never a password.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_files") as table:
        table.add_column(sa.Column("options", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_files") as table:
        table.drop_column("options")
