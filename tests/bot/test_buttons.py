"""Every button's data is built and parsed by its one declaration: anything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import FEATURES
from bot.buttons import MAX_DATA_BYTES

ACTIONS = [action for feature in FEATURES for action in feature.BUTTONS]


def test_each_prefix_is_declared_once() -> None:
    prefixes = [a.prefix for a in ACTIONS]
    assert len(prefixes) == len(set(prefixes))
    assert {"u", "v", "c", "s", "rv", "mg", "kp", "fg", "sc", "sd", "ask", "ch"} <= set(prefixes)


@settings(max_examples=1000, deadline=None)
@given(
    st.text(max_size=70)
    | st.from_regex(r"[a-z]{1,3}:[0-9a-z_]{0,20}(:[0-9]{0,20})?(:.*)?", fullmatch=True)
    | st.from_regex(r"(ask|ch):[a-z_]{0,30}\n?", fullmatch=True)
)
def test_button_data_is_either_exactly_ours_or_refused(data: str) -> None:
    for action in ACTIONS:
        values = action.parse(data)
        if values is not None:
            assert action.data(*values) == data and len(data.encode()) <= MAX_DATA_BYTES


@pytest.mark.parametrize(
    "data", ["u:01", "u:-1", "u:1:2", "v:1:2", "v:1", "s:1:x", "ask:nope", "ch:pie", "u:1\n"]
)
def test_near_misses_are_refused(data: str) -> None:
    assert all(action.parse(data) is None for action in ACTIONS)
