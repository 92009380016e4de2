"""initial schema: users, imports, entries

Revision ID: 0001
Revises:
Create Date: 2026-11-24 19:49:45.161323
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("micro_threshold_minor", sa.BigInteger(), nullable=False),
        sa.Column("leak_threshold", sa.SmallInteger(), nullable=False),
        sa.Column("salary_day", sa.SmallInteger(), nullable=False),
        sa.Column("digest_enabled", sa.Boolean(), nullable=False),
        sa.Column("digest_weekday", sa.SmallInteger(), nullable=False),
        sa.Column("digest_minute_of_day", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("digest_minute_of_day BETWEEN 0 AND 1439", name=op.f("ck_users_digest_minute")),
        sa.CheckConstraint("digest_weekday BETWEEN 0 AND 6", name=op.f("ck_users_digest_weekday")),
        sa.CheckConstraint("leak_threshold BETWEEN 1 AND 9", name=op.f("ck_users_leak_threshold")),
        sa.CheckConstraint("micro_threshold_minor >= 0", name=op.f("ck_users_micro_threshold")),
        sa.CheckConstraint("salary_day BETWEEN 1 AND 31", name=op.f("ck_users_salary_day")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_users_telegram_id")),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("layout", sa.String(length=64), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("imported_rows", sa.Integer(), nullable=False),
        sa.Column("duplicate_rows", sa.Integer(), nullable=False),
        sa.Column("rejected_rows", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('completed', 'reverted')", name=op.f("ck_imports_status")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_imports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imports_user_id"), ["user_id"], unique=False)

    op.create_table(
        "entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("is_necessary", sa.Boolean(), nullable=False),
        sa.Column("payment_mode", sa.String(length=16), nullable=False),
        sa.Column("is_recurring", sa.Boolean(), nullable=False),
        sa.Column("context", sa.String(length=16), nullable=False),
        sa.Column("time_block", sa.String(length=16), nullable=False),
        sa.Column("day_type", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=False),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("leakage_score", sa.SmallInteger(), nullable=True),
        sa.Column("leak_rules", sa.String(length=128), nullable=True),
        sa.Column("is_leak", sa.Boolean(), nullable=True),
        sa.Column("model_probability", sa.Float(), nullable=True),
        sa.Column("user_verdict", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('chat', 'csv')", name=op.f("ck_entries_source")),
        sa.CheckConstraint("type IN ('expense', 'income', 'savings')", name=op.f("ck_entries_type")),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_entries_amount_positive")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_entries_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint("user_id", "source_ref", name=op.f("uq_entries_user_id_source_ref")),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entries_import_id"), ["import_id"], unique=False)
        batch_op.create_index("ix_entries_user_local_date", ["user_id", "local_date"], unique=False)
        batch_op.create_index("ix_entries_user_occurred_at", ["user_id", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_user_occurred_at")
        batch_op.drop_index("ix_entries_user_local_date")
        batch_op.drop_index(batch_op.f("ix_entries_import_id"))

    op.drop_table("entries")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imports_user_id"))

    op.drop_table("imports")
    op.drop_table("users")
