"""The `leakbot` command line: parse, call one use case in one session and transaction, print
what the chat would say (as plain text).

Start-up stays light: a command imports what it needs when it runs, so `leakbot --help` and
`leakbot log` load neither pandas, matplotlib nor scikit-learn, and every command checks the
schema revision with one query before it migrates (benchmarks/bench_startup.py).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from bot.redaction import REDACTED
from services.errors import LeakBotError
from services.reporting.names import CHART_TITLES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.models import User
    from db.session import Turn
    from services.config import Settings
    from services.importing.options import ImportOptions
    from services.importing.pipeline import ImportSummary
    from services.learning.serving import ModelService
    from services.usecases.imports import ProgressCallback

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

T = TypeVar("T")
UserOption = Annotated[int, typer.Option("--user", help="The person's Telegram user id.")]
SHOWN_IMPORT_ERRORS = 10
PROGRESS_BAR_LINES = 5_000  # files this long get a progress bar on a terminal
REPORT_EVERY_ROWS = 20_000  # elsewhere, a line on stderr this often


def settings() -> Settings:
    from services.config import get_settings

    return get_settings()


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:  # exc_text: the redacted traceback (bot/redaction.py)
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(config: Settings) -> None:
    from bot import redaction

    token = config.telegram_bot_token.get_secret_value() if config.telegram_bot_token else None
    redaction.protect(
        token=token,
        webhook_secret=config.webhook_secret_value() if token else None,
        database_url=config.database_url,
        message_texts=config.log_message_texts,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if config.log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=config.log_level, handlers=[handler], force=True)


@contextmanager
def open_session(url: str | None = None) -> Iterator[Session]:
    """Migrate if the schema is behind, then open one session and transaction for this command.
    Bad input (a LeakBotError) rolls it back and ends the command with its message, exit code 1."""
    from db.migrate import ensure_current
    from db.session import make_engine, make_session_factory, session_scope

    url = url or settings().database_url
    ensure_current(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    except LeakBotError as exc:
        fail(str(exc))
    finally:
        engine.dispose()


@contextmanager
def open_turns(url: str | None = None) -> Iterator[Turn]:
    """Like open_session, for long work: each turn is its own short transaction, so the bot
    (on the same SQLite file) is not held up meanwhile."""
    from db.migrate import ensure_current
    from db.session import in_turns, make_engine, make_session_factory

    url = url or settings().database_url
    ensure_current(url)
    engine = make_engine(url)
    try:
        yield in_turns(make_session_factory(engine))
    except LeakBotError as exc:
        fail(str(exc))
    finally:
        engine.dispose()


def person(session: Session, telegram_id: int) -> User:
    from services.usecases.people import UserDefaults
    from services.usecases.people import person as find_or_register

    config = settings()
    return find_or_register(
        session=session,
        telegram_id=telegram_id,
        defaults=UserDefaults(config.default_timezone, config.default_currency),
    )


def run_for(user: int, use_case: Callable[..., T], **arguments: object) -> T:
    """One use case for one person (`--user ID`) in one session: the command's one call."""
    with open_turns() as turn:
        return turn(lambda session: use_case(session=session, person=person(session, user), **arguments))


def model_service() -> ModelService:
    from services.learning.serving import ModelService

    config = settings()
    return ModelService(config.model_dir, training_threads=config.training_threads)


def fail(message: str) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def now() -> datetime:
    return datetime.now(UTC)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from db.migrate import current_revision, head_revision, upgrade
    from db.session import make_engine

    url = settings().database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        typer.echo(f"Database at revision {current_revision(engine)} (head {head_revision()}).")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from db.migrate import stored_revision
    from db.session import make_engine

    engine = make_engine(settings().database_url)
    try:
        typer.echo(stored_revision(engine) or "not migrated")
    finally:
        engine.dispose()


DATE_FORMAT_HELP = "DMY (03/04/2024 is 3 April), MDY (4 March) or YMD (2024-04-03)."


@app.command("import")
def import_file(
    file: Annotated[
        Path | None, typer.Argument(help="Statement to import: CSV, Excel (.xlsx, .xls) or PDF.")
    ] = None,
    user: UserOption = ...,  # type: ignore[assignment]
    revert: Annotated[int | None, typer.Option(help="Undo this import id instead.")] = None,
    date_format: Annotated[
        str | None, typer.Option("--date-format", help=f"How the dates read: {DATE_FORMAT_HELP}")
    ] = None,
    flip_sign: Annotated[
        bool, typer.Option("--flip-sign", help="Read the file's debits as credits (a card's charges).")
    ] = False,
    columns: Annotated[
        str | None,
        typer.Option(help="Which column is which: date=Posted,amount=Value,description=Memo."),
    ] = None,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="A file holding a locked PDF's password.")
    ] = None,
    reread: Annotated[
        int | None,
        typer.Option(help="Read this import's file again in place (with --swap-dates or --flip-sign)."),
    ] = None,
    swap_dates: Annotated[
        bool, typer.Option("--swap-dates", help="With --reread: swap day and month.")
    ] = False,
) -> None:
    """Import a statement: CSV, Excel or PDF (our export, the sample dataset's format, a bank
    or UPI statement)."""
    from bot.render import imports as render
    from services.importing.options import ImportOptions

    if sum(x is not None for x in (file, revert, reread)) != 1:
        fail("Give a FILE to import, or --revert IMPORT_ID, or --reread IMPORT_ID.")
    if revert is not None:
        from services.usecases import imports

        typer.echo(render.reverted(run_for(user, imports.revert_import, import_id=revert)))
        return
    if reread is not None:
        if not (swap_dates or flip_sign):
            fail("Say how to read it again: --swap-dates, --flip-sign or both.")
        _reread(user, reread, swap_dates=swap_dates, flip_sign=flip_sign)
        return
    assert file is not None
    if not file.is_file():
        fail(f"No such file: {file}")
    if swap_dates:
        fail("--swap-dates goes with --reread IMPORT_ID; for a new file say --date-format.")
    options = ImportOptions(
        date_order=_date_order(date_format),
        flip_sign=flip_sign,
        columns=_columns(columns) if columns is not None else {},
        password=_password(password_file) if password_file is not None else None,
    )
    _import(user, file, options)


def _date_order(given: str | None) -> str | None:
    from services.importing.options import DATE_ORDERS

    if given is None:
        return None
    order = given.strip().upper().replace("/", "").replace("-", "")
    if order not in DATE_ORDERS:
        fail(f"--date-format is one of {', '.join(DATE_ORDERS)}: {DATE_FORMAT_HELP}")
    return order


def _columns(given: str) -> dict[str, str]:
    """`date=Posted,amount=Value` -> {"date": "Posted", "amount": "Value"}."""
    from services.importing.overrides import COLUMN_FIELDS

    named: dict[str, str] = {}
    for part in (p for p in given.split(",") if p.strip()):
        name, sep, column = part.partition("=")
        name, column = name.strip().casefold(), column.strip()
        if not sep or not column:
            fail(f"--columns takes field=column pairs (date=Posted,amount=Value), not '{part.strip()}'.")
        if name not in COLUMN_FIELDS:
            fail(f"--columns: '{name}' is not a field; name one of {', '.join(COLUMN_FIELDS)}.")
        named[name] = column
    if not named:
        fail("--columns takes field=column pairs: date=Posted,amount=Value,description=Memo.")
    return named


def _password(path: Path) -> str:
    """The password in the file, without its trailing newline (never shown, never logged)."""
    if not path.is_file():
        fail(f"No such file: {path}")
    return path.read_text(encoding="utf-8-sig").removesuffix("\n").removesuffix("\r")


def _import(user: int, file: Path, options: ImportOptions) -> None:
    from services.importing.pipeline import DatesUnclear
    from services.usecases import imports

    data = file.read_bytes()
    with open_turns() as turn, _progress(data) as on_progress:
        owner = turn(lambda session: person(session, user))
        if cut_off := imports.discard_cut_off(turn=turn, person=owner, now=now()):
            typer.echo(f"Removed {cut_off} import(s) cut off before they finished.", err=True)
        try:
            result = imports.import_file(
                turn=turn,
                person=owner,
                data=data,
                file_name=file.name,
                models=model_service(),
                on_progress=on_progress,
                options=options,
            )
        except DatesUnclear as unclear:
            fail(
                f"Nothing imported. {unclear} Say which: --date-format DMY (day first) or --date-format MDY."
            )
    assert isinstance(result, imports.Imported)  # only a chat is asked (DatesQuestion)
    _summary_lines(result.summary)


def _reread(user: int, import_id: int, *, swap_dates: bool, flip_sign: bool) -> None:
    from services.usecases import imports

    with open_turns() as turn:
        owner = turn(lambda session: person(session, user))
        result = imports.read_again(
            turn=turn,
            person=owner,
            import_id=import_id,
            models=model_service(),
            swap_dates=swap_dates,
            flip_sign=flip_sign,
        )
    _summary_lines(result.summary)


def _summary_lines(summary: ImportSummary) -> None:
    from bot.render import imports as render

    typer.echo(f"Import #{summary.import_id} from {summary.file_name}: {render.counts_line(summary)}")
    for line in render.understood_lines(summary.understood) if summary.understood else ():
        typer.echo(f"  {line}")
    for line, reason in summary.errors[:SHOWN_IMPORT_ERRORS]:
        typer.echo(f"  {render.error_line(line, reason)}")
    if summary.rejected > SHOWN_IMPORT_ERRORS:
        typer.echo(f"  ... and {summary.rejected - SHOWN_IMPORT_ERRORS:,} more rejected lines")
    flags = {"dates": "--swap-dates", "signs": "--flip-sign"}
    for doubt, line in render.doubts(summary):
        typer.echo(f"  {line} Other way: leakbot import --reread {summary.import_id} {flags[doubt]}")


@contextmanager
def _progress(data: bytes) -> Iterator[ProgressCallback]:
    """A progress bar on a terminal for a long file; elsewhere a line on stderr every
    REPORT_EVERY_ROWS rows stored (`stored 20,000 of 100,000 rows`)."""

    if sys.stderr.isatty() and data.count(b"\n") >= PROGRESS_BAR_LINES:
        with typer.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            yield advance
        return

    reported = [0]

    def report(done: int, total: int) -> None:
        if total > REPORT_EVERY_ROWS and done // REPORT_EVERY_ROWS > reported[0]:
            reported[0] = done // REPORT_EVERY_ROWS
            typer.echo(f"stored {done:,} of {total:,} rows", err=True)

    yield report


@app.command("imports")
def imports_cmd(user: UserOption) -> None:
    """List a person's imports (newest first) with their ids for --revert."""
    from bot.render import imports as render
    from services.usecases import imports

    rows = run_for(user, imports.list_imports)
    if not rows:
        typer.echo("No imports yet.")
    for r in rows:
        typer.echo(f"#{r.import_id}  {r.file_name}  {render.counts_line(r)}")


@app.command("export")
def export(user: UserOption, out: Annotated[Path, typer.Option(help="Where to write the CSV.")]) -> None:
    """Write a person's entries in LeakBot's own CSV format."""
    from services.usecases import imports
    from services.wording import counted

    done = run_for(user, imports.export_entries)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(done.data)
    typer.echo(f"Wrote {counted(done.entries, 'entry', 'entries')} to {out}")


@app.command("log")
def log(
    text: Annotated[str, typer.Argument(help='Entries as you would send them: "chai 20", one per line.')],
    user: UserOption,
    pick: Annotated[
        int | None,
        typer.Option("--pick", help="For a line with two numbers: which amount (1 = the first offered)."),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help="Move a line kept under Other there (its word is remembered)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Store an unknown bank's alert as read.")] = False,
) -> None:
    """Log entries exactly as the bot reads a message (several lines, a bank or UPI alert's
    text), and print the bot's reply. A line with two numbers is not stored until --pick says
    which is the amount; an unknown bank's alert until --yes."""
    from bot.render.capture import not_a_spend, proposal_reply
    from bot.render.entries import logged_reply, message_reply
    from services.usecases import capture, entries

    moment = now()
    source_ref = f"cli:{moment.isoformat()}"
    chosen = (1, pick - 1) if pick is not None else None
    logged = run_for(
        user,
        entries.log_message,
        text=text,
        now=moment,
        source_ref=source_ref,
        models=model_service(),
        pick=chosen,
    )
    if logged.not_a_spend is not None:
        typer.echo(not_a_spend(logged.not_a_spend))
        return
    if logged.pending is not None:
        held = logged.pending
        if not yes:
            run_for(user, capture.cancel_capture, pending_id=held.id, now=moment)
            fail(proposal_reply(held).plain + "\nNot logged: add --yes to log it as read.")
        done = run_for(user, capture.confirm_capture, pending_id=held.id, now=moment, models=model_service())
        typer.echo(f"#{done.entry.id} " + logged_reply(done).plain)
        return
    lines = logged.lines
    if len(lines) == 1 and lines[0].logged is None:
        asked = lines[0].choices
        hint = f" (say which with --pick 1 to {len(asked)})" if asked else ""
        fail((lines[0].problem or "") + hint)
    if category is not None and len(logged.logged) == 1 and logged.logged[0].uncategorised:
        moved = run_for(
            user,
            entries.move_to,
            entry_id=logged.logged[0].entry.id,
            category=category,
            models=model_service(),
        )
        typer.echo(
            f"#{moved.entry.id} moved to {moved.entry.category}"
            + (f"; “{moved.taught}” goes there from now on." if moved.taught else ".")
        )
        return
    prefix = f"#{lines[0].logged.entry.id} " if len(lines) == 1 and lines[0].logged else ""
    typer.echo(prefix + message_reply(logged).plain)


@app.command("scan")
def scan(
    image: Annotated[Path, typer.Argument(help="A photo of a receipt or a payment screenshot.")],
    user: UserOption,
    yes: Annotated[bool, typer.Option("--yes", help="Store what was read.")] = False,
) -> None:
    """Read a receipt photo or a payment screenshot as the bot does and show what was read;
    --yes stores it (the same image twice is stored once)."""
    import hashlib

    from bot.render.capture import proposal_reply
    from bot.render.entries import logged_reply
    from services.errors import LeakBotError
    from services.ledger.captures import Pending
    from services.timing import local_datetime
    from services.usecases import capture

    if not image.is_file():
        fail(f"No such file: {image}")
    data = image.read_bytes()
    moment = now()
    zone, currency = run_for(user, lambda *, session, person: (person.timezone, person.currency))
    try:
        reading = capture.read_photo(data=data, today=local_datetime(moment, zone).date())
    except LeakBotError as exc:
        fail(str(exc))
    if not yes:
        category = run_for(user, capture.category_for, proposal=reading.proposal, now=moment)
        typer.echo(
            proposal_reply(Pending(0, reading.proposal, category, currency), reading.scaled_from).plain
        )
        typer.echo("Not logged: add --yes to log it.")
        return
    ref = "scan:" + hashlib.sha256(data).hexdigest()[:32]
    done = run_for(
        user,
        capture.log_capture,
        proposal=reading.proposal,
        source_ref=ref,
        now=moment,
        models=model_service(),
    )
    typer.echo(("" if done.created else "Already logged: ") + f"#{done.entry.id} " + logged_reply(done).plain)


@app.command("category")
def category_cmd(
    user: UserOption,
    action: Annotated[str, typer.Argument(help="list, add, rename or merge")] = "list",
    names: Annotated[
        list[str] | None, typer.Argument(help="add NAME need|want · rename OLD NEW · merge OLD INTO")
    ] = None,
) -> None:
    """Your own categories, as /category in the chat: list, add NAME need|want, rename OLD
    NEW, merge OLD INTO."""
    from bot.render.categories import categories_reply, changed
    from services.usecases import categories

    given = names or []
    if action == "list":
        typer.echo(categories_reply(run_for(user, categories.list_categories)).plain)
        return
    if action == "add" and len(given) == 2:
        change = run_for(user, categories.add_category, name=given[0], need=given[1])
    elif action == "rename" and len(given) == 2:
        change = run_for(user, categories.rename_category, old=given[0], new=given[1])
    elif action == "merge" and len(given) == 2:
        change = run_for(user, categories.merge_category, source=given[0], into=given[1])
    else:
        fail(
            'Usage: leakbot category [list | add "Pet care" need | rename OLD NEW | merge OLD INTO] --user ID'
        )
    typer.echo(changed(change))


@app.command("entries")
def entries_cmd(
    user: UserOption,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json (every stored field).")] = "table",
) -> None:
    """Show a person's latest entries, each with its one verdict and who gave it."""
    from bot.render.entries import entry_records, verdict
    from services.money import format_money
    from services.usecases import entries

    if fmt not in ("table", "csv", "json"):
        fail("--format must be table, csv or json.")
    rows = run_for(user, entries.recent, limit=limit)
    if fmt != "table":
        records = entry_records(rows)
        if fmt == "json":
            typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else ["id"])
            writer.writeheader()
            writer.writerows(records)
            typer.echo(out.getvalue().rstrip("\n"))
        return
    if not rows:
        typer.echo("No entries yet: import a statement or log one with `leakbot log`.")
    for e in rows:
        amount = format_money(e.amount_minor, e.currency)
        typer.echo(
            f"#{e.id:<6} {e.local_date} {e.local_time:%H:%M}  {e.type.value:<8} {amount:>12}  "
            f"{e.category:<16} {e.payment_mode:<11}  {verdict(e)}"
        )


@app.command("settings")
def settings_cmd(
    user: UserOption,
    name: Annotated[str | None, typer.Argument(help="A setting to change (see the list).")] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value.")] = None,
) -> None:
    """Show a person's settings, or change one (as /settings NAME VALUE does)."""
    from bot.render import account as render
    from services.usecases import account

    if name is None:
        typer.echo(render.settings_reply(run_for(user, account.settings)).plain)
        return
    if value is None:
        fail(f"Give the new value too: leakbot settings --user {user} {name} VALUE")
    typer.echo(render.changed(run_for(user, account.change_setting, name=name, value=value)))


@app.command("verdict")
def verdict_cmd(
    user: UserOption,
    entry_id: Annotated[int, typer.Argument(help="The entry's id (#42 in replies: 42).")],
    call: Annotated[str, typer.Argument(help="leak, ok, or clear (let the model or the rule decide).")],
) -> None:
    """Give your own call on an expense, as the Leak / Not a leak buttons do."""
    from bot.render.entries import entry_reply
    from services.usecases import entries

    calls = {"leak": True, "ok": False, "clear": None}
    if call.casefold() not in calls:
        fail(f"The call is leak, ok or clear, not {call!r}.")
    shown = run_for(user, entries.record_verdict, entry_id=entry_id, is_leak=calls[call.casefold()])
    typer.echo(f"#{shown.id} " + entry_reply(shown).plain)


@app.command("teach")
def teach_cmd(user: UserOption) -> None:
    """The next five "Leak or not?" questions, as /teach asks them (answer with leakbot verdict)."""
    from bot.render.teaching import question_lines
    from services.usecases import teaching

    for line in question_lines(run_for(user, teaching.questions, now=now()), user):
        typer.echo(line)


@app.command("plan")
def plan_cmd(user: UserOption) -> None:
    """The three changes that would save the person the most, and their goals' progress."""
    from bot.render.plan import plan_reply
    from services.usecases import planning

    typer.echo(plan_reply(run_for(user, planning.make_plan, now=now())).plain)


@app.command("today")
def today_cmd(user: UserOption) -> None:
    """Spent today, the leaks among it and every budget's room, against last month's usual day."""
    from bot.render.today import so_far_reply
    from services.usecases import today

    typer.echo(so_far_reply(run_for(user, today.today, now=now())).plain)


@app.command("month")
def month_cmd(user: UserOption) -> None:
    """This month so far, against last month up to the same day, with every budget's room."""
    from bot.render.today import so_far_reply
    from services.usecases import today

    typer.echo(so_far_reply(run_for(user, today.this_month, now=now())).plain)


@app.command("ask")
def ask_cmd(
    question: Annotated[
        str | None,
        typer.Argument(help='Question id (see --list), or a question in words: "zomato this year".'),
    ] = None,
    user: Annotated[int | None, typer.Option("--user", help="The person's Telegram user id.")] = None,
    year: Annotated[int | None, typer.Option(help="Year, for monthly_spend and non_essential_count.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table (or text), csv or json.")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the question ids.")] = False,
) -> None:
    """Answer one of the fourteen business questions, or a question in plain words, over a
    person's entries."""
    from bot.render import questions as render
    from services.questions.canned import QUESTIONS, QUESTIONS_BY_ID
    from services.usecases import questions

    if list_:
        for q in QUESTIONS:
            typer.echo(f"{q.id:<28} /{q.command:<15} {q.title}")
        return
    if question is None or user is None:
        fail("Give a QUESTION id and --user TELEGRAM_ID (or --list).")
    if question not in QUESTIONS_BY_ID and (" " in question.strip() or _in_words(question)):
        ask_in_words(question, user, fmt)
        return
    if fmt not in ("table", "csv", "json"):
        fail("--format must be table, csv or json.")
    answer = run_for(user, questions.answer, question_id=question, now=now(), year=year)
    if fmt == "json":
        typer.echo(render.answer_json(answer.result))
    elif fmt == "csv":
        typer.echo(render.answer_csv(answer.result), nl=False)
    else:
        typer.echo(render.answer_reply(answer).plain)


def _in_words(word: str) -> bool:
    """Whether one word is a question in words (`zomato`), not a mistyped question id."""
    from services.questions.plain import Query, understand

    return isinstance(understand(word, today=now().date()), Query)


def ask_in_words(text: str, user: int, fmt: str) -> None:
    """`leakbot ask "zomato this year" --user ID`: the restatement and a full table, or json."""
    from bot.render import asking
    from services.usecases import questions

    if fmt not in ("table", "text", "json"):
        fail("--format must be text or json for a question in words.")
    answer = run_for(user, questions.ask, text=text, now=now())
    typer.echo(asking.ask_json(answer) if fmt == "json" else asking.ask_text(answer))


@app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option(help="CSV file (with --users > 1: one file per person).")],
    users: Annotated[int, typer.Option(min=1, max=10_000)] = 1,
    months: Annotated[int, typer.Option(min=1, max=1200)] = 18,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 0,
) -> None:
    """Write synthetic ledgers in the sample dataset's format."""
    from services.usecases.samples import sample_ledger

    out.parent.mkdir(parents=True, exist_ok=True)
    for k in range(users):
        target = out if users == 1 else out.with_name(f"{out.stem}-{k + 1}{out.suffix or '.csv'}")
        ledger = sample_ledger(months=months, seed=seed + k)
        target.write_bytes(ledger.csv)
        typer.echo(f"Wrote {ledger.rows:,} rows to {target}")


@app.command("demo")
def demo(
    months: Annotated[int, typer.Option(min=1, max=120)] = 6,
    seed: int = 7,
) -> None:
    """Build a demo person from synthetic data, offline, and show what LeakBot finds."""
    from bot.render.imports import counts_line
    from bot.render.reports import overview_lines
    from db.session import within
    from services.usecases import imports, reports
    from services.usecases.samples import sample_ledger

    with tempfile.TemporaryDirectory() as tmp, open_session(f"sqlite:///{Path(tmp) / 'demo.db'}") as session:
        owner = person(session, 1)
        data = sample_ledger(months=months, seed=seed).csv
        result = imports.import_file(
            turn=within(session), person=owner, data=data, file_name="demo.csv", models=model_service()
        )  # a throwaway database: one transaction
        assert isinstance(result, imports.Imported)  # its dates read one way (the sample's layout)
        found = reports.overview(session=session, person=owner)
    typer.echo(f"Demo: {months} months of synthetic spending, {counts_line(result.summary)}.")
    for line in overview_lines(found):
        typer.echo(line)


@app.command("train")
def train_cmd() -> None:
    """Train the global and personal leak models now and say which were promoted."""
    from bot.render.learning import training_lines
    from services.usecases import learning

    with open_turns() as turn:
        report = learning.train(turn=turn, models=model_service())
    for line in training_lines(report):
        typer.echo(line)


@app.command("subscriptions")
def subscriptions_cmd(user: UserOption) -> None:
    """List the recurring charges found in the person's expenses."""
    from bot.render.learning import subscription_text
    from services.usecases import learning

    found = run_for(user, learning.subscriptions, now=now())
    for item in found.items:
        typer.echo(f"[{item.status}] {subscription_text(item.detected, found.currency)}")
    if not found.items:
        typer.echo("No recurring charges found.")


@app.command("backup")
def backup_cmd(file: Annotated[Path, typer.Argument(help="Where to write the copy.")]) -> None:
    """Copy the SQLite database while the bot runs (PostgreSQL: use pg_dump, see the README)."""
    from db import backup

    try:
        size = backup.backup(settings().database_url, file)
    except backup.BackupError as exc:
        fail(str(exc))
    typer.echo(f"Backed up to {file} ({size:,} bytes)")


@app.command("restore")
def restore_cmd(file: Annotated[Path, typer.Argument(help="A file written by leakbot backup.")]) -> None:
    """Replace the SQLite database's contents with a backup, then migrate it to this version."""
    from db import backup
    from db.migrate import upgrade

    url = settings().database_url
    try:
        backup.restore(url, file)
    except backup.BackupError as exc:
        fail(str(exc))
    upgrade(url)
    typer.echo(f"Restored from {file}")


@app.command("chart")
def chart_cmd(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(CHART_TITLES)}.")],
    user: UserOption,
    out: Annotated[Path, typer.Option(help="Where to write the PNG.")],
    period: Annotated[str | None, typer.Option(help="2024-05, 2024, 30d or all (default 365d).")] = None,
) -> None:
    """Draw one chart of the person's spending as a PNG."""
    from bot.render.reports import chart_caption
    from services.usecases import reports

    picture = run_for(user, reports.chart, name=name, period=period, now=now())
    out.write_bytes(picture.png)
    typer.echo(f"Wrote {out} ({chart_caption(picture).replace(' · ', ', ')})")


MonthOption = Annotated[str | None, typer.Option(help="YYYY-MM (default: this month).")]


@app.command("dashboard")
def dashboard_cmd(
    user: UserOption,
    out: Annotated[Path, typer.Option(help="Where to write the PNG.")],
    month: MonthOption = None,
) -> None:
    """Write the month's dashboard image and print its summary."""
    from bot.render.reports import dashboard_summary
    from services.usecases import reports

    shown = run_for(user, reports.dashboard, month=month, now=now())
    out.write_bytes(shown.png)
    typer.echo(dashboard_summary(shown.data))
    typer.echo(f"Wrote {out}")


@app.command("report")
def report_cmd(
    user: UserOption,
    out: Annotated[Path, typer.Option(help="Where to write the PDF.")],
    month: MonthOption = None,
) -> None:
    """Write the PDF report: dashboard, every chart, the fourteen question tables."""
    from services.usecases import reports

    made = run_for(user, reports.report, month=month, now=now())
    out.write_bytes(made.pdf)
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
        _send_due_digests()
        return
    if out is None or user is None:
        fail("--user needs --out DIR.")
    from bot.render.reports import digest_reply
    from services.usecases import reports

    content = run_for(user, reports.digest_preview, now=now())
    out.mkdir(parents=True, exist_ok=True)
    (out / "digest.txt").write_text(digest_reply(content).plain + "\n")
    for i, image in enumerate(content.images, 1):
        (out / f"chart-{i}.png").write_bytes(image)
    typer.echo(f"Wrote {out / 'digest.txt'} and {len(content.images)} charts")


def _send_due_digests() -> None:
    from telegram import Bot

    from bot.digests import run_once
    from bot.request import RetryingRequest
    from db.migrate import ensure_current
    from db.session import make_engine, make_session_factory

    config = settings()
    if config.telegram_bot_token is None or not config.telegram_bot_token.get_secret_value():
        fail(NO_TOKEN_HELP)
    configure_logging(config)
    ensure_current(config.database_url)
    engine = make_engine(config.database_url)
    bot = Bot(
        config.telegram_bot_token.get_secret_value(),
        base_url=config.telegram_api_base_url,
        base_file_url=config.telegram_file_base_url,
        request=RetryingRequest(),
    )
    try:
        counts = run_once(bot, make_session_factory(engine))
    finally:
        engine.dispose()
    typer.echo(f"digests: {counts['sent']} sent, {counts['blocked']} blocked, {counts['failed']} failed")


@ml_app.command("seed-experiment")
def seed_experiment_cmd(
    out: Annotated[Path, typer.Option(help="Directory for report.md, metrics.json and the PNGs.")],
    csv: Annotated[Path | None, typer.Option(help="A CSV in any importable format.")] = None,
    user: Annotated[int | None, typer.Option(help="A person's Telegram id in the database.")] = None,
    splits: Annotated[int, typer.Option(min=2, help="Stratified 80/20 splits to average over.")] = 10,
) -> None:
    """Rerun the seed write-up's ML experiment, with and without the label's own inputs."""
    from db.session import within
    from services.usecases import imports, learning

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
            imports.import_file(
                turn=within(session),
                person=owner,
                data=csv.read_bytes(),
                file_name=csv.name,
                models=model_service(),
            )
            done = learning.seed_experiment(session=session, person=owner, out=out, splits=splits)
    else:
        assert user is not None
        done = run_for(user, learning.seed_experiment, out=out, splits=splits)
    for slug, (model, f1, spread) in done.best_f1.items():
        typer.echo(f"{slug}: best mean F1 {f1:.3f} ± {spread:.3f} over {done.splits} splits ({model})")
    typer.echo(f"report: {done.report}")


@app.command("run")
def run(
    webhook_url: Annotated[
        str | None, typer.Option(help="Public HTTPS URL Telegram posts updates to.")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on in webhook mode.")] = 8443,
    listen: Annotated[str, typer.Option(help="Address to listen on in webhook mode.")] = "0.0.0.0",
) -> None:
    """Run the Telegram bot: long polling, or webhooks with --webhook-url."""
    from urllib.parse import urlparse

    config = settings()
    if config.telegram_bot_token is None or not config.telegram_bot_token.get_secret_value():
        typer.echo(NO_TOKEN_HELP, err=True)
        raise typer.Exit(2)
    configure_logging(config)
    from db.migrate import ensure_current

    ensure_current(config.database_url)
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot import serving
    from bot.app import build_application, tune_interpreter

    tune_interpreter()
    application = build_application(config)
    updates: serving.Polling | serving.Webhook = (
        serving.Polling()
        if webhook_url is None
        else serving.Webhook(
            url=webhook_url,
            url_path=urlparse(webhook_url).path.strip("/") or "telegram",
            listen=listen,
            port=port,
            secret_token=config.webhook_secret_value(),
        )
    )
    token = config.telegram_bot_token.get_secret_value()
    try:
        serving.run(application, updates)
    except InvalidToken:  # its message quotes the token
        fail(BAD_TOKEN_HELP)
    except TelegramError as exc:
        reason = exc.message.replace(token, REDACTED)
        if isinstance(exc, NetworkError):  # TimedOut too
            fail(
                f"Cannot reach the Bot API at {config.telegram_api_base_url} ({reason}). Check the "
                "network, HTTPS_PROXY, or TELEGRAM_API_BASE_URL for a local Bot API server."
            )
        fail(f"Telegram refused to start the bot: {reason}")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except LeakBotError as exc:  # pragma: no cover - commands catch their own
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        sys.exit(1)
    except Exception as exc:
        from pydantic import ValidationError  # loaded only now: `leakbot --help` needs no pydantic

        if not isinstance(exc, ValidationError):
            raise
        # A setting from the environment or .env: each setting's name and what is wrong with it,
        # not pydantic's input_value (it may be the token).
        problems = [
            f"  {str(e['loc'][0]).upper()}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
        ]
        typer.secho(
            "LeakBot's configuration has a problem:\n" + "\n".join(problems), fg=typer.colors.RED, err=True
        )
        sys.exit(2)
