"""Inline buttons, declared once: each feature module lists its actions (a prefix, the
arguments the button carries, the handler) in BUTTONS, and bot/app.py registers every one.

Button data is built by Action.data and parsed by Action.parse only, strictly: data that is
not exactly what we could have sent (a forged or stale payload) is answered "That button is
not one of mine." and nothing runs. Ownership is checked by the use cases on top. Buttons
carry all their state, so they work after a restart and on any instance.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

NOT_MINE = "That button is not one of mine."
MAX_DATA_BYTES = 64  # Telegram's limit for callback_data


@dataclass(frozen=True)
class Arg:
    """One value a button carries: its exact spelling, how it reads and how it is written."""

    pattern: str
    read: Callable[[str], Any]
    write: Callable[[Any], str] = str


ID = Arg(r"0|[1-9]\d{0,17}", int)  # as str(int) writes it: no leading zeros, no signs
FLAG = Arg("[01]", lambda text: text == "1", lambda value: "1" if value else "0")


def word(choices: Iterable[str]) -> Arg:
    """One of a fixed set of names (a question id, a chart name)."""
    names = tuple(choices)
    return Arg("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), str)


Handler = Callable[..., Awaitable[None]]  # (update, context, *values)


@dataclass(frozen=True)
class Action:
    prefix: str
    args: tuple[Arg, ...]
    handler: Handler

    def __post_init__(self) -> None:
        assert re.fullmatch(r"[a-z]{1,3}", self.prefix), self.prefix
        pattern = ":".join([re.escape(self.prefix), *(f"({a.pattern})" for a in self.args)])
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def data(self, *values: Any) -> str:
        """The callback data for a button of this action."""
        assert len(values) == len(self.args)
        data = ":".join([self.prefix, *(a.write(v) for a, v in zip(self.args, values, strict=True))])
        assert self.parse(data) is not None and len(data.encode()) <= MAX_DATA_BYTES, data
        return data

    def parse(self, data: str) -> tuple[Any, ...] | None:
        """The values in data, or None unless data is exactly what data() writes."""
        match = self._pattern.fullmatch(data)  # type: ignore[attr-defined]  # fullmatch, not $: no trailing newline
        if match is None:
            return None
        return tuple(a.read(text) for a, text in zip(self.args, match.groups(), strict=True))


def keyboard(buttons: list[InlineKeyboardButton], per_row: int) -> InlineKeyboardMarkup:
    """Buttons laid out in rows of per_row (a menu)."""
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def handler_for(actions: Iterable[Action]) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """One CallbackQueryHandler for every declared action; anything else is refused."""
    by_prefix: dict[str, Action] = {}
    for action in actions:
        assert action.prefix not in by_prefix, f"button prefix {action.prefix!r} declared twice"
        by_prefix[action.prefix] = action

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Run the pressed button's action, or refuse data we did not make."""
        query = update.callback_query
        assert query is not None
        data = query.data or ""
        action = by_prefix.get(data.split(":", 1)[0])
        values = action.parse(data) if action is not None else None
        if action is None or values is None:
            await query.answer(NOT_MINE)
            return
        await action.handler(update, context, *values)

    return CallbackQueryHandler(pressed)
