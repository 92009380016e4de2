"""Online backup and restore of a SQLite database (sqlite3's backup API: consistent while the
bot keeps writing). PostgreSQL deployments use pg_dump / pg_restore (see the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from db.session import _normalise_url

PG_HELP = (
    'This database is PostgreSQL: back it up with `pg_dump -Fc -f leakbot.dump "$DATABASE_URL"` '
    'and restore with `pg_restore --clean --if-exists -d "$DATABASE_URL" leakbot.dump`.'
)


class BackupError(Exception):
    """A clear reason the backup or restore did not happen."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(_normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(PG_HELP)
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(parsed.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=1024)  # in steps, so writers are not blocked for long


def backup(url: str, destination: Path) -> int:
    """Write a consistent copy of the live database to destination; return its size in bytes."""
    path = sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"There is no database at {path}.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    with sqlite3.connect(path) as source, sqlite3.connect(partial) as target:
        _copy(source, target)
    partial.replace(destination)
    return destination.stat().st_size


def restore(url: str, source_file: Path) -> None:
    """Replace the live database's contents with a backup (checked to be a LeakBot database)."""
    path = sqlite_path(url)
    if not source_file.is_file():
        raise BackupError(f"There is no backup at {source_file}.")
    try:
        with sqlite3.connect(f"file:{source_file}?mode=ro", uri=True) as check:
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source_file} is damaged (integrity check failed).")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source_file} is not a SQLite database.") from exc
    if not {"alembic_version", "users", "entries"} <= tables:
        raise BackupError(f"{source_file} is not a LeakBot database.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_file) as source, sqlite3.connect(path) as target:
        _copy(source, target)
