"""What every handler shares, and the one way handlers reach the synchronous services:
off the event loop, in one session and transaction per call."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from db import handled
from db.base import utcnow
from db.models import User
from db.session import Turn, in_turns, transaction
from services.config import Settings
from services.learning.serving import ModelService
from services.usecases import people

T = TypeVar("T")
POSTGRES_DB_WORKERS = 8
LONG_WORKERS = 2  # imports and training at once, beside the database threads
# How long the event loop waits, blocked, for a service call on SQLite's one database thread
# before it awaits the call like any other. See in_db_thread.
SQLITE_QUICK_WAIT_S = 0.02
RECENTLY_FINISHED = 10_000  # update ids a process remembers having finished
# How long the database remembers a handled update. Telegram redelivers within a day; after a
# week without updates it numbers them afresh at random, so records must be gone by then.
HANDLED_KEPT = timedelta(days=2)
FORGET_HANDLED_EVERY_S = 3600


@dataclass
class Runtime:
    """Built in post_init, released in post_shutdown."""

    settings: Settings
    engine: Engine | None = None
    sessions: sessionmaker[Session] | None = None
    refused: set[int] = field(default_factory=set)  # people outside ALLOWED_USER_IDS already told
    executor: ThreadPoolExecutor | None = None  # where services run; see db_workers()
    # Where long work runs (an import, training): in turns, each a short transaction, so
    # the database threads stay free for everyone else's messages meanwhile.
    long_executor: ThreadPoolExecutor | None = None
    quick_wait_s: float = 0.0  # see in_db_thread
    health: asyncio.Server | None = None  # the /healthz endpoint, when HEALTH_PORT is set
    models: ModelService | None = None  # the loaded leak models and who they serve
    # Updates this process has recorded as handled while it still handles them (a second
    # service call of the same handling claims nothing), and those it finished lately (a
    # replay is dropped before any work).
    claimed: set[int] = field(default_factory=set)
    finished: deque[int] = field(default_factory=lambda: deque(maxlen=RECENTLY_FINISHED))

    async def run(self, work: Callable[[], T]) -> T:
        """work() off the event loop, on the database threads (see in_db_thread)."""
        assert self.executor is not None
        future = self.executor.submit(work)
        if self.quick_wait_s:
            concurrent.futures.wait([future], timeout=self.quick_wait_s)
        if future.done():
            return future.result()
        return await asyncio.wrap_future(future)

    async def run_in_session(self, work: Callable[[Session], T]) -> T:
        """work(session) off the event loop, in one transaction."""
        sessions = self.sessions
        assert sessions is not None
        return await self.run(lambda: transaction(sessions, work))

    async def run_at_length(self, work: Callable[[Turn], T]) -> T:
        """work(turn) on the long-work threads: it commits a short transaction per turn."""
        assert self.long_executor is not None and self.sessions is not None
        turn = in_turns(self.sessions)
        return await asyncio.wrap_future(self.long_executor.submit(work, turn))


def db_workers(engine: Engine) -> int:
    """Threads for service calls. SQLite takes one writer at a time, so more threads there
    only queue on its lock and fight the event loop for the GIL; PostgreSQL runs them side by side."""
    return 1 if engine.dialect.name == "sqlite" else POSTGRES_DB_WORKERS


def quick_wait(engine: Engine) -> float:
    """SQLITE_QUICK_WAIT_S on SQLite; nothing on PostgreSQL, whose threads wait on the network
    side by side."""
    return SQLITE_QUICK_WAIT_S if engine.dialect.name == "sqlite" else 0.0


async def in_db_thread(context: ContextTypes.DEFAULT_TYPE, work: Callable[[], T]) -> T:
    """Run blocking service work off the event loop, on the bot's database threads.

    On SQLite the loop first waits up to quick_wait_s for the answer, blocked. Two threads
    that both run Python share one GIL: every SQLite call releases it, and getting it back
    waits for the loop to let go, so a 2-3 ms service call took 10 ms and the bot answered
    about a fifth fewer messages than with the call made inline (benchmarks/bench_bot.py).
    Waiting briefly lets the database thread run alone; a call that takes longer (an import,
    a chart, a lock held by another process) is then awaited like any other, so it holds up
    other people's messages by quick_wait_s at most (tests/bot/test_chat.py).
    """
    return await runtime(context).run(work)


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]  # type: ignore[no-any-return]


def models(context: ContextTypes.DEFAULT_TYPE) -> ModelService:
    """The process's model service (built in post_init)."""
    service = runtime(context).models
    assert service is not None
    return service


async def in_session(context: ContextTypes.DEFAULT_TYPE, work: Callable[[Session], T]) -> T:
    """Run work(session) in a worker thread in one transaction, for jobs that act for nobody
    in particular (the digest tick, reminders, training)."""
    return await runtime(context).run_in_session(work)


async def call(
    update: Update, context: ContextTypes.DEFAULT_TYPE, use_case: Callable[..., T], **arguments: object
) -> T:
    """Run one use case for the person who sent the update: use_case(session=..., person=...,
    **arguments), in a worker thread and one transaction. The handlers' one call."""
    return await with_person(
        update, context, lambda session, person: use_case(session=session, person=person, **arguments)
    )


async def with_person(
    update: Update, context: ContextTypes.DEFAULT_TYPE, work: Callable[[Session, User], T]
) -> T:
    """Run work(session, person) in a worker thread, in one transaction (committed on success).

    The first such transaction of an update also records it as handled, so its effects and
    that record commit together: a replay of it (the same update id again) finds the record,
    does nothing and is not answered (Replayed stops the handling).
    """
    rt = runtime(context)
    assert rt.sessions is not None
    sessions = rt.sessions
    sender = _sender(update, rt)
    update_id = update.update_id
    first = update_id not in rt.claimed

    def call(session: Session) -> T:
        if first and not handled.claim(session, update_id):
            raise Replayed
        return work(session, sender(session))

    result = await rt.run(lambda: transaction(sessions, call))
    rt.claimed.add(update_id)
    return result


def _sender(update: Update, rt: Runtime) -> Callable[[Session], User]:
    """Who sent the update, found or registered in a session; a private chat becomes their
    delivery chat, a group chat never does."""
    sender, chat = update.effective_user, update.effective_chat
    assert sender is not None
    private = chat.id if chat is not None and chat.type == ChatType.PRIVATE else None  # never a group
    return person_finder(rt, sender.id, chat_id=private)


def person_finder(rt: Runtime, telegram_id: int, *, chat_id: int | None = None) -> Callable[[Session], User]:
    """The person with this Telegram id, found or registered (with the settings' defaults)
    in a session."""
    defaults = people.UserDefaults(rt.settings.default_timezone, rt.settings.default_currency)

    def find(session: Session) -> User:
        return people.person(session=session, telegram_id=telegram_id, defaults=defaults, chat_id=chat_id)

    return find


async def call_as(rt: Runtime, telegram_id: int, use_case: Callable[..., T], **arguments: object) -> T:
    """Run one use case for the person with this Telegram id, as `call` does for a chat
    update: use_case(session=..., person=..., **arguments) in a worker thread, in one
    transaction. The Mini App's one call (bot/webapp.py)."""
    find = person_finder(rt, telegram_id)
    return await rt.run_in_session(
        lambda session: use_case(session=session, person=find(session), **arguments)
    )


async def person_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User:
    """The sender, found or registered, without recording the update as handled (for work
    done before the use case, such as reading a photo: a crash meanwhile loses nothing)."""
    rt = runtime(context)
    return await rt.run_in_session(_sender(update, rt))


async def call_at_length(
    update: Update, context: ContextTypes.DEFAULT_TYPE, use_case: Callable[..., T], **arguments: object
) -> T:
    """Run one long use case for the sender: use_case(turn=..., person=..., **arguments) on
    the long-work threads, committing a short transaction per turn (an import's batches), so
    other people's messages are handled meanwhile. The update is recorded as handled in the
    work's first turn that writes (an import's: the one that keeps its file), so a crash
    before it leaves the update in the inbox to be handled again, and a crash after it
    leaves what the work keeps to resume from (bot/imports.py)."""
    rt = runtime(context)
    person = await rt.run_in_session(_sender(update, rt))
    return await rt.run_at_length(
        lambda turn: use_case(turn=_ClaimingTurn(turn, update.update_id, rt), person=person, **arguments)
    )


class _ClaimingTurn:
    """A Turn whose first write also records the update as handled (see call_at_length)."""

    def __init__(self, turn: Turn, update_id: int, rt: Runtime) -> None:
        self._turn, self._update_id, self._rt = turn, update_id, rt

    def __call__(self, work: Callable[[Session], T]) -> T:
        if self._update_id in self._rt.claimed:
            return self._turn(work)

        def claimed_first(session: Session) -> T:
            if not handled.claim(session, self._update_id):
                raise Replayed
            return work(session)

        result = self._turn(claimed_first)
        self._rt.claimed.add(self._update_id)
        return result

    def read(self, work: Callable[[Session], T]) -> T:
        return self._turn.read(work)


class Replayed(ApplicationHandlerStop):
    """The update was handled before: stop, do nothing, answer nothing."""


async def skip_finished(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop an update this process finished lately before any work (a replay)."""
    if update.update_id in runtime(context).finished:
        raise ApplicationHandlerStop


async def mark_finished(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After every handler: an update that changed nothing is recorded as handled too."""
    rt = runtime(context)
    if update.update_id not in rt.claimed:
        await rt.run_in_session(lambda session: handled.claim(session, update.update_id))
    rt.claimed.discard(update.update_id)
    rt.finished.append(update.update_id)


async def finish_here(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """End the handling of this update now (a refusal at the door), recorded all the same."""
    await mark_finished(update, context)
    raise ApplicationHandlerStop


async def keep_updates(application: Application, updates: Sequence[Update]) -> None:  # type: ignore[type-arg]
    """Store updates in the inbox before Telegram is told they arrived (see bot/intake.py);
    a busy database is waited for. An application without a runtime (a benchmark's echo
    bot) keeps nothing."""
    rt = application.bot_data.get("runtime")
    if rt is None or not updates:
        return
    rows = [(update.update_id, update.to_json()) for update in updates]
    await rt.run_in_session(lambda session: handled.keep(session, rows))


async def waiting_updates(application: Application) -> list[Update]:  # type: ignore[type-arg]
    """The updates the inbox still holds (taken before a crash, never handled), oldest first."""
    rt = application.bot_data.get("runtime")
    if rt is None:
        return []
    rows = await rt.run_in_session(handled.waiting)
    found = [Update.de_json(json.loads(payload), application.bot) for _, payload in rows]
    return [update for update in found if update is not None]


async def forget_old_updates(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hourly job: drop the records of updates handled more than HANDLED_KEPT ago."""
    await in_session(context, lambda session: handled.forget_before(session, utcnow() - HANDLED_KEPT))
