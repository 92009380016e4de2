from __future__ import annotations

import io

import pandas as pd

from services.scoring.rules import RULES, score, score_one
from services.synthetic import generate, to_csv_bytes


def seed_rule_score(row: pd.Series) -> int:
    """The seed write-up's row-wise definition, used here only as the reference."""
    points = 0
    points += 1 if row["value"] < 300 else 0
    points += 2 if row["Is_Necessary"] == "No" else 0
    points += 2 if row["context"] in ("Unplanned", "Emergency", "Festive") else 0
    points += 2 if row["is_recurring"] == "Yes" and row["context"] != "Planned" else 0
    points += 1 if row["time_block"] in ("Evening", "Night") else 0
    points += 1 if row["day_type"] == "Weekend" else 0
    return points


def as_entries(sample: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount_minor": sample["value"] * 100,
            "is_necessary": sample["Is_Necessary"] == "Yes",
            "context": sample["context"],
            "is_recurring": sample["is_recurring"] == "Yes",
            "time_block": sample["time_block"],
            "day_type": sample["day_type"],
        }
    )


def test_the_rules_score_every_expense_as_the_seed_defines_it_one_at_a_time_or_all_at_once() -> None:
    sample = pd.read_csv(io.BytesIO(to_csv_bytes(generate(months=24, seed=3))))
    sample = sample[sample["type"] == "expense"].reset_index(drop=True)
    expected = sample.apply(seed_rule_score, axis=1)
    entries = as_entries(sample)
    batch = score(entries, micro_threshold_minor=30_000, leak_threshold=5)
    assert (batch.score == expected).all()
    assert (batch.is_leak == (expected >= 5)).all()
    for i in range(0, len(entries), 17):
        row = entries.iloc[i]
        one = score_one(
            **{c: row[c].item() if hasattr(row[c], "item") else row[c] for c in entries.columns},
            micro_threshold_minor=30_000,
            leak_threshold=5,
        )
        assert one == (int(batch.score[i]), batch.rules[i], bool(batch.is_leak[i])), i


def test_each_fired_rule_is_recorded_in_table_order_so_a_reply_can_say_why() -> None:
    fired = score_one(
        amount_minor=12_000,
        is_necessary=False,
        context="Unplanned",
        is_recurring=True,
        time_block="Evening",
        day_type="Weekend",
        micro_threshold_minor=30_000,
        leak_threshold=5,
    )
    assert fired == (9, ",".join(r.code for r in RULES), True)
    calm = score_one(
        amount_minor=45_000,
        is_necessary=True,
        context="Planned",
        is_recurring=True,
        time_block="Morning",
        day_type="Weekday",
        micro_threshold_minor=30_000,
        leak_threshold=5,
    )
    assert calm == (0, "", False)


def test_thresholds_are_the_persons_own() -> None:
    spend = {
        "amount_minor": 45_000,
        "is_necessary": False,
        "context": "Unplanned",
        "is_recurring": False,
        "time_block": "Morning",
        "day_type": "Weekday",
    }
    assert score_one(**spend, micro_threshold_minor=30_000, leak_threshold=5)[0] == 4
    assert score_one(**spend, micro_threshold_minor=50_000, leak_threshold=5) == (
        5,
        "micro,not_necessary,impulsive_context",
        True,
    )
