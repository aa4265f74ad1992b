"""API keys: the cloud profile's key check without `--auth` (a RequestGuard), and the token helpers `--auth` shares.

Chroma Cloud requires an API key on every operation the spec declares with `security` (the clients
send it as `x-chroma-token`). Its key store is closed, so a cloud-profile mock without `--auth`
accepts any non-empty key: its identity is `{"user_id": "", "tenant": "default_tenant",
"databases": ["default_database"]}` (so `CloudClient` without a tenant and database picks those; one
given another database refuses it client-side, as with a real single-database key: use `--auth`
for other identities), and it may use every tenant and database. A request without a key is 401
`ChromaError` (Cloud's status; the message is the mock's). `--auth FILE` replaces this guard with
`mockserver.serve.auth.Auth`, which maps keys to tenants and databases and answers 403 outside them.
The admin API under `/__mock/` stays open, as without `--auth`.
"""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.api import serialize
from mockserver.api.spec import Spec
from mockserver.api.validate import ValidRequest
from mockserver.errors import Unauthenticated
from mockserver.store import Store

#: The identity `auth/identity` answers for any key of a cloud-profile mock without `--auth`.
OPEN_IDENTITY = {"user_id": "", "tenant": "default_tenant", "databases": ["default_database"]}
NO_TOKEN = "Unauthorized: no token. Send it as `x-chroma-token: <token>` or `Authorization: Bearer <token>`"


def token_of(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The token of a request: `x-chroma-token` first, else `Authorization: Bearer`; None without one."""
    bearer = None
    for name, value in headers:
        if name == b"x-chroma-token":
            token = value.decode("latin-1").strip()
            if token:
                return token
        elif name == b"authorization":
            scheme, _, rest = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "bearer" and rest.strip():
                bearer = rest.strip()
    return bearer


class OpenOperations:
    """The operations the spec declares without a security requirement (recomputed when the spec is swapped)."""

    def __init__(self) -> None:
        self._spec: Spec | None = None
        self._open: frozenset[str] = frozenset()

    def of(self, spec: Spec) -> frozenset[str]:
        if spec is not self._spec:
            default = spec.document.get("security")
            paths = spec.document.get("paths", {})
            open_ops = set()
            for op in spec.operations:
                raw = paths.get(op.path, {}).get(op.method.lower(), {})
                security = raw.get("security", default) if isinstance(raw, dict) else default
                if not security:
                    open_ops.add(op.operation_id)
            self._spec, self._open = spec, frozenset(open_ops)
        return self._open


class AnyApiKey:
    """The cloud profile's guard without `--auth`: any non-empty key, every tenant (module docstring)."""

    def __init__(self) -> None:
        self._open = OpenOperations()

    def check(
        self, spec: Spec, store: Store, request: ValidRequest, headers: Iterable[tuple[bytes, bytes]]
    ) -> ValidRequest | bytes:
        if request.operation.operation_id in self._open.of(spec):
            return request
        if token_of(headers) is None:
            raise Unauthenticated(NO_TOKEN)
        if request.operation.operation_id == "get_user_identity":
            return serialize.dumps(OPEN_IDENTITY)
        return request

    def knows(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        return token_of(headers) is not None

    def require_admin(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        return None  # the admin API is open, as without --auth
