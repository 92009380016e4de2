from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from services.config import get_settings


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_without_a_token_run_explains_how_to_get_one(cli: CliRunner) -> None:
    out = run(cli, "run", code=2)
    assert "@BotFather" in out and "TELEGRAM_BOT_TOKEN" in out and "leakbot demo" in out


def test_a_newcomer_imports_a_csv_and_sees_every_entry_scored_and_explained(
    cli: CliRunner, tmp_path: Path
) -> None:
    run(cli, "db", "upgrade")
    assert "Wrote" in run(cli, "generate", "--out", "data.csv", "--months", "2", "--seed", "4")
    first = run(cli, "import", "data.csv", "--user", "42")
    imported = int(re.search(r"([\d,]+) imported", first).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert imported > 50 and "sample dataset" in first
    assert "0 imported" in run(cli, "import", "data.csv", "--user", "42")
    listing = run(cli, "entries", "--user", "42", "--limit", "5")
    lines = listing.strip().splitlines()
    assert len(lines) == 5
    assert all(
        re.search(r"(Leak|OK) · (\d of 9 points|a necessity)|Not scored \(only expenses are\)", ln)
        for ln in lines
    )

    logged = run(cli, "log", "120 swiggy gpay 9pm", "--user", "42")
    assert "Dining Out" in logged and "of 9 points" in logged
    assert "I don't know “fod” yet" in run(cli, "log", "300 fod", "--user", "42")
    assert "₹40, ₹80 or ₹2? (say which with --pick 1 to 3)" in run(
        cli, "log", "2 chai 40", "--user", "42", code=1
    )
    assert "₹80 Dining Out" in run(cli, "log", "2 chai 40", "--pick", "2", "--user", "42")
    several = run(cli, "log", "chai 20\nauto 80 cash\nno amount here", "--user", "42")
    assert "Logged 2 of 3 lines." in several and "3. “no amount here”: How much?" in several
    assert "Made Pets (need)" in run(cli, "category", "add", "Pets", "need", "--user", "42")
    taught = run(cli, "log", "450 pedigree", "--category", "pets", "--user", "42")
    assert "moved to Pets; “pedigree” goes there from now on." in taught
    assert "₹300 Pets" in run(cli, "log", "300 pedigree", "--user", "42")
    listed = run(cli, "category", "--user", "42")
    assert "Your categories: Pets (need)" in listed and "pedigree → Pets" in listed

    run(cli, "export", "--user", "42", "--out", "out/export.csv")
    assert (tmp_path / "out" / "export.csv").read_text().startswith("date,time,type,category,amount")
    # The logged lines come along (1 + 1 + 2 + 2 more), and the category Pets with them
    assert f"{imported + 7} imported" in run(cli, "import", "out/export.csv", "--user", "43")
    assert "Your categories: Pets (need)" in run(cli, "category", "--user", "43")

    imports = run(cli, "imports", "--user", "42")
    first_id = imports.strip().splitlines()[-1].split()[0].lstrip("#")
    assert f"{imported} entries removed" in run(cli, "import", "--revert", first_id, "--user", "42")
    assert "You have no import" in run(cli, "import", "--revert", first_id, "--user", "43", code=1)


def test_a_broken_file_is_refused_with_a_reason(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "neither text (CSV) nor an Excel workbook or a PDF" in run(
        cli, "import", "photo.csv", "--user", "1", code=1
    )


def test_generate_is_reproducible_and_writes_one_file_per_person(cli: CliRunner, tmp_path: Path) -> None:
    run(cli, "generate", "--out", "a.csv", "--seed", "3", "--months", "2")
    run(cli, "generate", "--out", "b.csv", "--seed", "3", "--months", "2")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    run(cli, "generate", "--out", "many/p.csv", "--users", "3", "--months", "1")
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == [
        "p-1.csv",
        "p-2.csv",
        "p-3.csv",
    ]


def test_demo_works_offline(cli: CliRunner) -> None:
    out = run(cli, "demo")
    assert re.search(r"\d+ of \d+ expenses are leaks", out)
    assert "Top leak categories" in out and out.count("score ") == 3


def test_ask_answers_in_table_csv_and_json(cli: CliRunner) -> None:
    import json

    run(cli, "generate", "--out", "d.csv", "--months", "14", "--seed", "8")
    run(cli, "import", "d.csv", "--user", "9")
    listing = run(cli, "ask", "--list")
    assert len(listing.strip().splitlines()) == 14 and "/top_leaks" in listing

    table = run(cli, "ask", "leak_time_blocks", "--user", "9")
    assert "time_block  leak_count" in table and "You leak most in the evening" in table

    answer = json.loads(run(cli, "ask", "recurring_vs_one_off", "--user", "9", "--format", "json"))
    assert answer["question"] == "recurring_vs_one_off"
    assert answer["columns"] == ["is_recurring", "avg_spend"]
    assert [row[0] for row in answer["rows"]] == [False, True]
    assert all(isinstance(row[1], int | float) for row in answer["rows"])

    csv_text = run(cli, "ask", "monthly_spend", "--user", "9", "--year", "2023", "--format", "csv")
    assert csv_text.splitlines()[0] == "month,total_spend" and len(csv_text.splitlines()) == 13

    assert "Nothing to show yet" in run(cli, "ask", "top_categories", "--user", "10")
    assert "There is no question 'nope'" in run(cli, "ask", "nope", "--user", "9", code=1)


def test_the_seed_experiment_reports_both_protocols_and_says_what_the_score_means(
    cli: CliRunner, tmp_path: Path
) -> None:
    import json

    run(cli, "generate", "--out", "data.csv", "--months", "8", "--seed", "11")
    out = run(cli, "ml", "seed-experiment", "--csv", "data.csv", "--out", "report", "--splits", "3")
    assert "with_label_inputs: best mean F1" in out and "without_label_inputs: best mean F1" in out
    assert out.count(" ± ") == 2 and "over 3 splits" in out
    report = (tmp_path / "report" / "report.md").read_text()
    assert "mean ± standard deviation over 3 stratified 80/20 splits" in report
    for model in ("Logistic Regression", "Random Forest", "HistGradientBoosting"):
        rows = [line for line in report.splitlines() if line.startswith(f"| {model} |")]
        assert len(rows) == 3 and all(row.count(" ± ") == 5 for row in rows)  # with, without, no category
        assert all("best mean" in row or "the spread" in row for row in rows)
    assert "label inputs and their proxies removed" in report and "not evidence of a good model" in report
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert metrics["splits"] == 3
    kept = metrics["without_label_inputs"]["columns"]
    for dropped in (
        "amount",
        "is_necessary",
        "time_block",
        "avg_spend_per_time_block",
        "avg_spend_per_day_type",
    ):
        assert dropped in metrics["with_label_inputs"]["columns"] and dropped not in kept
    assert not any(metrics["audit"][column]["proxy"] for column in kept)
    assert all(f"| {column} |" in report for column in kept)  # each kept column says why it stays
    per_split = metrics["without_label_inputs"]["per_split"]
    assert sorted(row["split"] for row in per_split if row["model"] == "Random Forest") == [0, 1, 2]
    for name in ("confusion", "curves"):
        for slug in ("with_label_inputs", "without_label_inputs"):
            assert (tmp_path / "report" / f"{name}_{slug}.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "report" / "f1_by_model.png").read_bytes().startswith(b"\x89PNG")
    assert "exactly one of" in run(cli, "ml", "seed-experiment", "--out", "x", code=1)


def test_train_without_verdicts_says_the_rule_stands(cli: CliRunner) -> None:
    run(cli, "generate", "--out", "data.csv", "--months", "2", "--seed", "4")
    run(cli, "import", "data.csv", "--user", "42")
    out = run(cli, "train")
    assert "global: verdicts from 0 people" in out


def test_charts_dashboard_report_and_digest_from_the_command_line(cli: CliRunner, tmp_path: Path) -> None:
    run(cli, "generate", "--out", "data.csv", "--months", "3", "--seed", "4")
    run(cli, "import", "data.csv", "--user", "42")
    out = run(cli, "chart", "leak_trend", "--user", "42", "--period", "all", "--out", "trend.png")
    assert "Monthly leak trend, all time" in out
    assert (tmp_path / "trend.png").read_bytes().startswith(b"\x89PNG")
    assert "not a period" in run(
        cli, "chart", "share", "--user", "42", "--period", "soon", "--out", "x.png", code=1
    )
    assert "No chart 'pie'" in run(cli, "chart", "pie", "--user", "42", "--out", "x.png", code=1)
    summary = run(cli, "dashboard", "--user", "42", "--month", "2023-02", "--out", "dash.png")
    assert "February 2023" in summary and "Expenses ₹" in summary
    assert (tmp_path / "dash.png").read_bytes().startswith(b"\x89PNG")
    run(cli, "report", "--user", "42", "--month", "2023-02", "--out", "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "Wrote" in run(cli, "digest", "--user", "42", "--out", "digest")
    assert "Your week" in (tmp_path / "digest" / "digest.txt").read_text()
    assert "Use either" in run(cli, "digest", code=1)
    assert "@BotFather" in run(cli, "digest", "--send-due", code=1)


def test_backup_and_restore_bring_back_exactly_what_was_saved(cli: CliRunner, tmp_path: Path) -> None:
    run(cli, "log", "120 swiggy 9pm", "--user", "42")
    run(cli, "log", "300 groceries", "--user", "42")
    assert "Backed up to" in run(cli, "backup", "saved.db")
    run(cli, "log", "999 clothing", "--user", "42")
    assert len(run(cli, "entries", "--user", "42").strip().splitlines()) == 3
    assert "Restored from" in run(cli, "restore", "saved.db")
    listing = run(cli, "entries", "--user", "42")
    assert len(listing.strip().splitlines()) == 2 and "999" not in listing
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert "is not a SQLite database" in run(cli, "restore", "junk.db", code=1)
    assert "There is no backup" in run(cli, "restore", "missing.db", code=1)


def test_backup_on_postgresql_points_to_pg_dump(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5432/x")
    get_settings.cache_clear()
    assert "pg_dump -Fc" in run(cli, "backup", "x.dump", code=1)


def test_json_logs_are_one_object_per_line_without_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import logging

    from bot.cli import configure_logging
    from services.config import Settings

    token = "999:json-log-secret"
    configure_logging(Settings(_env_file=None, telegram_bot_token=token, log_format="json"))  # type: ignore[call-arg]
    log = logging.getLogger("leakbot.test")
    log.warning("calling %s", f"https://api.telegram.org/bot{token}/getMe")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [line["level"] for line in lines] == ["WARNING", "ERROR"]
    assert lines[0]["message"] == "calling https://api.telegram.org/bot<token>/getMe"
    assert "RuntimeError: boom" in lines[1]["exception"] and lines[1]["logger"] == "leakbot.test"
    logging.basicConfig(force=True)


def test_a_bad_setting_is_named_with_its_reason_and_nothing_runs(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}",
        "TELEGRAM_BOT_TOKEN": "123:secret-token",
        "DEFAULT_CURRENCY": "XYZ",
        "LOG_FORMAT": "yaml",
    }
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "LeakBot's configuration has a problem:" in done.stderr
    assert "DEFAULT_CURRENCY: 'XYZ' is not an ISO 4217 currency code" in done.stderr
    assert "LOG_FORMAT: must be text or json" in done.stderr
    assert "Traceback" not in done.stderr and "secret-token" not in done.stderr
    assert not (tmp_path / "never.db").exists()


def test_an_import_says_what_the_statement_held(cli: CliRunner, tmp_path: Path) -> None:
    from tests.factories import HDFC_HEADER, csv_bytes
    from tests.services.importing.test_transfers import APRIL, PREAMBLE

    (tmp_path / "april.csv").write_bytes(csv_bytes(HDFC_HEADER, APRIL, preamble=PREAMBLE))
    out = run(cli, "import", "april.csv", "--user", "42").splitlines()
    assert out[0].endswith("9 imported, 0 duplicates, 0 rejected (HDFC Bank statement)")
    assert out[1:] == [
        "  Account ending 5678",
        "  1–30 April 2024 · INR",
        "  4 spends, 1 income, 1 refund",
        "  3 transfers, not spending:",
        "  ATM, card bill, wallet",
        "  Top leak: Other, ₹23.60 (once)",
    ]


def test_a_file_whose_dates_read_both_ways_is_refused_until_told_how_they_read(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "bank.csv").write_text(
        "Date,Description,Amount\n03/04/2024,Zomato,-250\n05/06/2024,Ola,-99\n"
    )
    refused = run(cli, "import", "bank.csv", "--user", "5", code=1)
    assert (
        "Nothing imported. Every date in bank.csv reads two ways: 03/04/2024 is 3 April 2024 day first"
        in refused
    )
    assert "--date-format DMY (day first) or --date-format MDY" in refused
    assert "No entries yet" in run(cli, "entries", "--user", "5")
    assert "is one of DMY, MDY, YMD" in run(
        cli, "import", "bank.csv", "--user", "5", "--date-format", "dd", code=1
    )

    done = run(cli, "import", "bank.csv", "--user", "5", "--date-format", "mdy")
    assert "2 imported" in done and "Dates read month first" in done and "--reread 1 --swap-dates" in done
    assert [ln.split()[1] for ln in run(cli, "entries", "--user", "5").splitlines()] == [
        "2024-05-06",
        "2024-03-04",
    ]
    swapped = run(cli, "import", "--reread", "1", "--swap-dates", "--user", "5")
    assert "Import #1 from bank.csv: 2 imported" in swapped and "Dates read day first" in swapped
    assert [ln.split()[1] for ln in run(cli, "entries", "--user", "5").splitlines()] == [
        "2024-06-05",
        "2024-04-03",
    ]


def test_flip_sign_reads_a_card_exports_positive_charges_as_spending(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "card.csv").write_text(
        "Date,Description,Amount\n13/04/2024,Zomato,250\n14/04/2024,Swiggy,300\n"
    )
    run(cli, "import", "card.csv", "--user", "6")
    assert {ln.split()[3] for ln in run(cli, "entries", "--user", "6").splitlines()} == {"income"}
    run(cli, "import", "--revert", "1", "--user", "6")
    assert "2 imported" in run(cli, "import", "card.csv", "--user", "6", "--flip-sign")
    assert {ln.split()[3] for ln in run(cli, "entries", "--user", "6").splitlines()} == {"expense"}
    run(cli, "export", "--user", "6", "--out", "ours.csv")
    assert "no signs to flip" in run(cli, "import", "ours.csv", "--user", "7", "--flip-sign", code=1)


def test_columns_say_which_column_is_which(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "odd.csv").write_text("When,What,How much\n13/04/2024,Zomato order,-250\n")
    assert "couldn't find a header row" in run(cli, "import", "odd.csv", "--user", "8", code=1)
    named = "date=When,amount=How much,description=What"
    done = run(cli, "import", "odd.csv", "--user", "8", "--columns", named)
    assert "1 imported" in done and "columns you named" in done
    entry = run(cli, "entries", "--user", "8").split()
    assert entry[1:6] == ["2024-04-13", "12:00", "expense", "₹250", "Dining"]
    assert "holds every column you named ('When', 'Cost')" in run(
        cli, "import", "odd.csv", "--user", "8", "--columns", "date=When,amount=Cost", code=1
    )
    assert "'colour' is not a field" in run(
        cli, "import", "odd.csv", "--user", "8", "--columns", "colour=When", code=1
    )
    assert "field=column pairs" in run(cli, "import", "odd.csv", "--user", "8", "--columns", "date", code=1)


def test_password_file_opens_a_locked_pdf_and_the_password_is_never_shown(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    import pandas as pd

    from services.errors import PasswordNeeded, WrongPassword
    from services.importing import pipeline
    from services.importing.reader import Rows

    given: list[str | None] = []

    def read_pdf(data: bytes, is_header: object, password: str | None) -> tuple[list[str], Rows, str]:
        given.append(password)
        if password is None:
            raise PasswordNeeded("This PDF is locked with a password.")
        if password != "ravi 1234":
            raise WrongPassword("That password does not open this PDF.")
        header = ["Date", "Narration", "Withdrawal", "Deposit"]
        frame = pd.DataFrame([["13/04/2024", "UPI-ZOMATO", "250.00", ""]], columns=header, dtype=object)
        return (
            header,
            Rows(frame, np.array([4]), np.zeros(1, dtype=bool), np.array([1]), "line"),
            "PDF statement",
        )

    monkeypatch.setattr(pipeline, "read_pdf", read_pdf)
    (tmp_path / "locked.pdf").write_bytes(b"%PDF-1.7 locked")
    (tmp_path / "pw.txt").write_text("ravi 1234\n")
    (tmp_path / "wrong.txt").write_text("ravi 12345\n")
    assert "locked with a password" in run(cli, "import", "locked.pdf", "--user", "9", code=1)
    wrong = run(cli, "import", "locked.pdf", "--user", "9", "--password-file", "wrong.txt", code=1)
    assert "does not open" in wrong and "ravi" not in wrong
    done = run(cli, "import", "locked.pdf", "--user", "9", "--password-file", "pw.txt")
    assert "1 imported" in done and "ravi" not in done
    assert given == [None, "ravi 12345", "ravi 1234"]  # the trailing newline is no part of it
    assert "No such file" in run(
        cli, "import", "locked.pdf", "--user", "9", "--password-file", "none.txt", code=1
    )


def test_entries_as_json_and_csv_carry_every_field_and_the_one_verdict(
    cli: CliRunner, tmp_path: Path
) -> None:
    import csv
    import io
    import json

    run(cli, "log", "120 medicine 2024-06-15 11pm", "--user", "8")
    (shown,) = json.loads(run(cli, "entries", "--user", "8", "--format", "json"))
    assert (shown["category"], shown["amount_minor"], shown["score"], shown["rule_leak"]) == (
        "Medical",
        12_000,
        5,
        True,
    )
    assert (shown["is_leak"], shown["decided_by"], shown["your_call"]) == (False, "need", None)
    assert shown["verdict"] == "OK · a necessity (the rule: 5 of 9 points)"
    run(cli, "verdict", "--user", "8", str(shown["id"]), "leak")
    (row,) = csv.DictReader(io.StringIO(run(cli, "entries", "--user", "8", "--format", "csv")))
    assert (row["is_leak"], row["decided_by"], row["your_call"]) == ("True", "you", "True")


def test_alerts_and_receipt_photos_log_from_the_command_line(cli: CliRunner, tmp_path: Path) -> None:
    from tests.images import RESTAURANT_BILL, receipt_png

    run(cli, "db", "upgrade")
    alert = "Sent Rs.450.00\nFrom HDFC Bank A/C *4821\nTo SWIGGY\nOn 02/12/26\nRef 633712345678"
    assert "From your HDFC Bank alert:" in run(cli, "log", alert, "--user", "8")
    assert "Already logged" in run(cli, "log", alert, "--user", "8")
    unknown = "Rs 1,240.00 debited from your account XX5566 on 02-12-26 to GOPI MEDICALS. Ref 998877665544"
    assert "Not logged: add --yes" in run(cli, "log", unknown, "--user", "8", code=1)
    assert "₹1,240 Medical" in run(cli, "log", unknown, "--yes", "--user", "8")

    (tmp_path / "bill.png").write_bytes(receipt_png(RESTAURANT_BILL))
    shown = run(cli, "scan", "bill.png", "--user", "8")
    assert "₹1,176 to SPICE GARDEN RESTAURANT?" in shown and "Not logged: add --yes" in shown
    assert "₹1,176 Dining Out" in run(cli, "scan", "bill.png", "--yes", "--user", "8")
    assert "Already logged" in run(cli, "scan", "bill.png", "--yes", "--user", "8")  # the same image: once
    listing = run(cli, "entries", "--user", "8", "--limit", "10")
    assert len(listing.strip().splitlines()) == 3
    (tmp_path / "notes.txt").write_text("not a picture")
    assert "not an image" in run(cli, "scan", "notes.txt", "--user", "8", code=1)


def test_ask_in_plain_words_restates_the_question_and_gives_json(cli: CliRunner) -> None:
    import json

    run(cli, "generate", "--out", "d.csv", "--months", "14", "--seed", "8")  # 2023 to February 2024
    run(cli, "import", "d.csv", "--user", "9")

    text = run(cli, "ask", "top categories in 2023", "--user", "9")
    lines = text.strip().splitlines()
    assert lines[0] == "All spending, 2023:" and re.fullmatch(r"₹[\d,]+ in \d+ spends", lines[1])
    assert len(lines) > 2 + 5  # the CLI shows every category, not five

    answer = json.loads(run(cli, "ask", "how many leaks in 2023", "--user", "9", "--format", "json"))
    assert answer["query"]["measure"] == "count" and answer["query"]["filters"]["leak"] is True
    assert answer["query"]["period"] == {"start": "2023-01-01", "end": "2023-12-31", "label": "2023"}
    assert answer["result"]["currency"] == "INR"
    (period,) = answer["result"]["periods"]
    assert period["count"] > 0 and isinstance(period["total_minor"], int)

    lost = json.loads(run(cli, "ask", "dinning in 2023", "--user", "9", "--format", "json"))
    assert lost["query"] is None and lost["suggestions"][0] == "dining out this month"
    assert "There is no question 'nope'" in run(cli, "ask", "nope", "--user", "9", code=1)


def test_teach_lists_the_next_questions_and_settings_turn_the_daily_card_off(cli: CliRunner) -> None:
    run(cli, "log", "250 dining upi 10pm 2024-06-15", "--user", "8")
    run(cli, "log", "9000 rent 2024-06-01", "--user", "8")  # a necessity: never asked about
    asked, how = run(cli, "teach", "--user", "8").strip().split("\n")
    assert asked.startswith("#") and "15 Jun, ₹250 Dining Out · UPI · 10 pm · Now: leak" in asked, asked
    assert how == "Answer: leakbot verdict --user 8 ID leak|ok"
    run(cli, "verdict", "--user", "8", asked.split()[0].lstrip("#"), "ok")
    assert run(cli, "teach", "--user", "8").startswith("Nothing to ask right now")
    assert run(cli, "settings", "--user", "8", "ask", "off").strip() == (
        "ask is now off: no daily card (/teach still asks)."
    )
    assert "ask: off (a daily 'Leak or not?' card)" in run(cli, "settings", "--user", "8")
