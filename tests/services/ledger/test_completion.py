from __future__ import annotations

import numpy as np
import pandas as pd

from services.importing.pipeline import complete_frame
from services.ledger.completion import ScoringProfile, complete_one
from services.synthetic import generate


def test_one_entry_is_completed_exactly_like_a_batch() -> None:
    """The chat path (an array of one, no pandas) and the import path agree on every field."""
    sample = generate(months=6, seed=13)
    rng = np.random.default_rng(0)
    hours = rng.integers(0, 24, len(sample))
    raw = pd.DataFrame(
        {
            "type": sample["type"],
            "category": sample["category"],
            "amount_minor": sample["value"] * 100,
            "local_dt": pd.to_datetime(sample["Date"], format="%d-%m-%Y") + pd.to_timedelta(hours, unit="h"),
            "is_necessary": (sample["Is_Necessary"] == "Yes").astype(object),
            "payment_mode": sample["payment_mode"].astype(object),
            "is_recurring": (sample["is_recurring"] == "Yes").astype(object),
            "context": sample["context"].astype(object),
            "note": "",
        }
    )
    for column in ("is_necessary", "payment_mode", "is_recurring", "context"):  # leave gaps to derive
        raw.loc[rng.random(len(raw)) < 0.4, column] = None
    for zone in ("Asia/Kolkata", "America/New_York"):
        profile = ScoringProfile(zone, micro_threshold_minor=25_000, leak_threshold=4)
        batch = complete_frame(raw, profile=profile)
        for i in raw.index:
            fields = {k: (None if pd.isna(v) else v) for k, v in raw.loc[i].to_dict().items()}
            fields["local_dt"] = raw.loc[i, "local_dt"].to_pydatetime()
            one = complete_one(fields, profile=profile)
            expected = batch.loc[i].to_dict()
            expected["occurred_at"] = expected["occurred_at"].tz_localize("UTC").to_pydatetime()
            assert one == expected, (zone, i)


def test_given_values_win_and_gaps_take_the_categorys_defaults() -> None:
    profile = ScoringProfile("Asia/Kolkata", micro_threshold_minor=30_000, leak_threshold=5)
    base = {
        "type": "expense",
        "amount_minor": 90_000,
        "local_dt": pd.Timestamp("2024-06-12 09:00").to_pydatetime(),
    }
    groceries = complete_one({**base, "category": "Groceries"}, profile=profile)
    assert (groceries["is_necessary"], groceries["context"], groceries["payment_mode"]) == (
        True,
        "Routine",
        "Other",
    )
    assert (groceries["time_block"], groceries["day_type"], groceries["leakage_score"]) == (
        "Morning",
        "Weekday",
        0,
    )
    told = complete_one(
        {**base, "category": "Groceries", "is_necessary": False, "context": "Festive", "payment_mode": "UPI"},
        profile=profile,
    )
    assert (told["is_necessary"], told["context"], told["payment_mode"], told["leakage_score"]) == (
        False,
        "Festive",
        "UPI",
        4,
    )
    income = complete_one({**base, "type": "income", "category": "Salary"}, profile=profile)
    assert (income["leakage_score"], income["leak_rules"], income["is_leak"]) == (None, None, None)
