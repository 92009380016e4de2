"""Faults: the process killed in the middle of a 100,000-row import (after the importer says
it stored its second batch) leaves nothing, and the same file then imports completely, once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.migrate import upgrade
from db.models import Entry, Import, ImportFile, InboxUpdate
from db.session import make_engine
from services.synthetic import generate, to_csv_bytes
from tests.fake_telegram import TOKEN, Call, FakeTelegram

ROWS = 100_000


def _leakbot(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    code = "from bot.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _bot_env(fake: FakeTelegram, url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.file_base_url,
        "MODEL_DIR": str(tmp_path / "models"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        entries = connection.scalar(select(func.count()).select_from(Entry))
        imports = connection.scalar(select(func.count()).select_from(Import))
    engine.dispose()
    return int(entries or 0), int(imports or 0)


def test_sigkill_mid_import_and_the_retry_imports_everything_once(tmp_path: Path) -> None:
    frame = generate(months=1_700, seed=5).head(ROWS)
    assert len(frame) == ROWS
    csv_path = tmp_path / "big.csv"
    csv_path.write_bytes(to_csv_bytes(frame))
    database = tmp_path / "bot.db"
    url = f"sqlite:///{database}"
    upgrade(url)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}

    process = _leakbot("import", str(csv_path), "--user", "7", env=env)
    assert process.stderr is not None
    reported = []
    for line in iter(process.stderr.readline, b""):  # the importer says what it has stored so far
        reported.append(line.decode().strip())
        if reported[-1] == "stored 20,000 of 100,000 rows":  # after its second batch
            break
    assert reported[-1] == "stored 20,000 of 100,000 rows", reported
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    engine = make_engine(url)
    with engine.connect() as connection:  # its batches so far, marked unfinished, file kept
        assert connection.execute(select(Import.status)).scalars().all() == ["importing"]
        assert connection.scalar(select(func.count()).select_from(ImportFile)) == 1
    engine.dispose()

    done = _leakbot("import", str(csv_path), "--user", "7", env=env)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    assert "Removed 1 import(s) cut off before they finished." in err.decode()
    assert "100,000 imported" in out.decode()
    assert _counts(url) == (ROWS, 1)
    again = _leakbot("import", str(csv_path), "--user", "7", env=env)
    out, _ = again.communicate(timeout=300)
    assert "0 imported, 100,000 duplicates" in out.decode()
    assert _counts(url)[0] == ROWS


async def test_a_graceful_stop_finishes_what_it_took_and_a_restart_takes_the_rest(
    fake, bot_settings, db
) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.bot.conftest import running_bot

    messages = 30
    async with running_bot(bot_settings):
        for k in range(messages):
            fake.send_text(1001, f"{100 + k} dining upi", message_id=5000 + k)
        await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=1001)
    first_run = db.scalar(select(func.count()).select_from(Entry))
    assert first_run >= 1
    replies_first = len(fake.sent(chat_id=1001))
    assert replies_first == first_run  # everything taken before the stop was finished and answered
    async with running_bot(bot_settings):
        await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=1001, count=messages, timeout=30)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Entry)) == messages


def test_sigkill_during_a_flood_loses_no_update_telegram_was_told_arrived(tmp_path: Path) -> None:
    """`leakbot run` is killed with SIGKILL while 30 people's 300 spends pour in. The fake
    forgets what the bot confirmed, as Telegram does, so only the inbox can bring back what
    was taken and not yet handled: after a restart every spend is stored exactly once, and
    none is answered twice. (Before the inbox, 432 of 600 were lost this way.)"""
    fake = FakeTelegram().start()
    fake.remembers_confirmed = False
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    env = _bot_env(fake, url, tmp_path)
    people, each = 30, 10
    try:
        first = _leakbot("run", env=env)
        fake.wait_for("setMyCommands", timeout=60)
        for k in range(people * each):
            fake.send_text(3000 + k % people, f"{100 + k} dining upi", message_id=20_000 + k)
        fake.wait_for("sendMessage", count=people, timeout=60)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        stored_before = _counts(url)[0]
        taken = fake.confirmed - 1  # update ids up to this were confirmed to Telegram
        assert taken > stored_before, "nothing was taken and unhandled at the kill; the test proves nothing"
        second = _leakbot("run", env=env)
        deadline = time.monotonic() + 120
        while _counts(url)[0] < people * each and time.monotonic() < deadline:
            time.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 0, err.decode()[-3000:]
    finally:
        fake.stop()
    engine = make_engine(url)
    with engine.connect() as connection:
        amounts = connection.execute(select(Entry.amount_minor)).scalars().all()
        left = connection.scalar(select(func.count()).select_from(InboxUpdate))
    engine.dispose()
    assert sorted(amounts) == [(100 + k) * 100 for k in range(people * each)]  # each once
    assert left == 0
    assert len(fake.sent("sendMessage")) <= people * each


def test_sigterm_to_a_running_bot_finishes_its_work_and_exits_cleanly(tmp_path: Path) -> None:
    """`leakbot run` as deployed: SIGTERM while messages are queued. The process exits 0, every
    reply it sent matches a stored entry, and a restart takes the rest: each message once."""

    fake = FakeTelegram().start()
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = _bot_env(fake, url, tmp_path)
    messages = 40
    try:
        first = _leakbot("run", env=env)
        fake.wait_for("setMyCommands", timeout=60)
        for k in range(messages):
            fake.send_text(1001, f"{100 + k} dining upi", message_id=9000 + k)
        fake.wait_for("sendMessage", chat_id=1001, timeout=30)
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=60)
        assert first.returncode == 0, err.decode()[-3000:]
        assert "Traceback" not in err.decode()
        answered = len(fake.sent(chat_id=1001))
        assert _counts(url)[0] == answered  # nothing half-done: each stored entry was answered
        second = _leakbot("run", env=env)
        fake.wait_for("sendMessage", chat_id=1001, count=messages, timeout=60)
        fake.send_text(1001, "1 dining upi", message_id=9000 + messages)
        fake.wait_for("sendMessage", chat_id=1001, count=messages + 1, timeout=60)
        second.send_signal(signal.SIGTERM)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 0, err.decode()[-3000:]
        assert "Traceback" not in err.decode()
        assert _counts(url)[0] == messages + 1
    finally:
        fake.stop()


@pytest.mark.parametrize("moment", ["getMe", "setMyCommands", "deleteWebhook"])
def test_sigterm_while_the_bot_is_starting_stops_it_cleanly(tmp_path: Path, moment: str) -> None:
    """`docker stop` or Ctrl-C just after start: whichever start-up step the signal lands in
    (checking the token, registering the commands, starting the updater), the process exits 0
    without a traceback. (python-telegram-bot's run_polling exited 1 on a signal while its
    updater was starting.)"""

    fake = FakeTelegram().start()
    try:
        bot = _leakbot("run", env=_bot_env(fake, f"sqlite:///{tmp_path / 'bot.db'}", tmp_path))
        signalled: list[str] = []

        def stop_now(call: Call) -> None:  # runs before the bot has the server's answer
            if call.method == moment and not signalled:
                signalled.append(moment)
                bot.send_signal(signal.SIGTERM)

        fake.on_call = stop_now
        _, err = bot.communicate(timeout=60)
        assert signalled == [moment]
        assert bot.returncode == 0, err.decode()[-3000:]
        assert "Traceback" not in err.decode()
    finally:
        fake.stop()


def test_a_rejected_token_or_an_unreachable_bot_api_is_explained_without_a_traceback(
    tmp_path: Path,
) -> None:
    """`leakbot run` whose start-up fails, or whose token is revoked while it runs, says what
    to fix, exits 1, and neither prints a traceback nor the token (python-telegram-bot's own
    message for a rejected token quotes it)."""
    fake = FakeTelegram().start()
    try:
        env = _bot_env(fake, f"sqlite:///{tmp_path / 'bot.db'}", tmp_path)
        fake.fail_next["getMe"] = [401]  # what Telegram answers a revoked or mistyped token
        rejected = _leakbot("run", env=env)
        _, err = rejected.communicate(timeout=60)
        assert rejected.returncode == 1
        assert "Telegram rejected the token in TELEGRAM_BOT_TOKEN" in err.decode()
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        env["TELEGRAM_API_BASE_URL"] = f"http://127.0.0.1:{closed}/bot"
        unreachable = _leakbot("run", env=env)
        _, err2 = unreachable.communicate(timeout=60)
        assert unreachable.returncode == 1
        assert f"Cannot reach the Bot API at http://127.0.0.1:{closed}/bot" in err2.decode()
        fake.fail_next["getUpdates"] = [401]  # revoked in @BotFather while the bot runs
        revoked = _leakbot("run", env={**env, "TELEGRAM_API_BASE_URL": fake.base_url})
        _, err3 = revoked.communicate(timeout=60)
        assert revoked.returncode == 1
        assert "Telegram rejected the token in TELEGRAM_BOT_TOKEN" in err3.decode()
        for text in (err.decode(), err2.decode(), err3.decode()):
            assert TOKEN not in text
            assert "Traceback" not in text and "Unclosed" not in text, text[-3000:]
    finally:
        fake.stop()


@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
async def test_the_bot_carries_on_when_postgresql_drops_its_connections(
    fake, bot_settings, empty_database_url: str
) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.conftest import running_bot
    from tests.bot.helpers import reply
    from tests.conftest import _pg_admin

    upgrade(empty_database_url)
    settings = bot_settings.model_copy(update={"database_url": empty_database_url})
    async with running_bot(settings):
        assert "₹120 Dining Out" in await reply(fake, 1001, "120 dining")
        with _pg_admin() as admin:  # as a PostgreSQL restart or failover does
            admin.execute(  # type: ignore[attr-defined]
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (empty_database_url.rsplit("/", 1)[1],),
            )
        assert "₹130 Dining Out" in await reply(fake, 1001, "130 dining")
    assert _counts(empty_database_url)[0] == 2
