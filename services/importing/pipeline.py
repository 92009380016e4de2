"""Import a CSV into one person's ledger, all or nothing, never twice; revert it as a whole."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db import repositories as repo
from db.frames import insert_entry_frame
from db.models import Import, User
from services.errors import ImportRefused, NotFound
from services.importing.layouts import detect_layout, is_header
from services.importing.limits import ProgressCallback
from services.importing.reader import read_rows, read_table
from services.ledger.completion import OPTIONAL_COLUMNS, ScoringProfile, complete
from services.ledger.people import profile_of

INSERT_CHUNK = 10_000
MAX_STORED_ERRORS = 100


@dataclass(frozen=True, slots=True)
class ImportSummary:
    import_id: int
    file_name: str
    layout: str
    total_rows: int
    imported: int
    duplicates: int
    rejected: int
    errors: tuple[tuple[int, str], ...]  # (line number, reason), the first MAX_STORED_ERRORS


def _digest(keys: pd.Series) -> list[str]:
    return [hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest() for k in keys]


def source_refs(keys: pd.Series) -> pd.Series:
    """`csv:<hash of the row's content or bank reference>:<occurrence>`.

    The occurrence number counts identical rows within the file, so two genuinely identical
    rows stay two entries, while the same rows in a later, overlapping file match again.
    """
    occurrence = keys.groupby(keys, sort=False).cumcount()
    return "csv:" + pd.Series(_digest(keys), index=keys.index) + ":" + occurrence.astype(str)


def import_csv(
    *,
    session: Session,
    user: User,
    data: bytes,
    file_name: str,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import a CSV file for user in the caller's transaction.

    Good rows are stored, bad rows reported by line; rows already stored (this file or an
    overlapping one sent before) are counted as duplicates and skipped. Raises ImportRefused
    when the whole file is unusable; then nothing is stored.
    """
    table = read_table(data, is_header)
    layout = detect_layout(table.header)
    assert layout is not None
    rows = read_rows(table)
    raw, too_long = rows.frame, rows.too_long
    converted = layout.convert(raw, table.header, user.currency)
    reasons = converted.errors.copy()
    reasons[too_long & reasons.isna().to_numpy()] = f"more fields than the header's {len(table.header)}"
    lines = pd.Series(rows.lines, index=raw.index)
    good = reasons.isna()
    errors = [(int(ln), str(why)) for ln, why in zip(lines[~good], reasons[~good], strict=True)]

    candidates = converted.frame[good]
    refs = source_refs(candidates["key"]) if len(candidates) else pd.Series([], dtype=object)
    known = repo.existing_refs(session, user.id, refs.tolist())
    fresh = ~refs.isin(known).to_numpy()  # positional: refs follow candidates row by row
    candidates, refs = candidates[fresh], refs[fresh]

    record = repo.add_import(
        session,
        user_id=user.id,
        file_name=file_name[:255] or "upload.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        layout=converted.layout,
        total_rows=len(raw),
        imported_rows=len(candidates),
        duplicate_rows=int((~fresh).sum()),
        rejected_rows=len(errors),
        errors=json.dumps(errors[:MAX_STORED_ERRORS]),
        status="completed",
    )
    entries = complete_frame(candidates, profile=profile_of(user))
    entries["user_id"] = user.id
    entries["source"] = "csv"
    entries["source_ref"] = refs
    entries["import_id"] = record.id
    total = len(entries)
    for start in range(0, total, INSERT_CHUNK):
        insert_entry_frame(session, entries.iloc[start : start + INSERT_CHUNK])
        if on_progress is not None:
            on_progress(min(start + INSERT_CHUNK, total), total)
    return summary_of(record)


def complete_frame(candidates: pd.DataFrame, *, profile: ScoringProfile) -> pd.DataFrame:
    """services.ledger.completion.complete over a frame of candidate rows (gaps as None)."""
    given = {name: candidates[name].to_numpy() for name in ("type", "category", "amount_minor", "local_dt")}
    for name in OPTIONAL_COLUMNS:
        if name in candidates:
            column = candidates[name].astype(object)
            given[name] = column.where(column.notna(), None).to_numpy()
    completed = complete(given, profile=profile)
    frame = pd.DataFrame(  # object columns stay object: None, not NaN, where a value is missing
        {
            name: pd.Series(values, index=candidates.index, dtype=values.dtype)
            for name, values in completed.items()
        }
    )
    return frame


def revert_import(*, session: Session, user: User, import_id: int) -> int:
    """Remove every entry an import added; returns how many. Only the importer's own imports."""
    record = repo.get_import(session, user.id, import_id)
    if record is None:
        raise NotFound(f"You have no import #{import_id}.")
    if record.status == "reverted":
        raise ImportRefused(f"Import #{import_id} was already reverted.")
    removed = repo.delete_import_entries(session, user.id, import_id)
    record.status = "reverted"
    return removed


def summary_of(record: Import) -> ImportSummary:
    """Describe a stored import."""
    return ImportSummary(
        import_id=record.id,
        file_name=record.file_name,
        layout=record.layout,
        total_rows=record.total_rows,
        imported=record.imported_rows,
        duplicates=record.duplicate_rows,
        rejected=record.rejected_rows,
        errors=tuple(_error(e) for e in json.loads(record.errors or "[]")),
    )


def _error(stored: object) -> tuple[int, str]:
    """A stored error: [line, reason], or the older "line 12: reason" text."""
    if isinstance(stored, list):
        return int(stored[0]), str(stored[1])
    head, _, reason = str(stored).partition(": ")
    return int(head.removeprefix("line ")), reason


def list_imports(*, session: Session, user: User) -> list[ImportSummary]:
    """Return the person's imports, newest first."""
    return [summary_of(r) for r in repo.list_imports(session, user.id)]
