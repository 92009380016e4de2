"""entries.rule_leak and entries.decided_by, users.leak_policy: one verdict per expense

`is_leak` becomes the effective verdict (the person's call, else the model's, else the
rule's read by the person's policy); the rule's own verdict moves to `rule_leak`. Existing
expenses are re-derived under the default policy, `guarded`: a necessity is no leak unless
the person said so.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The categories that are a necessity by default when this migration was written.
NECESSARY = (
    "Education",
    "EMI",
    "Fuel",
    "Groceries",
    "Insurance",
    "Medical",
    "Mobile Recharge",
    "Rent",
    "Utilities",
)


def upgrade() -> None:
    with op.batch_alter_table("entries") as table:
        table.add_column(sa.Column("decided_by", sa.String(8), nullable=True))
        table.add_column(sa.Column("rule_leak", sa.Boolean(), nullable=True))
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("leak_policy", sa.String(8), nullable=False, server_default="guarded"))
    entries = sa.table(
        "entries",
        sa.column("type", sa.String),
        sa.column("category", sa.String),
        sa.column("is_necessary", sa.Boolean),
        sa.column("is_leak", sa.Boolean),
        sa.column("rule_leak", sa.Boolean),
        sa.column("decided_by", sa.String),
        sa.column("model_probability", sa.Float),
        sa.column("user_verdict", sa.Boolean),
    )
    op.execute(entries.update().where(entries.c.type == "expense").values(rule_leak=entries.c.is_leak))
    necessity = sa.or_(entries.c.is_necessary.is_(True), entries.c.category.in_(NECESSARY))
    overruled = sa.and_(entries.c.rule_leak.is_(True), necessity)
    model = entries.c.model_probability.is_not(None)
    op.execute(
        entries.update()
        .where(entries.c.type == "expense")
        .values(
            is_leak=sa.case(
                (entries.c.user_verdict.is_not(None), entries.c.user_verdict),
                (model, entries.c.model_probability >= 0.5),
                (overruled, sa.false()),
                else_=entries.c.rule_leak,
            ),
            decided_by=sa.case(
                (entries.c.user_verdict.is_not(None), "you"),
                (model, "model"),
                (overruled, "need"),
                else_="rule",
            ),
        )
    )


def downgrade() -> None:
    entries = sa.table("entries", sa.column("is_leak", sa.Boolean), sa.column("rule_leak", sa.Boolean))
    op.execute(entries.update().values(is_leak=entries.c.rule_leak))
    with op.batch_alter_table("users") as table:
        table.drop_column("leak_policy")
    with op.batch_alter_table("entries") as table:
        table.drop_column("rule_leak")
        table.drop_column("decided_by")
