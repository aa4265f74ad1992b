"""Hooks: what the pipeline asks of the serve-only stages (auth, write-through state), as protocols it owns.

`mockserver.serve` provides them (`serve.auth.Auth`, `serve.persist.Persistence`) and plugs them into a
`MockApp`; the pipeline never imports `mockserver.serve`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from mockserver.api.handlers import Context, Handler, Reply
from mockserver.api.spec import Spec
from mockserver.api.validate import ValidRequest
from mockserver.store import Store


class RequestGuard(Protocol):
    """Token checks (`--auth`): a stage between validate and the handler, and the admin API's gate."""

    def check(
        self, spec: Spec, store: Store, request: ValidRequest, headers: Iterable[tuple[bytes, bytes]]
    ) -> ValidRequest | bytes:
        """Raise to refuse; bytes to answer the request; else the request to go on with, narrowed to
        what the caller may see (`ValidRequest.visible_databases` for operations that list)."""
        ...

    def knows(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        """Whether the headers carry a known token (a `Prefer` header counts only then)."""
        ...

    def require_admin(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        """Raise 401 without a known token, 403 for a token that is not an admin (the `/__mock/` API)."""
        ...


class WriteLog(Protocol):
    """Write-through durability (`--state-file`): every acknowledged write is logged before it is answered."""

    def apply(self, handler: Handler, context: Context, request: ValidRequest, body: bytes) -> Reply:
        """Run the handler and log the write if it succeeded."""
        ...

    async def durable(self) -> None:
        """Wait until what `apply` logged is committed."""
        ...

    def checkpoint(self) -> None:
        """Snapshot the whole state (after a change outside the logged path: reset, import)."""
        ...
