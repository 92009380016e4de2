"""A health endpoint for load balancers and orchestrators: `GET /healthz` answers 200 with
`{"status": "ok", "database": "ok"}` when the database takes a write (and, for SQLite, its
disk has room), 503 with the reason otherwise (`{"status": "unavailable", "database":
"disk almost full: 12 MB free"}`).

A few lines of asyncio on its own port (HEALTH_PORT), so it works in webhook and polling
mode alike and never competes with Telegram's webhook path.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
PROBE_TIMEOUT_S = 5.0


async def serve(host: str, port: int, probe: Callable[[], Awaitable[str | None]]) -> asyncio.Server:
    """Start the endpoint; probe() says what is wrong with the database (None: nothing)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), PROBE_TIMEOUT_S)
            while (await asyncio.wait_for(reader.readline(), PROBE_TIMEOUT_S)) not in (b"\r\n", b"\n", b""):
                pass  # headers: not needed
            parts = request.decode("latin-1").split()
            if len(parts) < 2 or parts[0] != "GET" or parts[1].split("?")[0] != "/healthz":
                status, body = 404, {"status": "not found"}
            else:
                try:
                    problem = await asyncio.wait_for(probe(), PROBE_TIMEOUT_S)
                except Exception as exc:  # the probe itself failed (or took too long): unhealthy
                    problem = type(exc).__name__
                if problem is None:
                    status, body = 200, {"status": "ok", "database": "ok"}
                else:
                    log.warning("health check failed: %s", problem)
                    status, body = 503, {"status": "unavailable", "database": problem}
            data = json.dumps(body).encode()
            reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                + data
            )
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)
