"""Light start-up: `leakbot --help`, `leakbot log`, `leakbot entries`, `leakbot ask` and the bot
answering chat spends load none of scikit-learn, SciPy, matplotlib or pandas (and a current
database loads no Alembic), until a command or message needs them. (How long start-up takes
is measured in benchmarks/bench_startup.py, never asserted here.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = ("sklearn", "scipy", "matplotlib", "pandas", "pyarrow", "joblib", "skops", "timezonefinder")
ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [
    "/start",
    "250 dining upi",
    "45 coffee",
    "/recent",
    "/budget dining 3000",
    "900 groceries card",
    "/undo",
    "/settings",
    "/help",
]

# Runs `leakbot ARGS` in a new process, then says which of the libraries in argv[2] it loaded.
_CLI = """
import json, sys
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["leakbot", *args]
from bot.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({m.split(".")[0] for m in sys.modules} & watched)
print("LOADED " + json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _loaded(args: list[str], env: dict[str, str]) -> tuple[int, list[str], str]:
    watched = json.dumps([*HEAVY, "alembic"])
    done = subprocess.run(
        [sys.executable, "-c", _CLI, json.dumps(args), watched],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("LOADED ")]
    assert marker, done.stderr
    result = json.loads(marker[-1].removeprefix("LOADED "))
    return result["code"], result["loaded"], done.stdout


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'light.db'}",
        "MODEL_DIR": str(tmp_path / "models"),
        "PYTHONPATH": str(ROOT),
    }


def test_help_and_the_everyday_commands_load_no_heavy_library(env: dict[str, str]) -> None:
    code, loaded, out = _loaded(["--help"], env)
    assert code == 0 and "log" in out and loaded == []
    code, _, _ = _loaded(["log", "250 dining upi", "--user", "7"], env)  # migrates the new database
    assert code == 0
    for args in (
        ["log", "120 chai 9pm", "--user", "7"],
        ["entries", "--user", "7"],
        ["ask", "leak_time_blocks", "--user", "7"],
        ["ask", "monthly_spend", "--user", "7", "--format", "json"],
    ):
        code, loaded, out = _loaded(args, env)
        assert code == 0, out
        assert loaded == [], (args, loaded)


def test_the_bot_answers_chat_spends_without_loading_a_heavy_library(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from bot.app import build_application
        from bot.serving import Polling, running
        from db.migrate import upgrade
        from services.config import Settings
        from tests.fake_telegram import TOKEN, FakeTelegram

        MESSAGES = {MESSAGES!r}

        async def main():
            fake = FakeTelegram().start()
            settings = Settings(
                _env_file=None, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                telegram_file_base_url=fake.file_base_url, database_url="sqlite:///{tmp_path / "bot.db"}",
                model_dir="{tmp_path / "models"}",
            )
            upgrade(settings.database_url)
            async with running(build_application(settings), Polling(timeout=1)):
                for k, text in enumerate(MESSAGES):
                    fake.send_text(1001, text)
                    await asyncio.to_thread(fake.wait_for, "sendMessage", chat_id=1001, count=k + 1)
            fake.stop()
            loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({list(HEAVY)!r}))
            print("LOADED " + json.dumps(loaded))

        asyncio.run(main())
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180
    )
    marker = [line for line in done.stdout.splitlines() if line.startswith("LOADED ")]
    assert marker, done.stderr[-3000:]
    assert json.loads(marker[-1].removeprefix("LOADED ")) == []
