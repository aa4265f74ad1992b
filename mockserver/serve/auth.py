"""Auth: `--auth FILE` token authentication and simple tenant/database RBAC (a request stage between validate and the handler).

The file (YAML or JSON) maps tokens to an identity, like Chroma's token authn with simple RBAC:

    tokens:
      tok-admin: {user_id: admin, tenant: "*"}                    # every tenant, every database
      tok-alice: {user_id: alice, tenant: t1, databases: [db1]}   # tenant t1, database db1 only
      tok-bob:   {tenant: t1}                                     # every database of t1; user_id ""

`databases` defaults to `["*"]` (every database of the tenant); `user_id` defaults to "".

A token arrives as `x-chroma-token: <token>` (checked first) or `Authorization: Bearer <token>`.
Operations the spec declares without `security` (heartbeat, version, healthcheck, pre-flight-checks)
stay open. For every other operation, in Chroma's order (after routing and body/query validation,
before the handler):

- no token, or a token not in the file: 401 `ChromaError`;
- a `tenant`/`tenant_name` path segment other than the token's tenant, a `database` segment not among
  its databases, `create_tenant`/`create_database` of a name it may not use, or `reset` by a token
  that is not `tenant: "*"` with every database: 403 `ChromaError` ("Permission denied. ...");
- record endpoints and `PUT .../collections/{uuid}` find the collection by UUID alone, so the
  collection's own tenant and database (looked up in the store) must be allowed too (403); an
  unknown UUID passes through to the handler's 404.

`GET /api/v2/auth/identity` answers the token's identity `{"user_id", "tenant", "databases"}` as written
in the file. Lists show only what the token may see: `list_databases` of an allowed tenant lists only
the token's databases (filtered before `limit`/`offset`); `list_collections` and `count_collections`
name their tenant and database in the path, which must be allowed (403), so all they show is
allowed. `GET /api/v2/collections/{crn}` only needs a known token (a CRN names a tenant resource,
not a tenant). A `Prefer` header counts only on a request with a known token (`knows`).

The admin API under `/__mock/` asks `require_admin`: export, import, journal, faults and reset need
a token whose identity is an admin (`tenant: "*"` with every database): 401 without a known token,
403 for any other token. Without `--auth` nothing of this runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mockserver.api import serialize
from mockserver.api.api_keys import NO_TOKEN, OpenOperations, token_of
from mockserver.api.spec import Spec
from mockserver.api.validate import ValidRequest
from mockserver.errors import Forbidden, Unauthenticated
from mockserver.store import Store
from mockserver.store.uuids import parse_uuid

ANY = "*"

#: Operations whose `{collection_id}` is a name, or an id looked up inside the path's tenant/database.
_SCOPED_COLLECTION_OPS = frozenset({"get_collection", "delete_collection", "get_collection_by_id"})


@dataclass(frozen=True)
class Identity:
    user_id: str
    tenant: str  # "*": every tenant
    databases: tuple[str, ...]  # contains "*": every database of the tenant(s)

    @property
    def is_admin(self) -> bool:
        return self.tenant == ANY and ANY in self.databases

    def allows_tenant(self, tenant: str) -> bool:
        return self.tenant in (ANY, tenant)

    def allows_database(self, database: str) -> bool:
        return ANY in self.databases or database in self.databases

    def body(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "tenant": self.tenant, "databases": list(self.databases)}

    def describe(self) -> str:
        return f"user [{self.user_id}] (tenant [{self.tenant}], databases {list(self.databases)})"


class AuthFileError(ValueError):
    """The auth file is missing, unreadable or not in the documented format."""


def load_auth_file(path: str | Path) -> dict[str, Identity]:
    """Read an auth file into token -> Identity (raises AuthFileError with a readable message)."""
    import yaml  # only for servers started with --auth

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise AuthFileError(f"cannot read auth file {path}: {exc}") from None
    return parse_auth(data, str(path))


def parse_auth(data: Any, source: str = "auth file") -> dict[str, Identity]:
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), dict) or not data["tokens"]:
        raise AuthFileError(f"{source}: expected a mapping with a non-empty `tokens:` mapping of token -> identity")
    tokens: dict[str, Identity] = {}
    for token, entry in data["tokens"].items():
        if not isinstance(token, str) or not token:
            raise AuthFileError(f"{source}: tokens must be non-empty strings, got {token!r}")
        if not isinstance(entry, dict):
            raise AuthFileError(f"{source}: token {token!r}: expected a mapping with `tenant` (and `databases`, `user_id`)")
        unknown = set(entry) - {"user_id", "tenant", "databases"}
        if unknown:
            raise AuthFileError(f"{source}: token {token!r}: unknown keys {sorted(unknown)}")
        tenant, user_id, databases = entry.get("tenant"), entry.get("user_id", ""), entry.get("databases", [ANY])
        if not isinstance(tenant, str) or not tenant:
            raise AuthFileError(f"{source}: token {token!r}: `tenant` must be a non-empty string (\"*\" for every tenant)")
        if not isinstance(user_id, str):
            raise AuthFileError(f"{source}: token {token!r}: `user_id` must be a string")
        if not isinstance(databases, list) or not all(isinstance(d, str) and d for d in databases):
            raise AuthFileError(f"{source}: token {token!r}: `databases` must be a list of names (\"*\" for every database)")
        tokens[token] = Identity(user_id, tenant, tuple(databases))
    return tokens


class Auth:
    """Checks one validated request against the token table; see the module docstring for the rules."""

    def __init__(self, tokens: Mapping[str, Identity]) -> None:
        self.tokens = dict(tokens)
        self._open = OpenOperations()

    @classmethod
    def from_file(cls, path: str | Path) -> Auth:
        return cls(load_auth_file(path))

    def check(
        self, spec: Spec, store: Store, request: ValidRequest, headers: Iterable[tuple[bytes, bytes]]
    ) -> ValidRequest | bytes:
        """Raise 401/403; or the body to answer (auth/identity); or the request to go on with, lists narrowed."""
        operation = request.operation
        if operation.operation_id in self._open.of(spec):
            return request
        identity = self.authenticate(headers)
        op_id = operation.operation_id
        if op_id == "get_user_identity":
            return serialize.dumps(identity.body())
        if op_id == "reset" and not identity.is_admin:
            raise Forbidden(f"Permission denied. {identity.describe()} may not reset the server")
        params = request.params
        tenant = params.get("tenant", params.get("tenant_name"))
        if tenant is not None:
            _require_tenant(identity, tenant)
        if "database" in params:
            _require_database(identity, params["database"])
        body = request.body if isinstance(request.body, dict) else {}
        if op_id == "create_tenant" and isinstance(body.get("name"), str):
            _require_tenant(identity, body["name"])
        if op_id == "create_database" and isinstance(body.get("name"), str):
            _require_database(identity, body["name"])
        if "collection_id" in params and op_id not in _SCOPED_COLLECTION_OPS:
            self._require_collection(identity, store, params["collection_id"])
        if op_id == "list_databases" and ANY not in identity.databases:
            return replace(request, visible_databases=frozenset(identity.databases))
        return request

    def knows(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        token = token_of(headers)
        return token is not None and token in self.tokens

    def require_admin(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        try:
            identity = self.authenticate(headers)
        except Unauthenticated as exc:
            raise Unauthenticated(f"{exc.message}. The admin API under /__mock/ needs an admin token") from None
        if not identity.is_admin:
            raise Forbidden(
                f"Permission denied. {identity.describe()} is not an admin: the admin API under /__mock/ needs "
                'a token whose identity has tenant "*" and every database'
            )

    def authenticate(self, headers: Iterable[tuple[bytes, bytes]]) -> Identity:
        token = token_of(headers)
        if token is None:
            raise Unauthenticated(NO_TOKEN)
        identity = self.tokens.get(token)
        if identity is None:
            raise Unauthenticated("Unauthorized: unknown token")
        return identity

    def _require_collection(self, identity: Identity, store: Store, collection_id: str) -> None:
        canonical = parse_uuid(collection_id)
        if canonical is None:
            return  # the handler answers 400
        with store.lock:
            found = store.collections.by_id.get(canonical)
            owner = None if found is None else (found.tenant, found.database)
        if owner is None:
            return  # the handler answers 404
        if not identity.allows_tenant(owner[0]) or not identity.allows_database(owner[1]):
            raise Forbidden(
                f"Permission denied. {identity.describe()} may not access collection [{canonical}] "
                f"of tenant [{owner[0]}], database [{owner[1]}]"
            )


def _require_tenant(identity: Identity, tenant: str) -> None:
    if not identity.allows_tenant(tenant):
        raise Forbidden(f"Permission denied. {identity.describe()} may not access tenant [{tenant}]")


def _require_database(identity: Identity, database: str) -> None:
    if not identity.allows_database(database):
        raise Forbidden(f"Permission denied. {identity.describe()} may not access database [{database}]")
