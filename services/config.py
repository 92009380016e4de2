"""One place for configuration: environment variables or a `.env` file."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.money import CURRENCIES

DEFAULT_DATABASE_URL = f"sqlite:///{Path('data') / 'leakbot.db'}"


class Settings(BaseSettings):
    """Everything LeakBot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    database_url: str = DEFAULT_DATABASE_URL
    default_timezone: str = "Asia/Kolkata"
    default_currency: str = "INR"
    allowed_user_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    log_level: str = "INFO"
    log_format: str = "text"
    log_message_texts: bool = False  # let python-telegram-bot log message contents at DEBUG
    webhook_secret: SecretStr | None = None
    bot_api_timeout: float = 10.0  # seconds to wait for a Bot API answer before retrying
    health_port: int | None = None  # GET /healthz on this port when set
    health_host: str = "0.0.0.0"
    health_min_free_mb: int = 50  # /healthz fails when a SQLite database's disk has less free
    model_dir: Path = Path("data/models")
    # Threads one model fit may use (OpenMP, BLAS). One keeps a small machine's other core for
    # the chat; more only help on a machine with cores to spare.
    training_threads: int = Field(default=1, ge=1, le=64)
    # The dashboard Mini App (bot/webapp.py): its public https address (behind TLS), and in
    # polling mode the port its own server listens on (webhook mode serves it under /app/).
    webapp_url: str | None = None
    webapp_port: int | None = None
    webapp_host: str = "0.0.0.0"

    @field_validator("allowed_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError("must be Telegram user ids separated by commas") from exc
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Kolkata)") from exc
        return value

    @field_validator("default_currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        if value.strip().upper() not in CURRENCIES:
            raise ValueError(f"{value!r} is not an ISO 4217 currency code in circulation, such as INR or USD")
        return value.strip().upper()

    @field_validator("webapp_url")
    @classmethod
    def _webapp_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be the page's public address, e.g. https://bot.example.com")
        return value

    def webapp_page(self) -> str | None:
        """The address Telegram opens for the Mini App: WEBAPP_URL + /app/."""
        return None if self.webapp_url is None else f"{self.webapp_url}/app/"

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"text", "json"}:
            raise ValueError("must be text or json")
        return value

    def webhook_secret_value(self) -> str:
        """The secret Telegram must send with every webhook call (derived from the token if unset)."""
        if self.webhook_secret is not None and self.webhook_secret.get_secret_value():
            return self.webhook_secret.get_secret_value()
        assert self.telegram_bot_token is not None
        digest = hashlib.sha256(b"leakbot-webhook:" + self.telegram_bot_token.get_secret_value().encode())
        return digest.hexdigest()[:48]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
