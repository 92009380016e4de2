"""Scheduled sends within Telegram's limits: many people's digests due in the same minute, and
many renewal reminders at once, through the real bot and its JobQueue, with the fake Bot API
server answering 429 beyond the limits as Telegram does. The limits are scaled down (10 sends
a second overall instead of 30, one a second per chat as Telegram) so 40 people make the same
bursts 1,000 would, in seconds."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram.ext import Application, ContextTypes

from bot import digests, learning, pacing
from bot.pacing import BroadcastPacer
from db.models import Digest
from services.insights.subscriptions import Detected, Reminder
from services.ledger import entries as ledger
from services.usecases import learning as learning_usecases
from tests import fake_telegram
from tests.factories import make_user
from tests.fake_telegram import FakeTelegram

PER_SECOND, PER_CHAT_PER_SECOND = 10, 1  # the fake's limits here, and the pacer's
PEOPLE = 40
WITH_CHARTS = range(0, PEOPLE, 5)  # every fifth person logged spending: text + album
FIRST_ID = 50_000
UNPACED = {"per_second": 1_000_000, "per_chat_interval_s": 0.0, "sends_at_once": 1_000_000}


def _post(fake: FakeTelegram, method: str, **params: object) -> tuple[int, dict[str, object]]:
    """One Bot API call straight to the fake, no retries: its HTTP status and answer."""
    request = urllib.request.Request(
        f"{fake.base_url}{fake_telegram.TOKEN}/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_fake_answers_sends_beyond_the_limits_with_429_and_retry_after(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_telegram, "LIMIT_WINDOW_S", 60.0)  # however slow the machine, one window
    assert _post(fake, "sendMessage", chat_id=1, text="a")[0] == 200  # not enforced yet
    assert _post(fake, "sendMessage", chat_id=1, text="b")[0] == 200
    fake.enforce_limits(per_second=3, per_chat_per_second=1, retry_after=2)
    assert _post(fake, "sendMessage", chat_id=1, text="c")[0] == 200
    status, answer = _post(fake, "sendPhoto", chat_id=1)  # a second send to one chat
    assert status == 429 and answer["parameters"] == {"retry_after": 2}
    assert _post(fake, "sendMessage", chat_id=2, text="d")[0] == 200
    assert _post(fake, "sendMediaGroup", chat_id=3, media=[])[0] == 200
    assert _post(fake, "sendDocument", chat_id=4)[0] == 429  # a fourth send overall
    assert _post(fake, "getMe")[0] == 200 and _post(fake, "answerCallbackQuery")[0] == 200  # not sends
    assert fake.too_many == 2
    assert [c.params.get("text") for c in fake.sent(chat_id=1)] == ["a", "b", "c"]  # 429s were not sent


def _people_due_now(db: Session) -> list[int]:
    """PEOPLE people whose digest was due five minutes ago; those in WITH_CHARTS spent last week."""
    now = datetime.now(UTC)
    ids = []
    for k in range(PEOPLE):
        person = make_user(db, telegram_id=FIRST_ID + k)
        scheduled = (now - timedelta(minutes=5)).astimezone(ZoneInfo(person.timezone))
        person.digest_weekday = scheduled.weekday()
        person.digest_minute_of_day = scheduled.hour * 60 + scheduled.minute
        if k in WITH_CHARTS:
            for days, text in ((2, "450 dining"), (3, "1200 groceries")):
                day = (scheduled.date() - timedelta(days=days)).isoformat()
                ledger.log_text(
                    session=db, user=person, text=f"{text} {day} 9pm", now=now, source_ref=f"b{days}"
                )
        ids.append(person.telegram_id)
    db.commit()
    return ids


async def _run_job(app: Application, job: Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]]) -> None:  # type: ignore[type-arg]
    """Run job once through the bot's JobQueue, as its schedule would, and wait for it."""
    done = asyncio.Event()

    async def once(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await job(context)
        finally:
            done.set()

    assert app.job_queue is not None
    app.job_queue.run_once(once, 0)
    await asyncio.wait_for(done.wait(), 45)


def _assert_everyone_got_their_digest_once(fake: FakeTelegram, db: Session, ids: list[int]) -> None:
    for k, chat_id in enumerate(ids):
        texts = [c.params["text"] for c in fake.sent(chat_id=chat_id)]
        albums = fake.sent("sendMediaGroup", chat_id=chat_id)
        if k in WITH_CHARTS:
            assert len(texts) == 1 and "Spent ₹1,650" in texts[0] and len(albums) == 1, (k, texts)
        else:
            assert len(texts) == 1 and "No spending logged this week" in texts[0] and albums == [], (k, texts)
    db.rollback()
    assert [d.status for d in db.scalars(select(Digest))] == ["sent"] * PEOPLE


async def test_digests_due_in_the_same_minute_reach_everyone_without_a_429(
    fake: FakeTelegram,
    bot: Application,
    db: Session,  # type: ignore[type-arg]
) -> None:
    ids = _people_due_now(db)
    bot.bot_data[pacing.BOT_DATA_KEY] = BroadcastPacer(PER_SECOND, 1 / PER_CHAT_PER_SECOND)
    fake.enforce_limits(per_second=PER_SECOND, per_chat_per_second=PER_CHAT_PER_SECOND)
    await _run_job(bot, digests.tick)
    _assert_everyone_got_their_digest_once(fake, db, ids)
    assert fake.too_many == 0


async def test_unpaced_the_same_digests_get_429s_which_are_waited_out(
    fake: FakeTelegram,
    bot: Application,
    db: Session,  # type: ignore[type-arg]
) -> None:
    """What the pacer saves: sent as fast as they are built, the same digests break both
    limits; RetryingRequest waits out each 429 as Telegram asks, so they still arrive."""
    ids = _people_due_now(db)
    bot.bot_data[pacing.BOT_DATA_KEY] = BroadcastPacer(**UNPACED)  # type: ignore[arg-type]
    fake.enforce_limits(per_second=PER_SECOND, per_chat_per_second=PER_CHAT_PER_SECOND)
    await _run_job(bot, digests.tick)
    _assert_everyone_got_their_digest_once(fake, db, ids)
    assert fake.too_many > 0


def _reminder(chat_id: int, label: str) -> Reminder:
    renews = date.today() + timedelta(days=3)
    detected = Detected(
        key=label,
        label=label,
        period="monthly",
        period_days=30,
        amount_minor=64_900,
        monthly_minor=64_900,
        yearly_minor=64_900 * 12,
        last=renews - timedelta(days=30),
        next_expected=renews,
        occurrences=5,
        price_rise_from=None,
        stopped=False,
    )
    return Reminder(chat_id, chat_id, "INR", detected)


async def test_renewal_reminders_due_at_once_reach_everyone_without_a_429(
    fake: FakeTelegram,
    bot: Application,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[type-arg]
) -> None:
    """Two renewals each for 20 people (which renewals are due is tests/services/insights'
    business): 40 sends, two to every chat, each chat's a second apart."""
    chats = [FIRST_ID + k for k in range(20)]
    due = tuple(_reminder(chat, label) for label in ("netflix", "spotify") for chat in chats)
    monkeypatch.setattr(learning_usecases, "renewal_reminders", lambda **_: due)
    bot.bot_data[pacing.BOT_DATA_KEY] = BroadcastPacer(PER_SECOND, 1 / PER_CHAT_PER_SECOND)
    fake.enforce_limits(per_second=PER_SECOND, per_chat_per_second=PER_CHAT_PER_SECOND)
    await _run_job(bot, learning.renewal_reminders)
    for chat in chats:
        texts = sorted(c.params["text"] for c in fake.sent(chat_id=chat))
        assert len(texts) == 2 and texts[0].startswith("Still using netflix? It renews on"), texts
        assert texts[1].startswith("Still using spotify? It renews on")
    assert fake.too_many == 0
