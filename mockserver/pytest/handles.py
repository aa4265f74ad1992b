"""Handles (plugin stage): what `chroma_mock` yields — the in-thread mock, or a real Chroma (`--chroma-url`).

Both answer the same calls (`url`, `host`, `port`, `client()`, `seed()`, `reset()`), so one test suite
runs against either; `requests` (the journal) and `fail()` (fault injection) exist only on the mock
and skip the test, with the reason, against a real Chroma.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

    from mockserver.api.app import MockApp
    from mockserver.control.journal import Journal
    from mockserver.intercept.clients import Target
    from mockserver.intercept.scopes import ScopedApps
    from mockserver.intercept.server_thread import MockServer
    from mockserver.store import Store, StoreSnapshot

SeedSource = Mapping[str, Any] | str | os.PathLike[str]

__all__ = ["ChromaMock", "LocalMock", "RemoteChroma", "SeedSource"]


class ChromaMock:
    """A Chroma server for one test: the mock (`LocalMock`) or a real one (`RemoteChroma`)."""

    #: True for the in-thread mock; False when the session runs against a real Chroma (--chroma-url).
    is_mock: bool = False

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url.rstrip("/")
        self.host: str = parts.hostname
        self.port: int = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = parts.scheme == "https"
        #: Where relative seed paths are looked up first (the running test's folder).
        self.base_dir: Path | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    def client(self, **kwargs: Any) -> ClientAPI:
        """A `chromadb.HttpClient` for this server; keyword arguments go to `HttpClient` (tenant, database, ...)."""
        try:
            import chromadb
            from chromadb.config import Settings
        except ImportError as exc:
            raise ImportError(
                "chroma_mock.client() needs the chromadb package (pip install 'chromadb==1.5.9'); "
                "without it, send requests to chroma_mock.url with any HTTP client"
            ) from exc
        kwargs.setdefault("settings", Settings(anonymized_telemetry=False))
        return chromadb.HttpClient(host=self.host, port=self.port, ssl=self.ssl, **kwargs)

    def resolve(self, source: SeedSource) -> SeedSource:
        """A relative seed path names a file next to the test if there is one, else one from the working directory."""
        if isinstance(source, (str, os.PathLike)) and self.base_dir is not None and not Path(source).is_absolute():
            candidate = self.base_dir / source
            if candidate.exists():
                return candidate
        return source

    @contextmanager
    def intercept(self) -> Iterator[ChromaMock]:
        """Inside the block, every chromadb client constructed anywhere talks to this server
        (see mockserver.intercept.clients); the `chroma_intercept` fixture does this for a whole test."""
        from mockserver.intercept.clients import intercept_clients

        with intercept_clients(self._target()):
            yield self

    def _target(self) -> Target:
        from mockserver.intercept.clients import Target

        return Target(self.url)

    def prepare(self, sources: Sequence[SeedSource]) -> None:
        """Reset, then load `sources` in order (what `chroma_mock` does before each test)."""
        self.reset()
        for source in sources:
            self.seed(source)

    # what each kind implements -------------------------------------------------------------
    def reset(self) -> None:
        """Back to an empty server (default tenant and database only)."""
        raise NotImplementedError

    def seed(self, data_or_path: SeedSource) -> None:
        """Create tenants, databases, collections and records from a dict or a YAML/JSON file (see mockserver.control.seed)."""
        raise NotImplementedError

    @property
    def requests(self) -> Journal:
        """The journal of the requests the mock answered in this test (mock only)."""
        raise NotImplementedError

    def compact(self, collection_id: str | None = None) -> list[str]:
        """Cloud profile: compact pending writes now (one collection's, or all); the ids compacted (mock only)."""
        raise NotImplementedError

    def fail(
        self,
        operation_id: str | None = None,
        status: int | None = 500,
        times: int | None = 1,
        delay: float = 0.0,
        message: str | None = None,
        error: str | None = None,
        probability: float = 1.0,
    ) -> str:
        """Answer the next `times` calls of `operation_id` (`operation_id=None`: of any operation;
        `times=None`: every call) with a Chroma-shaped error `status` after `delay` seconds
        (`status=None`: only the delay); return the rule id (mock only)."""
        raise NotImplementedError


class LocalMock(ChromaMock):
    """The mock, served from a background thread of this process."""

    is_mock = True

    #: Seeded states kept for `prepare` (most recently used last), at most this many.
    SNAPSHOTS = 8

    def __init__(self, app: MockApp, server: MockServer, scopes: ScopedApps | None = None) -> None:
        super().__init__(server.url)
        self.app = app
        self.server = server
        #: The separate states of intercepted `PersistentClient(path=...)`s (None: not served).
        self.scopes = scopes
        self._snapshots: OrderedDict[tuple[object, ...], StoreSnapshot] = OrderedDict()

    def client(self, **kwargs: Any) -> ClientAPI:
        """A `chromadb.HttpClient` for this server; on the cloud profile it sends an API key (`ck-mock`), as
        the profile requires one (`headers={"x-chroma-token": ...}` chooses another)."""
        if self.app.store.profile.api_key_required:
            kwargs["headers"] = {"x-chroma-token": "ck-mock", **(kwargs.get("headers") or {})}
        return super().client(**kwargs)

    def _target(self) -> Target:
        from mockserver.intercept.clients import Target

        return Target(self.url, None if self.scopes is None else self.scopes.prefix)

    def persistent_store(self, path: str | os.PathLike[str]) -> Store:
        """The state intercepted `PersistentClient(path=path)`s share (each path has its own)."""
        if self.scopes is None:
            raise RuntimeError("this mock serves no per-path states")
        return self.scopes.store(os.path.abspath(path))

    def prepare(self, sources: Sequence[SeedSource]) -> None:
        """Reset, then load `sources`: files are loaded once per session and restored from a store
        snapshot afterwards while they are unchanged (dict seeds are loaded each time)."""
        resolved = [self.resolve(source) for source in sources]
        key = _snapshot_key(resolved)
        snapshot = None if key is None else self._snapshots.get(key)
        self.reset()
        if snapshot is not None:
            assert key is not None
            self._snapshots.move_to_end(key)
            self.app.store.restore(snapshot)
            return
        for source in resolved:
            self.seed(source)
        if key is not None and resolved:
            self._snapshots[key] = self.app.store.snapshot()
            while len(self._snapshots) > self.SNAPSHOTS:
                self._snapshots.popitem(last=False)

    @property
    def store(self) -> Store:
        """The mock's in-memory state, for direct inspection."""
        return self.app.store

    def reset(self) -> None:
        """Empty the store, the journal and the faults; forget server errors of earlier tests."""
        self.app.reset()
        if self.scopes is not None:
            self.scopes.reset()
        self.server.take_errors()

    def seed(self, data_or_path: SeedSource) -> None:
        from mockserver.control.seed import load_seed

        load_seed(self.app.store, self.resolve(data_or_path))

    @property
    def requests(self) -> Journal:
        return self.app.journal

    def compact(self, collection_id: str | None = None) -> list[str]:
        return self.app.store.compact(collection_id)

    def fail(
        self,
        operation_id: str | None = None,
        status: int | None = 500,
        times: int | None = 1,
        delay: float = 0.0,
        message: str | None = None,
        error: str | None = None,
        probability: float = 1.0,
    ) -> str:
        from mockserver.control.faults import FaultRule

        known = {op.operation_id for op in self.app.spec.operations}
        if operation_id is not None and operation_id not in known:
            raise ValueError(f"unknown operation id {operation_id!r}; the spec has: {', '.join(sorted(known))}")
        rule = FaultRule(
            operation_id=operation_id,
            status=status,
            error=error,
            delay_ms=delay * 1000.0,
            times=times,
            probability=probability,
            **({} if message is None else {"message": message}),
        )
        return self.app.faults.add(rule)


class RemoteChroma(ChromaMock):
    """A real Chroma at `--chroma-url`: reset is POST /api/v2/reset, seeding goes through the REST API."""

    def __init__(self, url: str, skip: Callable[[str], NoReturn]) -> None:
        super().__init__(url)
        self._skip = skip

    def reset(self) -> None:
        from mockserver.pytest.remote import reset

        reset(self.url)

    def seed(self, data_or_path: SeedSource) -> None:
        from mockserver.pytest.remote import seed_over_http

        seed_over_http(self.url, self.resolve(data_or_path))

    def compact(self, collection_id: str | None = None) -> list[str]:
        __tracebackhide__ = True
        self._mock_only("chroma_mock.compact() (forced compaction)")

    def _mock_only(self, what: str) -> NoReturn:
        __tracebackhide__ = True  # pytest reports the skip at the test's line
        self._skip(
            f"{what} needs the chroma-mockserver mock; this run targets a real Chroma at {self.url} (--chroma-url)"
        )

    @property
    def requests(self) -> Journal:
        __tracebackhide__ = True
        self._mock_only("chroma_mock.requests (the request journal)")

    def fail(
        self,
        operation_id: str | None = None,
        status: int | None = 500,
        times: int | None = 1,
        delay: float = 0.0,
        message: str | None = None,
        error: str | None = None,
        probability: float = 1.0,
    ) -> str:
        __tracebackhide__ = True
        self._mock_only("chroma_mock.fail() (fault injection)")


def _snapshot_key(sources: Sequence[SeedSource]) -> tuple[object, ...] | None:
    """What identifies a list of seed files as loaded: each file's path, mtime and size (None: not only files)."""
    key: list[object] = []
    for source in sources:
        if isinstance(source, Mapping):
            return None
        try:
            stat = os.stat(source)
        except OSError:
            return None  # loading it reports the problem
        key.append((os.path.abspath(source), stat.st_mtime_ns, stat.st_size))
    return tuple(key)
