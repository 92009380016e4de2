"""What every handler shares, and the one way handlers reach the synchronous services:
off the event loop, in one session and transaction per call."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from db.models import User
from db.session import session_scope
from services.config import Settings
from services.learning.serving import ModelService
from services.usecases import people

T = TypeVar("T")
POSTGRES_DB_WORKERS = 8
# How long the event loop waits, blocked, for a service call on SQLite's one database thread
# before it awaits the call like any other. See in_db_thread.
SQLITE_QUICK_WAIT_S = 0.02


@dataclass
class Runtime:
    """Built in post_init, released in post_shutdown."""

    settings: Settings
    engine: Engine | None = None
    sessions: sessionmaker[Session] | None = None
    refused: set[int] = field(default_factory=set)  # people outside ALLOWED_USER_IDS already told
    executor: ThreadPoolExecutor | None = None  # where services run; see db_workers()
    quick_wait_s: float = 0.0  # see in_db_thread
    health: asyncio.Server | None = None  # the /healthz endpoint, when HEALTH_PORT is set
    models: ModelService | None = None  # the loaded leak models and who they serve


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
    rt = runtime(context)
    assert rt.executor is not None
    future = rt.executor.submit(work)
    if rt.quick_wait_s:
        concurrent.futures.wait([future], timeout=rt.quick_wait_s)
    if future.done():
        return future.result()
    return await asyncio.wrap_future(future)


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
    rt = runtime(context)
    assert rt.sessions is not None
    sessions = rt.sessions

    def call() -> T:
        with session_scope(sessions) as session:
            return work(session)

    return await in_db_thread(context, call)


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
    """Run work(session, person) in a worker thread, in one transaction (committed on success)."""
    rt = runtime(context)
    sender, chat = update.effective_user, update.effective_chat
    assert sender is not None and rt.sessions is not None
    sessions = rt.sessions
    defaults = people.UserDefaults(rt.settings.default_timezone, rt.settings.default_currency)
    private = chat.id if chat is not None and chat.type == ChatType.PRIVATE else None  # never a group

    def call() -> T:
        with session_scope(sessions) as session:
            person = people.person(session=session, telegram_id=sender.id, defaults=defaults, chat_id=private)
            return work(session, person)

    return await in_db_thread(context, call)
