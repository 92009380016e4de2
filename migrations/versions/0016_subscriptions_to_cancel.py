"""subscriptions.status 'cancelling': the person asked to be reminded to cancel it

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 17:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "status IN ('detected', 'confirmed', 'dismissed', 'cancelling')"
BEFORE = "status IN ('detected', 'confirmed', 'dismissed')"


def _status_check(condition: str) -> None:
    with op.batch_alter_table(
        "subscriptions", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as table:
        table.drop_constraint(op.f("ck_subscriptions_status"), type_="check")
        table.create_check_constraint(op.f("ck_subscriptions_status"), sa.text(condition))


def upgrade() -> None:
    _status_check(NOW)


def downgrade() -> None:
    op.execute("UPDATE subscriptions SET status = 'confirmed' WHERE status = 'cancelling'")
    _status_check(BEFORE)
