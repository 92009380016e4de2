"""Synthetic ledgers for trying LeakBot out (`leakbot generate`, `leakbot demo`) and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SampleLedger:
    rows: int
    csv: bytes = field(repr=False)  # in the sample dataset's format; imports like any statement


def sample_ledger(*, months: int, seed: int) -> SampleLedger:
    """A realistic person's spending over `months`, the same for the same seed."""
    from services.synthetic import generate, to_csv_bytes

    frame = generate(months=months, seed=seed)
    return SampleLedger(len(frame), to_csv_bytes(frame))
