"""What a file may be, checked before a download and again on the bytes, and how an import
reports progress."""

from __future__ import annotations

from collections.abc import Callable

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may download, and plenty for a year
MAX_ROWS = 200_000
ProgressCallback = Callable[[int, int], None]  # (rows stored so far, rows to store)


def too_big(size: int) -> str | None:
    """Why a file of this many bytes is refused, or None."""
    if size <= MAX_FILE_BYTES:
        return None
    return (
        f"That file is {size / 1_048_576:.1f} MB; I take files up to {MAX_FILE_BYTES // 1_048_576} MB. "
        "Split it by date and send the parts."
    )
