"""Updates in, in order, each acting once.

- **Kept before confirmed**: every update is stored in the inbox (bot/runtime.py
  keep_updates) before Telegram is told it arrived, the poller's next offset or the
  webhook's 200; a crash in between loses nothing, because each start first queues what
  the inbox still holds. If the database cannot take them, Telegram is not told, and sends
  them again.
- **Polling**: getUpdates in a loop; on stop, one last call tells Telegram how far the bot
  got, so a restart is not sent the same updates again.
- **Webhook**: an aiohttp server checks the secret header before it reads a body (1 MB at
  most; a JSON content type with any charset) and answers 200 once the update is stored.
- **Once**: handling records an update in the same transaction as its effects
  (bot/runtime.py), so the same update delivered twice (a webhook retry, a redelivery)
  changes nothing the second time and is not answered again.
- **The Mini App** (bot/webapp.py): the webhook's server serves it under /app/; a poller
  starts a server of its own for it when WEBAPP_PORT is set.
- **Order**: one person's updates are handled one at a time, in the order they came; other
  people's go on meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseUpdateProcessor

from bot.runtime import keep_updates, waiting_updates

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ("message", "callback_query")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024  # Telegram's updates are a few kilobytes
RETRY_BACKOFF_S = (1, 2, 5, 10, 30)


@dataclass
class Polling:
    """Long polling: getUpdates, `timeout` seconds per call."""

    timeout: int = 10
    allowed_updates: Sequence[str] = ALLOWED_UPDATES
    _task: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _offset: int | None = field(default=None, init=False, repr=False)
    _application: Any = field(default=None, init=False, repr=False)
    _webapp: web.AppRunner | None = field(default=None, init=False, repr=False)

    async def start(self, application: Application) -> None:  # type: ignore[type-arg]
        await application.bot.delete_webhook()
        self._application = application
        rt = application.bot_data.get("runtime")
        if rt is not None and rt.settings.webapp_port is not None:
            from bot import webapp

            self._webapp = await webapp.serve(application, rt.settings.webapp_host, rt.settings.webapp_port)
        await _queue_waiting(application)
        self._task = asyncio.create_task(self._poll(application), name="leakbot:polling")

    async def _poll(self, application: Application) -> None:  # type: ignore[type-arg]
        """Until cancelled. A token Telegram no longer accepts ends it (the bot then stops:
        see failed); anything else (a network error, another poller's Conflict, a 5xx) is
        retried with backoff."""
        failures = 0
        while True:
            try:
                updates = await application.bot.get_updates(
                    offset=self._offset, timeout=self.timeout, allowed_updates=list(self.allowed_updates)
                )
            except TimedOut:
                continue
            except InvalidToken:
                raise
            except RetryAfter as exc:
                await asyncio.sleep(float(exc.retry_after if isinstance(exc.retry_after, int | float) else 1))
                continue
            except (TelegramError, ValueError) as exc:  # ValueError: an answer that is not an update
                wait = RETRY_BACKOFF_S[min(failures, len(RETRY_BACKOFF_S) - 1)]
                failures += 1
                log.warning("getUpdates failed (%s); trying again in %d s", exc, wait)
                await asyncio.sleep(wait)
                continue
            try:
                await keep_updates(application, updates)
            except Exception as exc:  # the database is down: Telegram keeps them meanwhile
                wait = RETRY_BACKOFF_S[min(failures, len(RETRY_BACKOFF_S) - 1)]
                failures += 1
                log.warning("could not keep the updates (%s); asking again in %d s", type(exc).__name__, wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            for update in updates:
                await application.update_queue.put(update)
            if updates:  # the next getUpdates tells Telegram these arrived: they are kept
                self._offset = updates[-1].update_id + 1

    async def failed(self) -> None:
        """Returns (raising why) only if polling ended by itself."""
        assert self._task is not None
        await asyncio.shield(self._task)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self._webapp is not None:
            await self._webapp.cleanup()
            self._webapp = None
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        self._task = None
        if self._offset is not None:  # tell Telegram what was taken, so a restart starts after it
            with contextlib.suppress(Exception):
                await self._application.bot.get_updates(offset=self._offset, timeout=0, limit=1)


@dataclass
class Webhook:
    """Telegram posts updates to `url`; the server listens on listen:port at url_path."""

    url: str
    url_path: str
    listen: str = "0.0.0.0"
    port: int = 8443
    secret_token: str | None = None
    allowed_updates: Sequence[str] = ALLOWED_UPDATES
    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)
    _application: Any = field(default=None, init=False, repr=False)

    async def start(self, application: Application) -> None:  # type: ignore[type-arg]
        server = web.Application(client_max_size=MAX_BODY_BYTES)
        self._application = application
        server.router.add_post("/" + self.url_path.strip("/"), self._receive)
        if application.bot_data.get("runtime") is not None:  # a benchmark's echo bot has none
            from bot import webapp

            webapp.mount(server, application)
        await _queue_waiting(application)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        await application.bot.set_webhook(
            self.url, secret_token=self.secret_token, allowed_updates=list(self.allowed_updates)
        )

    async def _receive(self, request: web.Request) -> web.Response:
        """Check the caller before reading anything; queue the update, then answer 200."""
        application = self._application
        if self.secret_token is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), self.secret_token.encode()
        ):
            return web.Response(status=403)
        if request.content_type != "application/json":  # charset and other parameters are fine
            return web.Response(status=415)
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return web.Response(status=413)
        try:
            payload = json.loads(await request.read())
            update = Update.de_json(payload, application.bot)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is not None:
            try:
                await keep_updates(application, [update])
            except Exception as exc:  # not kept: Telegram sends it again later
                log.warning("could not keep an update (%s); answering 503", type(exc).__name__)
                return web.Response(status=503)
            await application.update_queue.put(update)
        return web.Response(status=200)

    async def failed(self) -> None:
        """Never returns: the server stays up until stopped."""
        await asyncio.Event().wait()

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _queue_waiting(application: Application) -> None:  # type: ignore[type-arg]
    """Queue what the inbox still holds (taken before the last stop, never handled)."""
    waiting = await waiting_updates(application)
    if waiting:
        log.info("handling %d updates taken before the last stop", len(waiting))
    for update in waiting:
        await application.update_queue.put(update)


class OnePersonAtATime(BaseUpdateProcessor):
    """Updates run concurrently up to `working` at a time, but one person's strictly in the
    order they arrived (a flood from one person holds up nobody else)."""

    QUEUED = 4096  # updates waiting for their turn, across people

    def __init__(self, working: int) -> None:
        super().__init__(self.QUEUED)
        self._working = asyncio.Semaphore(working)
        self._turns: dict[int | None, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        person = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
        lock, waiting = self._turns.get(person, (asyncio.Lock(), 0))
        self._turns[person] = (lock, waiting + 1)
        try:
            async with lock, self._working:
                await coroutine
        finally:
            lock, waiting = self._turns[person]
            if waiting == 1:
                del self._turns[person]
            else:
                self._turns[person] = (lock, waiting - 1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
