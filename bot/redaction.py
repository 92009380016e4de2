"""Keep the bot token out of every log line, whoever logs it.

httpx logs request URLs and python-telegram-bot logs getFile results at DEBUG; both carry the
token (`.../bot<token>/...`). A log-record factory rewrites any record whose message contains
it before a handler sees it, so no level, handler or formatter can leak it. Messages are
formatted when the record is made, so a later change to a logged object cannot bring the
token back.
"""

from __future__ import annotations

import logging
from typing import Any

REDACTED = "<token>"
_installed: set[str] = set()


def install(secret: str) -> None:
    """Redact secret from all log records created from now on (idempotent per secret)."""
    if not secret or secret in _installed:
        return
    _installed.add(secret)
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return record
        # Freeze the message now: arguments may be mutated after logging (python-telegram-bot
        # logs getFile's result dict, then prefixes its file_path with the token-bearing URL).
        record.msg, record.args = message.replace(secret, REDACTED), None
        return record

    logging.setLogRecordFactory(factory)
