"""The tables: users, entries, imports, budgets, models, subscriptions, a person's own
categories and words, and captures waiting for a Confirm."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, IdType, MinorUnits, UTCDateTime, utcnow

ENTRY_TYPES = ("expense", "income", "savings", "transfer", "refund")
ENTRY_SOURCES = ("chat", "csv")
# For tables whose ids ride in inline buttons: an id is never handed out twice. SQLite would
# give a removed newest row's id to the next one, and the buttons under the removed row's
# message would act on it (migration 0005). PostgreSQL's sequences never reuse.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
# importing: its rows are being stored in batches (see ImportFile); completed: all of them
# are; reverted: they were removed again; waiting: its file is held (see ImportFile) until
# the person says how to read it (the order of day and month when its dates read both ways).
IMPORT_STATUSES = ("importing", "completed", "reverted", "waiting")
NOTE_LENGTH = 500  # characters of a note kept, from chat, /edit or a file


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
    renewal_reminder_days: Mapped[int] = mapped_column(SmallInteger, default=2, server_default="2")
    # How the rule's verdict is read (services/scoring/verdicts.py POLICIES).
    leak_policy: Mapped[str] = mapped_column(String(8), default="guarded", server_default="guarded")
    # The daily "Leak or not?" card (services/usecases/teaching.py): wanted at all, and the
    # person's local day one was last shown (at most one a day).
    ask_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    asked_on: Mapped[date | None] = mapped_column(Date)
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
    # lines that are no transaction (totals, opening and closing balances, footers)
    skipped_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    errors: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="completed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How the file was read, so the person's next file of the same layout reads alike:
    # layout_key names the layout (a bank preset, or a detected header), date_order the order
    # of day and month (DMY, MDY, YMD), flip_sign whether debits were read as credits, and
    # doubts what could be wrong ("dates", "signs"; offered as Swap day/month, Flip signs).
    layout_key: Mapped[str | None] = mapped_column(String(80))
    date_order: Mapped[str | None] = mapped_column(String(3))
    flip_sign: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    doubts: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (CheckConstraint(_in("status", IMPORT_STATUSES), name="status"), NEVER_REUSE_IDS)


class Entry(Base):
    """One money movement: an expense, an income, a saving, a transfer between the person's own
    accounts or a refund (which takes off the spend of its category); scored when an expense."""

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
    note: Mapped[str] = mapped_column(String(NOTE_LENGTH), default="")
    source: Mapped[str] = mapped_column(String(8))
    source_ref: Mapped[str] = mapped_column(String(128))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    leakage_score: Mapped[int | None] = mapped_column(SmallInteger)
    leak_rules: Mapped[str | None] = mapped_column(String(128))
    # The effective verdict (services/scoring/verdicts.py) and who decided it; the rule's own.
    is_leak: Mapped[bool | None] = mapped_column(Boolean)
    decided_by: Mapped[str | None] = mapped_column(String(8))
    rule_leak: Mapped[bool | None] = mapped_column(Boolean)
    model_probability: Mapped[float | None] = mapped_column(Float)
    user_verdict: Mapped[bool | None] = mapped_column(Boolean)
    verdict_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The bank's id of the transaction (UTR, UPI ref) when a forwarded alert or a statement
    # gave one: the same payment arriving again by another way is matched by it.
    reference: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("user_id", "source_ref"),
        Index("ix_entries_user_reference", "user_id", "reference"),
        Index("ix_entries_user_local_date", "user_id", "local_date"),
        Index("ix_entries_user_occurred_at", "user_id", "occurred_at"),
        CheckConstraint(_in("type", ENTRY_TYPES), name="type"),
        CheckConstraint(_in("source", ENTRY_SOURCES), name="source"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        NEVER_REUSE_IDS,
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


MODEL_SCOPES = ("global", "personal")
SUBSCRIPTION_STATUSES = ("detected", "confirmed", "dismissed", "cancelling")


class ModelRecord(Base):
    """A trained leak classifier: its file, hash, metrics against the rule, and whether it serves."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    file_name: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    features: Mapped[list[str]] = mapped_column(JSON)
    metrics: Mapped[dict[str, object]] = mapped_column(JSON)
    library_versions: Mapped[dict[str, str]] = mapped_column(JSON)
    n_verdicts: Mapped[int] = mapped_column(Integer)
    promoted: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (CheckConstraint(_in("scope", MODEL_SCOPES), name="scope"),)


class Subscription(Base):
    """A recurring charge the detector found, and what the person said about it."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(160))  # description or category, and the amount band
    label: Mapped[str] = mapped_column(String(128))
    period_days: Mapped[int] = mapped_column(SmallInteger)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(String(12), default="detected")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_for: Mapped[date | None] = mapped_column(Date)  # the renewal last reminded of

    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint(_in("status", SUBSCRIPTION_STATUSES), name="status"),
        NEVER_REUSE_IDS,
    )


class Goal(Base):
    """A change from the person's plan they adopted: a habit (a merchant's or a category's
    leaks, in a slice of the week) and its baseline when adopted (services/insights/plan.py)."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(48))  # m_zomato, c_dining_out
    slice: Mapped[str] = mapped_column(String(8))  # night, evening, weekend, weekday, all
    title: Mapped[str] = mapped_column(String(96))
    baseline_per_week_x100: Mapped[int] = mapped_column(Integer)  # times a week, hundredths
    average_minor: Mapped[int] = mapped_column(MinorUnits)
    adopted_on: Mapped[date] = mapped_column(Date)  # the person's local day
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "target", "slice"), NEVER_REUSE_IDS)


class CustomCategory(Base):
    """A category a person made (`/category add Pets need`): an expense category like the
    catalogue's, with its own necessity."""

    __tablename__ = "custom_categories"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    necessary: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "name"), NEVER_REUSE_IDS)


class CategoryWord(Base):
    """A word a person taught: the category they picked for an entry the word did not name
    (`sabzi` -> Groceries). Chat lines and imported descriptions read it first."""

    __tablename__ = "category_words"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(64))  # casefolded
    category: Mapped[str] = mapped_column(String(64))
    taught_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "word"),)


class PendingCapture(Base):
    """A spend read from a forwarded alert or a photo, kept until the person confirms it
    (then it becomes an entry) or cancels it. Its id rides in the Confirm buttons."""

    __tablename__ = "pending_captures"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source_ref: Mapped[str] = mapped_column(String(128))
    proposal: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "source_ref"), NEVER_REUSE_IDS)


DIGEST_STATUSES = ("claimed", "sent", "blocked")


class Digest(Base):
    """One weekly digest: claimed by the instance that sends it, so it goes out exactly once."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    week_ending: Mapped[date] = mapped_column(Date)  # the scheduled local date; covers the 7 days before
    status: Mapped[str] = mapped_column(String(8), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("user_id", "week_ending"),
        CheckConstraint(_in("status", DIGEST_STATUSES), name="status"),
    )


class HandledUpdate(Base):
    """An update from Telegram that was handled: written in the same transaction as what
    handling it changed, so the same update delivered again (a webhook retry, a redelivery
    after a restart) changes nothing and is not answered again."""

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(MinorUnits, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ImportFile(Base):
    """The file of an import that is still being stored, kept until it has finished or
    failed: an import cut off by a restart is run again from it (bot/imports.py resumes it)
    and the person is sent its summary. heartbeat_at moves with every batch stored, so an
    import whose process died is told from one still running elsewhere. Also kept: the file
    of an import 'waiting' for the person to say how its dates read, and of a finished one
    whose reading is in doubt (Import.doubts: read again in place by Swap day/month or Flip
    signs) until it is reverted."""

    __tablename__ = "import_files"

    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    chat_id: Mapped[int | None] = mapped_column(MinorUnits)  # where the summary goes; None from the CLI
    owner: Mapped[str] = mapped_column(String(120))  # host:pid:run of the process storing it
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # How the file is read (services.importing.options.ImportOptions as JSON, never a password)
    options: Mapped[str | None] = mapped_column(Text)


class InboxUpdate(Base):
    """An update from Telegram stored before Telegram is told it arrived (the poller's next
    offset, the webhook's 200), so a crash cannot lose it: the next start handles what is
    still here. Removed in the transaction that records it handled (db/handled.py)."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(MinorUnits, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)  # the update as Telegram sent it (JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OutboxMessage(Base):
    """A reply that could not be sent while the Bot API was down, waiting to go out (in id
    order) when it is back (bot/outbox.py)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    method: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text)  # the Bot API parameters, JSON
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
