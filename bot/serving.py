"""Run the Application until SIGTERM or SIGINT: `leakbot run`, the tests and the bot benchmark.

python-telegram-bot's `run_polling` / `run_webhook` turn a stop signal into `SystemExit`
raised wherever the event loop happens to be. During start-up that breaks: a SIGTERM while
the updater was starting ended `leakbot run` with "Event loop stopped before Future
completed" (exit 1; tests/bot/test_faults.py). Here a signal only sets an event: start-up
is cancelled if it is still going, and the same orderly stop runs whatever the moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from telegram.ext import Application, Updater

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
ALLOWED_UPDATES = ("message", "callback_query")


@dataclass(frozen=True)
class Polling:
    """Long polling: getUpdates, `timeout` seconds per call."""

    timeout: int = 10
    poll_interval: float = 0.0
    allowed_updates: Sequence[str] = ALLOWED_UPDATES

    async def start(self, updater: Updater) -> None:
        await updater.start_polling(
            poll_interval=self.poll_interval,
            timeout=self.timeout,
            allowed_updates=list(self.allowed_updates),
        )


@dataclass(frozen=True)
class Webhook:
    """Telegram posts updates to `url`; the bot listens on listen:port and checks the secret."""

    url: str
    url_path: str
    listen: str = "0.0.0.0"
    port: int = 8443
    secret_token: str | None = None
    allowed_updates: Sequence[str] = ALLOWED_UPDATES

    async def start(self, updater: Updater) -> None:
        await updater.start_webhook(
            listen=self.listen,
            port=self.port,
            url_path=self.url_path,
            webhook_url=self.url,
            secret_token=self.secret_token,
            allowed_updates=list(self.allowed_updates),
        )


async def _start(application: Application, updates: Polling | Webhook) -> None:  # type: ignore[type-arg]
    assert application.updater is not None
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await updates.start(application.updater)
    await application.start()


async def _stop(application: Application) -> None:  # type: ignore[type-arg]
    """Undo what _start reached, in reverse: the updater, then the Application (in-flight
    handlers finish), then shutdown and post_shutdown (the service threads finish their calls)."""
    assert application.updater is not None
    if application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()  # a no-op unless initialize completed
    if application.post_shutdown:
        await application.post_shutdown(application)
    # A start-up that failed at getMe (a wrong token, no network) leaves the Bot uninitialized,
    # so shutdown skips its HTTP sessions; close them anyway (shutting one down is idempotent).
    for request in application.bot._request:
        await request.shutdown()


@contextlib.asynccontextmanager
async def running(
    application: Application,  # type: ignore[type-arg]
    updates: Polling | Webhook,
) -> AsyncIterator[None]:
    """The Application taking updates inside the block (the tests and the bot benchmark)."""
    try:
        await _start(application, updates)
        yield
    finally:
        await _stop(application)


async def serve(application: Application, updates: Polling | Webhook) -> None:  # type: ignore[type-arg]
    """Take updates until SIGTERM or SIGINT, then stop in order. A signal during start-up
    cancels it (a Bot API call that hangs does not hold the stop up) and stops the same way;
    a start-up error stops the same way and is raised."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    starting = asyncio.create_task(_start(application, updates), name="leakbot:start")
    stopping = asyncio.create_task(stop.wait(), name="leakbot:stop-signal")
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            log.info("Stop signal during start-up; stopping")
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
        else:
            starting.result()
            log.info("LeakBot is running; SIGTERM or Ctrl-C stops it")
            await stopping
            log.info("Stop signal; finishing the messages in hand")
    finally:
        stopping.cancel()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        await _stop(application)


def run(application: Application, updates: Polling | Webhook) -> None:  # type: ignore[type-arg]
    """`leakbot run`: serve on a new event loop until stopped."""
    asyncio.run(serve(application, updates))
