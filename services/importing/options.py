"""How a person tells an import to read a file when LeakBot's own reading would be wrong or
cannot decide: the date order, the sign convention, which column is which, and a PDF's
password. The CLI takes them as flags, the chat as buttons and a reply."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

DATE_ORDERS = ("DMY", "MDY", "YMD")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    date_order: str | None = None  # one of DATE_ORDERS; None: decided from the file
    flip_sign: bool = False  # the file's debits are its credits (a card export's charges)
    columns: Mapping[str, str] = field(default_factory=dict)  # our field -> the file's header
    # A PDF's password: used once to open the file, never stored (to_json leaves it out)
    # and never logged (repr shows only whether there is one).
    password: str | None = field(default=None, repr=False)

    def to_json(self) -> str:
        """What is kept with an unfinished import so a rerun reads the file alike (no password)."""
        return json.dumps(
            {"date_order": self.date_order, "flip_sign": self.flip_sign, "columns": dict(self.columns)}
        )

    @classmethod
    def from_json(cls, text: str | None) -> ImportOptions:
        if not text:
            return cls()
        stored = json.loads(text)
        return cls(
            date_order=stored.get("date_order"),
            flip_sign=bool(stored.get("flip_sign")),
            columns=dict(stored.get("columns") or {}),
        )

    def without_password(self) -> ImportOptions:
        return replace(self, password=None)
