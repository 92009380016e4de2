"""private chat ids only

A spend posted in a group used to move the person's chat id to the group, and their weekly
digest and reminders then went there. In a private chat the chat id is the person's own
Telegram id, so that is what every person's chat id becomes again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:55:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE users SET chat_id = telegram_id WHERE chat_id IS NULL OR chat_id <> telegram_id")


def downgrade() -> None:
    pass  # the group ids it replaced are not worth restoring
