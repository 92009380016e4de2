"""The tables: users, entries and imports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, IdType, MinorUnits, UTCDateTime, utcnow

ENTRY_TYPES = ("expense", "income", "savings")
ENTRY_SOURCES = ("chat", "csv")
IMPORT_STATUSES = ("completed", "reverted")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(Base):
    """A person who talks to the bot, with their preferences."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(MinorUnits, unique=True)
    chat_id: Mapped[int | None] = mapped_column(MinorUnits)
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    micro_threshold_minor: Mapped[int] = mapped_column(MinorUnits, default=30_000)
    leak_threshold: Mapped[int] = mapped_column(SmallInteger, default=5)
    salary_day: Mapped[int] = mapped_column(SmallInteger, default=1)
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_weekday: Mapped[int] = mapped_column(SmallInteger, default=6)  # Monday=0 .. Sunday=6
    digest_minute_of_day: Mapped[int] = mapped_column(SmallInteger, default=9 * 60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("salary_day BETWEEN 1 AND 31", name="salary_day"),
        CheckConstraint("leak_threshold BETWEEN 1 AND 9", name="leak_threshold"),
        CheckConstraint("micro_threshold_minor >= 0", name="micro_threshold"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
        CheckConstraint("digest_minute_of_day BETWEEN 0 AND 1439", name="digest_minute"),
    )


class Import(Base):
    """One uploaded file: what it held, what came of it."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(64))
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    imported_rows: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_rows: Mapped[int] = mapped_column(Integer, default=0)
    rejected_rows: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="completed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint(_in("status", IMPORT_STATUSES), name="status"),)


class Entry(Base):
    """One money movement: an expense, an income or a saving, scored when it is an expense."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(64))
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    is_necessary: Mapped[bool] = mapped_column(Boolean)
    payment_mode: Mapped[str] = mapped_column(String(16))
    is_recurring: Mapped[bool] = mapped_column(Boolean)
    context: Mapped[str] = mapped_column(String(16))
    time_block: Mapped[str] = mapped_column(String(16))
    day_type: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(8))
    source_ref: Mapped[str] = mapped_column(String(128))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    leakage_score: Mapped[int | None] = mapped_column(SmallInteger)
    leak_rules: Mapped[str | None] = mapped_column(String(128))
    is_leak: Mapped[bool | None] = mapped_column(Boolean)
    model_probability: Mapped[float | None] = mapped_column(Float)
    user_verdict: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("user_id", "source_ref"),
        Index("ix_entries_user_local_date", "user_id", "local_date"),
        Index("ix_entries_user_occurred_at", "user_id", "occurred_at"),
        CheckConstraint(_in("type", ENTRY_TYPES), name="type"),
        CheckConstraint(_in("source", ENTRY_SOURCES), name="source"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )


LEAKS_BUDGET = "__leaks__"  # the budget on the month's leak total


class Budget(Base):
    """A monthly spending limit on one category, or on the month's leaks."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(64))
    limit_minor: Mapped[int] = mapped_column(MinorUnits)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "category"),
        CheckConstraint("limit_minor > 0", name="limit_positive"),
    )


class BudgetAlert(Base):
    """An alert already sent: one per budget, month and level (80 or 100 percent)."""

    __tablename__ = "budget_alerts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    level: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("budget_id", "month", "level"),
        CheckConstraint("level IN (80, 100)", name="level"),
    )
