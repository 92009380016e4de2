"""Inline-button payloads: built here, and parsed strictly here. Anything that does not match
exactly is treated as forged; ownership is checked by the services on top."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?:0|[1-9]\d{0,17})"  # as str(int) writes it: no leading zeros, no signs
_PATTERN = re.compile(rf"(?P<action>[a-z]{{1,3}}):(?P<a>{_NUMBER})(?::(?P<b>{_NUMBER}))?")
ACTIONS = {
    "u": 1,  # undo this entry
    "v": 2,  # verdict: entry id, 1 = leak / 0 = not a leak
    "c": 1,  # show the category keyboard for an entry
    "s": 2,  # set category: entry id, category index
    "rv": 1,  # revert an import
    "mg": 2,  # merge: chat entry id, imported entry id
    "kp": 2,  # keep both
    "fg": 1,  # forget: the presser's own Telegram id
    "sc": 1,  # confirm a subscription
    "sd": 1,  # dismiss a subscription
}


@dataclass(frozen=True, slots=True)
class Payload:
    action: str
    a: int
    b: int | None = None


def encode(action: str, a: int, b: int | None = None) -> str:
    assert action in ACTIONS
    return f"{action}:{a}" if b is None else f"{action}:{a}:{b}"


def decode(data: str | None) -> Payload | None:
    """The payload, or None when the data is not exactly one we could have sent."""
    match = _PATTERN.fullmatch(data or "")  # not match + $: that would accept a trailing newline
    if not match or match["action"] not in ACTIONS:
        return None
    b = match["b"]
    if (b is None) != (ACTIONS[match["action"]] == 1):
        return None
    return Payload(match["action"], int(match["a"]), int(b) if b is not None else None)
