"""Interception: `mock_chroma`, a context manager and decorator that runs a mock and points chromadb at it.

    from mockserver import mock_chroma

    with mock_chroma() as chroma:          # or @mock_chroma() on a function (sync or async)
        client = chromadb.PersistentClient(path="./db")   # application code, unchanged
        client.create_collection("docs").add(ids=["1"], documents=["hello"])
        assert chroma.requests.calls("collection_add")

Inside the block every chromadb client talks to a fresh in-thread mock (see `clients`), chromadb's
default embedding function runs offline (see `embedding`; `offline_embeddings=False` keeps the real
model), and each `PersistentClient` path has its own state (see `scopes`). Leaving the block stops
the server and undoes the patches.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast, overload

if TYPE_CHECKING:
    from mockserver.api.app import MockApp
    from mockserver.control.faults import Faults
    from mockserver.control.journal import Journal
    from mockserver.intercept.scopes import ScopedApps
    from mockserver.intercept.server_thread import MockServer
    from mockserver.store import Store

__all__ = ["MockChroma", "mock_chroma"]

F = TypeVar("F", bound=Callable[..., Any])


class MockChroma:
    """A mock Chroma server in a background thread, with chromadb pointed at it while entered."""

    def __init__(
        self, offline_embeddings: bool = True, spec: str | Path | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.offline_embeddings = offline_embeddings
        self.spec = spec
        self.host = host
        self._stack: ExitStack | None = None
        self._app: MockApp | None = None
        self._scopes: ScopedApps | None = None
        self._server: MockServer | None = None

    # lifecycle ----------------------------------------------------------------------------
    def start(self) -> Self:
        from mockserver.api.app import create_app
        from mockserver.intercept.clients import Target, intercept_clients
        from mockserver.intercept.embedding import offline_embeddings
        from mockserver.intercept.scopes import ScopedApps
        from mockserver.intercept.server_thread import MockServer

        if self._stack is not None:
            raise RuntimeError("mock_chroma is already active")
        stack = ExitStack()
        try:
            self._app = create_app(self.spec)
            self._scopes = ScopedApps(self._app)
            self._server = stack.enter_context(MockServer(self._scopes, host=self.host))
            stack.enter_context(intercept_clients(Target(self._server.url, self._scopes.prefix)))
            if self.offline_embeddings:
                stack.enter_context(offline_embeddings())
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        server = self._server
        self.stop()
        if server is not None and exc is None:
            server.raise_errors()  # a bug in the mock fails the block that sent the request

    def __call__(self, func: F) -> F:
        """Decorate a function (sync or async): each call runs inside a fresh `mock_chroma`."""
        options = (self.offline_embeddings, self.spec, self.host)
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with MockChroma(*options):
                    return await func(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with MockChroma(*options):
                return func(*args, **kwargs)

        return cast(F, run)

    # what tests look at --------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._running().url

    @property
    def app(self) -> MockApp:
        self._running()
        assert self._app is not None
        return self._app

    @property
    def store(self) -> Store:
        """The state every non-persistent client shares."""
        return self.app.store

    def persistent_store(self, path: str | Path) -> Store:
        """The state of the `PersistentClient`s of one path."""
        self._running()
        assert self._scopes is not None
        import os

        return self._scopes.store(os.path.abspath(path))

    @property
    def requests(self) -> Journal:
        """Every request the mock answered (all paths)."""
        return self.app.journal

    @property
    def faults(self) -> Faults:
        return self.app.faults

    def reset(self) -> None:
        """Back to empty: every path's state, the journal and the fault rules."""
        self.app.reset()
        assert self._scopes is not None
        self._scopes.reset()

    def _running(self) -> MockServer:
        if self._server is None or self._stack is None:
            raise RuntimeError("mock_chroma is not active (use it as `with mock_chroma() as chroma:`)")
        return self._server


@overload
def mock_chroma(func: F, /) -> F: ...
@overload
def mock_chroma(*, offline_embeddings: bool = True, spec: str | Path | None = None) -> MockChroma: ...
def mock_chroma(
    func: F | None = None, /, *, offline_embeddings: bool = True, spec: str | Path | None = None
) -> MockChroma | F:
    """`with mock_chroma() as chroma:`, `@mock_chroma` or `@mock_chroma(...)` (see the module docstring)."""
    mock = MockChroma(offline_embeddings=offline_embeddings, spec=spec)
    return mock if func is None else mock(func)
