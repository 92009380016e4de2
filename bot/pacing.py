"""Pacing for what the bot sends on its own schedule: digests, renewal reminders.

Telegram answers 429 Too Many Requests when a bot sends more than about 30 messages a
second overall, or more than about one a second to one chat. A reply to a person's own
message is never paced: people write one message at a time, and the test suite writes to
one chat as fast as it can. A scheduled job is different: 1,000 digests can fall due in one
minute (everyone in India on Sunday 09:00). Those sends go through a `BroadcastPacer`.

Each paced send holds two turns: its chat's (one at a time) and one of `per_second` turns
overall. Both are given back a second (the chat's: `per_chat_interval_s`) after the send's
*answer* arrived, not after the send started. So Telegram never sees more than `per_second`
sends in any one second, however the network bunches requests up on the way: every send it
received within one second held its turn at one common moment. The price is a round trip
per turn (about 27 sends a second instead of 30 at 100 ms). At most SENDS_AT_ONCE paced sends
are in flight at once, so a burst never queues replies behind it on the bot's connections;
that caps text-only bursts at two sends per round trip (20 a second at 100 ms), while a
digest with charts takes longer to build (~300 ms) than to send. An album (sendMediaGroup) is
one send; a digest, its text and then its album, is two sends to one chat, a second apart.

The pacer paces one process. Another process on the same token (cron's
`leakbot digest --send-due` while the bot runs) is not coordinated with it; the 429s that
can bring are waited out by RetryingRequest (bot/request.py), as long as Telegram asks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

PER_SECOND = 30  # Telegram: about 30 messages a second overall
PER_CHAT_INTERVAL_S = 1.0  # Telegram: about one message a second to one chat
WINDOW_S = 1.0  # what PER_SECOND is counted over
# Scheduled sends in flight at once: the bot has 4 keep-alive connections to the Bot API
# (bot/app.py), and the others stay free for replies; cron's process has one.
SENDS_AT_ONCE = 2
BOT_DATA_KEY = "broadcast_pacer"


@dataclass
class _Chat:
    """One chat's turn, and how many sends hold it or wait for it (the entry is dropped at 0)."""

    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    wanted: int = 0


class BroadcastPacer:
    """Keeps scheduled sends within Telegram's limits: at most `per_second` sends a second
    overall, and per chat one send at a time with `per_chat_interval_s` between one send's
    answer and the next send. `async with pacer.turn(chat_id):` around each send."""

    def __init__(
        self,
        per_second: int = PER_SECOND,
        per_chat_interval_s: float = PER_CHAT_INTERVAL_S,
        sends_at_once: int = SENDS_AT_ONCE,
    ) -> None:
        self.per_second = per_second
        self.per_chat_interval_s = per_chat_interval_s
        self._overall = asyncio.Semaphore(per_second)
        self._in_flight = asyncio.Semaphore(sends_at_once)
        self._chats: dict[int, _Chat] = {}

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """Wait until one more send to chat_id keeps within both limits; the body sends it.
        The turns are given back later, on the event loop's timer (no task waits for that)."""
        loop = asyncio.get_running_loop()
        chat = self._chat(chat_id)
        try:
            await chat.turn.acquire()
        except BaseException:  # cancelled while waiting
            self._unwant(chat_id, chat)
            raise
        try:
            await self._overall.acquire()
        except BaseException:
            self._give_chat_back(chat_id, chat)
            raise
        try:
            async with self._in_flight:
                yield
        finally:
            loop.call_later(WINDOW_S, self._overall.release)
            loop.call_later(self.per_chat_interval_s, self._give_chat_back, chat_id, chat)

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
        chat.wanted += 1
        return chat

    def _give_chat_back(self, chat_id: int, chat: _Chat) -> None:
        chat.turn.release()
        self._unwant(chat_id, chat)

    def _unwant(self, chat_id: int, chat: _Chat) -> None:
        chat.wanted -= 1
        if chat.wanted == 0 and self._chats.get(chat_id) is chat:
            del self._chats[chat_id]  # nobody holds or waits for it: 1,000 chats leave nothing behind


def shared(bot_data: MutableMapping[Any, Any]) -> BroadcastPacer:
    """The bot's one pacer for scheduled sends, kept in the application's bot_data (made on
    first use; a test may put its own there first). The digest tick and the reminders share
    it, so a reminder and a digest to one chat are paced against each other."""
    pacer = bot_data.get(BOT_DATA_KEY)
    if pacer is None:
        pacer = bot_data[BOT_DATA_KEY] = BroadcastPacer()
    assert isinstance(pacer, BroadcastPacer)
    return pacer
