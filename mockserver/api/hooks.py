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
    """A stage between validate and the handler (`--auth`): raise to refuse, bytes to answer it, None to go on."""

    def check(
        self, spec: Spec, store: Store, request: ValidRequest, headers: Iterable[tuple[bytes, bytes]]
    ) -> bytes | None: ...


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
