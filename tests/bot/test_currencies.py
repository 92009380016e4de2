"""A person whose currency has no minor unit (JPY) or three decimals (KWD) sees exact amounts at
every door: chat replies, budgets, settings, the dashboard, the digest and the command line."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import app
from services.config import Settings, get_settings
from tests.bot.conftest import running_bot
from tests.bot.helpers import reply
from tests.fake_telegram import Call, FakeTelegram

KUWAIT = 3001


async def test_a_kuwaiti_dinar_ledger_in_chat(fake: FakeTelegram, bot_settings: Settings) -> None:
    settings = bot_settings.model_copy(update={"default_currency": "KWD", "default_timezone": "Asia/Kuwait"})
    today = datetime.now(ZoneInfo("Asia/Kuwait")).date()
    async with running_bot(settings):
        assert "micro: KWD 1 (spends below this are micro)" in await reply(fake, KUWAIT, "/settings")
        assert await reply(fake, KUWAIT, "/budget dining 10") == "Budget on Dining Out: KWD 10 a month."
        logged = await reply(fake, KUWAIT, f"4.250 dining {today.isoformat()} 9pm")
        assert logged.startswith("<b>KWD 4.250 Dining Out · Other</b>")
        # a weekend adds its own point: the points depend on the day the test runs
        assert re.search(r"Leak · [56] of 9 points \(leak from 5\): not necessary", logged)
        assert "micro" not in logged
        assert "KWD 4.250 dining out, once this month: about KWD 51 a year at this pace" in logged
        small = await reply(fake, KUWAIT, f"0.750 dining {today.isoformat()} 9pm")
        assert re.search(r"Leak · [67] of 9 points \(leak from 5\): micro spend", small)
        assert "budget" not in small.lower()  # 50%
        big = await reply(fake, KUWAIT, f"4.125 dining {today.isoformat()} 9pm")
        assert "Heads-up: Dining Out at KWD 9.125 of KWD 10 this month (91%)." in big
        budgets = await reply(fake, KUWAIT, "/budget")
        assert "Dining Out: KWD 9.125 of KWD 10 (91%)" in budgets
        recent = await reply(fake, KUWAIT, "/recent 1")
        assert "KWD 4.125 Dining Out" in recent
        before = len(fake.sent("sendPhoto", chat_id=KUWAIT))
        fake.send_text(KUWAIT, "/dashboard")
        photo = (await _wait(fake, "sendPhoto", before + 1))[-1]
        assert "Expenses KWD 9.125" in photo.params["caption"]


async def _wait(fake: FakeTelegram, method: str, count: int) -> list[Call]:
    return await asyncio.to_thread(fake.wait_for, method, chat_id=KUWAIT, count=count)


@pytest.fixture
def yen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'yen.db'}")
    monkeypatch.setenv("DEFAULT_CURRENCY", "JPY")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Asia/Tokyo")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_yen_ledger_on_the_command_line(yen: CliRunner, tmp_path: Path) -> None:
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Tokyo")).date()
    dinner = _run(yen, "log", f"12300 dining {today.isoformat()} 8pm", "--user", "5")
    assert "¥12,300 Dining Out · Other" in dinner
    # a weekend adds its own point: the points depend on the day the test runs
    assert re.search(
        r"Leak · [56] of 9 points \(leak from 5\): not necessary, impulsive context \(unplanned\), evening",
        dinner,
    )
    assert "micro" not in dinner
    coffee = _run(yen, "log", f"450 coffee {today.isoformat()} 8pm", "--user", "5")
    assert re.search(r"Leak · [67] of 9 points \(leak from 5\): micro spend", coffee) and "¥450" in coffee
    listing = _run(yen, "entries", "--user", "5")
    assert "¥12,300  Dining Out" in listing and "¥450  Dining Out" in listing
    answer = json.loads(_run(yen, "ask", "monthly_spend", "--user", "5", "--format", "json"))
    assert answer["rows"] == [[today.month, 12_750]]
    table = _run(yen, "ask", "monthly_spend", "--user", "5")
    assert re.search(rf"^\s+{today.month}\s+12,750$", table, re.M) and "You spent ¥12,750 in" in table
    summary = _run(yen, "dashboard", "--user", "5", "--out", "dash.png")
    assert "Expenses ¥12,750" in summary and "Top category: Dining Out, ¥12,750" in summary
    _run(yen, "report", "--user", "5", "--out", "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
