"""Keep secrets and what people send out of every log line, whoever logs it.

Secrets: the bot token, the webhook secret and the database password. httpx logs request
URLs and python-telegram-bot logs getFile results at DEBUG, and an exception's text or
traceback may carry any of them (a failed download's URL holds the token). A log-record
factory rewrites each record before a handler sees it: its message, its traceback and its
stack, so no level, handler or formatter can leak them. Messages and tracebacks are frozen
when the record is made, so a later change to a logged object cannot bring a secret back.

What people send: python-telegram-bot logs every call's parameters and answers (message
texts, amounts, file names) and every webhook body at DEBUG. Those loggers are held at INFO
unless LOG_MESSAGE_TEXTS=true.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from sqlalchemy.engine import make_url

REDACTED = "<token>"
# python-telegram-bot's loggers that write message contents at DEBUG.
CONTENT_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater", "telegram.ext.Application")
# Their request URLs carry the token: never below WARNING.
URL_LOGGERS = ("httpx", "httpcore")
_secrets: list[str] = []


def _redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def _factory_with_redaction(previous: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return record
        # Freeze the message now: arguments may be mutated after logging (python-telegram-bot
        # logs getFile's result dict, then prefixes its file_path with the token-bearing URL).
        record.msg, record.args = _redact(message), None
        if record.exc_info:  # formatters print exc_text when it is set
            record.exc_text = _redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = _redact(record.stack_info)
        return record

    return factory


def install(*secrets: str | None) -> None:
    """Redact these secrets from all log records created from now on (idempotent)."""
    new = [s for s in secrets if s and s not in _secrets]
    if not new:
        return
    if not _secrets:  # the factory is installed once and reads the list
        logging.setLogRecordFactory(_factory_with_redaction(logging.getLogRecordFactory()))
    _secrets.extend(new)
    _secrets.sort(key=len, reverse=True)  # a secret inside another goes after it


def database_password(url: str) -> str | None:
    """The password in a database URL, if any."""
    try:
        return make_url(url).password
    except Exception:  # not a URL SQLAlchemy reads: nothing to hide in it
        return None


def protect(*, token: str | None, webhook_secret: str | None, database_url: str, message_texts: bool) -> None:
    """Everything this process must not log: install the secrets, hold the chatty loggers."""
    install(token, webhook_secret, database_password(database_url))
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in CONTENT_LOGGERS:  # NOTSET: as the root logger says
        logging.getLogger(name).setLevel(logging.NOTSET if message_texts else logging.INFO)
