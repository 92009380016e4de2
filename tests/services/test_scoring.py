from __future__ import annotations

import io

import pandas as pd

from services.scoring import score_frame, verdict_line
from services.synthetic import generate, to_csv_bytes


def seed_rule_score(row: pd.Series) -> int:
    """The seed write-up's row-wise definition, used here only as the reference."""
    score = 0
    score += 1 if row["value"] < 300 else 0
    score += 2 if row["Is_Necessary"] == "No" else 0
    score += 2 if row["context"] in ("Unplanned", "Emergency", "Festive") else 0
    score += 2 if row["is_recurring"] == "Yes" and row["context"] != "Planned" else 0
    score += 1 if row["time_block"] in ("Evening", "Night") else 0
    score += 1 if row["day_type"] == "Weekend" else 0
    return score


def as_entries(sample: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "type": sample["type"],
            "amount_minor": sample["value"] * 100,
            "is_necessary": sample["Is_Necessary"] == "Yes",
            "context": sample["context"],
            "is_recurring": sample["is_recurring"] == "Yes",
            "time_block": sample["time_block"],
            "day_type": sample["day_type"],
        }
    )


def test_vectorised_score_equals_the_seed_definition_on_every_row() -> None:
    sample = pd.read_csv(io.BytesIO(to_csv_bytes(generate(months=24, seed=3))))
    expected = sample.apply(seed_rule_score, axis=1)
    scored = score_frame(as_entries(sample))
    expenses = sample["type"] == "expense"
    assert (scored["leakage_score"][expenses].astype(int) == expected[expenses]).all()
    assert (scored["is_leak"][expenses] == (expected[expenses] >= 5)).all()
    assert scored["leakage_score"][~expenses].isna().all()


def test_each_rule_is_recorded_so_a_reply_can_say_why() -> None:
    frame = pd.DataFrame(
        [
            {
                "type": "expense",
                "amount_minor": 12_000,
                "is_necessary": False,
                "context": "Unplanned",
                "is_recurring": False,
                "time_block": "Evening",
                "day_type": "Weekday",
            }
        ]
    )
    scored = score_frame(frame).iloc[0]
    assert scored["leakage_score"] == 6
    assert scored["leak_rules"] == "micro,not_necessary,impulsive_context,impulse_time"
    assert verdict_line(6, 5, scored["leak_rules"], time_block="Evening") == (
        "Leak: score 6/5 (micro spend, not necessary, impulsive context, evening)"
    )
    assert (
        verdict_line(2, 5, "micro,impulse_time", time_block="Night") == "OK: score 2/5 (micro spend, night)"
    )


def test_thresholds_are_the_persons_own() -> None:
    frame = pd.DataFrame(
        [
            {
                "type": "expense",
                "amount_minor": 45_000,
                "is_necessary": False,
                "context": "Unplanned",
                "is_recurring": False,
                "time_block": "Morning",
                "day_type": "Weekday",
            }
        ]
    )
    assert score_frame(frame, micro_threshold_minor=30_000).iloc[0]["leakage_score"] == 4
    strict = score_frame(frame, micro_threshold_minor=50_000, leak_threshold=5).iloc[0]
    assert strict["leakage_score"] == 5 and strict["is_leak"]
