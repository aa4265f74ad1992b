"""Spec: load openapi.yaml and resolve it into frozen Operation descriptions (stage 1 of the request path)."""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" | "query" | "header"
    required: bool
    schema: JsonObject


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # the template, e.g. /api/v2/tenants/{tenant_name}
    parameters: tuple[Parameter, ...]
    body_schema: JsonObject | None  # resolved-by-reference schema ({"$ref": ...}) or None
    body_required: bool
    responses: tuple[str, ...]  # documented status codes ("200", "404", "default", ...)


@dataclass(frozen=True)
class Spec:
    document: JsonObject
    operations: tuple[Operation, ...]
    source: str

    @property
    def components(self) -> JsonObject:
        schemas: JsonObject = self.document.get("components", {}).get("schemas", {})
        return schemas

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)


def default_spec_path() -> Path:
    """The openapi.yaml shipped inside the package (wheel) or at the repository root (checkout)."""
    packaged = resources.files("mockserver").joinpath("openapi.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "openapi.yaml"


def load_spec(path: str | Path | None = None) -> Spec:
    """Read a YAML or JSON OpenAPI 3.x document and list its operations."""
    source = Path(path) if path is not None else default_spec_path()
    document = read_document(source.read_bytes())
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError(f"{source} is not an OpenAPI document (no 'paths')")
    return Spec(document=document, operations=tuple(_operations(document)), source=str(source))


def read_document(raw: bytes) -> Any:
    """YAML (or JSON) parsed once per content: a parsed spec is kept as JSON in the user's cache
    directory, keyed by the file's SHA-256, and read back with orjson (3 ms instead of YAML's 60)."""
    cache = _cache_dir() / f"spec-{hashlib.sha256(raw).hexdigest()[:32]}.json"
    try:
        return orjson.loads(cache.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        pass
    import yaml  # here: with a cached spec the server never needs it

    try:
        document = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ValueError(f"not YAML or JSON: {exc}") from None
    try:
        encoded = orjson.dumps(document)  # a YAML-only value (a date, a non-string key): no cache
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(encoded)
        os.replace(partial, cache)
    except (OSError, TypeError, orjson.JSONEncodeError):
        pass
    return document


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chroma-mockserver"


def _operations(document: JsonObject) -> list[Operation]:
    ops: list[Operation] = []
    for path, item in document["paths"].items():
        shared = [_resolve(document, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            raw = item.get(method)
            if raw is None:
                continue
            params = shared + [_resolve(document, p) for p in raw.get("parameters", [])]
            body = raw.get("requestBody")
            body_schema = None
            body_required = False
            if body is not None:
                body = _resolve(document, body)
                media = body.get("content", {}).get("application/json", {})
                body_schema = copy.deepcopy(media.get("schema")) if media else None
                body_required = bool(body.get("required", False))
            ops.append(
                Operation(
                    operation_id=raw.get("operationId") or f"{method}_{path}",
                    method=method.upper(),
                    path=path,
                    parameters=tuple(
                        Parameter(
                            name=p["name"],
                            location=p["in"],
                            required=bool(p.get("required", p["in"] == "path")),
                            schema=p.get("schema", {}),
                        )
                        for p in params
                    ),
                    body_schema=body_schema,
                    body_required=body_required,
                    responses=tuple(str(code) for code in raw.get("responses", {})),
                )
            )
    return ops


def _resolve(document: JsonObject, node: JsonObject) -> JsonObject:
    """Follow a local `$ref` (parameters and request bodies; schemas stay referenced)."""
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported: {ref}")
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
