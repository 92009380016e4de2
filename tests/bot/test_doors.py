"""The same action gets the same answer at every door: a spend logged in chat and with
`leakbot log` is read, scored and explained alike, line for line (verdict, the model's
probability, the pace, the unusual-spend line and the budget alert)."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.cli import app
from db.session import within
from services.config import Settings, get_settings
from services.insights.budgets import set_budget
from services.learning.training import train_all
from services.ledger import entries as ledger
from tests.bot.helpers import reply
from tests.factories import give_verdicts, make_user
from tests.fake_telegram import FakeTelegram

IN_CHAT, AT_THE_COMMAND_LINE = 2001, 2002


def _same_history(db: Session, settings: Settings) -> str:
    """Two people with the same year of spending, the same verdicts (so each gets the same
    personal model), the same dining budget and the same recent dinners; returns the spend
    both will log."""
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    for telegram_id in (IN_CHAT, AT_THE_COMMAND_LINE):
        person = make_user(db, telegram_id=telegram_id)
        give_verdicts(db, person, months=12, taste="night_owl", share=0.3, seed=5)
        set_budget(session=db, user=person, target="dining", amount="5000")
        for k in range(10):  # dinners of a usual size this year, a few of them this month
            day = today - timedelta(days=3 * k + 1)
            ledger.log_text(
                session=db,
                user=person,
                text=f"{180 + 10 * k} dining {day.isoformat()} 8pm",
                now=datetime.now(UTC),
                source_ref=f"usual:{k}",
            )
    db.commit()
    train_all(within(db), model_dir=settings.model_dir)
    db.commit()
    return f"4500 dining upi {today.isoformat()} 10pm"


def _plain(chat_html: str) -> str:
    return html.unescape(re.sub(r"</?(b|i|code|pre)>", "", chat_html))


async def test_a_spend_logged_in_chat_and_on_the_command_line_gets_the_same_reply(
    fake: FakeTelegram, bot, db: Session, bot_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    spend = await asyncio.to_thread(_same_history, db, bot_settings)
    chat = _plain(await reply(fake, IN_CHAT, spend))

    monkeypatch.setenv("DATABASE_URL", bot_settings.database_url)
    monkeypatch.setenv("MODEL_DIR", str(bot_settings.model_dir))
    get_settings.cache_clear()
    try:
        result = await asyncio.to_thread(
            CliRunner().invoke, app, ["log", spend, "--user", str(AT_THE_COMMAND_LINE)]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    cli = re.sub(r"^#\d+ ", "", result.output.strip())

    assert cli == chat
    lines = chat.splitlines()
    assert lines[0] == "₹4,500 Dining Out · UPI"
    assert re.fullmatch(r"(Leak|OK) · your model, \d+% leak \(the rule: \d of 9 points\)", lines[2]), lines[2]
    assert lines[3].startswith("Unusual for you: ₹4,500 on dining out; you usually spend about ₹")
    assert re.fullmatch(
        r"₹4,500 dining out, \d+ times this month: about ₹[\d,]+ a year at this pace", lines[4]
    )
    assert re.fullmatch(
        r"(Heads-up|Over budget): Dining Out (at )?₹[\d,]+ of ₹5,000 this month \(\d+%\)\.", lines[5]
    )
