"""Interception: while active, every chromadb client constructed anywhere talks to the mock (the moto model).

All of chromadb's clients (`Client`, `EphemeralClient`, `PersistentClient`, `HttpClient`,
`AsyncHttpClient`, `CloudClient`, `AdminClient`, and `chromadb.api.client.Client` as frameworks call
it) pass their `Settings` through `SharedSystemClient.__init__` before any connection or file is
opened. `intercept_clients()` wraps that one method and hands it a copy of the settings that points at
the mock: in-process clients become HTTP clients of the mock, HTTP and Cloud clients lose their
host, port and TLS; tenant, database, headers and the auth provider stay as the caller set them.
`PersistentClient(path=...)` gets the state of its own path (see `scopes`). Telemetry is turned off.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Target", "active_target", "intercept_clients", "redirect"]

_IN_PROCESS = ("chromadb.api.segment.SegmentAPI", "chromadb.api.rust.RustBindingsAPI")
_SYNC_HTTP = "chromadb.api.fastapi.FastAPI"
_ASYNC_HTTP = "chromadb.api.async_fastapi.AsyncFastAPI"


@dataclass(frozen=True)
class Target:
    """Where intercepted clients go: `url` (the mock, or a real Chroma), and for persistent clients
    `path_prefix(absolute path)`, the URL path of that path's own state (None: they share `url`)."""

    url: str
    path_prefix: Callable[[str], str] | None = None

    def url_for(self, persist_directory: str | None) -> str:
        if persist_directory is None or self.path_prefix is None:
            return self.url
        return self.url + self.path_prefix(os.path.abspath(persist_directory))


_lock = threading.Lock()
_active: list[Target] = []
_original_init: Any = None


def active_target() -> Target | None:
    """The innermost active interception, if any."""
    with _lock:
        return _active[-1] if _active else None


@contextmanager
def intercept_clients(target: Target) -> Iterator[Target]:
    """Point every chromadb client constructed inside the block at `target` (nesting: the innermost wins)."""
    _install(target)
    try:
        yield target
    finally:
        _uninstall(target)


def _install(target: Target) -> None:
    global _original_init
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError as exc:
        raise ImportError("intercepting chromadb clients needs the chromadb package (pip install 'chromadb==1.5.9')") from exc
    with _lock:
        if not _active:
            _original_init = SharedSystemClient.__init__
            original = _original_init

            def __init__(self: Any, settings: Any = None) -> None:
                target = active_target()
                if settings is None:
                    from chromadb.config import Settings

                    settings = Settings()
                original(self, redirect(settings, target) if target is not None else settings)

            __init__.__wrapped__ = original  # type: ignore[attr-defined]
            SharedSystemClient.__init__ = __init__  # type: ignore[method-assign]
        _active.append(target)


def _uninstall(target: Target) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    global _original_init
    with _lock:
        for i in range(len(_active) - 1, -1, -1):
            if _active[i] is target:
                del _active[i]
                break
        if not _active and _original_init is not None:
            SharedSystemClient.__init__ = _original_init  # type: ignore[method-assign]
            _original_init = None


def redirect(settings: Any, target: Target) -> Any:
    """A copy of chromadb `Settings` that points at `target` (settings already pointing there are kept)."""
    host = str(settings.chroma_server_host or "")
    if host.startswith(target.url):  # a system built from intercepted settings (`from_system`)
        return settings
    impl = settings.chroma_api_impl
    persistent = impl in _IN_PROCESS and bool(settings.is_persistent)
    url = target.url_for(str(settings.persist_directory) if persistent else None)
    parts = urlsplit(url)
    return settings.model_copy(
        update={
            "chroma_api_impl": _ASYNC_HTTP if impl == _ASYNC_HTTP else _SYNC_HTTP,
            "chroma_server_host": url,  # a full URL: chromadb then takes scheme, port and path from it
            "chroma_server_http_port": parts.port or (443 if parts.scheme == "https" else 80),
            "chroma_server_ssl_enabled": parts.scheme == "https",
            "is_persistent": False,
            "anonymized_telemetry": False,
        }
    )
