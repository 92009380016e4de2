"""Import a CSV into one person's ledger, all or nothing, never twice; revert it as a whole.

A file is read and checked whole first (a file refused stores nothing), then converted and
stored CHUNK_ROWS rows at a time. Given a turn per chunk (db.session.in_turns), each chunk
commits on its own, so a 200,000-row file never holds the database for more than one short
batch; the import stays 'importing' until its last batch, and if anything fails its rows
are removed again. Given one transaction (db.session.within), it is all one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db import repositories as repo
from db.base import utcnow
from db.frames import insert_entry_frame
from db.models import Entry, Import, ImportFile, User
from db.session import Turn, within
from services.catalog import OTHER_CATEGORY
from services.errors import ImportRefused, NotFound
from services.importing.layouts import EARLIER_KEYS, FileFacts, Layout, detect_layout, is_header
from services.importing.limits import ProgressCallback, too_big
from services.importing.options import ImportOptions
from services.importing.overrides import layout_key, named_header, named_layout, remembered
from services.importing.pdfs import PDF_MAGIC, read_pdf
from services.importing.reader import Rows, is_furniture, read_rows, read_table
from services.importing.understood import Understood, account_of, currency_of, of_import
from services.importing.unfinished import STALE_AFTER, THIS_PROCESS, Unfinished
from services.importing.workbooks import XLS_MAGIC, is_xlsx, read_workbook
from services.ledger.captures import alerted
from services.ledger.completion import OPTIONAL_COLUMNS, ScoringProfile, complete
from services.ledger.people import profile_of
from services.ledger.vocabulary import adopt_categories

log = logging.getLogger(__name__)
CHUNK_ROWS = 5_000  # rows stored and (with turns) committed at a time: a turn holds SQLite's lock
CONVERT_ROWS = 10_000  # rows read into entries at a time (memory: a 200,000-row upload in the bot)
HEARTBEAT_EVERY_S = STALE_AFTER.total_seconds() / 6
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
    # (where: "line 12", "page 2, line 14"; why), the first MAX_STORED_ERRORS
    errors: tuple[tuple[str, str], ...]
    skipped: int = 0  # lines that are no transaction: totals, balances, footers
    understood: Understood | None = None  # what the file held (right after the import only)
    # What of the reading could be wrong, to offer the other way: "dates" (every date reads
    # both ways, and no date decided: the layout or an earlier file did), "signs" (nothing in
    # the file tells debits from credits but the sign, or most rows landed in Other).
    doubts: tuple[str, ...] = ()
    date_order: str | None = None  # DMY, MDY or YMD: how day and month were read


class DatesUnclear(ImportRefused):
    """Every date of the file reads both ways, differently, and nothing decides which: the
    person is asked (chat) or told to say (CLI). import_id: the import holding the file
    while the chat asks (None when nothing was kept)."""

    def __init__(
        self, file_name: str, example: str, day_first: date, month_first: date, import_id: int | None = None
    ) -> None:
        self.file_name, self.example, self.import_id = file_name, example, import_id
        self.day_first, self.month_first = day_first, month_first
        super().__init__(
            f"Every date in {file_name} reads two ways: {example} is {long_date(day_first)} "
            f"day first or {long_date(month_first)} month first, and no date says which."
        )


def long_date(day: date) -> str:
    """`3 April 2024`."""
    return f"{day.day} {day:%B %Y}"


def _unclear(file: StatementFile, file_name: str, import_id: int | None = None) -> DatesUnclear:
    reading = file.facts.dates
    example = reading.example or ""
    day_first = pd.to_datetime(example, format=reading.fmt).date()
    month_first = pd.to_datetime(example, format=reading.other).date()
    return DatesUnclear(file_name, example, day_first, month_first, import_id)


def _digest(keys: pd.Series) -> list[str]:
    return [hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest() for k in keys]


class SourceRefs:
    """`csv:<hash of the row's content or bank reference>:<occurrence>`, chunk after chunk.

    The occurrence number counts identical rows within the file, so two genuinely identical
    rows stay two entries, while the same rows in a later, overlapping file match again.
    """

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def of(self, keys: pd.Series) -> pd.Series:
        digests = pd.Series(_digest(keys), index=keys.index, dtype=object)
        before = digests.map(self._seen).fillna(0).astype(np.int64) if self._seen else 0
        occurrence = digests.groupby(digests, sort=False).cumcount() + before
        self._seen.update(digests.value_counts(sort=False).to_dict())
        return "csv:" + digests + ":" + occurrence.astype(str)


class StoredRefs:
    """The refs of the person's imported rows, which an import's rows are checked against.

    Their hashes (8 bytes each) are read once, at the first chunk, and kept up to date with
    what the import stores: asking the database chunk after chunk would read every ref again
    each time, and holding the refs themselves would cost ten times the memory. A chunk's
    refs whose hash is known are then looked up exactly (a hash shared by two refs can never
    drop a new row). The database's unique (person, ref) still stops a row stored twice by
    a race."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self._hashes: list[np.ndarray] = []
        self._read = False
        self.had_any = True  # whether the person had imported rows when the import began

    def read(self, session: Session) -> None:
        """Take the snapshot (once)."""
        if not self._read:
            known = _hashes(repo.imported_refs(session, self.user_id))
            self._hashes, self._read, self.had_any = [known], True, bool(len(known))

    def among(self, session: Session, refs: list[str]) -> set[str]:
        """Which of refs the person has."""
        self.read(session)
        maybe = np.isin(_hashes(refs), np.concatenate(self._hashes))
        if not maybe.any():
            return set()
        return repo.existing_refs(session, self.user_id, [r for r, m in zip(refs, maybe, strict=True) if m])

    def add(self, refs: list[str]) -> None:
        self._hashes.append(_hashes(refs))


def _hashes(refs: Iterable[str]) -> np.ndarray:
    return np.fromiter((hash(r) for r in refs), dtype=np.int64)


# What is kept of a locked PDF while it is imported: its table, never the password.
KEPT_TABLE = b"LEAKBOT-TABLE 1\n"


@dataclass(frozen=True)
class StatementFile:
    """A file read and checked whole, before anything is stored."""

    header: list[str]
    layout: Layout
    rows: Rows
    facts: FileFacts  # decided from whole columns, so every chunk reads alike
    kind: str  # "CSV file", "Excel workbook", "PDF statement", ...
    kept: bytes  # what an unfinished import keeps to run again: the file, or a locked PDF's table
    account: str | None = None  # the last digits of the account the file names
    currency: str | None = None  # the currency the file states
    key: str = ""  # what files of this layout share (see overrides.layout_key)

    @classmethod
    def read(cls, data: bytes, options: ImportOptions | None = None) -> StatementFile:
        """ImportRefused when the file is unusable as a whole (PasswordNeeded for a locked PDF).
        options: the columns the person named, the date order and sign convention they chose."""
        options = options or ImportOptions()
        if (refusal := too_big(len(data))) is not None:
            raise ImportRefused(refusal)
        kept = data
        named = named_header(options.columns) if options.columns else None
        # The columns the person named find the header row (or, when one is misspelt, the
        # layout's own header does, and named_layout says which column is not there).
        header_test = (lambda r: named(r) or is_header(r)) if named is not None else is_header
        try:
            if data.startswith(KEPT_TABLE):
                header, rows, kind = _unkeep(data)
            elif data.startswith(PDF_MAGIC):
                header, rows, kind = read_pdf(data, header_test, options.password)
                if options.password:
                    kept = _keep(header, rows, kind)
            elif data.startswith(XLS_MAGIC) or is_xlsx(data):
                header, rows, kind = read_workbook(data, header_test)
            else:
                table = read_table(data, header_test)
                header, rows, kind = table.header, read_rows(table), "CSV file"
        except ImportRefused as refused:
            if not options.columns or "header row" not in str(refused):
                raise
            shown = ", ".join(f"'{c[:40]}'" for c in options.columns.values())
            raise ImportRefused(
                f"No line near the top of the file holds every column you named ({shown})."
            ) from None
        layout = detect_layout(header)
        if options.columns:
            layout = named_layout(layout, header, options.columns)
        assert layout is not None
        if options.flip_sign and layout.columns is None:
            raise ImportRefused(
                f"This file is a {layout.name}: its type column says what is spent and what is "
                "earned, so there are no signs to flip."
            )
        facts = layout.facts(rows.frame, header)
        if options.date_order is not None:
            facts = facts.with_dates(facts.dates.settle(options.date_order, "person"))
        facts = replace(facts, flip_sign=options.flip_sign)
        account = account_of(data, header, rows.frame, rows.preamble)
        currency = currency_of(header, rows.frame)
        return cls(header, layout, rows, facts, kind, kept, account, currency, layout_key(layout, header))

    def read_as(self, options: ImportOptions) -> ImportOptions:
        """The options that read this file again exactly as now (its date order decided)."""
        order = self.facts.dates.order if self.facts.dates.settled else None
        return replace(options.without_password(), date_order=order, flip_sign=self.facts.flip_sign)

    def doubts(self, counts: _Counts) -> tuple[str, ...]:
        """What of this reading could be wrong (see ImportSummary.doubts)."""
        dates = self.facts.dates.other is not None and self.facts.dates.settled
        mostly_other = counts.imported > 0 and counts.other * 2 > counts.imported
        statement = self.layout.columns is not None
        signs = statement and (self.facts.sign_guessed or self.facts.flip_sign or mostly_other)
        return (*(("dates",) if dates else ()), *(("signs",) if signs else ()))


def _keep(header: list[str], rows: Rows, kind: str) -> bytes:
    table = {
        "kind": kind,
        "header": header,
        "rows": rows.frame.to_numpy().tolist(),
        "lines": rows.lines.tolist(),
        "pages": None if rows.pages is None else rows.pages.tolist(),
        "unit": rows.unit,
    }
    return KEPT_TABLE + json.dumps(table).encode("utf-8")


def _unkeep(data: bytes) -> tuple[list[str], Rows, str]:
    """The table _keep kept; a file that only looks like one is refused."""
    try:
        table = json.loads(data[len(KEPT_TABLE) :])
        header = [str(name) for name in table["header"]]
        frame = pd.DataFrame(table["rows"], columns=pd.Index(header), dtype=object)
        pages = None if table["pages"] is None else np.asarray(table["pages"], dtype=np.int64)
        lines = np.asarray(table["lines"], dtype=np.int64)
        rows = Rows(frame, lines, np.zeros(len(frame), dtype=bool), pages, str(table["unit"]))
        if len(lines) != len(frame) or (pages is not None and len(pages) != len(frame)):
            raise ValueError("rows and places differ")
        return header, rows, str(table["kind"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ImportRefused("This file could not be read: it is not a statement LeakBot knows.") from exc


@dataclass
class _Counts:
    total: int
    imported: int = 0
    duplicates: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    layout: str = ""
    skipped: int = 0
    beat_at: float = 0.0  # when the import last told others it is alive (time.monotonic)
    first_date: date | None = None  # of the readable rows, duplicates too
    last_date: date | None = None
    account: str | None = None
    currency: str = ""
    other: int = 0  # rows stored in the category Other


def import_csv(
    *,
    session: Session,
    user: User,
    data: bytes,
    file_name: str,
    on_progress: ProgressCallback | None = None,
    options: ImportOptions | None = None,
) -> ImportSummary:
    """Import a CSV file for user in the caller's transaction (see import_statement)."""
    return import_statement(
        turn=within(session),
        user=user,
        data=data,
        file_name=file_name,
        on_progress=on_progress,
        options=options,
    )


def import_statement(
    *,
    turn: Turn,
    user: User,
    data: bytes,
    file_name: str,
    on_progress: ProgressCallback | None = None,
    chat_id: int | None = None,
    options: ImportOptions | None = None,
) -> ImportSummary:
    """Import a file for user, a chunk per turn, read as options say (see ImportOptions).

    Good rows are stored, bad rows reported by line; rows already stored (this file or an
    overlapping one sent before) are counted as duplicates and skipped. Raises ImportRefused
    when the whole file is unusable; then nothing is stored. Until it finishes, the file is
    kept with the import (chat_id: where to send the summary if a restart cuts it off).
    """
    options = options or ImportOptions()
    file = StatementFile.read(data, options)
    earlier = turn.read(lambda s: remembered(s, user.id, file.key))
    if earlier.flip_sign and not options.flip_sign and file.layout.columns is not None:
        file = replace(file, facts=replace(file.facts, flip_sign=True))
    if not file.facts.dates.settled and earlier.date_order is not None:
        file = replace(
            file, facts=file.facts.with_dates(file.facts.dates.settle(earlier.date_order, "history"))
        )
    if not file.facts.dates.settled:
        if chat_id is None:
            raise _unclear(file, file_name)
        held = file.read_as(options)
        import_id = turn(lambda s: _begin(s, user, data, file, file_name, chat_id, held, status="waiting"))
        raise _unclear(file, file_name, import_id)
    kept_options = file.read_as(options)
    import_id = turn(lambda s: _begin(s, user, data, file, file_name, chat_id, kept_options))
    return _store_all(turn, user, import_id, file, on_progress)


def read_held(
    turn: Turn, user: User, import_id: int, date_order: str, on_progress: ProgressCallback | None = None
) -> ImportSummary:
    """Import a file held until the person said how its dates read (date_order: DMY or MDY).
    ImportRefused when it is no longer held (read already, or gone)."""
    if not _claim(turn, user, import_id, "waiting"):
        raise ImportRefused("I have already read that file (or it is gone): send it again if you need to.")
    kept = _kept_file(turn, import_id)
    assert kept is not None  # a waiting import keeps its file
    data, kept_options = kept
    options = replace(ImportOptions.from_json(kept_options), date_order=date_order)
    try:
        file = StatementFile.read(data, options)
    except ImportRefused:  # it read before: nothing else will read it now
        discard_import(turn, user.id, import_id)
        raise
    return _store_again(turn, user, import_id, file, options, on_progress)


def read_again(
    turn: Turn,
    user: User,
    import_id: int,
    *,
    swap_dates: bool = False,
    flip_sign: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Re-import a finished import in place, from its kept file, with day and month swapped
    or the signs flipped: its entries are replaced by the file's rows read the other way. The
    file is read first, so a refusal changes nothing."""
    record = turn.read(lambda s: repo.get_import(s, user.id, import_id))
    if record is None:
        raise NotFound(f"You have no import #{import_id}.")
    if record.status != "completed":
        raise ImportRefused(f"Import #{import_id} was reverted (or is not finished): send the file again.")
    kept = _kept_file(turn, import_id)
    if kept is None:
        raise ImportRefused(f"I no longer have the file of import #{import_id}: send it again.")
    kept_data, kept_options = kept
    options = ImportOptions.from_json(kept_options)
    if swap_dates:
        if record.date_order not in ("DMY", "MDY") or "dates" not in (record.doubts or ""):
            raise ImportRefused(f"The dates of import #{import_id} read one way only.")
        options = replace(options, date_order="MDY" if record.date_order == "DMY" else "DMY")
    if flip_sign:
        options = replace(options, flip_sign=not record.flip_sign)
    file = StatementFile.read(kept_data, options)  # refused: nothing has changed
    if not _claim(turn, user, import_id, "completed"):
        raise ImportRefused(f"Import #{import_id} is being read again already.")
    return _store_again(turn, user, import_id, file, options, on_progress)


def _claim(turn: Turn, user: User, import_id: int, status: str) -> bool:
    """Move the person's import from status to importing; False when another tap (or process)
    got there first."""
    return bool(
        turn(
            lambda s: (
                s.execute(
                    update(Import)
                    .where(Import.id == import_id, Import.user_id == user.id, Import.status == status)
                    .values(status="importing")
                ).rowcount
            )
        )
    )


def _kept_file(turn: Turn, import_id: int) -> tuple[bytes, str | None] | None:
    """The file an import keeps, and the options it was read with (None: none kept)."""
    row = turn.read(
        lambda s: s.execute(
            select(ImportFile.data, ImportFile.options).where(ImportFile.import_id == import_id)
        ).one_or_none()
    )
    return None if row is None else (row.data, row.options)


def _store_again(
    turn: Turn,
    user: User,
    import_id: int,
    file: StatementFile,
    options: ImportOptions,
    on_progress: ProgressCallback | None,
) -> ImportSummary:
    """Store a claimed import's kept file again, read as options say: its old rows go first
    (a batch per turn; cut off by a restart, it is resumed with these options)."""
    turn(
        lambda s: s.execute(
            ImportFile.__table__.update()
            .where(ImportFile.import_id == import_id)
            .values(owner=THIS_PROCESS, heartbeat_at=utcnow(), options=file.read_as(options).to_json())
        )
    )
    while turn(lambda s: _delete_some(s, user.id, import_id)):
        pass
    return _store_all(turn, user, import_id, file, on_progress)


def _store_all(
    turn: Turn, user: User, import_id: int, file: StatementFile, on_progress: ProgressCallback | None
) -> ImportSummary:
    try:
        counts = _Counts(total=len(file.rows.frame), layout=file.layout.name)
        counts.account, counts.currency = file.account, file.currency or user.currency
        refs, earlier_refs = SourceRefs(), {name: SourceRefs() for name in EARLIER_KEYS}
        stored = StoredRefs(user.id)
        for done, chunk in _chunks(file, user.currency, counts):
            turn(lambda s, chunk=chunk: _store(s, user, import_id, chunk, refs, earlier_refs, stored, counts))  # type: ignore[misc]
            if on_progress is not None:
                on_progress(done, counts.total)
        return turn(lambda s: _finish(s, import_id, counts, file))
    except BaseException:
        with contextlib.suppress(Exception):  # else it is removed when found unfinished (resume_import)
            discard_import(turn, user.id, import_id)
        raise


def resume_import(turn: Turn, user: User, found: Unfinished) -> ImportSummary | None:
    """Run an unfinished import again from its kept file, from the start (its partial rows
    are removed first); None when another process took it over first."""
    claimed = turn(
        lambda s: (
            s.execute(
                ImportFile.__table__.update()
                .where(ImportFile.import_id == found.import_id, ImportFile.owner == found.owner)
                .values(owner=THIS_PROCESS, heartbeat_at=utcnow())
            ).rowcount
        )
    )
    if not claimed:
        return None
    kept = _kept_file(turn, found.import_id)
    assert kept is not None  # an unfinished import keeps its file until it finishes
    data, kept_options = kept
    while turn(lambda s: _delete_some(s, user.id, found.import_id)):
        pass
    try:
        file = StatementFile.read(data, ImportOptions.from_json(kept_options))
    except ImportRefused:
        discard_import(turn, user.id, found.import_id)
        raise
    return _store_all(turn, user, found.import_id, file, None)


def _begin(
    session: Session,
    user: User,
    data: bytes,
    file: StatementFile,
    file_name: str,
    chat_id: int | None,
    options: ImportOptions,
    *,
    status: str = "importing",
) -> int:
    record = repo.add_import(
        session,
        user_id=user.id,
        file_name=file_name[:255] or "upload.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        layout=file.layout.name if status == "waiting" else "",
        errors="[]",
        status=status,
        layout_key=file.key,
    )
    session.add(
        ImportFile(
            import_id=record.id,
            data=file.kept,
            chat_id=chat_id,
            owner=THIS_PROCESS,
            options=options.without_password().to_json(),
        )
    )
    session.flush()
    return record.id


def _chunks(file: StatementFile, currency: str, counts: _Counts) -> Iterator[tuple[int, pd.DataFrame]]:
    """The good rows, CHUNK_ROWS at a time, with the rows read so far; bad rows go to counts.
    Rows are converted CONVERT_ROWS at a time (column operations cost little per row but
    much per call), then stored CHUNK_ROWS a turn (short transactions)."""
    raw, too_long, header = file.rows.frame, file.rows.too_long, file.header
    for start in range(0, len(raw), CONVERT_ROWS):
        part = raw.iloc[start : start + CONVERT_ROWS]
        end = start + len(part)
        converted = file.layout.convert(part, header, currency, file.facts)
        counts.layout = converted.layout
        reasons = converted.errors.copy()
        longer = too_long[start:end] & reasons.isna().to_numpy()
        reasons[longer] = f"more fields than the header's {len(header)}"
        rejected = reasons.notna().to_numpy()
        furniture = np.zeros(len(part), dtype=bool)
        furniture[rejected] = is_furniture(part[rejected])  # only rows that are no transaction
        counts.skipped += int(furniture.sum())
        good = reasons.isna().to_numpy()
        bad = ~good & ~furniture
        places = file.rows.places(start + np.flatnonzero(bad))
        counts.errors.extend(zip(places, (str(why) for why in reasons[bad]), strict=True))
        _cover(counts, converted.frame.loc[good, "local_dt"])
        positions = start + np.flatnonzero(good)
        frame = converted.frame[good]
        for k in range(0, len(frame), CHUNK_ROWS):
            done = end if k + CHUNK_ROWS >= len(frame) else int(positions[k + CHUNK_ROWS - 1]) + 1
            yield done, frame.iloc[k : k + CHUNK_ROWS]
        if not len(frame):
            yield end, frame


def _cover(counts: _Counts, moments: pd.Series) -> None:
    """Widen the dates the readable rows cover."""
    moments = moments.dropna()
    if moments.empty:
        return
    low, high = moments.min().date(), moments.max().date()
    counts.first_date = low if counts.first_date is None else min(counts.first_date, low)
    counts.last_date = high if counts.last_date is None else max(counts.last_date, high)


def _store(
    session: Session,
    user: User,
    import_id: int,
    candidates: pd.DataFrame,
    refs: SourceRefs,
    earlier_refs: dict[str, SourceRefs],
    stored: StoredRefs,
    counts: _Counts,
) -> None:
    """Store one chunk's rows that are not stored yet (by their refs)."""
    chunk_refs = refs.of(candidates["key"]) if len(candidates) else pd.Series([], dtype=object)
    stored.read(session)
    earlier = [  # how the same rows were keyed by earlier versions (see layouts.EARLIER_KEYS)
        earlier_refs[name].of(candidates[name])
        for name in EARLIER_KEYS
        if name in candidates and len(candidates) and stored.had_any  # none to match on a first import
    ]
    known = stored.among(session, [*chunk_refs.tolist(), *(ref for refs in earlier for ref in refs.tolist())])
    fresh = ~chunk_refs.isin(known).to_numpy()  # positional: refs follow candidates row by row
    for refs in earlier:
        fresh &= ~refs.isin(known).to_numpy()
    fresh &= ~alerted(session, user, candidates).to_numpy()  # logged before from an alert
    candidates, chunk_refs = candidates[fresh], chunk_refs[fresh]
    counts.duplicates += int((~fresh).sum())
    counts.imported += len(candidates)
    counts.other += int(candidates["category"].isin(list(OTHER_CATEGORY.values())).sum())
    candidates = adopt_categories(session, user, candidates)
    entries = complete_frame(candidates, profile=profile_of(user))
    entries["user_id"] = user.id
    entries["source"] = "csv"
    entries["source_ref"] = chunk_refs
    entries["import_id"] = import_id
    insert_entry_frame(session, entries)
    stored.add(chunk_refs.tolist())
    if time.monotonic() - counts.beat_at >= HEARTBEAT_EVERY_S:  # the row holds the file: not each chunk
        counts.beat_at = time.monotonic()
        session.execute(
            ImportFile.__table__.update()
            .where(ImportFile.import_id == import_id)
            .values(heartbeat_at=utcnow(), owner=THIS_PROCESS)
        )


def _finish(session: Session, import_id: int, counts: _Counts, file: StatementFile) -> ImportSummary:
    """The import's counts and reading stored; its file is kept only while the reading is in
    doubt (to read it again the other way: read_again)."""
    record = session.get(Import, import_id)
    assert record is not None
    doubts = file.doubts(counts)
    record.layout_key = file.key
    record.date_order = file.facts.dates.order
    record.flip_sign = file.facts.flip_sign
    record.doubts = ",".join(doubts) or None
    record.layout = counts.layout
    record.total_rows = counts.total
    record.imported_rows = counts.imported
    record.duplicate_rows = counts.duplicates
    record.rejected_rows = len(counts.errors)
    record.skipped_rows = counts.skipped
    record.errors = json.dumps(counts.errors[:MAX_STORED_ERRORS])
    record.status = "completed"
    if not doubts:
        session.execute(delete(ImportFile).where(ImportFile.import_id == import_id))
    session.flush()
    contents = of_import(
        session,
        user_id=record.user_id,
        import_id=import_id,
        currency=counts.currency,
        account=counts.account,
        first_date=counts.first_date,
        last_date=counts.last_date,
    )
    return replace(summary_of(record), understood=contents)


def discard_import(turn: Turn, user_id: int, import_id: int) -> None:
    """Remove an unfinished import: its rows a batch per turn, then the import and its file."""
    while turn(lambda s: _delete_some(s, user_id, import_id)):
        pass
    turn(lambda s: s.execute(delete(Import).where(Import.id == import_id, Import.user_id == user_id)))


def _delete_some(session: Session, user_id: int, import_id: int) -> int:
    ids = select(Entry.id).where(Entry.user_id == user_id, Entry.import_id == import_id).limit(CHUNK_ROWS)
    return int(session.execute(delete(Entry).where(Entry.id.in_(ids))).rowcount or 0)


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
    if record.status == "importing":
        raise ImportRefused(f"Import #{import_id} is still being stored; revert it once it has finished.")
    if record.status == "waiting":
        raise ImportRefused(f"Import #{import_id} is waiting for you to say how its dates read.")
    removed = repo.delete_import_entries(session, user.id, import_id)
    record.status = "reverted"
    record.doubts = None
    session.execute(delete(ImportFile).where(ImportFile.import_id == import_id))
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
        skipped=record.skipped_rows or 0,
        doubts=tuple(d for d in (record.doubts or "").split(",") if d),
        date_order=record.date_order,
    )


def _error(stored: object) -> tuple[str, str]:
    """A stored error: [where, reason]; from before, [line number, reason] or "line 12: reason"."""
    if isinstance(stored, list):
        where = stored[0]
        return (f"line {where:,}" if isinstance(where, int) else str(where)), str(stored[1])
    head, _, reason = str(stored).partition(": ")
    return head, reason


def list_imports(*, session: Session, user: User) -> list[ImportSummary]:
    """Return the person's imports, newest first."""
    return [summary_of(r) for r in repo.list_imports(session, user.id)]
