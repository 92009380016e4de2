"""The Bot API transport honours the machine's proxy settings, looked up once per host."""

from __future__ import annotations

import pytest

from bot.request import AiohttpRequest


def test_a_proxy_from_the_environment_is_used_except_for_hosts_in_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    request = AiohttpRequest()
    assert request._proxy_for("https://api.telegram.org/bot123:abc/getMe") == "http://proxy.example:3128"
    assert request._proxy_for("http://127.0.0.1:8081/bot123:abc/getMe") is None
    monkeypatch.delenv("HTTPS_PROXY")
    # Looked up once per host, not per call.
    assert (
        request._proxy_for("https://api.telegram.org/bot123:abc/sendMessage") == "http://proxy.example:3128"
    )
    assert AiohttpRequest()._proxy_for("https://api.telegram.org/bot123:abc/getMe") is None
