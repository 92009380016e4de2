"""The dashboard Mini App in a real browser (Debian's chromium, driven by Playwright): opened
as Telegram opens it, with launch parameters signed by the test's token in the URL fragment,
it shows the data, filters when a category is tapped, and a verdict tap reaches the database.

`make browser` installs chromium when it is missing; with CI=true a missing browser fails.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Entry
from services import synthetic
from services.config import Settings
from services.money import format_money
from services.reporting.board import BoardFilter, board_data
from services.reporting.dashboard import dashboard_data
from tests.bot.conftest import running_bot
from tests.bot.helpers import free_port
from tests.bot.test_webapp import launch_data
from tests.factories import make_user
from tests.fake_telegram import FakeTelegram

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path("/work/screens")  # a copy for review, when that folder can be made
PHONE = {"width": 390, "height": 844}
ALICE = 5201
# The colours Telegram passes a Mini App (tgWebAppThemeParams), day and night.
THEMES = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#707579",
        "link_color": "#3390ec",
        "button_color": "#3390ec",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#f4f4f5",
    },
    "dark": {
        "bg_color": "#17212b",
        "text_color": "#f5f5f5",
        "hint_color": "#708499",
        "link_color": "#6ab3f3",
        "button_color": "#5288c1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c",
    },
}


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    if not CHROMIUM.exists() or not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: `make browser` installs it")
        pytest.skip("chromium is missing: `make browser` installs it")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is missing: pip install -e '.[dev]'")
        pytest.skip("playwright is missing: pip install -e '.[dev]'")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


def page_url(port: int, user_id: int, theme: str, month: str) -> str:
    """The address as Telegram opens it: launch parameters in the fragment."""
    fragment = "&".join(
        [
            f"tgWebAppData={quote(launch_data(user_id), safe='')}",
            "tgWebAppVersion=7.10",
            "tgWebAppPlatform=android",
            f"tgWebAppThemeParams={quote(json.dumps(THEMES[theme]), safe='')}",
        ]
    )
    return f"http://127.0.0.1:{port}/app/?month={month}#{fragment}"


def keep_for_review(shot: Path, name: str) -> None:
    try:
        SCREENS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENS / name)
    except OSError:
        pass  # a machine without /work: the pytest copy is enough


async def tile(page: Any, key: str) -> str:
    return str(await page.inner_text(f'#tiles [data-key="{key}"] .value'))


async def test_the_page_shows_filters_and_changes_the_data(
    chromium: Any, fake: FakeTelegram, bot_settings: Settings, db: Session, tmp_path: Path
) -> None:
    alice = make_user(db, telegram_id=ALICE)
    synthetic.store_generated(db, alice, months=16, seed=3)
    port = free_port()
    settings = bot_settings.model_copy(update={"webapp_port": port, "webapp_host": "127.0.0.1"})
    async with running_bot(settings):
        for theme in ("light", "dark"):
            db.expire_all()
            expected = dashboard_data(db, alice, year=2024, month=3)  # the light run changed a verdict
            context = await chromium.new_context(viewport=PHONE, color_scheme=theme, device_scale_factor=2)
            # Telegram's app bridge, as Android and iOS put it in the page.
            await context.add_init_script(
                "window.TelegramWebviewProxy = {postEvent: (t) => (window.told = window.told || []).push(t)}"
            )
            page = await context.new_page()
            await page.goto(page_url(port, ALICE, theme, "2024-03"))
            await page.wait_for_selector("body[data-ready=yes]")
            assert await page.input_value("#month") == "2024-03"
            assert await tile(page, "income") == format_money(expected.income.value_minor, "INR")
            assert await tile(page, "expenses") == format_money(expected.expenses.value_minor, "INR")
            assert await tile(page, "savings") == format_money(expected.savings.value_minor, "INR")
            assert await tile(page, "leaks") == format_money(expected.leak_total_minor, "INR")
            shot = tmp_path / f"board-{theme}.png"
            await page.screenshot(path=str(shot))
            keep_for_review(shot, f"board-{theme}.png")
            await page.screenshot(path=str(tmp_path / f"board-{theme}-full.png"), full_page=True)
            keep_for_review(tmp_path / f"board-{theme}-full.png", f"board-{theme}-full.png")
            if theme == "dark":
                background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert background == "rgb(23, 33, 43)"  # Telegram's own colour, not the fallback
                assert await page.evaluate("window.told") == ["web_app_ready", "web_app_expand"]
                theme_changed = "{theme_params: {bg_color: '#000000', text_color: '#ffffff'}}"
                await page.evaluate(f"Telegram.WebView.receiveEvent('theme_changed', {theme_changed})")
                background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert background == "rgb(0, 0, 0)"  # the app's theme changed: the page follows
                await context.close()
                continue

            # Tap the largest category: every tile and the list follow, a chip shows the filter.
            category = expected.by_category[0][0]
            await page.click(f'#expenses-chart [data-category="{category}"]')
            await page.wait_for_selector('.chip[data-filter="category"]')
            wanted = board_data(db, alice, year=2024, month=3, chosen=BoardFilter(category=category))
            assert await tile(page, "expenses") == format_money(wanted.expenses.value_minor, "INR")
            assert await tile(page, "leaks") == format_money(wanted.leaks.value_minor, "INR")
            listed = await page.locator("#entries li .category").all_inner_texts()
            assert listed and set(listed) == {category}
            assert await page.inner_text("#entries-title") == f"Entries ({wanted.entries_total})"
            await page.screenshot(path=str(tmp_path / "board-filtered.png"))
            keep_for_review(tmp_path / "board-filtered.png", "board-filtered.png")

            # Tap "Leak" on an entry that is none: the database has the person's call.
            spends = db.scalars(
                select(Entry).where(
                    Entry.user_id == alice.id,
                    Entry.category == category,
                    Entry.type == "expense",
                    Entry.local_date >= "2024-03-01",
                    Entry.local_date < "2024-04-01",
                )
            ).all()
            shown = {
                int(i)
                for i in await page.locator("#entries li").evaluate_all("l => l.map(e => e.dataset.id)")
            }
            entry = next(e for e in spends if not e.is_leak and e.id in shown)
            leak_total = wanted.leaks.value_minor
            await page.click(f'#entries li[data-id="{entry.id}"] button.leak')
            await page.wait_for_selector(f'#entries li[data-id="{entry.id}"] button.leak.on')
            db.expire_all()
            stored = db.get(Entry, entry.id)
            assert stored is not None and (stored.user_verdict, stored.is_leak) == (True, True)
            assert await tile(page, "leaks") == format_money(leak_total + entry.amount_minor, "INR")

            # The chip clears the filter.
            await page.click('.chip[data-filter="category"]')
            await page.wait_for_selector('.chip[data-filter="category"]', state="detached")
            assert await tile(page, "expenses") == format_money(expected.expenses.value_minor, "INR")

            # Tap an expense's category and pick another one: the entry moves.
            row = page.locator('#entries li[data-type="expense"]').first
            moved_id = int(await row.get_attribute("data-id") or 0)
            before = await row.locator(".category").inner_text()
            await row.locator(".category").click()
            await page.wait_for_selector("#sheet:not([hidden]) #sheet-options button")
            await page.screenshot(path=str(tmp_path / "board-category.png"))
            keep_for_review(tmp_path / "board-category.png", "board-category.png")
            target = next(
                t for t in await page.locator("#sheet-options button").all_inner_texts() if t != before
            )
            await page.locator("#sheet-options").get_by_role("button", name=target, exact=True).click()
            await page.wait_for_selector(f'#entries li[data-id="{moved_id}"] .category:text-is("{target}")')
            db.expire_all()
            assert db.get(Entry, moved_id).category == target  # type: ignore[union-attr]
            await context.close()


async def test_without_launch_data_the_page_says_where_to_open_it(
    chromium: Any, fake: FakeTelegram, bot_settings: Settings
) -> None:
    port = free_port()
    settings = bot_settings.model_copy(update={"webapp_port": port, "webapp_host": "127.0.0.1"})
    async with running_bot(settings):
        page = await chromium.new_page(viewport=PHONE)
        await page.goto(f"http://127.0.0.1:{port}/app/")
        await page.wait_for_selector("body[data-ready=no]")
        assert "Open the dashboard from LeakBot's chat" in await page.inner_text("#message")
        forged = await chromium.new_page(viewport=PHONE)
        made_up = quote('user={"id":1}&hash=x', safe="")
        await forged.goto(f"http://127.0.0.1:{port}/app/#tgWebAppData={made_up}")
        await forged.wait_for_selector("body[data-ready=no]")
        assert "more than a day old" in await forged.inner_text("#message")
