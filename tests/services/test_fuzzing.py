"""Hostile and random input: the only outcomes are a stored entry or a clear error, never an
exception that escapes, and a refused file stores nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Entry
from services.errors import LeakBotError
from services.importing import pipeline
from services.ledger import corrections, preferences
from services.ledger import entries as ledger
from services.synthetic import SAMPLE_COLUMNS
from tests.factories import make_user

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = [
    ["Date", "Amount", "Category"],
    list(SAMPLE_COLUMNS),
    ["Txn Date", "Description", "Debit", "Credit", "Balance"],
]
cells = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"-?[0-9]{1,9}(\.[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(
        ["01-02-2024", "2024-13-45", "31/02/2024", "expense", "income", "Dining Out", "=1+2", "\u202e"]
    ),
    st.text(min_size=5_000, max_size=20_000).map(lambda s: s or "x"),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.sampled_from(HEADERS) | st.lists(st.text(max_size=10), max_size=6))
    width = draw(st.integers(0, len(header) + 2))
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
    return buffer.getvalue().encode(encoding, errors="replace")


def _count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Entry).where(Entry.user_id == user_id)) or 0)


@FUZZ
@given(data=csv_files() | st.binary(max_size=4_000))
def test_any_file_imports_cleanly_or_is_refused_with_nothing_stored(session: Session, data: bytes) -> None:
    user = make_user(session)
    before = _count(session, user.id)
    try:
        summary = pipeline.import_csv(session=session, user=user, data=data, file_name="fuzz.csv")
    except LeakBotError as exc:
        assert str(exc) and _count(session, user.id) == before
        return
    assert _count(session, user.id) == before + summary.imported
    assert summary.imported + summary.duplicates + summary.rejected <= summary.total_rows


@FUZZ
@given(
    field=st.sampled_from(corrections.EDITABLE) | st.text(max_size=12),
    value=st.text(max_size=40) | st.sampled_from(["0", "-5", "99999999999999", "1e9", "25:99", "2024-02-30"]),
    setting=st.sampled_from(preferences.SETTINGS) | st.text(max_size=12),
)
def test_command_arguments_change_a_setting_or_an_entry_or_say_why_not(
    session: Session, field: str, value: str, setting: str
) -> None:
    user = make_user(session)
    entry = ledger.log_text(
        session=session, user=user, text="120 dining", now=datetime.now(UTC), source_ref="f"
    ).row
    try:
        view = corrections.edit_entry(session=session, user=user, entry_id=entry.id, field=field, value=value)
        assert view.amount_minor > 0
    except LeakBotError as exc:
        assert str(exc)
    try:
        preferences.change(session=session, user=user, setting=setting, value=value)
    except LeakBotError as exc:
        assert str(exc)
