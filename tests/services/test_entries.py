from __future__ import annotations

import numpy as np
import pandas as pd

from services.entries import ENTRY_COLUMNS, ScoringProfile, complete_entries, complete_entry
from services.synthetic import generate
from services.timing import local_to_utc, local_to_utc_one


def test_one_entry_is_completed_exactly_like_a_batch() -> None:
    """The chat path (no pandas) and the import path (vectorised) agree on every field."""
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
        batch = complete_entries(raw, profile=profile)
        for i in raw.index:
            fields = {k: (None if pd.isna(v) else v) for k, v in raw.loc[i].to_dict().items()}
            fields["local_dt"] = raw.loc[i, "local_dt"].to_pydatetime()
            one = complete_entry(fields, profile=profile)
            expected = batch.loc[i].to_dict()
            expected["occurred_at"] = expected["occurred_at"].to_pydatetime()
            assert {c: one[c] for c in ENTRY_COLUMNS} == expected, (zone, i)


def test_one_local_time_turns_into_utc_like_a_batch_across_daylight_saving() -> None:
    """Every half hour around spring-forward gaps and fall-back overlaps: the chat path's
    conversion equals the vectorised one (gaps shift forward, overlaps take the first time)."""
    around = {
        "America/New_York": ("2026-03-08", "2026-11-01"),
        "Pacific/Auckland": ("2026-04-05", "2026-09-27"),
        "Europe/London": ("2026-03-29", "2026-10-25"),
        "Asia/Kolkata": ("2026-03-08", "2026-11-01"),
    }
    for zone, days in around.items():
        for day in days:
            local = pd.Series(pd.date_range(f"{day} 00:00", periods=8 * 2, freq="30min"))
            batch = local_to_utc(local, zone)
            for moment, expected in zip(local, batch, strict=True):
                one = local_to_utc_one(moment.to_pydatetime(), zone)
                assert one == expected.to_pydatetime(), (zone, moment)
