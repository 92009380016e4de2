"""A short soak through the same harness as `make reliability`: every message answered and
stored once, no errors logged."""

from __future__ import annotations

import pytest

from benchmarks.soak import soak
from benchmarks.soak_webhooks import soak_webhooks


def test_forty_people_send_eight_hundred_messages_and_every_one_is_stored_once() -> None:
    result = soak(people=40, messages=800)
    assert result.errors == 0
    assert result.stored == result.messages == 800


@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_two_webhook_processes_on_one_postgresql_database_store_every_message_once(
    empty_database_url: str,
) -> None:
    result = soak_webhooks(empty_database_url, processes=2, people=20, messages=200)
    assert result.errors == []
    assert result.answered == result.stored == result.messages == 200
