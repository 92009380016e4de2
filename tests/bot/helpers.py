"""Small async helpers for talking to the bot through the fake server."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from tests.fake_telegram import Call, FakeTelegram


async def reply(fake: FakeTelegram, user: int, text: str, *, message_id: int | None = None) -> str:
    """Send text as user and return the bot's next message to them."""
    return str((await reply_call(fake, user, text, message_id=message_id)).params["text"])


async def reply_call(fake: FakeTelegram, user: int, text: str, *, message_id: int | None = None) -> Call:
    before = len(fake.sent(chat_id=user))
    fake.send_text(user, text, message_id=message_id)
    calls = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=user, count=before + 1)
    return calls[before]


async def replies(fake: FakeTelegram, user: int, text: str, count: int) -> list[Call]:
    """Send text as user and return the bot's next `count` messages to them."""
    before = len(fake.sent(chat_id=user))
    fake.send_text(user, text)
    calls = await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=user, count=before + count)
    return calls[before : before + count]


async def press(fake: FakeTelegram, user: int, data: str) -> str:
    """Press a button as user; return the text of the callback answer (empty when none)."""
    before = len(fake.sent("answerCallbackQuery"))
    fake.press_button(user, data)
    calls = await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", count=before + 1)
    return str(calls[before].params.get("text", ""))


async def edits_after(fake: FakeTelegram, count: int) -> list[Call]:
    return await asyncio.to_thread(fake.wait_for, "editMessageText", count=count)


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
