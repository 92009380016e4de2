"""HTTP to the Bot API with retries: 429 waits as long as Telegram asks, 5xx and network
errors back off. getUpdates is left to the updater's own retry loop."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
MAX_RETRY_AFTER = 30.0
BACKOFF = (0.2, 0.5, 1.0, 2.0)


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries what Telegram or the network failed."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        for attempt in range(MAX_ATTEMPTS):
            last = attempt == MAX_ATTEMPTS - 1
            try:
                status, payload = await super().do_request(url, method, *args, **kwargs)
            except (TimedOut, NetworkError) as exc:
                if endpoint == "getUpdates" or last:
                    raise
                log.warning("%s failed (%s); retrying", endpoint, type(exc).__name__)
                await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                continue
            if status == 429 and not last:
                await asyncio.sleep(min(_retry_after(payload), MAX_RETRY_AFTER))
                continue
            if status >= 500 and not last and endpoint != "getUpdates":
                log.warning("%s answered %s; retrying", endpoint, status)
                await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                continue
            return status, payload
        raise AssertionError("unreachable")  # pragma: no cover


def _retry_after(payload: bytes) -> float:
    try:
        return float(json.loads(payload).get("parameters", {}).get("retry_after", 1))
    except (ValueError, AttributeError):
        return 1.0
