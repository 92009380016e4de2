"""Files in and out: import a statement or CSV (all or nothing, never twice), revert an import,
resolve the chat spends that look like imported rows, export the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db.models import User
from db.session import Turn
from services.importing.limits import ProgressCallback
from services.importing.options import ImportOptions
from services.learning.serving import ModelService
from services.ledger.corrections import owned_entry
from services.ledger.entries import EntryView

if TYPE_CHECKING:  # pandas-backed: loaded by the use cases that read files
    from services.importing.pipeline import ImportSummary
    from services.importing.unfinished import Unfinished


@dataclass(frozen=True)
class Imported:
    summary: ImportSummary
    # Chat spends that look like imported rows: (chat entry, imported entry), offered to merge.
    possible_duplicates: tuple[tuple[EntryView, EntryView], ...]


@dataclass(frozen=True, slots=True)
class DatesQuestion:
    """Every date of the file reads both ways: which is it? The file is held meanwhile
    (import_id), and read_held imports it once the person answers."""

    import_id: int
    file_name: str
    example: str  # a date of the file as written, e.g. 03/04/2024
    day_first: date  # 3 April 2024
    month_first: date  # 4 March 2024


def import_file(
    *,
    turn: Turn,
    person: User,
    data: bytes,
    file_name: str,
    models: ModelService,
    on_progress: ProgressCallback | None = None,
    chat_id: int | None = None,
    options: ImportOptions | None = None,
) -> Imported | DatesQuestion:
    """Import a file into the person's ledger, a batch per turn (db.session.in_turns; within
    one transaction: db.session.within): good rows stored, bad rows reported by line, rows
    stored before skipped. ImportRefused, or any failure on the way, leaves nothing; chat_id
    is where the summary goes if a restart cuts the import off (it is then run again);
    options override LeakBot's reading of the file (see ImportOptions).

    A file whose every date reads both ways (and neither its layout nor the person's earlier
    file of it says which) is not guessed: from a chat (chat_id) it is held and a
    DatesQuestion returned; elsewhere it is refused (DatesUnclear) unless options say."""
    from services.importing import pipeline

    try:
        summary = pipeline.import_statement(
            turn=turn,
            user=person,
            data=data,
            file_name=file_name,
            on_progress=on_progress,
            chat_id=chat_id,
            options=options,
        )
    except pipeline.DatesUnclear as unclear:
        if unclear.import_id is None:
            raise
        return DatesQuestion(
            unclear.import_id, file_name, unclear.example, unclear.day_first, unclear.month_first
        )
    return _imported(turn, person, summary, models)


def read_held(
    *,
    turn: Turn,
    person: User,
    import_id: int,
    date_order: str,
    models: ModelService,
    on_progress: ProgressCallback | None = None,
) -> Imported:
    """Import the file held by a DatesQuestion, its dates read as the person said (DMY or
    MDY); their next file of its layout is read the same way without asking."""
    from services.importing import pipeline

    summary = pipeline.read_held(turn, person, import_id, date_order, on_progress)
    return _imported(turn, person, summary, models)


def read_again(
    *,
    turn: Turn,
    person: User,
    import_id: int,
    models: ModelService,
    swap_dates: bool = False,
    flip_sign: bool = False,
    on_progress: ProgressCallback | None = None,
) -> Imported:
    """Re-import one of the person's imports in place, in one step: its entries are replaced
    by its file read with day and month swapped, or with the signs flipped (refused, with
    nothing changed, when its file is no longer kept). The choice is remembered: their next
    file of that layout is read the same way."""
    from services.importing import pipeline

    summary = pipeline.read_again(
        turn, person, import_id, swap_dates=swap_dates, flip_sign=flip_sign, on_progress=on_progress
    )
    return _imported(turn, person, summary, models)


def _imported(turn: Turn, person: User, summary: ImportSummary, models: ModelService) -> Imported:
    from services.importing import matching

    models.predict_import(turn, person, summary.import_id)
    pairs = turn.read(
        lambda session: matching.possible_duplicates(
            session=session, user=person, import_id=summary.import_id
        )
    )
    return Imported(summary, tuple(pairs))


def unfinished_imports(*, session: Session, now: datetime) -> tuple[Unfinished, ...]:
    """Imports a stopped process left half stored (their files are kept), oldest first."""
    from services.importing.unfinished import unfinished_imports as found

    return tuple(found(session, now=now))


def forget_old_files(*, session: Session, now: datetime) -> int:
    """Everyone's statements kept a week for an unanswered question or a doubtful reading are
    deleted (services/importing/unfinished.py KEEP_FILES_FOR); how many."""
    from services.importing.unfinished import forget_old_files as forget

    return forget(session, now=now)


def discard_cut_off(*, turn: Turn, person: User, now: datetime) -> int:
    """Remove the person's imports from the command line that a stopped process left half
    stored (the person re-runs the command); how many. Chat imports are resumed instead."""
    from services.importing import pipeline
    from services.importing.unfinished import unfinished_imports

    found = turn.read(lambda session: unfinished_imports(session, now=now))
    mine = [f for f in found if f.user_id == person.id and f.chat_id is None]
    for item in mine:
        pipeline.discard_import(turn, person.id, item.import_id)
    return len(mine)


def resume_import(*, turn: Turn, found: Unfinished, models: ModelService) -> Imported | None:
    """Run an unfinished import again from its kept file, for its owner; None when another
    process took it over first. ImportRefused when the file no longer reads (then it is gone).
    An import from the command line (no chat to tell) is removed instead: see discard_cut_off."""
    from services.importing import matching, pipeline

    person = turn(lambda session: session.get(User, found.user_id))
    if person is None:
        return None
    if found.chat_id is None:
        pipeline.discard_import(turn, person.id, found.import_id)
        return None
    summary = pipeline.resume_import(turn, person, found)
    if summary is None:
        return None
    models.predict_import(turn, person, summary.import_id)
    pairs = turn.read(
        lambda session: matching.possible_duplicates(
            session=session, user=person, import_id=summary.import_id
        )
    )
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


def merge_all_duplicates(*, session: Session, person: User, import_id: int) -> int:
    """Merge every chat spend that still looks like a row of this import (as the offers after
    it listed them); how many were merged."""
    from services.importing import matching

    pairs = matching.possible_duplicates(session=session, user=person, import_id=import_id)
    for chat, imported in pairs:
        matching.merge(session=session, user=person, chat_id=chat.id, imported_id=imported.id)
    return len(pairs)


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
