"""entries.type 'transfer' and 'refund': what is not spending, and what takes off spending

A transfer (ATM cash, a credit-card bill, money to an own account, a wallet top-up) is
never an expense, income or leak; a refund takes off the spend of its expense category and
month and is never income. The type is a plain string with a CHECK constraint (not a native
enum on PostgreSQL), so the constraint is replaced; on SQLite the table is rebuilt (ids stay
never reused, migration 0005).

Data: income in the old category "Refund" becomes a refund of the expense category its note
names (else Other); imported expenses whose description says ATM cash, a card bill, an own
account or a wallet top-up become transfers (their leak scores go: transfers are never
scored). Downgrade: refunds become income in "Refund" again, transfers savings in "Other
Savings" (the old types had no place that is not spending).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "type IN ('expense', 'income', 'savings', 'transfer', 'refund')"
BEFORE = "type IN ('expense', 'income', 'savings')"
BATCH = 1_000


def _type_check(condition: str) -> None:
    with op.batch_alter_table(
        "entries", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as table:
        table.drop_constraint(op.f("ck_entries_type"), type_="check")
        table.create_check_constraint(op.f("ck_entries_type"), sa.text(condition))


def _expense_category(note: str) -> str:
    """The expense category whose keywords the note names first, else Other."""
    from services.catalog import CATEGORIES, EntryType

    text = f" {note.casefold()} "
    for category in CATEGORIES:
        if category.type is EntryType.EXPENSE and any(word in text for word in category.keywords):
            return category.name
    return "Other"


def _update(connection: sa.Connection, statement: str, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(sa.text(statement), rows[start : start + BATCH])


def upgrade() -> None:
    from services.importing.transfers import transfer_kind

    _type_check(NOW)
    connection = op.get_bind()
    refunds = connection.execute(
        sa.text("SELECT id, note FROM entries WHERE type = 'income' AND category = 'Refund'")
    ).all()
    _update(
        connection,
        "UPDATE entries SET type = 'refund', category = :category WHERE id = :id",
        [{"id": i, "category": _expense_category(note or "")} for i, note in refunds],
    )
    # Only imported rows: a statement's description says what a row is; a chat note is the
    # person's own words about a spend they chose to log as one.
    imported = connection.execute(
        sa.text("SELECT id, note FROM entries WHERE type = 'expense' AND source = 'csv' AND note <> ''")
    )
    transfers = []
    for entry_id, note in imported:
        kind = transfer_kind(note)
        if kind is not None:
            transfers.append({"id": entry_id, "category": kind})
    _update(
        connection,
        "UPDATE entries SET type = 'transfer', category = :category, leakage_score = NULL, "
        "leak_rules = NULL, is_leak = NULL, model_probability = NULL, user_verdict = NULL, "
        "verdict_at = NULL WHERE id = :id",
        transfers,
    )


def downgrade() -> None:
    op.execute("UPDATE entries SET type = 'income', category = 'Refund' WHERE type = 'refund'")
    op.execute("UPDATE entries SET type = 'savings', category = 'Other Savings' WHERE type = 'transfer'")
    _type_check(BEFORE)
