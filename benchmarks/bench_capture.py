"""Reading what people type and forward: one chat line or one bank/UPI alert.

The same lines (typed entries in every form, Hinglish ones, and forwarded alerts) are read
by LeakBot's reader (services.capture.alerts for an alert, else services.ledger.parsing)
and by the parser as it was before (benchmarks/parser_before.py: amount first, no alerts),
which refuses many of them; the target is the new reader's own p50 under 1 ms, the ratio
says what reading more forms costs.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from typing import Any

from benchmarks import parser_before
from services.capture.alerts import looks_like_alert, read_alert
from services.errors import ParseError
from services.ledger.parsing import parse_entry

TODAY = date(2026, 12, 3)
TARGET_MS = 1.0
ROUNDS = 300
LINES = (
    "250 dining upi",
    "chai 20",
    "auto 80 cash",
    "spent 200 on petrol",
    "paid 1.2k for groceries",
    "200rs chai",
    "100/- sabzi cash",
    "₹४० चाय",
    "120 swiggy gpay 9pm #festive want",
    "kiraya 15,000 neft 01/12",
    "Sent Rs.450.00\nFrom HDFC Bank A/C *4821\nTo SWIGGY\nOn 02/12/26\nRef 633712345678",
    "Spent Rs.2340 On HDFC Bank Card 7712 At RELIANCE SMART On 2026-11-28:19:42:10",
    "Dear Customer, Rs.500.00 has been debited from account **1234 to VPA x@ybl on 03-12-26. "
    "Your UPI transaction reference number is 412345678901.",
    "482913 is your OTP for txn of Rs 2,000.00 at AMAZON on HDFC Bank card XX1234.",
)


def _read(text: str) -> object:
    """What the bot does with a message's text before touching the database."""
    if looks_like_alert(text) and (alert := read_alert(text, today=TODAY)) is not None:
        return alert
    try:
        return parse_entry(text, today=TODAY)
    except ParseError as refused:
        return refused


def _read_before(text: str) -> object:
    try:
        return parser_before.parse_entry(text, today=TODAY)
    except ParseError as refused:
        return refused


def _p50_ms(read: Any) -> float:
    times = []
    for _ in range(ROUNDS):
        for line in LINES:
            start = time.perf_counter()
            read(line)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_line_parsing() -> dict[str, Any]:
    _p50_ms(_read), _p50_ms(_read_before)  # warm: regexes compiled, tables built
    value, base = _p50_ms(_read), _p50_ms(_read_before)
    return {
        "name": "read one chat line or alert, p50 (vs the parser before, same lines)",
        "value": round(value, 4),
        "unit": "ms",
        "baseline": round(base, 4),
        "ratio": round(value / base, 3),
        "target": f"< {TARGET_MS} ms",
        "ok": value < TARGET_MS,
    }


def run() -> list[dict[str, Any]]:
    return [bench_line_parsing()]


if __name__ == "__main__":  # pragma: no cover
    for result in run():
        print(result)
