"""The dashboard Mini App's API: only genuine, fresh launch data gets an answer, a person
sees and changes only their own entries, and the numbers and taps are the use cases'."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.webapp import launch_person, sign_launch_data
from db.models import Entry, User
from services import synthetic
from services.config import Settings
from services.reporting.board import BoardFilter, board_data
from services.reporting.dashboard import dashboard_data
from tests.bot.conftest import running_bot
from tests.bot.helpers import free_port
from tests.factories import make_user
from tests.fake_telegram import TOKEN, FakeTelegram

ALICE, BOB = 5101, 5102
MONTH = "2024-03"


def launch_data(user_id: int, *, token: str = TOKEN, age_s: float = 60, **extra: str) -> str:
    """Launch data as Telegram signs it for the Mini App."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Asha", "language_code": "en"}),
        "auth_date": str(int(time.time() - age_s)),
        **extra,
    }
    return sign_launch_data(fields, token=token)


def tma(init_data: str) -> dict[str, str]:
    return {"Authorization": f"tma {init_data}"}


def arrange(db: Session) -> tuple[User, User]:
    alice, bob = make_user(db, telegram_id=ALICE), make_user(db, telegram_id=BOB)
    synthetic.store_generated(db, alice, months=16, seed=3)
    synthetic.store_generated(db, bob, months=16, seed=5)
    return alice, bob


def an_expense(db: Session, user: User, **where: Any) -> Entry:
    query = select(Entry).where(
        Entry.user_id == user.id, Entry.type == "expense", Entry.local_date >= "2024-03-01"
    )
    for name, value in where.items():
        query = query.where(getattr(Entry, name) == value)
    entry = db.scalars(query.order_by(Entry.id).limit(1)).first()
    assert entry is not None
    return entry


@asynccontextmanager
async def webhook_bot(settings: Settings) -> AsyncIterator[str]:
    port = free_port()
    async with running_bot(settings, webhook_port=port):
        yield f"http://127.0.0.1:{port}/app"


def test_launch_data_is_checked_as_telegram_documents() -> None:
    """The example of Telegram's procedure, computed independently of sign_launch_data."""
    import hashlib
    import hmac
    from urllib.parse import quote

    now = time.time()
    user = '{"id":42,"first_name":"A"}'
    check = f"auth_date={int(now)}\nuser={user}"
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    genuine = f"user={quote(user)}&auth_date={int(now)}&hash={digest}"
    assert launch_person(genuine, token=TOKEN, now=now) == 42
    assert launch_person(genuine, token="654321:other", now=now) is None
    assert launch_person(genuine.replace("42", "43"), token=TOKEN, now=now) is None
    assert launch_person(genuine, token=TOKEN, now=now + 24 * 3600 + 1) is None  # a day old
    assert launch_person(genuine, token=TOKEN, now=now - 3600) is None  # signed in the future
    assert launch_person(genuine + "&hash=" + digest, token=TOKEN, now=now) is None  # a field twice
    assert launch_person("", token=TOKEN, now=now) is None


async def test_only_genuine_fresh_launch_data_gets_an_answer(
    fake: FakeTelegram, bot_settings: Settings, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    alice, bob = arrange(db)
    bobs = an_expense(db, bob)
    before = (bobs.user_verdict, bobs.is_leak, bobs.category)
    async with webhook_bot(bot_settings) as app, httpx.AsyncClient() as client:
        page = await client.get(f"{app}/")
        assert page.status_code == 200 and "app.js" in page.text and "https://" not in page.text
        assert (
            (await client.get(f"{app}/app.js")).headers["content-type"].startswith("application/javascript")
        )
        board = f"{app}/api/board?month={MONTH}"
        refused = [
            await client.get(board),  # no launch data
            await client.get(board, headers={"Authorization": f"Bearer {launch_data(ALICE)}"}),
            await client.get(board, headers=tma(launch_data(ALICE, token="654321:not-this-bot"))),
            await client.get(board, headers=tma(launch_data(ALICE).replace(str(ALICE), str(BOB)))),
            await client.get(board, headers=tma(launch_data(ALICE, age_s=25 * 3600))),  # expired
            await client.get(board, headers=tma(launch_data(ALICE, age_s=-3600))),  # from the future
            await client.post(
                f"{app}/api/entries/{bobs.id}/verdict",
                json={"is_leak": not bobs.is_leak},
                headers=tma(launch_data(BOB, token="654321:not-this-bot")),
            ),
        ]
        assert [(r.status_code, r.content) for r in refused] == [(401, b"")] * len(refused)

        mine = await client.get(board, headers=tma(launch_data(ALICE)))
        assert mine.status_code == 200
        # Bob's entry through Alice's launch data: as if it did not exist, and nothing changes.
        theirs = await client.post(
            f"{app}/api/entries/{bobs.id}/verdict", json={"is_leak": True}, headers=tma(launch_data(ALICE))
        )
        moved = await client.post(
            f"{app}/api/entries/{bobs.id}/category",
            json={"category": "Rent"},
            headers=tma(launch_data(ALICE)),
        )
        menu = await client.get(f"{app}/api/entries/{bobs.id}/categories", headers=tma(launch_data(ALICE)))
        assert [r.status_code for r in (theirs, moved, menu)] == [404, 404, 404]
    db.expire_all()
    bobs = db.get(Entry, bobs.id)
    assert bobs is not None and (bobs.user_verdict, bobs.is_leak, bobs.category) == before
    assert "auth_date" not in caplog.text and "query_id" not in caplog.text and TOKEN not in caplog.text
    ids = {e["id"] for e in mine.json()["entries"]["items"]}
    assert ids and all(db.get(Entry, i).user_id == alice.id for i in ids)  # type: ignore[union-attr]


async def test_the_board_is_the_data_and_a_tap_goes_through_the_use_cases(
    fake: FakeTelegram, bot_settings: Settings, db: Session
) -> None:
    alice, _ = arrange(db)
    expected = dashboard_data(db, alice, year=2024, month=3)
    async with webhook_bot(bot_settings) as app, httpx.AsyncClient() as client:
        auth = tma(launch_data(ALICE))
        shown = (await client.get(f"{app}/api/board?month={MONTH}", headers=auth)).json()
        tiles = {t["key"]: t for t in shown["tiles"]}
        assert tiles["income"]["value"]["minor"] == expected.income.value_minor
        assert tiles["expenses"]["value"]["minor"] == expected.expenses.value_minor
        assert tiles["expenses"]["previous"]["minor"] == expected.expenses.previous_minor
        assert tiles["savings"]["value"]["minor"] == expected.savings.value_minor
        assert tiles["leaks"]["value"]["minor"] == expected.leak_total_minor
        assert tiles["rate"]["value"]["text"] == f"{expected.savings_rate:.0f}%"
        assert shown["label"] == "March 2024" and tiles["income"]["value"]["text"].startswith("₹")
        assert [
            (c["category"], c["amount"]["minor"]) for c in shown["expenses_by_category"]
        ] == expected.by_category

        category = expected.by_category[0][0]
        filtered = (
            await client.get(f"{app}/api/board", params={"month": MONTH, "category": category}, headers=auth)
        ).json()
        wanted = board_data(db, alice, year=2024, month=3, chosen=BoardFilter(category=category))
        assert filtered["filter"]["category"] == category
        assert {t["key"]: t["value"].get("minor") for t in filtered["tiles"]}[
            "expenses"
        ] == wanted.expenses.value_minor
        assert {e["category"] for e in filtered["entries"]["items"]} == {category}
        assert filtered["entries"]["total"] == wanted.entries_total
        bad = await client.get(
            f"{app}/api/board", params={"month": MONTH, "payment_mode": "Cheque"}, headers=auth
        )
        assert bad.status_code == 400 and "Payment modes" in bad.json()["error"]

        entry = an_expense(db, alice, is_leak=False)
        tapped = await client.post(
            f"{app}/api/entries/{entry.id}/verdict", json={"is_leak": True}, headers=auth
        )
        assert tapped.status_code == 200 and tapped.json()["verdict"] == "Leak"
        menu = (await client.get(f"{app}/api/entries/{entry.id}/categories", headers=auth)).json()
        target = next(c for c in menu["categories"] if c != entry.category)
        moved = await client.post(
            f"{app}/api/entries/{entry.id}/category", json={"category": target}, headers=auth
        )
        assert moved.status_code == 200 and moved.json()["category"] == target
        income = db.scalars(select(Entry).where(Entry.user_id == alice.id, Entry.type == "income")).first()
        assert income is not None
        no = await client.post(f"{app}/api/entries/{income.id}/verdict", json={"is_leak": True}, headers=auth)
        assert no.status_code == 400 and "Only expenses" in no.json()["error"]
    db.expire_all()
    stored = db.get(Entry, entry.id)
    assert stored is not None
    assert (stored.user_verdict, stored.is_leak, stored.decided_by, stored.category) == (
        True,
        True,
        "you",
        target,
    )


async def test_polling_serves_the_page_on_its_own_port_and_chat_opens_it(
    fake: FakeTelegram, bot_settings: Settings, db: Session
) -> None:
    make_user(db, telegram_id=ALICE)
    port = free_port()
    settings = bot_settings.model_copy(
        update={
            "webapp_port": port,
            "webapp_host": "127.0.0.1",
            "webapp_url": "https://leak.example.org",
            "allowed_user_ids": frozenset({ALICE}),
        }
    )
    async with running_bot(settings), httpx.AsyncClient() as client:
        page = await client.get(f"http://127.0.0.1:{port}/app/")
        answer = await client.get(f"http://127.0.0.1:{port}/app/api/board", headers=tma(launch_data(ALICE)))
        assert page.status_code == 200 and answer.status_code == 200
        assert (await client.get(f"http://127.0.0.1:{port}/app/api/board")).status_code == 401
        outsider = await client.get(f"http://127.0.0.1:{port}/app/api/board", headers=tma(launch_data(BOB)))
        assert (outsider.status_code, outsider.content) == (403, b"")
        menu = fake.wait_for("setChatMenuButton")[0].params["menu_button"]
        menu = json.loads(menu) if isinstance(menu, str) else menu
        assert menu == {
            "type": "web_app",
            "text": "Dashboard",
            "web_app": {"url": "https://leak.example.org/app/"},
        }
        before = len(fake.sent("sendPhoto", chat_id=ALICE))
        fake.send_text(ALICE, "/dashboard 2024-03")
        photo = (await asyncio.to_thread(fake.wait_for, "sendPhoto", chat_id=ALICE, count=before + 1))[before]
    markup = photo.params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    button = markup["inline_keyboard"][0][0]
    assert button == {
        "text": "Open dashboard",
        "web_app": {"url": "https://leak.example.org/app/?month=2024-03"},
    }


@pytest.mark.parametrize("url", ["ftp://x.org", "leak.example.org"])
def test_the_page_address_must_be_a_web_address(url: str) -> None:
    with pytest.raises(ValueError, match="public address"):
        Settings(_env_file=None, webapp_url=url)  # type: ignore[call-arg]
