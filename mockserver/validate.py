"""Validate: raw request vs the spec's schemas -> a ValidRequest, or Chroma's 400/413/415/422 (stage 3).

Request bodies are checked with jsonschema-rs validators compiled once per operation at start-up.
The spec is followed except where Chroma 1.5.9 itself accepts more (`SERVER_RELAXATIONS`), because
the mock follows the server: those places are the known drift of the spec.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Callable

import jsonschema_rs
import orjson

from mockserver.errors import InvalidArgument, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from mockserver.spec import JsonObject, Operation, Spec

MAX_BODY_BYTES = 40 * 1024 * 1024
U32_MAX = 2**32 - 1
I64_MAX = 2**63 - 1

#: Places where Chroma 1.5.9 accepts what its own spec forbids (reference section 10.3).
SERVER_RELAXATIONS: dict[str, str] = {
    "oneOf->anyOf": "serde untagged enums take the first variant that fits; JSON Schema oneOf "
    "rejects an int that is also a number, and [] that fits two array variants",
    "null metadata values": "update/upsert metadatas and update_collection.new_metadata accept null "
    "values (delete the key)",
    "HnswConfiguration num_threads/batch_size": "create_collection accepts these two hnsw fields",
    "query-string integers": "limit/offset accept 0 (u32), the spec says minimum 1",
}

_NULLABLE_HASHMAP_PLACES = (
    ("UpdateCollectionRecordsPayload", "metadatas"),
    ("UpsertCollectionRecordsPayload", "metadatas"),
)


@dataclass(frozen=True)
class ValidRequest:
    operation: Operation
    params: dict[str, str]
    query: dict[str, Any]
    body: Any


def server_schemas(spec: Spec) -> JsonObject:
    """A copy of the spec's component schemas with SERVER_RELAXATIONS applied."""
    schemas: JsonObject = _one_of_to_any_of(copy.deepcopy(spec.components))
    if "HashMap" in schemas:
        nullable = copy.deepcopy(schemas["HashMap"])
        nullable["additionalProperties"] = {"anyOf": [{"type": "null"}, nullable["additionalProperties"]]}
        schemas["NullableHashMap"] = nullable
        for name, prop in _NULLABLE_HASHMAP_PLACES:
            items = schemas.get(name, {}).get("properties", {}).get(prop, {}).get("items")
            if items is not None:
                _retarget(items, "#/components/schemas/HashMap", "#/components/schemas/NullableHashMap")
        new_metadata = schemas.get("UpdateCollectionPayload", {}).get("properties", {}).get("new_metadata")
        if new_metadata is not None:
            _retarget(new_metadata, "#/components/schemas/HashMap", "#/components/schemas/NullableHashMap")
    hnsw = schemas.get("HnswConfiguration", {}).get("properties")
    if hnsw is not None:
        for extra in ("num_threads", "batch_size"):
            hnsw.setdefault(extra, {"type": ["integer", "null"], "minimum": 0})
    return schemas


def _one_of_to_any_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _one_of_to_any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_one_of_to_any_of(v) for v in node]
    return node


def _retarget(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _retarget(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _retarget(value, old, new)


class Validator:
    """Per-operation compiled body validators and query-string coercers for one spec."""

    def __init__(self, spec: Spec) -> None:
        schemas = server_schemas(spec)
        self._bodies: dict[str, Any] = {}
        for op in spec.operations:
            if op.body_schema is None:
                continue
            root = {"components": {"schemas": schemas}, **_one_of_to_any_of(op.body_schema)}
            self._bodies[op.operation_id] = jsonschema_rs.Draft202012Validator(root, validate_formats=False)
        self._query: dict[str, list[tuple[str, Callable[[str], Any]]]] = {
            op.operation_id: [
                (p.name, _query_coercer(p.name, _deref(p.schema, spec.components)))
                for p in op.parameters
                if p.location == "query"
            ]
            for op in spec.operations
        }

    def check(
        self,
        operation: Operation,
        params: dict[str, str],
        query_string: bytes,
        content_type: str | None,
        body: bytes,
    ) -> ValidRequest:
        query = self.parse_query(operation, query_string)
        if operation.body_schema is None:
            return ValidRequest(operation, params, query, None)
        if content_type is not None and content_type.split(";", 1)[0].strip().lower() != "application/json":
            raise UnsupportedMediaType("Expected request with `Content-Type: application/json`")
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLarge("Failed to buffer the request body: length limit exceeded")
        data = parse_json(body)
        validator = self._bodies[operation.operation_id]
        if not validator.is_valid(data):
            error = next(iter(validator.iter_errors(data)))
            path = ".".join(str(p) for p in error.instance_path) or "."
            raise Unprocessable(
                f"Failed to deserialize the JSON body into the target type: {path}: {error.message}"
            )
        return ValidRequest(operation, params, query, data)

    def parse_query(self, operation: Operation, query_string: bytes) -> dict[str, Any]:
        coercers = self._query.get(operation.operation_id)
        if not coercers or not query_string:
            return {}
        from urllib.parse import parse_qsl

        raw = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
        out: dict[str, Any] = {}
        for name, coerce in coercers:
            if name in raw:
                out[name] = coerce(raw[name])
        return out


def parse_json(body: bytes) -> Any:
    """orjson first; stdlib json for integers beyond 64 bits. NaN/Infinity literals are errors."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if not body.strip():
            raise InvalidArgument(
                "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0"
            ) from None
        try:
            return json.loads(body, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError):
            raise InvalidArgument(f"Failed to parse the request body as JSON: {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _deref(schema: JsonObject, components: JsonObject) -> JsonObject:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        resolved: JsonObject = components[ref.rsplit("/", 1)[1]]
        return resolved
    return schema


def _query_coercer(name: str, schema: JsonObject) -> Callable[[str], Any]:
    """Chroma parses query strings with serde: integers as u32, enums by exact variant name."""
    if "enum" in schema:
        variants = [str(v) for v in schema["enum"]]

        def coerce_enum(value: str) -> str:
            if value not in variants:
                expected = ", ".join(f"`{v}`" for v in variants)
                raise InvalidArgument(
                    f"Failed to deserialize query string: {name}: unknown variant `{value}`, expected one of {expected}"
                )
            return value

        return coerce_enum
    if schema.get("type") == "integer":

        def coerce_int(value: str) -> int:
            if not value or not value.isascii() or not value.isdigit():
                if value == "":
                    msg = "cannot parse integer from empty string"
                else:
                    msg = "invalid digit found in string"
                raise InvalidArgument(f"Failed to deserialize query string: {name}: {msg}")
            number = int(value)
            if number > U32_MAX:
                raise InvalidArgument(
                    f"Failed to deserialize query string: {name}: number too large to fit in target type"
                )
            return number

        return coerce_int
    return lambda value: value
