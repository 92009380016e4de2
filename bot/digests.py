"""The weekly digest in chat: /digest settings and preview, and the scheduler tick that sends
due digests (JobQueue every minute; `leakbot digest --send-due` runs the same tick)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InputMediaPhoto, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.runtime import in_db_thread, runtime, with_person
from db.models import User
from db.session import session_scope
from services import digest, ledger
from services.errors import LeakBotError

log = logging.getLogger(__name__)
T = TypeVar("T")
RunSync = Callable[[Callable[[], T]], Awaitable[T]]


async def deliver(bot: Bot, chat_id: int, content: digest.Content) -> None:
    """The text, then the charts as one album (or one photo)."""
    await bot.send_message(chat_id, content.text, parse_mode=ParseMode.HTML)
    if len(content.images) == 1:
        await bot.send_photo(chat_id, content.images[0])
    elif content.images:
        await bot.send_media_group(chat_id, [InputMediaPhoto(image) for image in content.images])


@dataclass(frozen=True)
class Claimed:
    user_id: int
    chat_id: int
    week_ending: date


def _claim_due(sessions: sessionmaker[Session], now: datetime) -> list[Claimed]:
    with session_scope(sessions) as session:
        candidates = [
            (d.user.id, d.user.chat_id or d.user.telegram_id, d.week_ending) for d in digest.due(session, now)
        ]
    claimed = []
    for user_id, chat_id, week_ending in candidates:
        with session_scope(sessions) as session:  # committed before anything is sent
            if digest.claim(session, user_id, week_ending, now):
                claimed.append(Claimed(user_id, chat_id, week_ending))
    return claimed


def _build(sessions: sessionmaker[Session], item: Claimed) -> digest.Content:
    with session_scope(sessions) as session:
        user = session.get(User, item.user_id)
        assert user is not None
        return digest.build(session, user, item.week_ending)


def _mark(sessions: sessionmaker[Session], item: Claimed, outcome: str) -> None:
    with session_scope(sessions) as session:
        digest.mark(session, item.user_id, item.week_ending, outcome, datetime.now(UTC))


async def send_due(
    bot: Bot, sessions: sessionmaker[Session], run_sync: RunSync[Any], now: datetime
) -> dict[str, int]:
    """One scheduler tick: claim, build, send and record every due digest. A person who
    blocked the bot gets the digest turned off; a failed send is released for a later tick."""
    counts = {"sent": 0, "blocked": 0, "failed": 0}
    for item in await run_sync(lambda: _claim_due(sessions, now)):
        try:
            content = await run_sync(lambda item=item: _build(sessions, item))  # type: ignore[misc]
            await deliver(bot, item.chat_id, content)
            outcome = "sent"
        except Forbidden:
            outcome = "blocked"
        except (TelegramError, LeakBotError) as exc:
            log.warning("digest for user %s failed, will retry: %s", item.user_id, exc)
            outcome = "failed"
        await run_sync(lambda item=item, outcome=outcome: _mark(sessions, item, outcome))  # type: ignore[misc]
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

        def preview(session: Session, person: User) -> digest.Content:
            today = ledger.local_datetime(datetime.now(UTC), person.timezone).date()
            return digest.build(session, person, today)

        content = await with_person(update, context, preview)
        await deliver(context.bot, chat.id, content)
        return
    try:
        text = await with_person(
            update,
            context,
            lambda s, p: (
                digest.describe_schedule(p) if not args else digest.set_schedule(session=s, user=p, text=args)
            ),
        )
    except LeakBotError as exc:
        text = str(exc)
    await message.reply_text(text)


def run_once(bot: Bot, sessions: sessionmaker[Session]) -> dict[str, int]:
    """`leakbot digest --send-due`: one tick outside the bot (cron)."""

    async def main() -> dict[str, int]:
        async with bot:
            return await send_due(bot, sessions, asyncio.to_thread, datetime.now(UTC))

    return asyncio.run(main())
