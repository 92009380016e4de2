"""imports: how each file was read, so the next file of a layout is read alike; 'waiting'

layout_key names the layout (a bank preset, or a detected header); date_order is the order
of day and month its dates were read in (DMY, MDY, YMD); flip_sign whether its debits were
read as credits; doubts what of the reading could be wrong (offered to swap or flip). A file
whose dates read both ways is held 'waiting' (its bytes in import_files) until the person
says which.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "status IN ('importing', 'completed', 'reverted', 'waiting')"
BEFORE = "status IN ('importing', 'completed', 'reverted')"


def _rebuilt() -> object:
    # On SQLite the table is rebuilt (db.migrate runs this with foreign keys off, so the old
    # copy's drop does not cascade to entries); ids stay never reused (migration 0005).
    return op.batch_alter_table("imports", recreate="auto", table_kwargs={"sqlite_autoincrement": True})


def upgrade() -> None:
    with _rebuilt() as table:  # type: ignore[attr-defined]
        table.add_column(sa.Column("layout_key", sa.String(length=80), nullable=True))
        table.add_column(sa.Column("date_order", sa.String(length=3), nullable=True))
        table.add_column(sa.Column("flip_sign", sa.Boolean(), server_default=sa.false(), nullable=False))
        table.add_column(sa.Column("doubts", sa.String(length=32), nullable=True))
        table.drop_constraint(op.f("ck_imports_status"), type_="check")
        table.create_check_constraint(op.f("ck_imports_status"), sa.text(NOW))


def downgrade() -> None:
    op.execute("DELETE FROM imports WHERE status = 'waiting'")
    with _rebuilt() as table:  # type: ignore[attr-defined]
        table.drop_constraint(op.f("ck_imports_status"), type_="check")
        table.create_check_constraint(op.f("ck_imports_status"), sa.text(BEFORE))
        table.drop_column("doubts")
        table.drop_column("flip_sign")
        table.drop_column("date_order")
        table.drop_column("layout_key")
