"""Interception: one server, several isolated states: `/__chroma_scope/<token>/...` goes to that token's own app.

An intercepted `PersistentClient(path=...)` is pointed at the scope of its path, so clients of different
paths never see each other's data while clients of the same path share it, as on disk. A scope's app is
created on its first request; it shares the main app's spec, journal and fault rules (one journal and
one `fail()` for the whole test) and has its own store.
"""

from __future__ import annotations

import hashlib
import threading

from mockserver.api.app import MockApp
from mockserver.asgi import Receive, Scope, Send
from mockserver.store import Store

__all__ = ["SCOPE_PREFIX", "ScopedApps"]

SCOPE_PREFIX = "/__chroma_scope/"


class ScopedApps:
    """ASGI dispatcher: the main `MockApp` for every path but `/__chroma_scope/<token>/...`."""

    def __init__(self, main: MockApp) -> None:
        self.main = main
        self._apps: dict[str, MockApp] = {}
        self._labels: dict[str, str] = {}  # token -> what it stands for (a persistent path)
        self._lock = threading.Lock()

    @staticmethod
    def token(label: str) -> str:
        """The URL-safe token of a label (a persistent client's absolute path)."""
        return hashlib.blake2b(label.encode("utf-8"), digest_size=8).hexdigest()

    def prefix(self, label: str) -> str:
        """The URL path under which `label` has its own state (`/__chroma_scope/<token>`)."""
        token = self.token(label)
        with self._lock:
            self._labels[token] = label
        return SCOPE_PREFIX + token

    def app(self, token: str) -> MockApp:
        with self._lock:
            app = self._apps.get(token)
            if app is None:
                app = self._apps[token] = MockApp(self.main.spec, journal=self.main.journal, faults=self.main.faults)
            return app

    def store(self, label: str) -> Store:
        """The state of one scope (created empty if no client used it yet)."""
        return self.app(self.token(label)).store

    def labels(self) -> list[str]:
        """The labels of the scopes that hold state, in order of first use."""
        with self._lock:
            return [self._labels.get(token, token) for token in self._apps]

    def reset(self) -> None:
        """Forget every scope's state (the main app is reset by its owner)."""
        with self._lock:
            self._apps.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(SCOPE_PREFIX):
            token, _, rest = path[len(SCOPE_PREFIX) :].partition("/")
            rest = "/" + rest
            raw: bytes = scope.get("raw_path") or path.encode()
            raw_rest = b"/" + raw[len(SCOPE_PREFIX) + len(token) + 1 :]
            await self.app(token)({**scope, "path": rest, "raw_path": raw_rest}, receive, send)
            return
        await self.main(scope, receive, send)
