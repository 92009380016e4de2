"""The `leakbot` command line: one session and transaction per command."""

from __future__ import annotations

import json
import logging
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot import render
from bot.redaction import REDACTED
from db.migrate import current_revision, head_revision, upgrade
from db.models import User
from db.session import make_engine, make_session_factory, session_scope
from services import charts, dashboard, importing, ledger, modeling, questions, reports, subscriptions
from services import digest as digest_service
from services.config import Settings, get_settings
from services.errors import LeakBotError
from services.export import export_csv
from services.insights import leak_overview
from services.synthetic import generate, to_csv_bytes
from services.wording import counted

app = typer.Typer(help="LeakBot: find the small outflows that drain your money.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
ml_app = typer.Typer(help="Machine-learning experiments.", no_args_is_help=True)
app.add_typer(ml_app, name="ml")

NO_TOKEN_HELP = """\
LeakBot needs a Telegram bot token to run. Open Telegram, talk to @BotFather, send /newbot,
pick a name and a username, and copy the token it gives you into TELEGRAM_BOT_TOKEN (in your
environment or in a .env file next to the Makefile: TELEGRAM_BOT_TOKEN=123456:ABC...), then run
`make run` again. No token yet? `leakbot demo` shows what LeakBot finds, fully offline."""

BAD_TOKEN_HELP = """\
Telegram rejected the token in TELEGRAM_BOT_TOKEN. Copy it again from @BotFather (/mybots, pick
the bot, API Token); if you revoked it there, use the new one."""

UserOption = Annotated[int, typer.Option("--user", help="The person's Telegram user id.")]


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    from bot import redaction

    if settings.telegram_bot_token is not None:
        redaction.install(settings.telegram_bot_token.get_secret_value())
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if settings.log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


@contextmanager
def open_session(url: str | None = None) -> Iterator[Session]:
    """Migrate, then open one session and transaction for this command."""
    url = url or get_settings().database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def person(session: Session, telegram_id: int) -> User:
    settings = get_settings()
    return ledger.ensure_user(
        session=session,
        telegram_id=telegram_id,
        defaults=ledger.UserDefaults(settings.default_timezone, settings.default_currency),
    )


def fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    url = get_settings().database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        typer.echo(f"Database at revision {current_revision(engine)} (head {head_revision()}).")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    engine = make_engine(get_settings().database_url)
    try:
        typer.echo(current_revision(engine) or "not migrated")
    finally:
        engine.dispose()


@app.command("import")
def import_file(
    file: Annotated[Path | None, typer.Argument(help="CSV file to import.")] = None,
    user: UserOption = ...,  # type: ignore[assignment]
    revert: Annotated[int | None, typer.Option(help="Undo this import id instead.")] = None,
) -> None:
    """Import a CSV (our export, the sample dataset's format, or a bank/UPI statement)."""
    if (file is None) == (revert is None):
        fail("Give a FILE to import, or --revert IMPORT_ID.")
    try:
        with open_session() as session:
            owner = person(session, user)
            if revert is not None:
                removed = importing.revert_import(session=session, user=owner, import_id=revert)
                typer.echo(f"Reverted import #{revert}: {counted(removed, 'entry', 'entries')} removed.")
                return
            assert file is not None
            if not file.is_file():
                fail(f"No such file: {file}")
            data = file.read_bytes()
            summary = _import_with_progress(session, owner, data, file.name)
    except LeakBotError as exc:
        fail(str(exc))
        return
    typer.echo(f"Import #{summary.import_id} from {summary.file_name}: {summary.line}")
    for error in summary.errors[:10]:
        typer.echo(f"  {error}")
    if summary.rejected > 10:
        typer.echo(f"  ... and {summary.rejected - 10:,} more rejected lines")


def _import_with_progress(session: Session, owner: User, data: bytes, name: str) -> importing.ImportSummary:
    summary = _import_file(session, owner, data, name)
    modeling.predict_import(session, owner, summary.import_id, model_dir=get_settings().model_dir)
    return summary


def _import_file(session: Session, owner: User, data: bytes, name: str) -> importing.ImportSummary:
    if data.count(b"\n") < 5_000 or not sys.stderr.isatty():
        return importing.import_csv(session=session, user=owner, data=data, file_name=name)
    with typer.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        return importing.import_csv(
            session=session, user=owner, data=data, file_name=name, on_progress=progress
        )


@app.command("imports")
def imports(user: UserOption) -> None:
    """List a person's imports (newest first) with their ids for --revert."""
    with open_session() as session:
        rows = importing.pipeline.list_imports(session=session, user=person(session, user))
    if not rows:
        typer.echo("No imports yet.")
    for r in rows:
        typer.echo(f"#{r.import_id}  {r.file_name}  {r.line}")


@app.command("export")
def export(user: UserOption, out: Annotated[Path, typer.Option(help="Where to write the CSV.")]) -> None:
    """Write a person's entries in LeakBot's own CSV format."""
    with open_session() as session:
        data = export_csv(session=session, user=person(session, user))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    rows = data.count(b"\n") - 1
    typer.echo(f"Wrote {counted(rows, 'entry', 'entries')} to {out}")


@app.command("log")
def log(
    text: Annotated[str, typer.Argument(help='An entry as you would send it: "250 dining upi".')],
    user: UserOption,
) -> None:
    """Log one entry from the command line, exactly as the bot reads a message."""
    try:
        with open_session() as session:
            owner = person(session, user)
            now = datetime.now(UTC)
            logged = ledger.log_text(
                session=session, user=owner, text=text, now=now, source_ref=f"cli:{now.isoformat()}"
            )
    except LeakBotError as exc:
        fail(str(exc))
        return
    e = logged.entry
    typer.echo(f"#{e.id} {e.local_date} {e.local_time} {e.amount} {e.category} ({e.payment_mode})")
    typer.echo(e.verdict)


@app.command("entries")
def entries(
    user: UserOption,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
) -> None:
    """Show a person's latest entries, each scored and explained."""
    with open_session() as session:
        rows = ledger.recent(session=session, user=person(session, user), limit=limit)
    if not rows:
        typer.echo("No entries yet: import a CSV or log one with `leakbot log`.")
    for e in rows:
        typer.echo(
            f"#{e.id:<6} {e.local_date} {e.local_time}  {e.type:<8} {e.amount:>12}  "
            f"{e.category:<16} {e.payment_mode:<11}  {e.verdict}"
        )


@app.command("ask")
def ask_cmd(
    question: Annotated[str | None, typer.Argument(help="Question id (see --list).")] = None,
    user: Annotated[int | None, typer.Option("--user", help="The person's Telegram user id.")] = None,
    year: Annotated[int | None, typer.Option(help="Year, for monthly_spend and non_essential_count.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the question ids.")] = False,
) -> None:
    """Answer one of the fourteen business questions over a person's entries."""
    if list_:
        for q in questions.QUESTIONS:
            typer.echo(f"{q.id:<28} /{q.command:<15} {q.title}")
        return
    if question is None or user is None:
        fail("Give a QUESTION id and --user TELEGRAM_ID (or --list).")
        return
    if fmt not in ("table", "csv", "json"):
        fail("--format must be table, csv or json.")
    try:
        with open_session() as session:
            result = questions.ask(
                session=session, user=person(session, user), question_id=question, year=year
            )
    except LeakBotError as exc:
        fail(str(exc))
        return
    if fmt == "json":
        typer.echo(render.answer_json(result))
    elif fmt == "csv":
        typer.echo(render.answer_csv(result), nl=False)
    elif result.rows:
        typer.echo(f"{result.title}" + (f" ({result.year})" if result.year else ""))
        typer.echo(render.table_text(result))
        typer.echo(questions.insight(result))
    else:
        typer.echo(render.EMPTY_HINT)


@app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option(help="CSV file (with --users > 1: one file per person).")],
    users: Annotated[int, typer.Option(min=1, max=10_000)] = 1,
    months: Annotated[int, typer.Option(min=1, max=1200)] = 18,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 0,
) -> None:
    """Write synthetic ledgers in the sample dataset's format."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for k in range(users):
        target = out if users == 1 else out.with_name(f"{out.stem}-{k + 1}{out.suffix or '.csv'}")
        frame = generate(months=months, seed=seed + k)
        target.write_bytes(to_csv_bytes(frame))
        typer.echo(f"Wrote {len(frame):,} rows to {target}")


@app.command("demo")
def demo(
    months: Annotated[int, typer.Option(min=1, max=120)] = 6,
    seed: int = 7,
) -> None:
    """Build a demo person from synthetic data, offline, and show what LeakBot finds."""
    with tempfile.TemporaryDirectory() as tmp, open_session(f"sqlite:///{Path(tmp) / 'demo.db'}") as session:
        owner = person(session, 1)
        data = to_csv_bytes(generate(months=months, seed=seed))
        summary = importing.import_csv(session=session, user=owner, data=data, file_name="demo.csv")
        overview = leak_overview(session=session, user=owner)
    typer.echo(f"Demo: {months} months of synthetic spending, {summary.line}.")
    typer.echo(
        f"{overview.leaks} of {overview.expenses} expenses are leaks: {overview.leak_spend} of "
        f"{overview.spend} spent ({overview.leak_share_pct}%)."
    )
    typer.echo("Top leak categories:")
    for c in overview.top_categories:
        typer.echo(f"  {c.category:<16} {c.amount:>10} in {c.count} leaks")
    typer.echo("Examples:")
    for x in overview.examples:
        typer.echo(f"  {x.local_date} {x.category} {x.amount}: score {x.score} ({', '.join(x.reasons)})")


@app.command("train")
def train_cmd() -> None:
    """Train the global and personal leak models now and say which were promoted."""
    settings = get_settings()
    with open_session() as session:
        report = modeling.train_all(session, model_dir=settings.model_dir)
    for line in report.lines():
        typer.echo(line)


@app.command("subscriptions")
def subscriptions_cmd(user: UserOption) -> None:
    """List the recurring charges found in the person's expenses."""
    with open_session() as session:
        owner = person(session, user)
        today = ledger.local_datetime(datetime.now(UTC), owner.timezone).date()
        items = subscriptions.refresh(session=session, user=owner, today=today)
        for item in items:
            typer.echo(f"[{item.status}] {subscriptions.describe(item.detected, owner.currency)}")
        if not items:
            typer.echo("No recurring charges found.")


def _today_of(owner: User) -> datetime:
    return ledger.local_datetime(datetime.now(UTC), owner.timezone)


def _year_month(month: str | None, owner: User) -> tuple[int, int]:
    if month is None:
        today = _today_of(owner)
        return today.year, today.month
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        fail("--month takes YYYY-MM, e.g. 2024-05.")
    period = reports.parse_period(month, today=_today_of(owner).date())
    return period.start.year, period.start.month


@app.command("backup")
def backup_cmd(file: Annotated[Path, typer.Argument(help="Where to write the copy.")]) -> None:
    """Copy the SQLite database while the bot runs (PostgreSQL: use pg_dump, see the README)."""
    from db import backup

    try:
        size = backup.backup(get_settings().database_url, file)
    except backup.BackupError as exc:
        fail(str(exc))
    typer.echo(f"Backed up to {file} ({size:,} bytes)")


@app.command("restore")
def restore_cmd(file: Annotated[Path, typer.Argument(help="A file written by leakbot backup.")]) -> None:
    """Replace the SQLite database's contents with a backup, then migrate it to this version."""
    from db import backup

    url = get_settings().database_url
    try:
        backup.restore(url, file)
    except backup.BackupError as exc:
        fail(str(exc))
    upgrade(url)
    typer.echo(f"Restored from {file}")


@app.command("chart")
def chart_cmd(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(charts.CHARTS)}.")],
    user: UserOption,
    out: Annotated[Path, typer.Option(help="Where to write the PNG.")],
    period: Annotated[str | None, typer.Option(help="2024-05, 2024, 30d or all (default 365d).")] = None,
) -> None:
    """Draw one chart of the person's spending as a PNG."""
    if name not in charts.CHARTS:
        fail(f"No chart {name!r}. Charts: {', '.join(charts.CHARTS)}.")
    with open_session() as session:
        owner = person(session, user)
        try:
            chosen = reports.parse_period(period, today=_today_of(owner).date())
        except LeakBotError as exc:
            fail(str(exc))
        picture = charts.render(
            name, reports.entries(session, owner, chosen), owner.currency, period_label=chosen.label
        )
    out.write_bytes(picture)
    typer.echo(f"Wrote {out} ({charts.CHARTS[name].title}, {chosen.label})")


@app.command("dashboard")
def dashboard_cmd(
    user: UserOption,
    out: Annotated[Path, typer.Option(help="Where to write the PNG.")],
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: this month).")] = None,
) -> None:
    """Write the month's dashboard image and print its summary."""
    with open_session() as session:
        owner = person(session, user)
        year, number = _year_month(month, owner)
        data = dashboard.dashboard_data(session, owner, year=year, month=number)
    out.write_bytes(dashboard.dashboard_png(data))
    typer.echo(dashboard.summary_text(data))
    typer.echo(f"Wrote {out}")


@app.command("report")
def report_cmd(
    user: UserOption,
    out: Annotated[Path, typer.Option(help="Where to write the PDF.")],
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: this month).")] = None,
) -> None:
    """Write the PDF report: dashboard, every chart, the fourteen question tables."""
    with open_session() as session:
        owner = person(session, user)
        year, number = _year_month(month, owner)
        out.write_bytes(dashboard.report_pdf(session, owner, year=year, month=number))
    typer.echo(f"Wrote {out}")


@app.command("digest")
def digest_cmd(
    user: Annotated[int | None, typer.Option(help="Write this person's digest (Telegram id).")] = None,
    out: Annotated[Path | None, typer.Option(help="Directory for digest.txt and the PNGs.")] = None,
    send_due: Annotated[
        bool, typer.Option("--send-due", help="Send every due digest now (one tick).")
    ] = False,
) -> None:
    """Write one person's weekly digest to files, or send the due digests (for cron)."""
    if send_due == (user is not None):
        fail("Use either --user ID --out DIR or --send-due.")
    if send_due:
        from telegram import Bot

        from bot.digests import run_once
        from bot.request import RetryingRequest

        settings = get_settings()
        if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
            fail(NO_TOKEN_HELP)
        configure_logging(settings)
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        bot = Bot(
            settings.telegram_bot_token.get_secret_value(),  # type: ignore[union-attr]
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_file_base_url,
            request=RetryingRequest(),
        )
        try:
            counts = run_once(bot, make_session_factory(engine))
        finally:
            engine.dispose()
        typer.echo(f"digests: {counts['sent']} sent, {counts['blocked']} blocked, {counts['failed']} failed")
        return
    if out is None:
        fail("--user needs --out DIR.")
    assert out is not None and user is not None
    with open_session() as session:
        owner = person(session, user)
        content = digest_service.build(session, owner, _today_of(owner).date())
    out.mkdir(parents=True, exist_ok=True)
    (out / "digest.txt").write_text(re.sub(r"</?b>", "", content.text) + "\n")
    for i, image in enumerate(content.images, 1):
        (out / f"chart-{i}.png").write_bytes(image)
    typer.echo(f"Wrote {out / 'digest.txt'} and {len(content.images)} charts")


@ml_app.command("seed-experiment")
def seed_experiment_cmd(
    out: Annotated[Path, typer.Option(help="Directory for report.md, metrics.json and the PNGs.")],
    csv: Annotated[Path | None, typer.Option(help="A CSV in any importable format.")] = None,
    user: Annotated[int | None, typer.Option(help="A person's Telegram id in the database.")] = None,
) -> None:
    """Rerun the seed write-up's ML experiment, with and without the label's own inputs."""
    from ml import seed_experiment

    if (csv is None) == (user is None):
        fail("Give exactly one of --csv FILE or --user ID.")
    if csv is not None:
        if not csv.is_file():
            fail(f"No such file: {csv}")
        with (
            tempfile.TemporaryDirectory() as tmp,
            open_session(f"sqlite:///{Path(tmp) / 'experiment.db'}") as session,
        ):
            owner = person(session, 1)
            importing.import_csv(session=session, user=owner, data=csv.read_bytes(), file_name=csv.name)
            frame = modeling.seed_frame(session, owner)
    else:
        with open_session() as session:
            frame = modeling.seed_frame(session, person(session, user))  # type: ignore[arg-type]
    try:
        results = seed_experiment.run(frame, out)
    except ValueError as exc:
        fail(f"Cannot run the experiment: {exc}")
    for slug in ("with_label_inputs", "without_label_inputs"):
        best = max(results[slug]["metrics"], key=lambda m: m["f1"])
        typer.echo(f"{slug}: best F1 {best['f1']:.3f} ({best['model']})")
    typer.echo(f"report: {out / 'report.md'}")


@app.command("run")
def run(
    webhook_url: Annotated[
        str | None, typer.Option(help="Public HTTPS URL Telegram posts updates to.")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on in webhook mode.")] = 8443,
    listen: Annotated[str, typer.Option(help="Address to listen on in webhook mode.")] = "0.0.0.0",
) -> None:
    """Run the Telegram bot: long polling, or webhooks with --webhook-url."""
    settings = get_settings()
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        typer.echo(NO_TOKEN_HELP, err=True)
        raise typer.Exit(2)
    configure_logging(settings)
    upgrade(settings.database_url)
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot import serving
    from bot.app import build_application, tune_interpreter

    tune_interpreter()
    application = build_application(settings)
    updates: serving.Polling | serving.Webhook = (
        serving.Polling()
        if webhook_url is None
        else serving.Webhook(
            url=webhook_url,
            url_path=urlparse(webhook_url).path.strip("/") or "telegram",
            listen=listen,
            port=port,
            secret_token=settings.webhook_secret_value(),
        )
    )
    token = settings.telegram_bot_token.get_secret_value()
    try:
        serving.run(application, updates)
    except InvalidToken:  # its message quotes the token
        fail(BAD_TOKEN_HELP)
    except TelegramError as exc:
        reason = exc.message.replace(token, REDACTED)
        if isinstance(exc, NetworkError):  # TimedOut too
            fail(
                f"Cannot reach the Bot API at {settings.telegram_api_base_url} ({reason}). Check the "
                "network, HTTPS_PROXY, or TELEGRAM_API_BASE_URL for a local Bot API server."
            )
        fail(f"Telegram refused to start the bot: {reason}")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except ValidationError as exc:  # a setting from the environment or .env
        # Each setting's name and what is wrong with it; not pydantic's input_value (it may be the token).
        problems = [
            f"  {str(e['loc'][0]).upper()}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
        ]
        typer.secho(
            "LeakBot's configuration has a problem:\n" + "\n".join(problems), fg=typer.colors.RED, err=True
        )
        sys.exit(2)
    except LeakBotError as exc:  # pragma: no cover - commands catch their own
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        sys.exit(1)
