"""App: the ASGI entry point that runs the pipeline spec -> routes -> validate -> store -> serialize.

A plain ASGI callable (one catch-all endpoint, as Starlette's own `Router` is), so the hot path
stays short; `mockserver.cli` wraps it with Starlette middleware (CORS) when asked.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any, Awaitable, Callable, MutableMapping

from mockserver import serialize
from mockserver.errors import Internal, MockError, PayloadTooLarge, V1Gone
from mockserver.handlers import HANDLERS, Context, heartbeat_body
from mockserver.routes import Hit, RouteTable
from mockserver.spec import Spec, load_spec
from mockserver.store import Store
from mockserver.validate import MAX_BODY_BYTES, Validator

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger("mockserver")

_JSON = (b"content-type", b"application/json")


class MockApp:
    """One mock Chroma server: a spec, its route table and validators, and a store."""

    def __init__(
        self,
        spec: Spec | str | Path | None = None,
        store: Store | None = None,
        allow_reset: bool = True,
    ) -> None:
        self.spec = spec if isinstance(spec, Spec) else load_spec(spec)
        self.routes = RouteTable(self.spec)
        self.validator = Validator(self.spec)
        self.store = store if store is not None else Store()
        self.context = Context(self.store, allow_reset=allow_reset)
        missing = {op.operation_id for op in self.spec.operations} - set(HANDLERS)
        if missing:
            log.warning("operations in the spec without a handler (answered 501): %s", ", ".join(sorted(missing)))
        self._spec_json: bytes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        status, headers, payload = await self.handle(scope, receive)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else payload})

    async def handle(self, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Answer one request: (status, headers, body)."""
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1")
        try:
            if path.startswith("/api/v1/") or path == "/api/v1":
                raise V1Gone("The v1 API is deprecated. Please use /v2 apis")
            if path == "/api/v2" and method in ("GET", "HEAD"):
                return 200, [_JSON], serialize.dumps(heartbeat_body())
            if path == "/openapi.json" and method in ("GET", "HEAD"):
                return 200, [_JSON], self.spec_json()
            match = self.routes.match(method, path)
            if match.hit is Hit.NONE:
                return 404, [], b""
            if match.hit is Hit.PATH_ONLY:
                return 405, [(b"allow", ",".join(match.allow).encode())], b""
            assert match.operation is not None
            body = await _read_body(receive) if match.operation.body_schema is not None else b""
            request = self.validator.check(
                match.operation, match.params, scope.get("query_string", b""), _content_type(scope), body
            )
            handle = HANDLERS.get(match.operation.operation_id)
            if handle is None:
                from mockserver.errors import FeatureMissing

                raise FeatureMissing(f"operation {match.operation.operation_id}")
            reply = handle(self.context, request)
            return reply.status, [_JSON], serialize.dumps(reply.body)
        except MockError as error:
            return error.status, [_JSON, serialize.TRACE_HEADER], serialize.error_body(error)
        except Exception as exc:  # a bug of ours: answer Chroma-shaped, and say so
            log.error("unhandled error on %s %s\n%s", method, path, traceback.format_exc())
            error = Internal(f"chroma-mockserver internal error: {type(exc).__name__}: {exc}")
            return 500, [_JSON, serialize.TRACE_HEADER], serialize.error_body(error)

    def spec_json(self) -> bytes:
        if self._spec_json is None:
            self._spec_json = serialize.dumps(self.spec.document)
        return self._spec_json


def create_app(spec: Spec | str | Path | None = None, store: Store | None = None, allow_reset: bool = True) -> MockApp:
    return MockApp(spec, store, allow_reset)


def _content_type(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            decoded: str = value.decode("latin-1")
            return decoded
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLarge("Failed to buffer the request body: length limit exceeded")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
