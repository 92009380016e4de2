"""Replies that could not be sent while the Bot API was down wait in the outbox and go out,
in order and at most once each, when it is back.

`KeepingBot` is the Application's bot. When a message or an edit still fails after
bot/request.py's retries (the Bot API unreachable, or answering 5xx), it is stored in the
outbox (table `outbox`) and the handler stops with `Postponed`, which the error handler
leaves unanswered: the change the person asked for is already committed, and the reply
follows. The `send-kept-replies` job sends what the outbox holds every KEPT_RETRY_EVERY_S
seconds, oldest first: each is taken out before it is sent (so never twice) and put back
only when the Bot API still cannot be reached. A reply answered too late (AnsweredLate) is
not kept: Telegram most likely has it. Photos and files are not kept (their bytes are not
stored): those fail as before.
"""

from __future__ import annotations

import contextvars
import json
import logging
import warnings
from typing import Any

from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes, ExtBot
from telegram.request._requestparameter import RequestParameter  # how PTB encodes parameters
from telegram.warnings import PTBUserWarning

from bot.request import AnsweredLate
from bot.runtime import runtime
from db import outbox

log = logging.getLogger(__name__)
KEPT_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})
KEPT_RETRY_EVERY_S = 30
_resending: contextvars.ContextVar[bool] = contextvars.ContextVar("leakbot_resending", default=False)


class Postponed(NetworkError):
    """The reply could not be sent now; it waits in the outbox."""

    def __init__(self, method: str) -> None:
        super().__init__(f"{method} could not be sent; kept in the outbox")


class KeepingBot(ExtBot[Any]):
    """An ExtBot whose messages and edits that cannot be sent are kept for later."""

    async def _do_post(self, endpoint: str, data: dict[str, Any], **timeouts: Any) -> Any:
        try:
            return await super()._do_post(endpoint, data, **timeouts)
        except AnsweredLate:
            raise
        except NetworkError:
            if endpoint not in KEPT_METHODS or _resending.get():
                raise
            parameters = [RequestParameter.from_input(key, value) for key, value in data.items()]
            if any(p.input_files for p in parameters):
                raise
            rt = self._runtime
            if rt is None:
                raise
            kept = json.dumps({p.name: p.value for p in parameters if p.value is not None})
            await rt.run_in_session(lambda session: outbox.keep(session, endpoint, kept))
            log.warning("%s could not be sent; kept in the outbox", endpoint)
            raise Postponed(endpoint) from None

    @property
    def _runtime(self) -> Any:
        return getattr(self, "_leakbot_runtime", None)

    def keep_with(self, rt: Any) -> None:
        """Where kept replies are stored (the bot's runtime, once its database is open)."""
        self._leakbot_runtime = rt


async def send_kept(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: send what the outbox holds, oldest first, until it is empty or the Bot API is
    still unreachable (then the one in hand goes back, and the rest wait for the next run)."""
    rt = runtime(context)
    sent = 0
    while (kept := await rt.run_in_session(outbox.take_next)) is not None:
        token = _resending.set(True)
        try:
            with warnings.catch_warnings():  # PTB would rather each method were called by name
                warnings.simplefilter("ignore", PTBUserWarning)
                await context.bot.do_api_request(kept.method, api_kwargs=json.loads(kept.params))
        except AnsweredLate:
            pass  # it arrived, most likely: not again
        except NetworkError as exc:
            await rt.run_in_session(lambda session, kept=kept: outbox.put_back(session, kept))  # type: ignore[misc]
            log.info("kept replies wait: the Bot API is still unreachable (%s)", type(exc).__name__)
            break
        except TelegramError as exc:  # blocked, chat gone, message no longer editable
            log.warning("a kept %s was refused and dropped: %s", kept.method, exc)
        finally:
            _resending.reset(token)
        sent += 1
    if sent:
        log.info("sent %d kept replies", sent)
