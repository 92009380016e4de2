"""capture: custom categories, taught words, captures waiting for Confirm, entries.reference

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "custom_categories",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("necessary", sa.Boolean(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        _owner("custom_categories"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_categories")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_custom_categories_user_id_name")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_custom_categories_user_id"), "custom_categories", ["user_id"], unique=False)
    op.create_table(
        "category_words",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("taught_at", _AT, nullable=False),
        _owner("category_words"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_words")),
        sa.UniqueConstraint("user_id", "word", name=op.f("uq_category_words_user_id_word")),
    )
    op.create_table(
        "pending_captures",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        _owner("pending_captures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_captures")),
        sa.UniqueConstraint("user_id", "source_ref", name=op.f("uq_pending_captures_user_id_source_ref")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("entries") as table:
        table.add_column(sa.Column("reference", sa.String(length=64), nullable=True))
    op.create_index("ix_entries_user_reference", "entries", ["user_id", "reference"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_entries_user_reference", table_name="entries")
    with op.batch_alter_table("entries") as table:
        table.drop_column("reference")
    op.drop_table("pending_captures")
    op.drop_table("category_words")
    op.drop_index(op.f("ix_custom_categories_user_id"), table_name="custom_categories")
    op.drop_table("custom_categories")
