"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

It speaks real HTTP to the real python-telegram-bot Application: getMe, deleteWebhook,
long-polled getUpdates with offsets, sendMessage, editMessageText, answerCallbackQuery,
setMyCommands, setChatMenuButton, sendDocument/sendPhoto/sendMediaGroup, getFile and file
downloads. Tests push updates with
`send_text` / `press_button` and wait for the bot's calls with `wait_for`. `enforce_limits`
makes it answer sends beyond Telegram's rate limits with 429, as Telegram does.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "123456:TEST-token-never-logged"
MAX_TEXT, MAX_CAPTION = 4096, 1024  # Telegram's limits, enforced as Telegram does
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "LeakBot",
    "username": "leak_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# What Telegram's rate limits count: one call each (an album is one).
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup", "sendDocument"})
LIMIT_WINDOW_S = 1.0
STRING_FIELDS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "file_id",
    "url",
    "secret_token",
    "description",
    "short_description",
    "name",
    "emoji",
    "language_code",
    "data",
}


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops connections under load (1 s SYN retries)
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bot killed mid-call (the SIGKILL tests) resets its connection: not news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class _Limits:
    per_second: int
    per_chat_per_second: int
    retry_after: int


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    """The server and what it has seen."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._by_chat: dict[tuple[str, object], list[Call]] = {}
        self.updates: list[dict[str, Any]] = []
        self.pushed_at: dict[int, float] = {}  # update_id -> when the test sent it
        # Telegram forgets an update once getUpdates is called with a higher offset; by
        # default the fake remembers, so a new bot is sent every update again (a redelivery).
        self.remembers_confirmed = True
        self.confirmed = 0  # the highest offset the bot has sent: updates below it were confirmed
        self.files: dict[str, bytes] = {}
        self.fail_next: dict[str, list[int]] = {}  # method -> HTTP statuses to answer first
        self.delay_next: dict[str, list[float]] = {}  # method -> seconds to stall the next answers
        # Called (under the server's lock) with each recorded call: load generators use it to
        # send a person's next message the moment the previous one is answered.
        self.on_call: Callable[[Call], None] | None = None
        self.too_many = 0  # sends answered 429 under enforce_limits
        self._limits: _Limits | None = None
        self._recent_sends: deque[tuple[float, object]] = deque()  # (when, chat_id) within the window
        self._cond = threading.Condition(threading.RLock())
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/file/bot"

    def start(self) -> FakeTelegram:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # --- Telegram's rate limits (off unless a test enforces them) -----------------------
    def enforce_limits(
        self, *, per_second: int = 30, per_chat_per_second: int = 1, retry_after: int = 1
    ) -> None:
        """From now on answer a send (SEND_METHODS) 429 with parameters.retry_after, as Telegram
        does, when it would make more than per_second sends within the last second, or more
        than per_chat_per_second to its chat; each such answer counts in too_many. A send
        answered 429 was not sent, so it does not count against the limits."""
        with self._cond:
            self._limits = _Limits(per_second, per_chat_per_second, retry_after)
            self._recent_sends.clear()

    def _over_limits(self, chat_id: object) -> _Limits | None:
        """The limits one more send to chat_id now would break (None: it is recorded as sent)."""
        with self._cond:
            limits = self._limits
            if limits is None:
                return None
            now = time.monotonic()
            while self._recent_sends and self._recent_sends[0][0] <= now - LIMIT_WINDOW_S:
                self._recent_sends.popleft()
            to_chat = sum(1 for _, chat in self._recent_sends if chat == chat_id)
            if len(self._recent_sends) >= limits.per_second or to_chat >= limits.per_chat_per_second:
                self.too_many += 1
                return limits
            self._recent_sends.append((now, chat_id))
            return None

    # --- what tests send ---------------------------------------------------------------
    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._cond:  # re-entrant: on_call hooks push while holding it
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
            self.pushed_at[update["update_id"]] = time.monotonic()
            self._cond.notify_all()
        return update

    def message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        message_id: int | None = None,
        document: dict[str, Any] | None = None,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A message from user_id, in their private chat unless chat says otherwise;
        reply_to: the message it answers (e.g. one the bot sent)."""
        msg: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or {"id": user_id, "type": "private", "first_name": f"user{user_id}"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if document is not None:
            msg["document"] = document
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        return msg

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        message_id: int | None = None,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message = self.message(user_id, text, message_id=message_id, chat=chat, reply_to=reply_to)
        return self._push({"message": message})

    def send_document(self, user_id: int, name: str, data: bytes, mime: str = "text/csv") -> dict[str, Any]:
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = data
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": mime,
            "file_size": len(data),
        }
        return self._push({"message": self.message(user_id, document=document)})

    def send_photo(
        self, user_id: int, data: bytes, *, width: int = 1080, height: int = 1920
    ) -> dict[str, Any]:
        """A photo from user_id, as Telegram sends one: its sizes, the largest last."""
        file_id = f"photo{len(self.files) + 1}"
        self.files[file_id] = data
        sizes = [
            {
                "file_id": f"{file_id}s",
                "file_unique_id": f"u{file_id}s",
                "width": 90,
                "height": 160,
                "file_size": 1,
            },
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "width": width,
                "height": height,
                "file_size": len(data),
            },
        ]
        self.files[f"{file_id}s"] = b""
        return self._push({"message": {**self.message(user_id), "photo": sizes}})

    def press_button(self, user_id: int, data: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        query = {
            "id": f"cb{next(self._message_ids)}",
            "chat_instance": "ci",
            "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
            "message": message or {**self.message(user_id, "Which question?"), "from": BOT_USER},
        }
        return self._push({"callback_query": query})

    # --- what tests read ---------------------------------------------------------------
    def _matching(self, method: str, chat_id: int | None) -> list[Call]:
        if chat_id is not None:
            return list(self._by_chat.get((method, chat_id), []))
        return [c for c in self.calls if c.method == method]

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return self._matching(method, chat_id)

    def wait_for(
        self,
        method: str = "sendMessage",
        *,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self._matching(method, chat_id)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} {method} calls, saw {len(found)}: "
                        f"{[c.method for c in self.calls]}"
                    )
                self._cond.wait(remaining)

    # --- the HTTP side -----------------------------------------------------------------
    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        delays = self.delay_next.get(method)
        if delays:
            time.sleep(delays.pop(0))  # the bot's read timeout fires first
        failures = self.fail_next.get(method)
        if failures:
            status = failures.pop(0)
            return status, ({"retry_after": 1} if status == 429 else None)
        if len(str(params.get("text", ""))) > MAX_TEXT or len(str(params.get("caption", ""))) > MAX_CAPTION:
            return 400, None  # Telegram: "Bad Request: message is too long"
        limited = method in SEND_METHODS and self._limits is not None  # no lock taken by default
        if limited and (broken := self._over_limits(params.get("chat_id"))):
            return 429, {"retry_after": broken.retry_after}  # Telegram: "Too Many Requests: retry after N"
        if method == "getMe":
            return 200, BOT_USER
        if method in (
            "deleteWebhook",
            "setMyCommands",
            "setChatMenuButton",
            "answerCallbackQuery",
            "setWebhook",
            "deleteMessage",
        ):
            return 200, True
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            with self._cond:
                self.confirmed = max(self.confirmed, offset)
                if not self.remembers_confirmed:  # as Telegram: confirmed updates are gone
                    offset = max(offset, self.confirmed)
                while True:
                    first = self.updates[0]["update_id"] if self.updates else 1
                    pending = self.updates[max(offset - first, 0) :]
                    if pending or time.monotonic() >= deadline:
                        return 200, pending
                    self._cond.wait(max(deadline - time.monotonic(), 0.01))
        if method in (
            "sendMessage",
            "editMessageText",
            "editMessageReplyMarkup",
            "sendDocument",
            "sendPhoto",
        ):
            chat_id = params.get("chat_id")
            message = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if method == "sendDocument":
                message["document"] = {"file_id": "sent", "file_unique_id": "sent", "file_name": "export.csv"}
            return 200, message
        if method == "sendMediaGroup":
            media = params.get("media") or []
            return 200, [
                {
                    "message_id": next(self._message_ids),
                    "date": int(time.time()),
                    "chat": {"id": params.get("chat_id"), "type": "private"},
                    "from": BOT_USER,
                    "photo": [{"file_id": f"p{i}", "file_unique_id": f"p{i}", "width": 1, "height": 1}],
                }
                for i, _ in enumerate(media)
            ]
        if method == "getFile":
            file_id = params["file_id"]
            return 200, {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"documents/{file_id}",
            }
        return 400, None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Telegram's own server
            # One buffered write per response and no Nagle: otherwise headers and body go
            # out as two packets and delayed ACKs add 40 ms to every request.
            wbufsize = -1
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # file downloads
                path = urlparse(self.path).path
                file_id = path.rsplit("/", 1)[-1]
                data = fake.files.get(file_id)
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def do_POST(self) -> None:
                method = urlparse(self.path).path.rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                params = fake._parse(self.headers.get("Content-Type", ""), body)
                status, result = fake._answer(method, params)
                if method != "getUpdates" and status == 200:  # what was delivered; failures are not
                    with fake._cond:
                        call = Call(method, params)
                        fake.calls.append(call)
                        fake._by_chat.setdefault((method, params.get("chat_id")), []).append(call)
                        if fake.on_call is not None:
                            fake.on_call(call)
                        fake._cond.notify_all()
                payload = (
                    {"ok": True, "result": result}
                    if status == 200
                    else {
                        "ok": False,
                        "error_code": status,
                        "description": f"fake error {status}",
                        **({"parameters": result} if result else {}),
                    }
                )
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot hung up (shutting down mid long-poll)

        return Handler

    @staticmethod
    def _value(key: str, raw: str) -> Any:
        if key in STRING_FIELDS:
            return raw
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    def _parse(self, content_type: str, body: bytes) -> dict[str, Any]:
        if content_type.startswith("application/json"):
            return json.loads(body or b"{}")
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
            )
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    params[name] = {"filename": part.get_filename(), "data": payload}
                else:
                    params[name] = self._value(name, payload.decode())
            return params
        return {k: self._value(k, v[0]) for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
