"""The dashboard as a Telegram Mini App: a page and its JSON API under /app/.

- **Where**: in webhook mode on the webhook's own aiohttp server (bot/intake.py Webhook); in
  polling mode on a server of its own at WEBAPP_HOST:WEBAPP_PORT. Telegram opens it at
  WEBAPP_URL + /app/, which must be https (a reverse proxy with TLS in front).
- **Who**: every API call carries the launch data Telegram gave the page, as
  `Authorization: tma <initData>`, checked with Telegram's documented procedure
  (launch_person): an HMAC-SHA256 keyed with the bot token, compared in constant time, at
  most LAUNCH_MAX_AGE_S old. Forged, expired or missing launch data gets a bare 401. The
  person is the launch data's user: they see and change only their own entries (another
  person's entry is a 404, as an entry that does not exist).
- **How**: each call runs one use case off the event loop, in one session and transaction
  (bot/runtime.py call_as), the same use cases the chat calls; a verdict or a category set
  here is the chat's record_verdict or move_to.
- Neither the launch data nor the token is ever logged (no access log; errors log their type).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from bot.render import board as render
from bot.runtime import Runtime, call_as
from services.errors import LeakBotError, NotFound
from services.usecases import board as board_usecase
from services.usecases import entries

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)
PREFIX = "/app"
LAUNCH_MAX_AGE_S = 24 * 3600  # launch data older than a day is refused
LAUNCH_SKEW_S = 60  # a clock a little ahead of ours is fine; more is not
MAX_LAUNCH_DATA = 4096  # bytes of the Authorization header's launch data
MAX_BODY_BYTES = 4096  # a verdict or a category name
ASSETS = {
    "index.html": "text/html",
    "app.js": "application/javascript",
    "app.css": "text/css",
}
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime", Runtime)


def _secret_key(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _data_check_string(pairs: Mapping[str, str]) -> str:
    return "\n".join(f"{k}={pairs[k]}" for k in sorted(pairs) if k != "hash")


def launch_person(init_data: str, *, token: str, now: float) -> int | None:
    """The Telegram user id of genuine, fresh launch data (Telegram's initData); None otherwise.

    Telegram's procedure: secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); the
    hash is hex HMAC_SHA256(key=secret_key, msg=data_check_string), where data_check_string
    is every received field but hash, as key=value sorted by key and joined by newlines.
    """
    if not init_data or len(init_data) > MAX_LAUNCH_DATA:
        return None
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a field given twice: not what Telegram signs
        return None
    given = fields.get("hash", "")
    expected = hmac.new(_secret_key(token), _data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return None
    try:
        signed_at = int(fields["auth_date"])
        user = json.loads(fields["user"])
        person = user["id"]
    except (KeyError, ValueError, TypeError):
        return None
    if not now - LAUNCH_MAX_AGE_S <= signed_at <= now + LAUNCH_SKEW_S:
        return None
    if not isinstance(person, int) or isinstance(person, bool) or person <= 0:
        return None
    return person


def sign_launch_data(fields: Mapping[str, str], *, token: str) -> str:
    """Launch data as Telegram signs it (the tests' and the benchmark's stand-in for Telegram)."""
    check = _data_check_string(fields)
    digest = hmac.new(_secret_key(token), check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=API_HEADERS)


Handler = Callable[[web.Request, int], Awaitable[web.Response]]


def _api(handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The API answers only genuine launch data of an allowed person: handler(request,
    person) runs only then, and nothing of the request is read before."""

    async def checked(request: web.Request) -> web.Response:
        rt = request.app[RUNTIME]
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        token = rt.settings.telegram_bot_token
        person = (
            launch_person(init_data.strip(), token=token.get_secret_value(), now=time.time())
            if scheme.lower() == "tma" and token is not None
            else None
        )
        if person is None:
            return web.Response(status=401)
        allowed = rt.settings.allowed_user_ids
        if allowed and person not in allowed:
            return web.Response(status=403)
        try:
            return await handler(request, person)
        except NotFound as exc:
            return _error(404, str(exc))
        except LeakBotError as exc:  # bad input: its message is safe to show, nothing changed
            return _error(400, str(exc))
        except Exception as exc:
            log.error("dashboard API call failed (%s)", type(exc).__name__)
            return _error(500, "Sorry, that failed on my side.")

    return checked


def _entry_id(request: web.Request) -> int:
    try:
        value = int(request.match_info["entry_id"])
    except ValueError:
        raise NotFound("There is no such entry.") from None
    if not 0 < value < 2**63:
        raise NotFound("There is no such entry.")
    return value


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise LeakBotError("That request is too large.")
    try:
        body = json.loads(await request.content.read(MAX_BODY_BYTES + 1) or b"{}")
    except ValueError:
        raise LeakBotError("Send JSON.") from None
    if not isinstance(body, dict):
        raise LeakBotError("Send a JSON object.")
    return body


def _query(request: web.Request, name: str) -> str | None:
    value = request.query.get(name, "").strip()
    return value or None


async def board(request: web.Request, person: int) -> web.Response:
    """GET /app/api/board?month=YYYY-MM&category=&payment_mode=&time_block=&page=1"""
    try:
        page = int(request.query.get("page", "1")) - 1
    except ValueError:
        raise LeakBotError("Pages are numbers.") from None
    shown = await call_as(
        request.app[RUNTIME],
        person,
        board_usecase.board,
        month=_query(request, "month"),
        now=datetime.now(UTC),
        category=_query(request, "category"),
        payment_mode=_query(request, "payment_mode"),
        time_block=_query(request, "time_block"),
        page=page,
    )
    return web.json_response(render.board_json(shown), headers=API_HEADERS)


async def verdict(request: web.Request, person: int) -> web.Response:
    """POST /app/api/entries/{id}/verdict {"is_leak": true | false | null}: the chat's
    Leak / Not a leak."""
    entry_id, body = _entry_id(request), await _body(request)
    is_leak = body.get("is_leak")
    if is_leak is not None and not isinstance(is_leak, bool):
        raise LeakBotError("is_leak is true, false or null.")
    rt = request.app[RUNTIME]
    shown = await call_as(rt, person, entries.record_verdict, entry_id=entry_id, is_leak=is_leak)
    return web.json_response(render.entry_json(shown, shown.currency), headers=API_HEADERS)


async def categories(request: web.Request, person: int) -> web.Response:
    """GET /app/api/entries/{id}/categories: the categories the entry can move to."""
    rt = request.app[RUNTIME]
    menu = await call_as(rt, person, entries.category_menu, entry_id=_entry_id(request))
    return web.json_response(render.categories_json(menu, menu.entry.currency), headers=API_HEADERS)


async def category(request: web.Request, person: int) -> web.Response:
    """POST /app/api/entries/{id}/category {"category": "Groceries"}: the chat's move_to."""
    entry_id, body = _entry_id(request), await _body(request)
    name = body.get("category")
    if not isinstance(name, str) or not name.strip():
        raise LeakBotError("Name a category.")
    rt = request.app[RUNTIME]
    moved = await call_as(
        rt, person, entries.move_to, entry_id=entry_id, category=name.strip(), models=rt.models
    )
    return web.json_response(render.entry_json(moved.entry, moved.entry.currency), headers=API_HEADERS)


def _assets() -> dict[str, bytes]:
    folder = resources.files("bot").joinpath("webapp_static")
    return {name: folder.joinpath(name).read_bytes() for name in ASSETS}


def page_app(rt: Runtime) -> web.Application:
    """The page and the API, to be mounted at PREFIX."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[RUNTIME] = rt
    assets = _assets()

    def asset(name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(_request: web.Request) -> web.Response:
            return web.Response(body=assets[name], content_type=ASSETS[name], headers=PAGE_HEADERS)

        return serve

    app.router.add_get("/", asset("index.html"))
    for name in ASSETS:
        app.router.add_get(f"/{name}", asset(name))
    app.router.add_get("/api/board", _api(board))
    app.router.add_post(r"/api/entries/{entry_id}/verdict", _api(verdict))
    app.router.add_get(r"/api/entries/{entry_id}/categories", _api(categories))
    app.router.add_post(r"/api/entries/{entry_id}/category", _api(category))
    return app


async def _to_page(_request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect(f"{PREFIX}/")


def mount(server: web.Application, application: Application) -> None:  # type: ignore[type-arg]
    """Serve the Mini App under /app/ on this server (the webhook's)."""
    rt: Runtime = application.bot_data["runtime"]
    server.router.add_get(PREFIX, _to_page)
    server.add_subapp(f"{PREFIX}/", page_app(rt))


async def serve(application: Application, host: str, port: int) -> web.AppRunner:  # type: ignore[type-arg]
    """A server of its own for the Mini App (polling mode): WEBAPP_HOST:WEBAPP_PORT."""
    server = web.Application()
    mount(server, application)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
