"""Files in and out: import a statement or CSV (all or nothing, never twice), revert an import,
resolve the chat spends that look like imported rows, export the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db.models import User
from services.importing.limits import ProgressCallback
from services.learning.serving import ModelService
from services.ledger.corrections import owned_entry
from services.ledger.entries import EntryView

if TYPE_CHECKING:  # pandas-backed: loaded by the use cases that read files
    from services.importing.pipeline import ImportSummary


@dataclass(frozen=True)
class Imported:
    summary: ImportSummary
    # Chat spends that look like imported rows: (chat entry, imported entry), offered to merge.
    possible_duplicates: tuple[tuple[EntryView, EntryView], ...]


def import_file(
    *,
    session: Session,
    person: User,
    data: bytes,
    file_name: str,
    models: ModelService,
    on_progress: ProgressCallback | None = None,
) -> Imported:
    """Import a file into the person's ledger in the caller's transaction: good rows stored,
    bad rows reported by line, rows stored before skipped. ImportRefused leaves nothing."""
    from services.importing import matching, pipeline

    summary = pipeline.import_csv(
        session=session, user=person, data=data, file_name=file_name, on_progress=on_progress
    )
    models.predict_import(session, person, summary.import_id)
    pairs = matching.possible_duplicates(session=session, user=person, import_id=summary.import_id)
    return Imported(summary, tuple(pairs))


@dataclass(frozen=True, slots=True)
class Reverted:
    import_id: int
    removed: int  # entries removed


def revert_import(*, session: Session, person: User, import_id: int) -> Reverted:
    """Remove everything one of the person's imports added."""
    from services.importing import pipeline

    return Reverted(import_id, pipeline.revert_import(session=session, user=person, import_id=import_id))


def list_imports(*, session: Session, person: User) -> tuple[ImportSummary, ...]:
    """The person's imports, newest first."""
    from services.importing import pipeline

    return tuple(pipeline.list_imports(session=session, user=person))


def merge_duplicate(
    *, session: Session, person: User, chat_entry_id: int, imported_entry_id: int
) -> EntryView:
    """Keep the statement's row with what the person said in chat; the chat entry goes."""
    from services.importing import matching

    return matching.merge(session=session, user=person, chat_id=chat_entry_id, imported_id=imported_entry_id)


def keep_both(*, session: Session, person: User, chat_entry_id: int, imported_entry_id: int) -> None:
    """Leave both entries as they are (only the owner's own offer can be answered)."""
    for entry_id in (chat_entry_id, imported_entry_id):
        owned_entry(session, person, entry_id)


@dataclass(frozen=True, slots=True)
class Export:
    data: bytes  # LeakBot's own CSV, which imports back exactly
    entries: int


def export_entries(*, session: Session, person: User) -> Export:
    """The person's ledger as LeakBot's own CSV (formula-safe)."""
    from services.ledger.export import export_csv

    return Export(*export_csv(session=session, user=person))
