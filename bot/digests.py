"""The weekly digest in chat: /digest settings and preview, and the scheduler tick that sends
due digests (JobQueue every minute; `leakbot digest --send-due` runs the same tick)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InputMediaPhoto, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.render import account as render_account
from bot.render import reports as render
from bot.runtime import call, in_db_thread, runtime
from db.session import session_scope
from services.errors import LeakBotError
from services.usecases import account, digests, reports

if TYPE_CHECKING:
    from services.reporting.digest import WeeklyDigest

log = logging.getLogger(__name__)
T = TypeVar("T")
RunSync = Callable[[Callable[[], T]], Awaitable[T]]


async def deliver(bot: Bot, chat_id: int, digest: WeeklyDigest) -> None:
    """The text, then the charts as one album (or one photo)."""
    await bot.send_message(chat_id, render.digest_reply(digest).html, parse_mode=ParseMode.HTML)
    if len(digest.images) == 1:
        await bot.send_photo(chat_id, digest.images[0])
    elif digest.images:
        await bot.send_media_group(chat_id, [InputMediaPhoto(image) for image in digest.images])


def _in_session(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    with session_scope(sessions) as session:
        return work(session)


def _claim_due(sessions: sessionmaker[Session], now: datetime) -> list[digests.DueDigest]:
    candidates = _in_session(sessions, lambda s: digests.due_digests(session=s, now=now))
    return [  # each claim in its own transaction, committed before anything is sent
        due
        for due in candidates
        if _in_session(sessions, lambda s, due=due: digests.claim_digest(session=s, due=due, now=now))  # type: ignore[misc]
    ]


async def send_due(
    bot: Bot, sessions: sessionmaker[Session], run_sync: RunSync[Any], now: datetime
) -> dict[str, int]:
    """One scheduler tick: claim, build, send and record every due digest. A person who
    blocked the bot gets the digest turned off; a failed send is released for a later tick."""
    counts = {"sent": 0, "blocked": 0, "failed": 0}
    for due in await run_sync(lambda: _claim_due(sessions, now)):
        try:
            content = await run_sync(
                lambda due=due: _in_session(sessions, lambda s: digests.build_digest(session=s, due=due))  # type: ignore[misc]
            )
            await deliver(bot, due.chat_id, content)
            outcome = "sent"
        except Forbidden:
            outcome = "blocked"
        except (TelegramError, LeakBotError) as exc:
            log.warning("digest for user %s failed, will retry: %s", due.user_id, exc)
            outcome = "failed"
        await run_sync(
            lambda due=due, outcome=outcome: _in_session(  # type: ignore[misc]
                sessions,
                lambda s: digests.record_delivery(session=s, due=due, outcome=outcome, now=datetime.now(UTC)),
            )
        )
        counts[outcome] += 1
    return counts


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue job: send whatever is due."""
    rt = runtime(context)
    assert rt.sessions is not None

    async def run_sync(work: Callable[[], T]) -> T:
        return await in_db_thread(context, work)

    counts = await send_due(context.bot, rt.sessions, run_sync, datetime.now(UTC))
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
    """`leakbot digest --send-due`: one tick outside the bot (cron)."""

    async def main() -> dict[str, int]:
        async with bot:
            return await send_due(bot, sessions, asyncio.to_thread, datetime.now(UTC))

    return asyncio.run(main())
