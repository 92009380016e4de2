"""The weekly digest in chat: /digest settings and preview, and the scheduler tick that sends
due digests (JobQueue every minute; `leakbot digest --send-due` runs the same tick). The tick's
sends are paced within Telegram's limits (bot/pacing.py); a preview, a reply, is not."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InputMediaPhoto, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import pacing
from bot.pacing import BroadcastPacer
from bot.render import account as render_account
from bot.render import reports as render
from bot.runtime import call, in_db_thread, runtime
from db.session import transaction
from services.errors import LeakBotError
from services.usecases import account, digests, reports

if TYPE_CHECKING:
    from services.reporting.digest import WeeklyDigest
    from services.usecases.teaching import Card

log = logging.getLogger(__name__)
T = TypeVar("T")
RunSync = Callable[[Callable[[], T]], Awaitable[T]]
# Digests built and waiting for their turn to be sent, at most: each holds its charts in memory.
DELIVERIES_IN_FLIGHT = 32


def _turn(pacer: BroadcastPacer | None, chat_id: int) -> AbstractAsyncContextManager[None]:
    return pacer.turn(chat_id) if pacer is not None else nullcontext()


async def deliver(
    bot: Bot,
    chat_id: int,
    digest: WeeklyDigest,
    pacer: BroadcastPacer | None = None,
    card: Card | None = None,
) -> None:
    """The text, then the charts as one album (or one photo), then the day's "Leak or not?"
    card when there is one: each send taking its turn with the pacer when there is one (the
    scheduler's), at once when not (a preview)."""
    async with _turn(pacer, chat_id):
        await bot.send_message(chat_id, render.digest_reply(digest).html, parse_mode=ParseMode.HTML)
    if len(digest.images) == 1:
        async with _turn(pacer, chat_id):
            await bot.send_photo(chat_id, digest.images[0])
    elif digest.images:
        async with _turn(pacer, chat_id):
            await bot.send_media_group(chat_id, [InputMediaPhoto(image) for image in digest.images])
    if card is not None:
        from bot.render.teaching import card_reply
        from bot.teaching import card_keyboard

        async with _turn(pacer, chat_id):
            await bot.send_message(
                chat_id, card_reply(card).html, parse_mode=ParseMode.HTML, reply_markup=card_keyboard(card)
            )


def _in_session(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    return transaction(sessions, work)


def _claim_due(sessions: sessionmaker[Session], now: datetime) -> list[digests.DueDigest]:
    candidates = _in_session(sessions, lambda s: digests.due_digests(session=s, now=now))
    return [  # each claim in its own transaction, committed before anything is sent
        due
        for due in candidates
        if _in_session(sessions, lambda s, due=due: digests.claim_digest(session=s, due=due, now=now))  # type: ignore[misc]
    ]


async def send_due(
    bot: Bot,
    sessions: sessionmaker[Session],
    run_sync: RunSync[Any],
    now: datetime,
    pacer: BroadcastPacer | None = None,
) -> dict[str, int]:
    """One scheduler tick: claim, build, send and record every due digest. A person who
    blocked the bot gets the digest turned off; a failed send is released for a later tick.

    Digests are built one at a time and sent side by side through the pacer (a fresh one
    when none is given): one person's album waits out its second after their text while the
    next digests are built and sent. At most DELIVERIES_IN_FLIGHT wait to be sent."""
    pacer = pacer or BroadcastPacer()
    counts = {"sent": 0, "blocked": 0, "failed": 0}
    room = asyncio.Semaphore(DELIVERIES_IN_FLIGHT)

    async def send_and_record(due: digests.DueDigest, content: Built) -> None:
        try:
            outcome = await _delivered(bot, pacer, due, content)
            await _record(sessions, run_sync, due, outcome)
            counts[outcome] += 1
        finally:
            room.release()

    sending: list[asyncio.Task[None]] = []
    try:
        for due in await run_sync(lambda: _claim_due(sessions, now)):
            await room.acquire()
            content = await _built(sessions, run_sync, due)
            if content is None:
                room.release()
                await _record(sessions, run_sync, due, "failed")
                counts["failed"] += 1
                continue
            sending.append(asyncio.create_task(send_and_record(due, content)))
    finally:  # whatever happened, the digests already on their way are sent and recorded
        results = await asyncio.gather(*sending, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return counts


Built = tuple["WeeklyDigest", "Card | None"]  # the digest, and the card it ends with


def _build(session: Session, due: digests.DueDigest) -> Built:
    content = digests.build_digest(session=session, due=due)
    return content, digests.digest_card(session=session, due=due, now=datetime.now(UTC))


async def _built(
    sessions: sessionmaker[Session], run_sync: RunSync[Any], due: digests.DueDigest
) -> Built | None:
    """The digest's content and its card, or None when it cannot be built now (retried at a
    later tick)."""
    try:
        content: Built = await run_sync(lambda: _in_session(sessions, lambda s: _build(s, due)))
    except LeakBotError as exc:
        log.warning("digest for user %s failed, will retry: %s", due.user_id, exc)
        return None
    return content


async def _delivered(bot: Bot, pacer: BroadcastPacer, due: digests.DueDigest, content: Built) -> str:
    """Send one digest; how it went: `sent`, `blocked` or `failed`."""
    try:
        await deliver(bot, due.chat_id, content[0], pacer, content[1])
    except Forbidden:
        return "blocked"
    except TelegramError as exc:
        log.warning("digest for user %s failed, will retry: %s", due.user_id, exc)
        return "failed"
    return "sent"


async def _record(
    sessions: sessionmaker[Session], run_sync: RunSync[Any], due: digests.DueDigest, outcome: str
) -> None:
    await run_sync(
        lambda: _in_session(
            sessions,
            lambda s: digests.record_delivery(session=s, due=due, outcome=outcome, now=datetime.now(UTC)),
        )
    )


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue job: send whatever is due."""
    rt = runtime(context)
    assert rt.sessions is not None

    async def run_sync(work: Callable[[], T]) -> T:
        return await in_db_thread(context, work)

    pacer = pacing.shared(context.bot_data)
    counts = await send_due(context.bot, rt.sessions, run_sync, datetime.now(UTC), pacer)
    if any(counts.values()):
        log.info("digests: %s", counts)


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest shows the schedule; on, off, DAY HH:MM change it; now previews last week's."""
    message, chat = update.effective_message, update.effective_chat
    assert message and chat
    args = " ".join(context.args or [])
    if args.strip().lower() == "now":
        now = datetime.now(UTC)
        content = await call(update, context, reports.digest_preview, now=now)
        await deliver(context.bot, chat.id, content)
        return
    schedule = await (
        call(update, context, account.set_digest_schedule, text=args)
        if args
        else call(update, context, account.digest_schedule)
    )
    await message.reply_text(render_account.schedule_text(schedule))


def run_once(bot: Bot, sessions: sessionmaker[Session]) -> dict[str, int]:
    """`leakbot digest --send-due`: one tick outside the bot (cron), with its own pacer."""

    async def main() -> dict[str, int]:
        async with bot:
            return await send_due(bot, sessions, asyncio.to_thread, datetime.now(UTC))

    return asyncio.run(main())
