"""Run the same work on several threads released at one moment, as racing requests are."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def race(racers: int, work: Callable[[], T]) -> list[T]:
    """Each thread's result (in finishing order); the first exception any thread raised is
    raised here once all have finished."""
    start = threading.Barrier(racers)
    results: list[T] = []
    errors: list[BaseException] = []

    def racer() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=racer) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
