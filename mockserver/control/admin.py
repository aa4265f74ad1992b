"""Admin: the control API under `/__mock/` (reset, export/import, journal, faults, health), server-control layer.

`MockApp` hands every request whose path starts with `/__mock/` to `Admin.handle` before route
matching; Chroma's spec never uses that prefix. Admin requests are neither journaled nor faulted.
Bodies are JSON; errors are Chroma-shaped (`{"error": ..., "message": ...}`). The routes are
documented in `admin-openapi.yaml` (served at `GET /__mock/openapi.json`):

    POST   /__mock/reset            state (re-seeded when the app has a seed), journal and faults
    GET    /__mock/export           the whole state in the seed format, with ids and embeddings
    POST   /__mock/import           replace the state with an export (or any seed); all or nothing
    GET    /__mock/journal          ?operation_id=&method=&path=&status=&limit=&since=&bodies=
    DELETE /__mock/journal
    GET    /__mock/journal/{seq}    one entry, with its bodies
    GET    /__mock/tenants          tenants and their databases, with collection counts
    GET    /__mock/faults           POST one rule (201), DELETE all
    DELETE /__mock/faults/{id}
    GET    /__mock/health
    GET    /__mock/openapi.json

Before a request is read: its route (404/405); for POST, PUT, PATCH and DELETE the cross-origin
checks of `mockserver.control.origins` (Origin same-origin or trusted, JSON content type: 403); then,
for every route but the OPEN ones, `Steered.authorize_admin` (under `--auth`: 401 without a known
token, 403 for a token that is not an admin). Only then is the body read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from importlib import resources
from typing import Any, Callable, MutableMapping, Protocol
from urllib.parse import parse_qsl

import orjson

from mockserver.asgi import Receive, read_body
from mockserver.control.faults import FaultRule, Faults
from mockserver.control.journal import Journal, writable
from mockserver.control.origins import STATE_CHANGING, OriginPolicy, refuse_foreign_origin, refuse_simple_request
from mockserver.control.patterns import check_pattern
from mockserver.control.seed import export_state, import_state
from mockserver.errors import JSON_HEADER, ChromaError, InvalidArgument, MockError, NotFound, http_error
from mockserver.store import Store

PREFIX = "/__mock/"
MAX_ADMIN_BODY_BYTES = 1024 * 1024 * 1024  # imports of big snapshots are allowed
#: First path segments open without a token under `--auth`: liveness, the route list, the dashboard's files.
OPEN_ROUTES = frozenset({"health", "openapi.json", "ui"})

Response = tuple[int, list[tuple[bytes, bytes]], bytes]
Route = Callable[["Admin", "AdminRequest"], tuple[int, Any]]

_JSON = JSON_HEADER


class Steered(Protocol):
    """What the admin API steers: the app hands itself over as this (`mockserver.api.app.MockApp` is one)."""

    @property
    def store(self) -> Store: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def faults(self) -> Faults: ...

    def reset(self, store: bool = True, journal: bool = True, faults: bool = True) -> None: ...

    def spec_source(self) -> str:
        """Where the served spec was read from."""
        ...

    def operation_ids(self) -> Collection[str]:
        """The operationIds of the served spec."""
        ...

    @property
    def trusted_origins(self) -> OriginPolicy | None:
        """Browser origins besides the server's own that may change state (the CORS policy's; None: none)."""
        ...

    def authorize_admin(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        """Raise Unauthenticated/Forbidden unless `headers` carry an admin token (nothing to check without auth)."""
        ...


def _dumps(payload: Any) -> bytes:
    return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY)  # exports hold numpy embeddings


class MethodNotAllowed(ChromaError):
    status = 405


class AdminRequest:
    """One admin request: method, the path after the prefix, query parameters and the raw body."""

    __slots__ = ("method", "query", "raw_body", "rest")

    def __init__(self, method: str, rest: str, query: dict[str, str], raw_body: bytes) -> None:
        self.method = method
        self.rest = rest
        self.query = query
        self.raw_body = raw_body

    def json(self, default: Any = None) -> Any:
        if not self.raw_body.strip():
            return default
        try:  # exported state holds stored values: read them as written, not through serde's parser again
            return orjson.loads(self.raw_body)
        except orjson.JSONDecodeError as exc:
            raise InvalidArgument(f"Failed to parse the request body as JSON: {exc}") from None


class Admin:
    """The `/__mock/` endpoints of one `MockApp`."""

    def __init__(self, app: Steered) -> None:
        self.app = app
        self._openapi: bytes | None = None

    async def handle(self, scope: MutableMapping[str, Any], receive: Receive) -> Response:
        method: str = scope["method"]
        path: str = scope["path"]
        try:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
            request = AdminRequest(method, path[len(PREFIX) :], query, b"")
            route = self._route(request)
            if method in STATE_CHANGING:
                refuse_foreign_origin(scope, self.app.trusted_origins)
                refuse_simple_request(scope)
            if request.rest.split("/", 1)[0] not in OPEN_ROUTES:
                self.app.authorize_admin(scope.get("headers", ()))
            if method in STATE_CHANGING:
                request.raw_body = await read_body(receive, MAX_ADMIN_BODY_BYTES, "admin request body too large")
            status, payload = route(self, request)
            if isinstance(payload, bytes):
                return status, [_JSON], payload
            return status, [_JSON], _dumps(payload)
        except MockError as error:
            status, headers, body = http_error(error)
            if isinstance(error, MethodNotAllowed):
                headers.append((b"allow", error.message.rsplit(": ", 1)[1].encode()))
            return status, headers, body

    def _route(self, request: AdminRequest) -> Route:
        segments = request.rest.split("/")
        table: dict[str, Route]
        if len(segments) == 2 and segments[0] == "faults" and segments[1]:
            table = {"DELETE": Admin.delete_fault, "GET": Admin.get_fault}
        elif len(segments) == 2 and segments[0] == "journal" and segments[1]:
            table = {"GET": Admin.journal_entry}
        else:
            found = ROUTES.get(request.rest)
            if found is None:
                raise NotFound(f"no admin endpoint at {PREFIX}{request.rest} (see GET {PREFIX}openapi.json)")
            table = found
        method = "GET" if request.method == "HEAD" and "GET" in table else request.method
        route = table.get(method)
        if route is None:
            allowed = sorted(table) + (["HEAD"] if "GET" in table else [])
            raise MethodNotAllowed(
                f"{request.method} is not allowed on {PREFIX}{request.rest}; allowed: {','.join(allowed)}"
            )
        return route

    # state --------------------------------------------------------------------------------
    def reset(self, request: AdminRequest) -> tuple[int, Any]:
        options = request.json({})
        if not isinstance(options, dict) or not all(
            k in ("store", "journal", "faults") and isinstance(v, bool) for k, v in options.items()
        ):
            raise InvalidArgument('reset takes an optional object {"store": bool, "journal": bool, "faults": bool}')
        parts = {"store": True, "journal": True, "faults": True, **options}
        self.app.reset(**parts)
        return 200, parts

    def export(self, request: AdminRequest) -> tuple[int, Any]:
        return 200, export_state(self.app.store, numpy_embeddings=True)

    def import_(self, request: AdminRequest) -> tuple[int, Any]:
        data = request.json()
        if not isinstance(data, dict):
            raise InvalidArgument("import takes a JSON object in the seed/export format")
        return 200, import_state(self.app.store, data).to_json()

    # journal ------------------------------------------------------------------------------
    def journal(self, request: AdminRequest) -> tuple[int, Any]:
        q = request.query
        journal = self.app.journal
        bodies = _bool_param(q, "bodies", default=True)
        last_seq = journal.last_seq  # read first: an entry recorded meanwhile is returned by the next poll
        try:
            path = check_pattern(q["path"]) if q.get("path") else None
        except ValueError as exc:
            raise InvalidArgument(f"query parameter path: {exc}") from None
        entries = journal.entries(
            operation_id=q.get("operation_id") or None,
            method=q.get("method") or None,
            path=path,
            status=_int_param(q, "status"),
            limit=_int_param(q, "limit"),
            since=_int_param(q, "since"),
            bodies=bodies,
        )
        payload = {
            "entries": [e.to_json(bodies) for e in entries],
            "count": len(entries),
            "total": len(journal),
            "maxlen": journal.maxlen,
            "dropped": journal.dropped,
            "last_seq": last_seq,
        }
        try:
            return 200, _dumps(payload)
        except orjson.JSONEncodeError:  # a body nested deeper than orjson writes: that body as text
            payload["entries"] = [writable(e) for e in entries]  # bodies=False never fails to write
            return 200, _dumps(payload)

    def journal_entry(self, request: AdminRequest) -> tuple[int, Any]:
        seq = _int_param({"seq": request.rest.split("/", 1)[1]}, "seq")
        entry = self.app.journal.get(seq or 0)
        if entry is None:
            raise NotFound(f"journal entry [{seq}] not found (dropped, cleared or not recorded yet)")
        try:
            return 200, _dumps(entry.to_json())
        except orjson.JSONEncodeError:  # a body nested deeper than orjson writes: that body as text
            return 200, _dumps(writable(entry))

    def clear_journal(self, request: AdminRequest) -> tuple[int, Any]:
        return 200, {"cleared": self.app.journal.clear()}

    # faults -------------------------------------------------------------------------------
    def faults(self, request: AdminRequest) -> tuple[int, Any]:
        return 200, {"faults": [f.to_json() for f in self.app.faults.rules()]}

    def add_fault(self, request: AdminRequest) -> tuple[int, Any]:
        try:
            rule = FaultRule.from_json(request.json())
        except ValueError as exc:
            raise InvalidArgument(f"bad fault rule: {exc}") from None
        if rule.operation_id is not None and rule.operation_id not in self._operation_ids():
            raise InvalidArgument(f"bad fault rule: the spec has no operation {rule.operation_id!r}")
        rule_id = self.app.faults.add(rule)
        active = self.app.faults.get(rule_id)
        return 201, active.to_json() if active is not None else {"id": rule_id, **rule.to_json()}

    def clear_faults(self, request: AdminRequest) -> tuple[int, Any]:
        return 200, {"cleared": self.app.faults.clear()}

    def get_fault(self, request: AdminRequest) -> tuple[int, Any]:
        rule_id = request.rest.split("/", 1)[1]
        active = self.app.faults.get(rule_id)
        if active is None:
            raise NotFound(f"fault rule [{rule_id}] not found")
        return 200, active.to_json()

    def delete_fault(self, request: AdminRequest) -> tuple[int, Any]:
        rule_id = request.rest.split("/", 1)[1]
        if not self.app.faults.remove(rule_id):
            raise NotFound(f"fault rule [{rule_id}] not found")
        return 200, {"deleted": rule_id}

    # about --------------------------------------------------------------------------------
    def compact(self, request: AdminRequest) -> tuple[int, Any]:
        """Cloud profile: compact pending writes now (of `{"collection_id": ...}`, or of every collection)."""
        options = request.json({})
        if not isinstance(options, dict) or set(options) - {"collection_id"}:
            raise InvalidArgument('compact takes an optional object {"collection_id": str}')
        collection_id = options.get("collection_id")
        if collection_id is not None and not isinstance(collection_id, str):
            raise InvalidArgument("collection_id must be a string")
        return 200, {"compacted": self.app.store.compact(collection_id)}

    def health(self, request: AdminRequest) -> tuple[int, Any]:
        store = self.app.store
        with store.lock:
            collections = len(store.collections.by_id)
            records = sum(len(c.records) for c in store.collections.by_id.values())
        return 200, {
            "status": "ok",
            "spec": self.app.spec_source(),
            "operations": len(self.app.operation_ids()),
            "collections": collections,
            "records": records,
            "journal": {"entries": len(self.app.journal), "maxlen": self.app.journal.maxlen},
            "faults": len(self.app.faults),
        }

    def tenants(self, request: AdminRequest) -> tuple[int, Any]:
        store = self.app.store
        with store.lock:
            counts: dict[tuple[str, str], int] = {}
            for c in store.collections.by_id.values():
                counts[(c.tenant, c.database)] = counts.get((c.tenant, c.database), 0) + 1
            tenants = [
                {
                    "name": tenant,
                    "databases": [
                        {"name": d.name, "id": d.id, "collections": counts.get((tenant, d.name), 0)}
                        for d in store.list_databases(tenant)
                    ],
                }
                for tenant in sorted(store.catalog.tenants)
            ]
        return 200, {"tenants": tenants}

    def openapi(self, request: AdminRequest) -> tuple[int, Any]:
        if self._openapi is None:
            self._openapi = _dumps(admin_openapi())
        return 200, self._openapi

    def _operation_ids(self) -> set[str]:
        return set(self.app.operation_ids())


ROUTES: dict[str, dict[str, Route]] = {
    "reset": {"POST": Admin.reset},
    "export": {"GET": Admin.export},
    "import": {"POST": Admin.import_},
    "journal": {"GET": Admin.journal, "DELETE": Admin.clear_journal},
    "faults": {"GET": Admin.faults, "POST": Admin.add_fault, "DELETE": Admin.clear_faults},
    "health": {"GET": Admin.health},
    "tenants": {"GET": Admin.tenants},
    "compact": {"POST": Admin.compact},
    "openapi.json": {"GET": Admin.openapi},
}


def admin_openapi() -> Any:
    """The admin API's OpenAPI document (mockserver/control/admin-openapi.yaml, shipped in the wheel)."""
    import yaml  # on the first request for it, not at start-up

    text = resources.files("mockserver.control").joinpath("admin-openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _int_param(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit():
        raise InvalidArgument(f"query parameter {name} must be a non-negative integer, got {value!r}")
    return int(value)


def _bool_param(query: dict[str, str], name: str, default: bool) -> bool:
    value = query.get(name)
    if value is None or value == "":
        return default
    if value.lower() not in ("true", "false", "1", "0"):
        raise InvalidArgument(f"query parameter {name} must be true or false, got {value!r}")
    return value.lower() in ("true", "1")
