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
from collections.abc import AsyncIterator

from telegram.ext import Application

from bot.intake import Polling, Webhook

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
Intake = Polling | Webhook


async def _start(application: Application, updates: Intake) -> None:  # type: ignore[type-arg]
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()  # handling first: the intake queues what the inbox still holds
    await updates.start(application)


async def _stop(application: Application, updates: Intake) -> None:  # type: ignore[type-arg]
    """Undo what _start reached, in reverse: the intake, then the Application (in-flight
    handlers and the queue finish), then shutdown and post_shutdown (the service threads
    finish their calls)."""
    if updates.running:
        await updates.stop()
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
    updates: Intake,
) -> AsyncIterator[None]:
    """The Application taking updates inside the block (the tests and the bot benchmark)."""
    try:
        await _start(application, updates)
        yield
    finally:
        await _stop(application, updates)


async def serve(application: Application, updates: Intake) -> None:  # type: ignore[type-arg]
    """Take updates until SIGTERM or SIGINT, then stop in order. A signal during start-up
    cancels it (a Bot API call that hangs does not hold the stop up) and stops the same way;
    a start-up error, or the intake failing for good (Telegram no longer accepts the token),
    stops the same way and is raised."""
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
            failing = asyncio.create_task(updates.failed(), name="leakbot:intake")
            await asyncio.wait({stopping, failing}, return_when=asyncio.FIRST_COMPLETED)
            if failing.done():
                log.error("Updates stopped coming in; stopping")
                failing.result()  # raised after the orderly stop below
            failing.cancel()
            log.info("Stop signal; finishing the messages in hand")
    finally:
        stopping.cancel()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        await _stop(application, updates)


def run(application: Application, updates: Intake) -> None:  # type: ignore[type-arg]
    """`leakbot run`: serve on a new event loop until stopped."""
    asyncio.run(serve(application, updates))
