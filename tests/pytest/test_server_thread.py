"""mockserver.pytest.server_thread.MockServer: the in-thread server behind the plugin (no pytester)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from mockserver.pytest.server_thread import MockServer, MockServerError

log = logging.getLogger("mockserver")


async def tiny_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["path"] == "/raise":
        raise KeyError("escaped the app")
    if scope["path"] == "/logged":
        try:
            raise ValueError("caught by the app")
        except ValueError:
            log.error("unhandled error on %s %s\n%s", scope["method"], scope["path"], "...")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_start_serve_stop() -> None:
    server = MockServer(tiny_app).start()
    try:
        assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.url + "/").text == "ok"
    finally:
        server.stop()
    assert server._thread is not None and not server._thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/")
    server.stop()  # idempotent


def test_errors_are_handed_to_the_caller() -> None:
    with MockServer(tiny_app) as server:
        server.raise_errors()  # nothing yet
        assert httpx.get(server.url + "/raise").status_code == 500
        assert httpx.get(server.url + "/logged").status_code == 200
        with pytest.raises(MockServerError) as caught:
            server.raise_errors()
    error = caught.value
    assert [f.request for f in error.failures] == ["GET /raise", "GET /logged"]
    assert isinstance(error.__cause__, KeyError)
    assert "escaped the app" in error.failures[0].traceback
    assert "GET /logged: ValueError: caught by the app" in str(error)
    assert server.take_errors() == []


def test_errors_logged_by_other_threads_are_not_ours() -> None:
    with MockServer(tiny_app) as server:
        try:
            raise ValueError("not from the server thread")
        except ValueError:
            log.error("unhandled error on GET /elsewhere")
        assert server.take_errors() == []


def test_port_in_use_is_reported() -> None:
    with MockServer(tiny_app) as first, pytest.raises(OSError):
        MockServer(tiny_app, port=first.port).start()
