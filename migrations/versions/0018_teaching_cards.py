"""users.ask_enabled and users.asked_on: the daily "Leak or not?" card (on/off, the last local day one was shown)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 20:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("ask_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
        table.add_column(sa.Column("asked_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("asked_on")
        table.drop_column("ask_enabled")
