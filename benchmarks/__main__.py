"""Run every benchmark, print a table and write benchmarks/results.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks import (
    bench_asking,
    bench_board,
    bench_bot,
    bench_capture,
    bench_core,
    bench_digest,
    bench_fairness,
    bench_ml,
    bench_questions,
    bench_receipts,
    bench_startup,
    bench_statements,
)

RESULTS = Path(__file__).resolve().parent / "results.json"


def main() -> int:
    results = [
        *bench_startup.run(),
        *bench_core.run(),
        *bench_statements.run(),
        *bench_capture.run(),
        *bench_receipts.run(),
        *bench_questions.run(),
        *bench_asking.run(),
        *bench_board.run(),
        *bench_ml.run(),
        *bench_digest.run(),
        *bench_bot.run(),
        *bench_fairness.run(),
    ]
    width = max(len(r["name"]) for r in results)
    print(
        f"{'benchmark':<{width}}  {'value':>10} {'unit':<6} {'baseline':>10} {'ratio':>8} {'target':>10}  ok"
    )
    for r in results:
        print(
            f"{r['name']:<{width}}  {r['value']:>10.4g} {r['unit']:<6} {r['baseline']:>10.4g} "
            f"{r['ratio']:>8.2f} {r['target']:>10}  {'yes' if r['ok'] else 'NO'}"
        )
    RESULTS.write_text(json.dumps({"benchmarks": results}, indent=2) + "\n")
    print(f"\nwrote {RESULTS}")
    print(json.dumps({"benchmarks": results}))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
