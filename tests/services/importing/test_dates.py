"""Dates read right: day-first or month-first decided by the layout, else by the whole file,
else by the person's earlier file of the layout; a file that stays unclear is never guessed.
And a reading that could be wrong is read again in place, the other way, and remembered."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.frames import entries_frame
from db.models import Import, ImportFile
from db.session import within
from services.errors import ImportRefused
from services.importing import pipeline
from services.importing.options import ImportOptions
from services.importing.pipeline import DatesUnclear, import_csv, import_statement
from services.importing.values import choose_date_format
from tests.factories import HDFC_HEADER, count_entries, csv_bytes, make_user

CHASE_HEADER = ["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"]
GENERIC_HEADER = ["Date", "Description", "Amount"]
CHAT = 555  # a chat to ask in


def _days(session: Session, user_id: int) -> list[str]:
    return sorted(str(d) for d in entries_frame(session, user_id)["local_date"])


def _ambiguous(*rows: tuple[str, str, str]) -> bytes:
    return csv_bytes(GENERIC_HEADER, [list(r) for r in rows])


def test_the_whole_column_decides_even_when_only_one_date_beyond_the_sample_shows_it() -> None:
    both_ways = [
        f"{m:02d}/{d:02d}/{y}" for y in range(2000, 2010) for m in range(1, 13) for d in range(1, 13)
    ]
    month_first = choose_date_format(pd.Series([*both_ways, "12/25/2009"]))
    day_first = choose_date_format(pd.Series([*both_ways, "25/12/2009"]))
    assert (month_first.order, month_first.by, month_first.other) == ("MDY", "file", None)
    assert (day_first.order, day_first.by, day_first.other) == ("DMY", "file", None)
    unclear = choose_date_format(pd.Series(both_ways))
    assert (unclear.settled, unclear.example) == (False, "01/02/2000")
    assert choose_date_format(pd.Series(both_ways), "MDY").by == "layout"
    # The same date either way (05/05) or a month in words is no question.
    assert choose_date_format(pd.Series(["01/01/2024", "05/05/2024"])).settled
    assert choose_date_format(pd.Series(["03 Apr 2024", "04 Mar 2024"])).order is None


def test_a_us_bank_export_with_every_day_12_or_less_is_read_month_first(session: Session) -> None:
    user = make_user(session, currency="USD")
    data = csv_bytes(
        CHASE_HEADER,
        [
            ["DEBIT", "03/04/2024", "STARBUCKS STORE 1234", "-5.25", "DEBIT_CARD", "994.75", ""],
            ["CREDIT", "05/06/2024", "ACME PAYROLL", "2000.00", "ACH_CREDIT", "2994.75", ""],
            ["CHECK", "07/08/2024", "CHECK 1021", "-120.00", "CHECK", "2874.75", "1021"],
        ],
    )
    summary = import_csv(session=session, user=user, data=data, file_name="chase.csv")
    assert (summary.layout, summary.imported, summary.date_order) == ("Chase statement", 3, "MDY")
    assert _days(session, user.id) == ["2024-03-04", "2024-05-06", "2024-07-08"]
    assert "dates" in summary.doubts  # the layout decided: the other reading is offered


def test_an_indian_bank_export_whose_dates_fit_both_ways_is_read_day_first(session: Session) -> None:
    user = make_user(session)
    data = csv_bytes(
        HDFC_HEADER, [["03/04/24", "UPI-ZOMATO-zomato@hdfc", "401", "03/04/24", "450.00", "", "1000"]]
    )
    assert import_csv(session=session, user=user, data=data, file_name="hdfc.csv").date_order == "DMY"
    assert _days(session, user.id) == ["2024-04-03"]


def test_an_unclear_file_is_refused_with_the_reason_and_nothing_kept(session: Session) -> None:
    user = make_user(session)
    data = _ambiguous(("03/04/2024", "Zomato", "-250"), ("05/06/2024", "Salary", "50000"))
    with pytest.raises(DatesUnclear) as refused:
        import_csv(session=session, user=user, data=data, file_name="march.csv")
    assert str(refused.value) == (
        "Every date in march.csv reads two ways: 03/04/2024 is 3 April 2024 day first or "
        "4 March 2024 month first, and no date says which."
    )
    assert count_entries(session, user.id) == 0
    assert session.scalar(select(func.count()).select_from(Import).where(Import.user_id == user.id)) == 0


def test_an_unclear_file_from_a_chat_is_held_and_the_answer_reads_the_next_file_alike(
    session: Session,
) -> None:
    user = make_user(session)
    first = _ambiguous(("03/04/2024", "Zomato", "-250"), ("05/06/2024", "Salary", "50000"))
    with pytest.raises(DatesUnclear) as asked:
        import_statement(turn=within(session), user=user, data=first, file_name="a.csv", chat_id=CHAT)
    held = asked.value.import_id
    assert held is not None and session.get(Import, held).status == "waiting"  # type: ignore[union-attr]
    assert session.get(ImportFile, held).data == first  # type: ignore[union-attr]
    assert count_entries(session, user.id) == 0

    summary = pipeline.read_held(within(session), user, held, "MDY")
    assert (summary.import_id, summary.imported, summary.date_order) == (held, 2, "MDY")
    assert _days(session, user.id) == ["2024-03-04", "2024-05-06"]
    with pytest.raises(ImportRefused, match="already read that file"):
        pipeline.read_held(within(session), user, held, "DMY")

    second = _ambiguous(("09/10/2024", "Swiggy", "-300"))  # the same layout: not asked again
    later = import_statement(turn=within(session), user=user, data=second, file_name="b.csv", chat_id=CHAT)
    assert (later.imported, later.date_order) == (1, "MDY")
    assert "2024-09-10" in _days(session, user.id)
    other = make_user(session)  # someone else's earlier files decide nothing for them
    with pytest.raises(DatesUnclear):
        import_csv(session=session, user=other, data=second, file_name="b.csv")


def test_an_earlier_file_whose_dates_showed_the_order_decides_for_the_next(session: Session) -> None:
    user = make_user(session)
    import_csv(
        session=session, user=user, data=_ambiguous(("25/04/2024", "Zomato", "-250")), file_name="a.csv"
    )
    summary = import_csv(
        session=session, user=user, data=_ambiguous(("03/05/2024", "Ola", "-99")), file_name="b"
    )
    assert summary.date_order == "DMY" and "2024-05-03" in _days(session, user.id)


def test_swap_and_flip_re_import_in_place_and_the_choice_is_remembered(session: Session) -> None:
    user = make_user(session)
    data = _ambiguous(("03/04/2024", "Zomato", "-250"), ("05/06/2024", "Netflix", "-649"))
    first = import_csv(session=session, user=user, data=data, file_name="a.csv", options=ImportOptions("DMY"))
    assert set(first.doubts) == {"dates", "signs"}  # both ways fit; the sign alone tells spends

    swapped = pipeline.read_again(within(session), user, first.import_id, swap_dates=True)
    assert (swapped.import_id, swapped.imported, swapped.date_order) == (first.import_id, 2, "MDY")
    assert count_entries(session, user.id) == 2
    assert _days(session, user.id) == ["2024-03-04", "2024-05-06"]

    flipped = pipeline.read_again(within(session), user, first.import_id, flip_sign=True)
    frame = entries_frame(session, user.id)
    assert flipped.imported == 2 and set(frame["type"]) == {"income"}
    assert _days(session, user.id) == ["2024-03-04", "2024-05-06"]  # the swap stays

    nxt = import_csv(
        session=session, user=user, data=_ambiguous(("07/08/2024", "Uber", "-180")), file_name="b"
    )
    frame = entries_frame(session, user.id)
    assert nxt.date_order == "MDY" and frame.loc[
        frame["local_date"].astype(str) == "2024-07-08", "type"
    ].tolist() == ["income"]

    pipeline.revert_import(session=session, user=user, import_id=first.import_id)
    assert session.get(ImportFile, first.import_id) is None  # the kept file goes with it
    with pytest.raises(ImportRefused, match="reverted"):
        pipeline.read_again(within(session), user, first.import_id, swap_dates=True)


def test_a_swap_of_dates_that_read_one_way_only_changes_nothing(session: Session) -> None:
    user = make_user(session)
    data = _ambiguous(("25/04/2024", "Zomato", "-250"))
    summary = import_csv(session=session, user=user, data=data, file_name="a.csv")
    assert "dates" not in summary.doubts
    with pytest.raises(ImportRefused, match="read one way only"):
        pipeline.read_again(within(session), user, summary.import_id, swap_dates=True)
    assert _days(session, user.id) == ["2024-04-25"]
