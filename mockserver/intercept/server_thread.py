"""Interception: the in-thread server that the pytest plugin and `mock_chroma` run (I/O stage; no pytest imports).

`MockServer` serves any ASGI app (normally a `MockApp`) with uvicorn in a background thread on a
port the OS picks, waits until it accepts connections, and stops cleanly. Exceptions raised while
answering a request inside that thread are recorded and handed back to the caller's thread by
`raise_errors()`, so a bug in the mock fails the test that sent the request instead of hiding in a log:

    with MockServer(create_app()) as server:
        httpx.post(server.url + "/api/v2/tenants", json={"name": "t"})
        server.raise_errors()   # MockServerError from the original exception, if any
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import uvicorn

from mockserver.asgi import ASGIApp, Receive, Scope, Send

__all__ = ["MockServer", "MockServerError", "ServerFailure"]


@dataclass(frozen=True)
class ServerFailure:
    """One exception raised inside the server thread, and the request it was answering."""

    request: str  # "POST /api/v2/tenants" or the log line that reported it
    exception: BaseException
    traceback: str


class MockServerError(Exception):
    """The mock server failed while answering a request of this test (a bug in chroma-mockserver).

    Raised in the test's thread from the first recorded exception (`__cause__`, with the server-side
    traceback); `failures` holds every one of them.
    """

    def __init__(self, failures: list[ServerFailure]) -> None:
        self.failures = failures
        lines = [f"chroma-mockserver raised inside its server thread ({len(failures)} request(s)):"]
        for failure in failures:
            exc = failure.exception
            lines.append(f"  {failure.request}: {type(exc).__name__}: {exc}")
        super().__init__("\n".join(lines))


class _ErrorLog(logging.Handler):
    """Catches `log.error(...)` calls the app makes from inside an `except` block in the server thread."""

    def __init__(self, server: MockServer) -> None:
        super().__init__(logging.ERROR)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        if threading.get_ident() != self.server.thread_ident:
            return
        exc = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        if exc is None:
            return
        first_line = record.getMessage().splitlines()[0]
        self.server.record(first_line.removeprefix("unhandled error on "), exc)


class _Uvicorn(uvicorn.Server):
    """uvicorn without its 0.1 s polling loop: `stop()` wakes `main_loop` at once."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.wake: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self.wake = asyncio.Event()
        await super().startup(sockets=sockets)
        self.ready.set()

    async def main_loop(self) -> None:
        await self.on_tick(0)  # sets the default (date) headers once
        assert self.wake is not None
        await self.wake.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown without its fixed 0.1 s pause: stop listening, close idle connections,
        give in-flight requests up to `timeout_graceful_shutdown` to finish, then cancel them."""
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + (self.config.timeout_graceful_shutdown or 0)
        while (self.server_state.connections or self.server_state.tasks) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        for task in self.server_state.tasks:
            task.cancel()

    def stop(self) -> None:
        self.should_exit = True
        if self.loop is not None and self.wake is not None and not self.loop.is_closed():
            try:
                self.loop.call_soon_threadsafe(self.wake.set)
            except RuntimeError:  # loop closed between the check and the call
                pass


class MockServer:
    """An ASGI app served over HTTP from a background thread; a context manager."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, logger: str = "mockserver") -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.port = port
        self.thread_ident: int | None = None
        self._failures: list[ServerFailure] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._server: _Uvicorn | None = None
        self._startup_error: BaseException | None = None
        self._log_handler = _ErrorLog(self)
        self._logger = logging.getLogger(logger)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # lifecycle ----------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> Self:
        """Bind, start the thread and wait until the server accepts connections."""
        if self._thread is not None:
            raise RuntimeError("MockServer already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.requested_port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._guarded,
            interface="asgi3",
            lifespan="off",
            proxy_headers=False,
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self._server = server = _Uvicorn(config)
        self._logger.addHandler(self._log_handler)
        self._thread = threading.Thread(target=self._run, args=(server, sock), name="chroma-mockserver", daemon=True)
        self._thread.start()
        if not server.ready.wait(timeout) or not server.started:
            self.stop()
            raise RuntimeError(f"chroma-mockserver did not start on {self.url}") from self._startup_error
        return self

    def _run(self, server: _Uvicorn, sock: socket.socket) -> None:
        self.thread_ident = threading.get_ident()
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # noqa: BLE001 -- SystemExit from a failed startup included
            self._startup_error = exc
            server.ready.set()
        finally:
            sock.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to shut down and join the thread (idempotent)."""
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self._logger.removeHandler(self._log_handler)

    def __enter__(self) -> Self:
        return self.start() if self._thread is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # errors from the server thread --------------------------------------------------------
    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            self.record(f"{scope.get('method', '?')} {scope.get('path', '?')}", exc)
            raise

    def record(self, request: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(exc))
        with self._lock:
            self._failures.append(ServerFailure(request, exc, text))

    def take_errors(self) -> list[ServerFailure]:
        """The failures recorded since the last call (and forget them)."""
        with self._lock:
            failures, self._failures = self._failures, []
        return failures

    def raise_errors(self) -> None:
        """Raise `MockServerError` (from the first server-side exception) if any request failed."""
        failures = self.take_errors()
        if failures:
            raise MockServerError(failures) from failures[0].exception
