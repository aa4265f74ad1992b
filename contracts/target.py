"""Target: the spec (with the links overlay) plus a base URL or an ASGI app, as a schemathesis schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import schemathesis
import yaml
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.schemas import OpenApiSchema

from contracts.model import RunOptions, SentRequest
from contracts.reproduce import MOCK_REPLAY_URL, curl_command, sent_request
from mockserver.api.spec import read_document

JsonObject = dict[str, Any]
MOCK_BASE_URL = "http://chroma-mock"
TOKEN_HEADER = "x-chroma-token"
#: The API key sent to an in-process cloud-profile mock when no --token is given.
MOCK_API_KEY = "ck-contracts"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class TargetError(RuntimeError):
    """The target or its spec could not be reached or read."""


@dataclass(frozen=True)
class Target:
    """What a run talks to: a URL or an in-process ASGI app, and the spec it is held to."""

    label: str
    base_url: str
    app: Any | None  # an ASGI app (in-process, no sockets), or None for HTTP
    document: JsonObject  # the OpenAPI document, links overlay applied
    spec_source: str
    headers: tuple[tuple[str, str], ...]  # sent with every request (token, --header)
    token_scheme: str | None  # the securityScheme the token fills, when the spec declares one

    @property
    def replay_url(self) -> str:
        """Where a reproduction sends its request: the target, or a mock the user starts for in-process runs."""
        return MOCK_REPLAY_URL if self.app is not None else self.base_url

    def operation_ids(self) -> dict[str, tuple[str, str]]:
        """operationId -> (METHOD, path template), in spec order."""
        found: dict[str, tuple[str, str]] = {}
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict) and op.get("operationId"):
                    found[op["operationId"]] = (method.upper(), path)
        return found


def open_target(options: RunOptions, app: Any | None = None) -> Target:
    """Resolve `--url`/`--mock`/`app`, load the spec (file, bundled, or the target's /openapi.json)."""
    if app is None and options.mock:
        from mockserver.api.app import create_app

        app = create_app(profile=options.profile)
    if app is None and not options.url:
        raise TargetError("give --url URL, or --mock to test the bundled mock in-process")
    base_url = MOCK_BASE_URL if app is not None else str(options.url).rstrip("/")
    label = "in-process mock (mockserver.api.app)" if app is not None else base_url
    headers = list(options.headers)
    token = options.token
    profile = getattr(getattr(app, "store", None), "profile", None)  # an app may be wrapped (tests, middleware)
    if token is None and profile is not None and profile.api_key_required:
        token = MOCK_API_KEY  # the cloud profile wants a key; any non-empty one will do
    if token:
        headers.append((TOKEN_HEADER, token))
    if options.spec_from_target:
        document, source = _fetch_spec(base_url, app, tuple(headers), options.request_timeout)
    else:
        path = options.spec if options.spec is not None else _default_spec_path()
        document, source = _read_spec(path), str(path)
    document = apply_links(document, load_links())
    token_scheme = _token_scheme(document) if token else None
    return Target(label, base_url, app, document, source, tuple(headers), token_scheme)


def _default_spec_path() -> Path:
    from mockserver.api.spec import default_spec_path

    return default_spec_path()


def _read_spec(path: Path) -> JsonObject:
    """The spec through mockserver's loader: parsed once per content, then read from its JSON cache."""
    try:
        data = read_document(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise TargetError(f"cannot read the spec {path}: {exc}") from None
    if not isinstance(data, dict) or "paths" not in data:
        raise TargetError(f"{path} is not an OpenAPI document (no `paths`)")
    return data


def _fetch_spec(
    base_url: str, app: Any | None, headers: tuple[tuple[str, str], ...], timeout: float
) -> tuple[JsonObject, str]:
    url = f"{base_url}/openapi.json"
    transport = httpx.ASGITransport(app=app) if app is not None else None
    try:
        if transport is not None:
            import anyio

            async def fetch() -> httpx.Response:
                async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
                    return await client.get("/openapi.json", headers=dict(headers))

            response = anyio.run(fetch)
        else:
            response = httpx.get(url, headers=dict(headers), timeout=timeout)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, json.JSONDecodeError) as exc:
        raise TargetError(f"cannot load the target's spec from {url}: {exc}") from None
    if not isinstance(data, dict) or "paths" not in data:
        raise TargetError(f"{url} is not an OpenAPI document (no `paths`)")
    return data, url


def _token_scheme(document: JsonObject) -> str | None:
    schemes = document.get("components", {}).get("securitySchemes", {})
    for name, scheme in schemes.items():
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name") == TOKEN_HEADER:
            return str(name)
    return None


# links overlay -----------------------------------------------------------------------------------
def load_links(path: str | Path | None = None) -> JsonObject:
    """The links overlay: source operationId -> status -> link name -> OpenAPI Link object."""
    source = Path(path) if path is not None else Path(str(resources.files("contracts").joinpath("links.yaml")))
    with open(source, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    links = data.get("links") if isinstance(data, dict) else None
    if not isinstance(links, dict):
        raise TargetError(f"{source}: expected a mapping with `links`")
    return links


def apply_links(document: JsonObject, overlay: Mapping[str, Any]) -> JsonObject:
    """A copy of `document` with the overlay's links added to the responses they start from.

    Links whose source or target operation is not in the document are skipped, so the same overlay
    works on a trimmed spec or on a deployment's own /openapi.json.
    """
    patched = copy.deepcopy(document)
    operations: dict[str, JsonObject] = {}
    for item in patched.get("paths", {}).values():
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict) and op.get("operationId"):
                operations[op["operationId"]] = op
    for source_id, by_status in overlay.items():
        source = operations.get(source_id)
        if source is None:
            continue
        for status, links in by_status.items():
            response = source.get("responses", {}).get(str(status))
            if not isinstance(response, dict) or "$ref" in response:
                continue
            kept = {name: link for name, link in links.items() if link.get("operationId") in operations}
            if kept:
                response.setdefault("links", {}).update(copy.deepcopy(kept))
    return patched


def count_links(document: JsonObject) -> int:
    total = 0
    for item in document.get("paths", {}).values():
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                for response in op.get("responses", {}).values():
                    if isinstance(response, dict):
                        total += len(response.get("links", {}))
    return total


# schemathesis ------------------------------------------------------------------------------------
def build_schema(target: Target, config: SchemathesisConfig) -> OpenApiSchema:
    """The schemathesis schema for `target`, every operation (scripted calls may use any)."""
    schema = schemathesis.openapi.from_dict(copy.deepcopy(target.document), config=config)
    if target.app is not None:
        schema.app = target.app
    schema.config.base_url = target.base_url
    return schema


def deselected(target: Target, options: RunOptions) -> tuple[str, ...]:
    """operationIds the generated phases must not call: outside --include, in --exclude, reset by default.

    Applied as schemathesis `[[operations]] enabled = false` entries: once the config has any
    `[[operations]]` table, `schema.include()` filters are OR-ed with its catch-all and so select everything.
    """
    every = list(target.operation_ids())
    unknown = [op for op in (*options.include_operations, *options.exclude_operations) if op not in every]
    if unknown:
        raise TargetError(f"unknown operationId(s): {', '.join(unknown)} (the spec has: {', '.join(every)})")
    off = {op for op in every if options.include_operations and op not in options.include_operations}
    off.update(options.exclude_operations)
    if not options.allow_destructive:
        off.add("reset")
    return tuple(op for op in every if op in off)


def selected_operations(schema: OpenApiSchema, skip: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path template) for the operations of `schema`, less `skip`."""
    found: dict[str, tuple[str, str]] = {}
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            continue
        operation = result.ok()
        op_id = operation.definition.raw.get("operationId")
        if op_id and op_id not in skip:
            found[str(op_id)] = (operation.method.upper(), operation.path)
    return found


@dataclass(frozen=True)
class Reply:
    """A response to one scripted call, with what is needed to report it."""

    operation_id: str
    status: int
    body: Any  # parsed JSON, or None
    text: str
    request: SentRequest

    @property
    def curl(self) -> str:
        return curl_command(self.request)


class Caller:
    """Scripted calls (sandbox setup, scenarios, follow-up checks) through schemathesis' transport."""

    def __init__(self, schema: OpenApiSchema, target: Target, timeout: float) -> None:
        self.schema = schema
        self.target = target
        self.timeout = timeout
        self.headers = dict(target.headers)

    def call(
        self,
        operation_id: str,
        path: Mapping[str, str] | None = None,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
    ) -> Reply:
        operation = self.schema.find_operation_by_id(operation_id)
        kwargs: dict[str, Any] = {"path_parameters": dict(path or {}), "query": dict(query or {})}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = operation.Case(**kwargs)
        extra: dict[str, Any] = {"headers": self.headers}
        if self.target.app is not None:
            extra["app"] = self.target.app
        else:
            extra["timeout"] = self.timeout
        response: Response = case.call(base_url=self.target.base_url, **extra)
        try:
            parsed = json.loads(response.content) if response.content else None
        except ValueError:
            parsed = None
        sent = sent_request(case, response, self.target.base_url, self.target.replay_url, self.headers)
        text = response.content.decode("utf-8", "replace") if response.content else ""
        return Reply(operation_id, response.status_code, parsed, text, sent)
