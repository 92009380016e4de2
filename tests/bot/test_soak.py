"""A short soak through the same harness as `make reliability`: every message answered and
stored once, no errors logged."""

from __future__ import annotations

from benchmarks.soak import soak


def test_forty_people_send_eight_hundred_messages_and_every_one_is_stored_once() -> None:
    result = soak(people=40, messages=800)
    assert result.errors == 0
    assert result.stored == result.messages == 800
