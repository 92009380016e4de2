"""goals: the changes from a person's plan they adopted, with their baselines

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 16:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("target", sa.String(length=48), nullable=False),
        sa.Column("slice", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=96), nullable=False),
        sa.Column("baseline_per_week_x100", sa.Integer(), nullable=False),
        sa.Column("average_minor", sa.BigInteger(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_goals_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("user_id", "target", "slice", name=op.f("uq_goals_user_id_target_slice")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_goals_user_id"), "goals", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_goals_user_id"), table_name="goals")
    op.drop_table("goals")
