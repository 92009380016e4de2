"""imports stored in batches: status 'importing' and the kept file of an unfinished import

A long import commits its rows a batch at a time, so that nobody else waits behind it for
the database. Until its last batch it is 'importing' and its file is kept in import_files;
if it fails its rows are removed, and if the process dies the bot runs it again from the
kept file.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "status IN ('importing', 'completed', 'reverted')"
BEFORE = "status IN ('completed', 'reverted')"


def _status_check(condition: str) -> None:
    # On SQLite the table is rebuilt (db.migrate runs this with foreign keys off, so the old
    # copy's drop does not cascade to entries); ids stay never reused (migration 0005).
    with op.batch_alter_table(
        "imports", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as table:
        table.drop_constraint(op.f("ck_imports_status"), type_="check")
        table.create_check_constraint(op.f("ck_imports_status"), sa.text(condition))


def upgrade() -> None:
    _status_check(NOW)
    op.create_table(
        "import_files",
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_import_files_import_id_imports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_import_files")),
    )
    op.create_index(op.f("ix_import_files_heartbeat_at"), "import_files", ["heartbeat_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_import_files_heartbeat_at"), table_name="import_files")
    op.drop_table("import_files")
    op.execute("DELETE FROM imports WHERE status = 'importing'")
    _status_check(BEFORE)
