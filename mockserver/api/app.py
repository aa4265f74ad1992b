"""App: the ASGI entry point that runs the pipeline spec -> routes -> validate -> store -> serialize.

A plain ASGI callable (one catch-all endpoint, as Starlette's own `Router` is), so the hot path
stays short; `mockserver.serve.cli` wraps it with Starlette middleware (CORS) when asked.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mockserver.api import docs, memory, quota_checks, serialize
from mockserver.api.api_keys import AnyApiKey
from mockserver.api.coalesce import Coalescer
from mockserver.api.handlers import BATCH_HANDLERS, HANDLERS, Context, Reply, heartbeat_body
from mockserver.api.hooks import RequestGuard, WriteLog
from mockserver.api.routes import Hit, RouteTable
from mockserver.api.spec import Spec, default_spec_path, load_spec
from mockserver.api.validate import MAX_BODY_BYTES, Validator, ValidRequest
from mockserver.asgi import Receive, Scope, Send, read_body
from mockserver.control import dashboard
from mockserver.control.admin import PREFIX as ADMIN_PREFIX
from mockserver.control.admin import Admin
from mockserver.control.faults import FaultRule, Faults, parse_prefer
from mockserver.control.journal import Journal
from mockserver.control.origins import OriginPolicy, refuse_foreign_origin
from mockserver.errors import Internal, InvalidArgument, MockError, V1Gone, http_error
from mockserver.store import Store
from mockserver.store.profile import Profile, profile_named

log = logging.getLogger("mockserver")

_JSON = (b"content-type", b"application/json")
#: Query work (vectors x records x dimension) from which a coalesced batch runs in a worker thread.
HEAVY_BATCH_WORK = 200_000_000
#: The methods of Chroma's `/api/v1/{*rest}` route (410); any other method gets 405.
_V1_METHODS = ("GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS")


class MockApp:
    """One mock Chroma server: a spec, its route table and validators, and a store."""

    def __init__(
        self,
        spec: Spec | str | Path | None = None,
        store: Store | None = None,
        allow_reset: bool = True,
        journal: Journal | None = None,
        faults: Faults | None = None,
        profile: str | Profile = "local",
    ) -> None:
        self.spec = spec if isinstance(spec, Spec) else load_spec(spec)
        self.routes = RouteTable(self.spec)
        # the shipped spec (compiled whole by the test suite) is compiled operation by operation
        self.validator = Validator(self.spec, lazy=self.spec.source == str(default_spec_path()))
        self.store = store if store is not None else Store(profile_named(profile))
        self.context = Context(self.store, allow_reset=allow_reset)
        missing = {op.operation_id for op in self.spec.operations} - set(HANDLERS) - set(BATCH_HANDLERS)
        if missing:
            log.warning("operations in the spec without a handler (answered 501): %s", ", ".join(sorted(missing)))
        self._spec_json: bytes | None = None
        #: Requests answered (not /__mock/ ones); `Journal(maxlen=0)` turns recording off.
        self.journal = journal if journal is not None else Journal()
        #: Fault rules, applied after route matching and before validation.
        self.faults = faults if faults is not None else Faults()
        #: A seed (dict, path or `mockserver.control.seed.Seed`) loaded again after every `reset()`.
        self.seed: Any = None
        self.admin = Admin(self)
        #: `--auth` tokens (a RequestGuard: mockserver.serve.auth), checked after validation; None: all open, as local Chroma.
        #: The cloud profile asks for an API key even without --auth (mockserver.api.api_keys).
        self.auth: RequestGuard | None = AnyApiKey() if self.store.profile.api_key_required else None
        #: Browser origins besides the server's own that may change state (admin writes, reset); `mockserver
        #: serve` sets its CORS policy here. None: same-origin pages and non-browser clients only.
        self.trusted_origins: OriginPolicy | None = None
        #: `--state-file` write-through log (a WriteLog: mockserver.serve.persist); None: memory only, no per-request cost.
        self.persistence: WriteLog | None = None
        #: Concurrent batchable reads (`query`) answered together, one matrix pass (mockserver.api.coalesce).
        self.coalescer: Coalescer[ValidRequest, Reply] = Coalescer(self._run_batch, heavy=self._heavy_batch)

    def reset(self, store: bool = True, journal: bool = True, faults: bool = True) -> None:
        """Back to the start: empty store (then `self.seed`, if any), empty journal, no fault rules."""
        if store:
            with self.store.lock:
                self.store.reset()
                if self.seed is not None:
                    from mockserver.control.seed import load_seed

                    load_seed(self.store, self.seed)
        if journal:
            self.journal.clear()
        if faults:
            self.faults.clear()

    def spec_source(self) -> str:
        """Where the served spec was read from (for the admin API's health answer)."""
        return self.spec.source

    def operation_ids(self) -> Sequence[str]:
        """The operationIds of the served spec, one per operation."""
        return [op.operation_id for op in self.spec.operations]

    def authorize_admin(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        """The admin API's token check: an admin token under `--auth`, nothing otherwise."""
        if self.auth is not None:
            self.auth.require_admin(headers)

    def use_spec(self, spec: Spec) -> None:
        """Serve another spec from now on (`--reload`); the state is kept."""
        routes, validator = RouteTable(spec), Validator(spec)
        self.spec, self.routes, self.validator, self._spec_json = spec, routes, validator, None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        status, headers, payload = await self.handle(scope, receive)
        headers.append((b"content-length", str(len(payload)).encode()))  # as Chroma (axum): never chunked
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else payload})

    async def handle(self, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Answer one request: (status, headers, body); journal it unless it is an admin request."""
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1")
        if path.startswith(ADMIN_PREFIX):
            if dashboard.is_dashboard(path):  # static files, public (the page asks for a token itself)
                return dashboard.answer(scope["method"], path)
            answer = await self.admin.handle(scope, receive)
            if self.persistence is not None and scope["method"] not in ("GET", "HEAD") and answer[0] < 400:
                self.persistence.checkpoint()  # reset/import changed the state outside the logged path
            return answer
        if not self.journal.enabled:
            return await self._answer(scope, receive, path, None)
        trace = _Trace()
        started, wall = time.perf_counter(), time.time()
        status, headers, payload = await self._answer(scope, receive, path, trace)
        query: bytes = scope.get("query_string", b"")
        self.journal.record_raw(
            trace.operation_id,
            scope["method"],
            path,
            status,
            trace.body,
            payload,
            (time.perf_counter() - started) * 1000.0,
            wall,
            query.decode("latin-1") if query else "",
            trace.fault,
            trace.exception,
        )
        return status, headers, payload

    async def _answer(
        self, scope: Scope, receive: Receive, path: str, trace: _Trace | None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        method: str = scope["method"]
        body = b""
        try:
            if path.startswith("/api/v1/") and path != "/api/v1/":  # Chroma's `/api/v1/{*rest}` route
                if method not in _V1_METHODS:
                    return 405, [(b"allow", ",".join(_V1_METHODS).encode()), serialize.TRACE_HEADER], b""
                raise V1Gone("The v1 API is deprecated. Please use /v2 apis")
            if path == "/api/v2" and method in ("GET", "HEAD"):
                return 200, [_JSON], serialize.dumps(heartbeat_body())
            if path == "/openapi.json" and method in ("GET", "HEAD"):
                return 200, [_JSON], self.spec_json()
            if docs.is_docs(path):  # Swagger UI, as `chroma run` serves it
                return docs.answer(method, path)
            validator = self.validator  # the one matching self.routes, even if --reload swaps them mid-request
            match = self.routes.match(method, path)
            operation_id = match.operation.operation_id if match.operation is not None else None
            if trace is not None:
                trace.operation_id = operation_id
            if match.operation is not None and match.operation.body_schema is not None:
                body = await read_body(receive, MAX_BODY_BYTES, "Failed to buffer the request body: length limit exceeded")
                if len(body) >= memory.TRIM_AFTER_BYTES:  # runs once this request has been answered
                    asyncio.get_running_loop().call_soon(memory.release)
                if trace is not None:
                    trace.body = body
            content_type, prefer = _headers(scope)
            if prefer is not None and self.auth is not None and not self.auth.knows(scope["headers"]):
                prefer = None  # under --auth only a request with a known token may force its answer
            if prefer is not None or self.faults.active:
                forced = await self._fault(operation_id, method, path, prefer, trace)
                if forced is not None:
                    return forced
            if match.hit is Hit.NONE:
                return 404, [serialize.TRACE_HEADER], b""
            if match.hit is Hit.PATH_ONLY:
                return 405, [(b"allow", ",".join(match.allow).encode()), serialize.TRACE_HEADER], b""
            assert match.operation is not None
            if match.invalid_param is not None:
                raise InvalidArgument(f"Invalid URL: Invalid UTF-8 in `{match.invalid_param}`")
            request = validator.check(
                match.operation, match.params, scope.get("query_string", b""), content_type, body
            )
            if self.auth is not None:
                admitted = self.auth.check(self.spec, self.store, request, scope["headers"])
                if isinstance(admitted, bytes):  # auth/identity: the token's identity
                    return 200, [_JSON], admitted
                request = admitted
            quotas = self.store.profile.quotas
            if quotas is not None:  # the cloud profile: Chroma Cloud's quotas, before the handler
                quota_checks.enforce(quotas, request, self.store)
            operation_id = match.operation.operation_id
            if operation_id == "reset":  # no body, so a browser page could send it from anywhere
                refuse_foreign_origin(scope, self.trusted_origins)
            handle = HANDLERS.get(operation_id)
            if operation_id in BATCH_HANDLERS:  # a read: nothing to persist
                reply = await self.coalescer.submit(operation_id, request)
            elif handle is None:
                from mockserver.errors import FeatureMissing

                raise FeatureMissing(f"operation {operation_id}")
            elif self.persistence is None:
                reply = handle(self.context, request)
            else:
                reply = self.persistence.apply(handle, self.context, request, body)
                await self.persistence.durable()  # the write is committed before it is acknowledged
            return reply.status, [_JSON], serialize.dumps(reply.body)
        except MockError as error:
            return http_error(error)
        except Exception as exc:  # a bug of ours: answer Chroma-shaped, and say so
            log.error("unhandled error on %s %s\n%s", method, path, traceback.format_exc())
            internal = Internal(f"chroma-mockserver internal error: {type(exc).__name__}: {exc}")
            if trace is not None:
                trace.exception = traceback.format_exc()
            return http_error(internal)

    async def _fault(
        self, operation_id: str | None, method: str, path: str, prefer: str | None, trace: _Trace | None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """Apply `Prefer` and the first firing fault rule: wait, then the forced answer (None: go on)."""
        forced: FaultRule | None = None
        delay_ms = 0.0
        labels = []
        preference = parse_prefer(prefer) if prefer is not None else None
        if preference is not None:
            labels.append("prefer")
            delay_ms += preference.delay_ms
            if preference.code is not None:
                forced = preference.rule()
        if forced is None:
            active = self.faults.match_active(operation_id, method, path)
            if active is not None:
                labels.append(f"rule {active.id}")
                delay_ms += active.rule.delay_ms
                if active.rule.status is not None:
                    forced = active.rule
        if trace is not None and labels:
            trace.fault = "+".join(labels)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000.0)
        if forced is None or forced.status is None:
            return None
        return forced.status, [_JSON, serialize.TRACE_HEADER], serialize.dumps(forced.body())

    def _heavy_batch(self, operation_id: str, requests: list[ValidRequest]) -> bool:
        """Whether a batch of queries is worth a worker thread: its query vectors x the records they
        scan x the dimension above `HEAVY_BATCH_WORK` (about 0.1 s of matrix work)."""
        work = 0
        for request in requests:
            vectors = request.body.get("query_embeddings") or []
            try:
                collection = self.store.collections.by_uuid(request.params["database"], request.params["collection_id"])
            except (MockError, KeyError):
                continue  # answered quickly with its error
            work += len(vectors) * len(collection.records) * (len(vectors[0]) if vectors else 0)
        return work >= HEAVY_BATCH_WORK

    def _run_batch(self, operation_id: str, requests: list[ValidRequest]) -> list[Reply | BaseException]:
        return list(BATCH_HANDLERS[operation_id](self.context, requests))

    def spec_json(self) -> bytes:
        if self._spec_json is None:
            self._spec_json = serialize.dumps(self.spec.document)
        return self._spec_json


def create_app(
    spec: Spec | str | Path | None = None,
    store: Store | None = None,
    allow_reset: bool = True,
    journal: Journal | None = None,
    faults: Faults | None = None,
    profile: str | Profile = "local",
) -> MockApp:
    """A mock server app; `profile` "local" (`chroma run` 1.5.9, the default) or "cloud" (Chroma Cloud,
    mockserver.store.profile), or a `Profile`; ignored when a `store` is given (it has its own)."""
    return MockApp(spec, store, allow_reset, journal, faults, profile)


class _Trace:
    """What `handle` journals about one request besides the answer, filled in by `_answer` as it goes."""

    __slots__ = ("body", "exception", "fault", "operation_id")

    def __init__(self) -> None:
        self.operation_id: str | None = None
        self.body = b""  # the request body as received
        self.fault: str | None = None
        self.exception: str | None = None


def _headers(scope: Scope) -> tuple[str | None, str | None]:
    """Content-Type and Prefer (the per-request fault override), in one pass over the headers."""
    content_type = prefer = None
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            if content_type is None:
                content_type = value.decode("latin-1")
        elif name == b"prefer":
            prefer = value.decode("latin-1")
    return content_type, prefer


def _content_type(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            decoded: str = value.decode("latin-1")
            return decoded
    return None


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
