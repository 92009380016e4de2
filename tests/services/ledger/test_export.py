from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from db.frames import ENTRY_FRAME_COLUMNS, entries_frame
from services.importing.pipeline import import_csv
from services.ledger.entries import log_entry
from services.ledger.export import export_csv
from services.ledger.parsing import parse_entry
from services.synthetic import generate, to_csv_bytes
from tests.factories import make_user

COMPARED = [c for c in ENTRY_FRAME_COLUMNS if c not in ("id", "source", "source_ref", "import_id")]


def test_an_export_imported_into_another_person_gives_identical_entries(session: Session) -> None:
    alice, bob = make_user(session), make_user(session)
    import_csv(
        session=session,
        user=alice,
        data=to_csv_bytes(generate(months=3, seed=2)),
        file_name="a.csv",
    )
    for k, text in enumerate(["99 dining =1+2 @evil note", "2000 atm", "/refund 49 dining"]):
        log_entry(
            session=session,
            user=alice,
            parsed=parse_entry(text, today=date(2024, 1, 1)),
            now=datetime(2024, 1, 1, 14, 5, 7 + k, tzinfo=UTC),
            source_ref=f"chat:1:{k}",
        )
    exported, count = export_csv(session=session, user=alice)
    summary = import_csv(session=session, user=bob, data=exported, file_name="export.csv")
    assert (summary.layout, summary.rejected) == ("LeakBot export", 0)
    a = entries_frame(session, alice.id)[COMPARED].reset_index(drop=True)
    b = entries_frame(session, bob.id)[COMPARED].reset_index(drop=True)
    assert a.equals(b)
    assert {"transfer", "refund"} <= set(b["type"])  # transfers and refunds come back as such
    assert export_csv(session=session, user=bob) == (exported, count)


def test_export_cells_cannot_run_as_spreadsheet_formulas(session: Session) -> None:
    user = make_user(session)
    for i, note in enumerate(['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "fine"]):
        parsed = parse_entry(f"100 dining {note}", today=date(2024, 1, 1))
        log_entry(
            session=session,
            user=user,
            parsed=parsed,
            now=datetime(2024, 1, 1, 10, i, tzinfo=UTC),
            source_ref=f"chat:1:{i}",
        )
    rows = list(csv.DictReader(io.StringIO(export_csv(session=session, user=user)[0].decode())))
    assert rows[0].keys() >= {"date", "time", "amount", "currency", "leak_rules", "is_leak"}
    notes = [r["note"] for r in rows]
    assert notes == ['\'=HYPERLINK("http://x")', "'+SUM(A1)", "'-2+3", "'@cmd", "fine"]
    assert {r["is_leak"] for r in rows} <= {"true", "false"}
