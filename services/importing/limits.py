"""How big a file LeakBot takes (checked before a download, and again on the bytes)."""

from __future__ import annotations

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may download, and plenty for a year
MAX_ROWS = 200_000
