"""Diff sides: a base or candidate target (URL or in-process mock profile), its sandbox, and how it is sent a request.

Each side works in its own sandbox tenant (`contracts.sandbox`), exactly as `contracts run` does:
every request's tenant is the sandbox tenant (or a tenant named after it), `reset` is refused unless
allowed, requests are rate-limited and time out. A side replays `Request`s whose `$name`
placeholders it fills with its own values, and normalises each answer (`contracts.diff.normalise`)
so both sides' answers can be compared.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from schemathesis.config import SchemathesisConfig
from schemathesis.core.rate_limit import build_limiter

from contracts.diff.model import Answer, DiffOptions, Request
from contracts.diff.normalise import Normaliser
from contracts.model import RunOptions
from contracts.sandbox import TENANT_PARAMETERS, Sandbox
from contracts.target import Caller, Reply, Target, TargetError, build_schema, open_target

MOCK = "mock"
TEXT_EXCERPT = 2000
_PLACEHOLDER = re.compile(r"\$([a-z][a-z0-9_]*)")


def _local_profile() -> Any:
    from mockserver.api.app import create_app

    return create_app()


#: The mock's behaviour profiles: name -> a factory for a fresh in-process app. Only `local` (the
#: behaviour of a self-hosted `chroma run` 1.5.9) exists today; a `cloud` profile is planned in
#: mockserver and is added here once mockserver has it.
MOCK_PROFILES: dict[str, Callable[[], Any]] = {"local": _local_profile}


class SideError(TargetError):
    """A side could not be opened (bad spec, unknown profile) or refused a request outside its sandbox."""


@dataclass(frozen=True)
class SideSpec:
    """What one side of a diff is: a URL, or the bundled mock with a profile (in-process)."""

    role: str  # "base" | "candidate"
    url: str | None
    profile: str | None  # set for the mock

    @property
    def label(self) -> str:
        return f"mock:{self.profile} (in-process)" if self.profile else str(self.url)


def parse_side(role: str, value: str, default_profile: str) -> SideSpec:
    """`http://host:8000`, `mock` or `mock:<profile>`."""
    if value == MOCK or value.startswith(f"{MOCK}:"):
        profile = value.partition(":")[2] or default_profile
        if profile not in MOCK_PROFILES:
            known = ", ".join(sorted(MOCK_PROFILES))
            raise SideError(f"--{role}: the mock has no profile {profile!r} (profiles: {known})")
        return SideSpec(role, None, profile)
    if not re.match(r"^https?://", value):
        raise SideError(f"--{role}: expected a URL (http://host:port), `mock` or `mock:<profile>`, got {value!r}")
    return SideSpec(role, value.rstrip("/"), None)


class Side:
    """One target of the diff, in its own sandbox, replaying requests and normalising the answers."""

    def __init__(self, spec: SideSpec, options: DiffOptions, app: Any | None = None) -> None:
        self.spec = spec
        self.options = options
        if app is None and spec.profile is not None:
            app = MOCK_PROFILES[spec.profile]()
        token = (options.base_token if spec.role == "base" else options.candidate_token) or options.token
        run_options = RunOptions(
            url=spec.url, mock=app is not None, spec=options.spec, token=token, headers=options.headers,
            request_timeout=options.request_timeout,
        )  # fmt: skip
        self.target: Target = open_target(run_options, app)
        self.caller = Caller(build_schema(self.target, SchemathesisConfig()), self.target, options.request_timeout)
        self.sandbox = Sandbox.new()
        self.values: dict[str, str] = {
            "tenant": self.sandbox.tenant,
            "database": self.sandbox.database,
            "scenario_database": self.sandbox.scenario_database,
            "scratch_database": self.sandbox.scratch_database,
        }
        self.normaliser = Normaliser(self.values, ignore_version=options.ignore_version)
        self._limiter = build_limiter(options.rate_limit) if options.rate_limit else None
        self._lock = threading.Lock()
        self.calls = 0
        self.resets = 0
        self.selected: tuple[str, ...] | None = None  # the operations the diff replays (None: all)

    @property
    def label(self) -> str:
        return self.spec.label if self.target.app is not None else self.target.label

    # sending -----------------------------------------------------------------------------------
    def send(self, request: Request) -> Answer:
        """Fill the request's placeholders with this side's values, send it, normalise the answer."""
        path = {name: str(self.fill(value)) for name, value in request.path}
        query = {name: self.fill(value) for name, value in request.query}
        answer = self.call(request.operation_id, path, self.fill(request.body), query)
        if request.capture and isinstance(answer.raw, dict) and isinstance(answer.raw.get("id"), str):
            self.values[request.capture] = answer.raw["id"]
        return answer.answer

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return _PLACEHOLDER.sub(lambda m: self.values.get(m.group(1), m.group(0)), value)
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        return value

    def call(
        self, operation_id: str, path: Mapping[str, str], body: Any = None, query: Mapping[str, Any] | None = None
    ) -> Sent:
        """Send one request with real values (inside the sandbox only), and normalise the answer."""
        self.guard(operation_id, path, body)
        described = self.normaliser.request(operation_id, path, body, query or {})
        if self._limiter is not None:
            self._limiter.try_acquire(self.spec.role)
        with self._lock:
            self.calls += 1
        try:
            reply = self.caller.call(operation_id, path, body, query)
        except Exception as exc:  # noqa: BLE001 - a timeout or dropped connection is an answer of its own
            curl = self._curl(operation_id, path, body, query)
            error = f"{type(exc).__name__}: {str(exc).strip()[:300]}"
            return Sent(None, Answer(None, None, "", curl, described, error))
        body_out = self.normaliser.response(operation_id, reply.body if reply.text else None, reply.text)
        if operation_id == "reset" and reply.status == 200:
            self.resets += 1
            self.sandbox.create(self.caller)  # the sandbox is gone with everything else
        text = reply.text if len(reply.text) <= TEXT_EXCERPT else reply.text[: TEXT_EXCERPT - 3] + "..."
        return Sent(reply.body, Answer(reply.status, body_out, text, reply.curl, described), reply)

    def guard(self, operation_id: str, path: Mapping[str, str], body: Any) -> None:
        """Refuse anything outside this side's sandbox: the diff may run against shared deployments."""
        tenant = self.sandbox.tenant
        for name in TENANT_PARAMETERS:
            value = path.get(name)
            if value is not None and value != tenant and not value.startswith(f"{tenant}-"):
                raise SideError(f"{operation_id}: tenant {value!r} is outside the sandbox {tenant!r}")
        if operation_id == "create_tenant":
            created = body.get("name") if isinstance(body, dict) else None
            if isinstance(created, str) and not created.startswith(tenant):
                raise SideError(f"create_tenant {created!r}: tenant names must start with the sandbox's {tenant!r}")
        if operation_id == "reset" and not self.options.allow_destructive:
            raise SideError("reset is only called with --allow-destructive")

    def _curl(self, operation_id: str, path: Mapping[str, str], body: Any, query: Mapping[str, Any] | None) -> str:
        try:
            operation = self.caller.schema.find_operation_by_id(operation_id)
            kwargs: dict[str, Any] = {"path_parameters": dict(path), "query": dict(query or {})}
            if body is not None:
                kwargs.update(body=body, media_type="application/json")
            case = operation.Case(**kwargs)
            return str(case.as_curl_command(headers=self.caller.headers))
        except Exception:  # noqa: BLE001 - a reproduction is a courtesy, never a reason to stop
            return f"# {operation_id} {json.dumps(dict(path))} {json.dumps(body)}"

    # sandbox -----------------------------------------------------------------------------------
    def open(self) -> None:
        self.sandbox.create(self.caller)

    def close(self) -> list[str]:
        return self.sandbox.remove(self.caller)


@dataclass(frozen=True)
class Sent:
    """An answer, and the response body before normalisation (to capture ids from)."""

    raw: Any
    answer: Answer
    reply: Reply | None = None  # the caller's reply as sent (None: the request got no answer)
