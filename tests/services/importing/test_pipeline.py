from __future__ import annotations

import io
import json
import socket
import subprocess
import threading
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.frames import entries_frame
from db.models import Import, ImportFile, User
from db.session import in_turns, make_session_factory, session_scope, transaction
from services.errors import ImportRefused, NotFound
from services.importing import pipeline, unfinished
from services.importing.limits import MAX_FILE_BYTES
from services.importing.options import ImportOptions
from services.importing.pipeline import import_csv, import_statement, revert_import
from services.ledger import entries as ledger
from services.synthetic import SAMPLE_COLUMNS, generate, to_csv_bytes
from tests.factories import HDFC_HEADER, count_entries, csv_bytes, make_user

# Their rows' dates read both ways (day or month first): which is not what these tests are about.
DAY_FIRST = ImportOptions(date_order="DMY")


def count(session: Session, user_id: int) -> int:
    return count_entries(session, user_id)


def seed_rule_is_leak(sample: pd.DataFrame) -> pd.Series:
    score = (
        (sample["value"] < 300).astype(int)
        + 2 * (sample["Is_Necessary"] == "No")
        + 2 * sample["context"].isin(["Unplanned", "Emergency", "Festive"])
        + 2 * ((sample["is_recurring"] == "Yes") & (sample["context"] != "Planned"))
        + sample["time_block"].isin(["Evening", "Night"])
        + (sample["day_type"] == "Weekend")
    )
    return score >= 5


@pytest.mark.seed
def test_the_sample_dataset_imports_end_to_end_once(session: Session, seed_csv: bytes) -> None:
    user = make_user(session)
    summary = import_csv(session=session, user=user, data=seed_csv, file_name="seed.csv")
    assert (summary.layout, summary.imported, summary.rejected) == ("sample dataset", 1091, 0)
    frame = entries_frame(session, user.id)
    assert frame["type"].value_counts().to_dict() == {"expense": 860, "income": 131, "savings": 100}

    sample = pd.read_csv(io.BytesIO(seed_csv))
    expenses = sample[sample["type"] == "expense"]
    stored = frame[frame["type"] == "expense"]
    assert int(stored["rule_leak"].sum()) == int(seed_rule_is_leak(expenses).sum())  # the seed's own verdict
    assert int(stored["amount_minor"].sum()) == int(expenses["value"].sum()) * 100
    assert set(stored["payment_mode"]) <= {
        "Cash",
        "UPI",
        "Debit Card",
        "Credit Card",
        "Net Banking",
    }

    again = import_csv(session=session, user=user, data=seed_csv, file_name="seed.csv")
    assert (again.imported, again.duplicates) == (0, 1091)
    assert count(session, user.id) == 1091


def test_identical_rows_in_one_file_stay_two_but_an_overlapping_file_adds_only_new_rows(
    session: Session,
) -> None:
    user = make_user(session)
    header = ["Date", "Narration", "Withdrawal Amt.", "Deposit Amt."]
    tea = ["05/01/2024", "UPI-CHAI POINT-chai@okaxis", "20.00", ""]
    first = csv_bytes(header, [tea, tea, ["06/01/2024", "SWIGGY ORDER", "250.00", ""]])
    second = csv_bytes(
        header,
        [
            tea,
            tea,
            ["06/01/2024", "SWIGGY ORDER", "250.00", ""],
            ["07/01/2024", "SALARY JAN", "", "50,000.00"],
        ],
    )
    assert (
        import_csv(options=DAY_FIRST, session=session, user=user, data=first, file_name="jan-a.csv").imported
        == 3
    )
    overlap = import_csv(options=DAY_FIRST, session=session, user=user, data=second, file_name="jan-b.csv")
    assert (overlap.imported, overlap.duplicates) == (1, 3)
    assert count(session, user.id) == 4


STATEMENT = ["Date", "Narration", "Chq./Ref.No.", "Withdrawal Amt.", "Deposit Amt.", "Closing Balance"]


def _statement(days: range, *, month: int, per_day: int = 1, opening: int = 100_000) -> list[list[str]]:
    """A month of UPI debits whose reference column repeats ("TRANSFER TO 4897…" on every row,
    as some banks write it), with a running balance."""
    rows, balance = [], opening
    for day in days:
        for k in range(per_day):
            amount = 20 + day
            balance -= amount
            rows.append(
                [
                    f"{day:02d}/{month:02d}/2024",
                    f"UPI-CHAI POINT-{k}",
                    "TRANSFER TO 4897000012",
                    f"{amount}.00",
                    "",
                    f"{balance}.00",
                ]
            )
    return rows


def test_a_reference_that_repeats_is_no_identity_so_next_months_rows_all_import(session: Session) -> None:
    """Every UPI debit carries the same reference text: the second month's 25 rows are new
    rows, not 'duplicates' of the first month's (18 of 25 were dropped before)."""
    user = make_user(session)
    january = csv_bytes(STATEMENT, _statement(range(1, 26), month=1))
    february = csv_bytes(STATEMENT, _statement(range(1, 26), month=2, opening=50_000))
    assert import_csv(session=session, user=user, data=january, file_name="jan.csv").imported == 25
    second = import_csv(session=session, user=user, data=february, file_name="feb.csv")
    assert (second.imported, second.duplicates) == (25, 0)
    assert import_csv(session=session, user=user, data=february, file_name="feb.csv").duplicates == 25
    assert count(session, user.id) == 50


@pytest.mark.parametrize(
    ("first_rows", "second_rows"),
    [
        (slice(0, 40), slice(20, 60)),  # the next statement starts inside the last
        (slice(0, 60), slice(10, 30)),  # one inside the other
        (slice(10, 30), slice(0, 60)),  # the other inside the one
        (slice(0, 31), slice(31, 60)),  # back to back, cut in the middle of a day
        (slice(0, 29), slice(27, 60)),  # overlapping by part of a day
    ],
    ids=["overlap", "inside", "around", "adjacent-mid-day", "part-of-a-day"],
)
def test_overlapping_statements_add_exactly_the_rows_not_imported_before(
    session: Session, first_rows: slice, second_rows: slice
) -> None:
    """Three identical 21.00 teas every day, told apart by the running balance: whatever the
    two statements share, together they store each of the 60 transactions once."""
    user = make_user(session)
    month = _statement(range(1, 21), month=3, per_day=3)
    first = import_csv(
        options=DAY_FIRST,
        session=session,
        user=user,
        data=csv_bytes(STATEMENT, month[first_rows]),
        file_name="a.csv",
    )
    second = import_csv(
        options=DAY_FIRST,
        session=session,
        user=user,
        data=csv_bytes(STATEMENT, month[second_rows]),
        file_name="b.csv",
    )
    union = set(range(60)[first_rows]) | set(range(60)[second_rows])
    assert first.imported + second.imported == len(union)
    assert second.duplicates == len(set(range(60)[first_rows]) & set(range(60)[second_rows]))
    assert count(session, user.id) == len(union)


def test_a_unique_transaction_id_still_recognises_a_row_whose_description_changed(session: Session) -> None:
    """UTRs unique in the file are an identity: the bank rewording a narration between two
    downloads of the same month adds nothing."""
    user = make_user(session)
    header = ["Date", "Narration", "UTR No.", "Withdrawal Amt.", "Deposit Amt."]
    rows = [[f"{d:02d}/04/2024", f"UPI-SWIGGY-{d}", f"4101{d:08d}", "250.00", ""] for d in range(1, 11)]
    reworded = [[r[0], r[1].replace("UPI-", "UPI/"), *r[2:]] for r in rows]
    assert (
        import_csv(
            options=DAY_FIRST, session=session, user=user, data=csv_bytes(header, rows), file_name="a.csv"
        ).imported
        == 10
    )
    again = import_csv(
        options=DAY_FIRST, session=session, user=user, data=csv_bytes(header, reworded), file_name="b.csv"
    )
    assert (again.imported, again.duplicates) == (0, 10)


def test_rows_imported_before_the_balance_counted_are_still_recognised(session: Session) -> None:
    """A statement imported by an earlier LeakBot (its rows keyed without the balance) and
    downloaded again adds nothing."""
    user = make_user(session)
    rows = _statement(range(1, 6), month=5)
    stored = import_csv(
        options=DAY_FIRST,
        session=session,
        user=user,
        data=csv_bytes(STATEMENT[:5], [r[:5] for r in rows]),
        file_name="old.csv",
    )
    assert stored.imported == 5
    again = import_csv(
        options=DAY_FIRST, session=session, user=user, data=csv_bytes(STATEMENT, rows), file_name="new.csv"
    )
    assert (again.imported, again.duplicates) == (0, 5)


BANK_FILES = {
    "HDFC Bank statement": (
        HDFC_HEADER,
        [
            [
                "13/01/24",
                "UPI-ZOMATO LTD-zomato@hdfcbank-Food",
                "0000401234567890",
                "13/01/24",
                "1,250.50",
                "",
                "48,749.50",
            ],
            [
                "14/01/24",
                "NEFT CR-ACME CORP SALARY JAN",
                "N014240000123",
                "14/01/24",
                "",
                "75,000.00",
                "1,23,749.50",
            ],
        ],
    ),
    "SBI statement": (
        [
            "Txn Date",
            "Value Date",
            "Description",
            "Ref No./Cheque No.",
            "Debit",
            "Credit",
            "Balance",
        ],
        [
            [
                "13 Jan 2024",
                "13 Jan 2024",
                "TO TRANSFER-UPI/DR/401312/ZOMATO/YESB/zomato@ybl",
                "UPI401312",
                "1,250.50",
                "",
                "48,749.50",
            ],
            [
                "14 Jan 2024",
                "14 Jan 2024",
                "BY TRANSFER-NEFT*SALARY",
                "NEFT123",
                "",
                "75,000.00",
                "1,23,749.50",
            ],
        ],
    ),
    "ICICI Bank statement": (
        [
            "S No.",
            "Value Date",
            "Transaction Date",
            "Cheque Number",
            "Transaction Remarks",
            "Withdrawal Amount (INR )",
            "Deposit Amount (INR )",
            "Balance (INR )",
        ],
        [
            [
                "1",
                "13/01/2024",
                "13/01/2024",
                "-",
                "UPI/401312/Zomato/zomato@icici",
                "1250.50",
                "0",
                "48749.50",
            ],
            ["2", "14/01/2024", "14/01/2024", "-", "NEFT-SALARY-ACME", "0", "75000", "123749.50"],
        ],
    ),
    "Axis Bank statement": (
        ["Tran Date", "CHQNO", "PARTICULARS", "DR", "CR", "BAL", "SOL"],
        [
            ["13-01-2024", "", "UPI/P2M/401312/ZOMATO", "1250.50", "", "48749.50", "123"],
            ["14-01-2024", "", "NEFT/SALARY/ACME", "", "75000.00", "123749.50", "123"],
        ],
    ),
    "Kotak Mahindra Bank statement": (
        [
            "Sl. No.",
            "Transaction Date",
            "Value Date",
            "Description",
            "Chq / Ref No.",
            "Amount",
            "Dr / Cr",
            "Balance",
        ],
        [
            [
                "1",
                "13-01-2024",
                "13-01-2024",
                "UPI/ZOMATO/401312",
                "UPI-401312",
                "1,250.50",
                "DR",
                "48,749.50",
            ],
            [
                "2",
                "14-01-2024",
                "14-01-2024",
                "NEFT SALARY ACME",
                "NEFT-555",
                "75,000.00",
                "CR",
                "1,23,749.50",
            ],
        ],
    ),
    "Paytm UPI statement": (
        [
            "Date",
            "Time",
            "Transaction Details",
            "Other Transaction Details (UPI ID or A/c No)",
            "Your Account",
            "Amount",
            "UPI Ref No.",
            "Order ID",
            "Remarks",
            "Tags",
            "Comment",
        ],
        [
            [
                "13/01/2024",
                "20:15:00",
                "Paid to Zomato",
                "zomato@paytm",
                "SBI - 12",
                "-1,250.50",
                "401312",
                "",
                "",
                "",
                "",
            ],
            [
                "14/01/2024",
                "09:00:00",
                "Received from ACME Salary",
                "acme@icici",
                "SBI - 12",
                "+75,000",
                "401399",
                "",
                "",
                "",
                "",
            ],
        ],
    ),
}


@pytest.mark.parametrize("layout", list(BANK_FILES))
def test_bank_and_upi_statements_are_recognised_and_categorised(session: Session, layout: str) -> None:
    user = make_user(session)
    header, rows = BANK_FILES[layout]
    summary = import_csv(session=session, user=user, data=csv_bytes(header, rows), file_name="s.csv")
    assert (summary.layout, summary.imported, summary.errors) == (layout, 2, ())
    frame = entries_frame(session, user.id).sort_values("local_date")
    spend, salary = frame.iloc[0], frame.iloc[1]
    assert (spend["type"], spend["category"], spend["amount_minor"]) == (
        "expense",
        "Dining Out",
        125_050,
    )
    assert str(spend["local_date"]) == "2024-01-13"
    assert (salary["type"], salary["category"], salary["amount_minor"]) == (
        "income",
        "Salary",
        7_500_000,
    )


def test_generic_statement_semicolons_bom_cp1252_and_month_first_dates(session: Session) -> None:
    user = make_user(session)
    data = csv_bytes(
        ["Posting Date", "Payee", "Amount"],
        [
            ["01/13/2024", "Café Coffee Day", "-180,00".replace(",", ".")],
            ["02/01/2024", "ATM CASH WITHDRAWAL", "-2000"],
            ["02/03/2024", "Refund Myntra", "499"],
        ],
        delimiter=";",
        encoding="cp1252",
        preamble=["Account statement", "Name: A. Person"],
    )
    summary = import_csv(session=session, user=user, data=data, file_name="generic.csv")
    assert summary.layout == "bank statement (columns detected)"
    assert summary.imported == 3
    frame = entries_frame(session, user.id).sort_values("local_date")
    assert [str(d) for d in frame["local_date"]] == ["2024-01-13", "2024-02-01", "2024-02-03"]
    assert frame["note"].iloc[0] == "Café Coffee Day"
    assert frame["payment_mode"].tolist() == ["Other", "Cash", "Other"]
    assert frame["category"].tolist() == ["Dining Out", "ATM Cash", "Clothing"]
    assert frame["type"].tolist() == ["expense", "transfer", "refund"]  # cash and money back: no spend


def test_utf8_bom_and_dates_that_fit_both_ways_are_not_guessed(session: Session) -> None:
    user = make_user(session)
    data = "\ufeffDate,Description,Debit,Credit\n03/04/2024,Netflix,649,\n".encode()
    with pytest.raises(ImportRefused, match="03/04/2024 is 3 April 2024 day first or 4 March 2024"):
        import_csv(session=session, user=user, data=data, file_name="bom.csv")
    assert count(session, user.id) == 0
    import_csv(session=session, user=user, data=data, file_name="bom.csv", options=DAY_FIRST)
    entry = entries_frame(session, user.id).iloc[0]
    assert (str(entry["local_date"]), entry["category"]) == ("2024-04-03", "Subscription")


def test_bad_rows_are_reported_by_line_and_good_rows_still_import(session: Session) -> None:
    user = make_user(session)
    header = list(SAMPLE_COLUMNS[:11])
    good = [
        "1",
        "01-01-2023",
        "expense",
        "Dining Out",
        "150",
        "No",
        "Upi",
        "No",
        "Unplanned",
        "Evening",
        "Weekend",
    ]
    rows = [
        good,
        ["2", "32-01-2023", *good[2:]],
        ["3", "01-01-2023", "expense", "Dinning", *good[4:]],
        ["4", "01-01-2023", "expense", "Rent", "-5", *good[5:]],
        ["5", "01-01-2023", "expense", "Rent", "abc", *good[5:]],
        ["6", "01-01-2023", "expense", "Rent", "900", "Maybe", *good[6:]],
        ["7", "01-01-2023", "gift", "Rent", "900", *good[5:]],
    ]
    summary = import_csv(session=session, user=user, data=csv_bytes(header, rows), file_name="bad.csv")
    assert (summary.imported, summary.rejected) == (1, 6)
    assert summary.errors[0] == ("line 3", "'32-01-2023' is not a date")
    assert summary.errors[1][0] == "line 4"
    assert summary.errors[1][1].startswith("unknown expense category 'Dinning' (closest: Dining Out")
    assert summary.errors[2] == ("line 5", "negative amount: give a refund the type refund")
    assert summary.errors[3] == ("line 6", "'abc' is not an amount")
    assert summary.errors[4] == ("line 7", "is_necessary must be Yes or No, not 'Maybe'")
    assert summary.errors[5][0] == "line 8" and summary.errors[5][1].startswith(
        "type must be expense, income, savings, transfer or refund"
    )
    stored = json.loads(session.scalar(select(Import.errors).where(Import.id == summary.import_id)))
    assert [tuple(e) for e in stored] == list(summary.errors)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "neither text"),
        (b"PK\x03\x04 a zip archive, not a workbook\x00", "neither text"),
        (b"%PDF-1.7 statement", "PDF could not be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken", "xls file could not be opened"),
        (b"hello,world\n1,2\n", "couldn't find a header row"),
        (b"x" * (MAX_FILE_BYTES + 1), "up to 20 MB"),
    ],
)
def test_unusable_files_are_refused_whole(session: Session, data: bytes, message: str) -> None:
    user = make_user(session)
    with pytest.raises(ImportRefused, match=message):
        import_csv(session=session, user=user, data=data, file_name="x.csv")
    assert session.scalar(select(func.count()).select_from(Import).where(Import.user_id == user.id)) == 0


def test_a_file_stored_in_batches_lets_others_write_meanwhile_and_a_crash_leaves_nothing(
    engine,  # type: ignore[no-untyped-def]
) -> None:
    """Each batch of a big file commits on its own: between two of them another person's
    spend is stored (it would wait for the whole file on SQLite otherwise). A failure after
    some batches removes every row the import stored; the same file then imports whole."""
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        owner_id, other_id = make_user(s).id, make_user(s).id
    data = to_csv_bytes(generate(months=400, seed=5))  # many batches
    rows = len(generate(months=400, seed=5))
    stored_meanwhile = []

    def other_person_spends() -> None:
        with session_scope(factory) as s:
            ledger.log_text(
                session=s, user=s.get(User, other_id), text="40 chai", now=datetime.now(UTC), source_ref="t"
            )
        stored_meanwhile.append(True)

    def progress(done: int, total: int) -> None:
        if not stored_meanwhile:  # on another thread, as the bot's database thread would be
            spender = threading.Thread(target=other_person_spends)
            spender.start()
            spender.join(timeout=30)
            assert stored_meanwhile, "the other person's spend waited for the whole import"
        if done >= 10_000:
            raise RuntimeError("power cut")

    owner = transaction(factory, lambda s: s.get(User, owner_id))
    with pytest.raises(RuntimeError):
        import_statement(
            turn=in_turns(factory), user=owner, data=data, file_name="big.csv", on_progress=progress
        )
    with session_scope(factory) as s:
        assert count_entries(s, owner_id) == 0
        assert s.scalar(select(func.count()).select_from(Import).where(Import.user_id == owner_id)) == 0
        assert count_entries(s, other_id) == 1
    summary = import_statement(turn=in_turns(factory), user=owner, data=data, file_name="big.csv")
    assert (summary.imported, summary.rejected) == (rows, 0)
    with session_scope(factory) as s:
        assert count_entries(s, owner_id) == rows
        assert s.scalar(select(func.count()).select_from(ImportFile)) == 0  # kept only until done
        s.delete(s.get(User, owner_id))
        s.delete(s.get(User, other_id))


def test_an_import_cut_off_by_a_dead_process_is_run_again_from_its_file_once(
    engine, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A process died after some batches (nothing cleaned up): another finds the import by
    its dead owner, runs it again from the kept file, and every row is there once."""
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        owner_id = make_user(s).id
    owner = transaction(factory, lambda s: s.get(User, owner_id))
    data = to_csv_bytes(generate(months=200, seed=8))
    rows = len(generate(months=200, seed=8))

    def die(done: int, total: int) -> None:
        if done >= 4_000:
            raise SystemExit("killed")

    monkeypatch.setattr(pipeline, "discard_import", lambda *args: None)  # a dead process cleans nothing
    with pytest.raises(SystemExit):
        pipeline.import_statement(
            turn=in_turns(factory), user=owner, data=data, file_name="cut.csv", on_progress=die, chat_id=42
        )
    monkeypatch.undo()
    now = datetime.now(UTC)
    assert transaction(factory, lambda s: unfinished.unfinished_imports(s, now=now)) == []  # still "running"
    dead = subprocess.Popen(["true"])
    dead.wait()
    with session_scope(factory) as s:
        assert 0 < count_entries(s, owner_id) < rows
        s.execute(update(ImportFile).values(owner=f"{socket.gethostname()}:{dead.pid}:gone"))
    (found,) = transaction(factory, lambda s: unfinished.unfinished_imports(s, now=now))
    assert (found.chat_id, found.file_name) == (42, "cut.csv")
    summary = pipeline.resume_import(in_turns(factory), owner, found)
    assert summary is not None and summary.imported == rows
    assert pipeline.resume_import(in_turns(factory), owner, found) is None  # taken over: not twice
    with session_scope(factory) as s:
        assert count_entries(s, owner_id) == rows
        assert s.scalars(select(Import.status).where(Import.user_id == owner_id)).all() == ["completed"]
        assert s.scalar(select(func.count()).select_from(ImportFile)) == 0
        s.delete(s.get(User, owner_id))


def test_an_import_reverts_as_a_whole_and_only_for_its_owner(session: Session) -> None:
    owner, stranger = make_user(session), make_user(session)
    data = to_csv_bytes(generate(months=2, seed=9))
    first = import_csv(options=DAY_FIRST, session=session, user=owner, data=data, file_name="a.csv")
    other = import_csv(
        options=DAY_FIRST,
        session=session,
        user=owner,
        data=csv_bytes(["Date", "Description", "Amount"], [["01/03/2023", "Zomato", "-99"]]),
        file_name="b.csv",
    )
    with pytest.raises(NotFound):
        revert_import(session=session, user=stranger, import_id=first.import_id)
    assert revert_import(session=session, user=owner, import_id=first.import_id) == first.imported
    assert count(session, owner.id) == other.imported == 1
    with pytest.raises(ImportRefused, match="already reverted"):
        revert_import(session=session, user=owner, import_id=first.import_id)
    again = import_csv(options=DAY_FIRST, session=session, user=owner, data=data, file_name="a.csv")
    assert again.imported == first.imported
