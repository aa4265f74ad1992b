"""Validate: raw request vs the spec's schemas -> a ValidRequest, or Chroma's 400/413/415/422 (stage 3).

Request bodies are checked with jsonschema-rs validators compiled once per operation at start-up.
The spec is followed except where Chroma 1.5.9 itself differs from it (`SERVER_RELAXATIONS`), because
the mock follows the server: those places are the known drift of the spec.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
import orjson

from mockserver.api.body_errors import (
    SEQUENCE_FORMS,
    error_paths,
    first_error,
    only_missing_fields,
    within_recursion_limit,
)
from mockserver.api.spec import JsonObject, Operation, Spec
from mockserver.asgi import is_json_media_type
from mockserver.errors import InvalidArgument, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from mockserver.serde.enums import enum_syntax_error, unit_variants_as_strings
from mockserver.serde.messages import parse_error, serde_error
from mockserver.serde.numbers import json_float, json_int, needs_serde

#: A body whose first token is `[` (matched in place: `bytes.lstrip` would copy every body).
_ARRAY_BODY = re.compile(rb"[ \t\r\n]*\[")
#: Above this size a 422 keeps JSON Schema's words: serde's are worked out by a pure-Python walker.
SERDE_WORDS_MAX_BYTES = 256 * 1024
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
    "stricter: integers": "integer fields refuse 1.0 (serde), JSON Schema accepts it",
    "stricter: schema.cmek": "an enum with the single variant `gcp`, the spec says any object",
    "collection_query query string": "the spec declares limit/offset, Chroma's handler reads no query "
    "string: any query string is ignored",
    "search payloads": "a search payload's `filter` is a where clause and `rank` a rank expression, "
    "both nullable (the Python client sends null); mockserver.store.search.parse reads the whole payload "
    "in document order as serde does (the first bad field decides between 400 and 422)",
}

#: Operations whose handler on the server extracts no query string, whatever the spec declares.
QUERY_STRING_IGNORED = frozenset({"collection_query"})

#: Rust integer types behind the spec's integer schemas (format, has `minimum: 0`) -> (min, max).
#: serde rejects an out-of-range number with 422, so these bounds are added to every integer schema.
_INTEGER_RANGES: dict[tuple[str | None, bool], tuple[int, int]] = {
    ("int32", True): (0, 2**32 - 1),  # u32
    ("int32", False): (-(2**31), 2**31 - 1),  # i32
    ("int64", True): (0, 2**64 - 1),  # u64
    ("int64", False): (-(2**63), 2**63 - 1),  # i64
    (None, True): (0, 2**64 - 1),  # usize
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
    #: Set by the auth stage for operations that list databases: the names the token may see (None: all).
    visible_databases: frozenset[str] | None = None
    #: The body as sent, for messages that say where in it serde stopped (search's rank syntax errors).
    raw_body: bytes = b""


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
    sparse = schemas.get("SparseVector", {}).get("properties")
    if sparse is not None:  # the tag of the new format must name this type (serde's internally tagged enum)
        sparse.setdefault("#type", {"const": "sparse_vector"})
    cmek = schemas.get("Schema", {}).get("properties", {}).get("cmek")
    if cmek is not None:  # an externally tagged enum in Chroma, with one variant
        schemas["Schema"]["properties"]["cmek"] = {
            "anyOf": [{"type": "null"}, {"type": "object", "required": ["gcp"], "maxProperties": 1}]
        }
    if "SearchPayload" in schemas:  # read whole by mockserver.store.search.parse, in document order, as serde does
        schemas["SearchPayload"] = {}
        schemas.get("SearchRequestPayload", {}).get("properties", {})["read_level"] = {}
    _bound_integers(schemas)
    return schemas


_STRICT_INTEGER = "x-strict-integer"


class _StrictInteger:
    """The `x-strict-integer` keyword: a JSON number with a decimal point is not an integer to serde."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if isinstance(instance, float):
            raise ValueError(f"invalid type: floating point `{instance!r}`, expected an integer")


def _bound_integers(node: Any) -> None:
    """Give each integer schema the range of its Rust type (`_INTEGER_RANGES`)."""
    if isinstance(node, dict):
        kinds = node.get("type")
        if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
            bounds = _INTEGER_RANGES.get((node.get("format"), node.get("minimum") == 0))
            if bounds is not None:
                node.setdefault("minimum", bounds[0])
                node.setdefault("maximum", bounds[1])
            node[_STRICT_INTEGER] = True  # serde's integers refuse `1.0`, JSON Schema's accept it
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)


_SPEC_URI = "urn:chroma-mockserver:spec"


def _rebase_refs(node: Any) -> Any:
    """Point an operation schema's local `#/components/...` references at the shared registry."""
    if isinstance(node, dict):
        return {
            k: (_SPEC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#/") else _rebase_refs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase_refs(v) for v in node]
    return node


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
    """Per-operation body validators and query-string coercers for one spec.

    Body validators are compiled on an operation's first request (`lazy`, the default for the
    shipped spec, which the test suite compiles whole): a server that is never sent a body keeps
    about 4 MB less. `lazy=False` compiles everything now, so a spec that does not compile fails
    at start-up (`--spec`, `--reload`) rather than on a request.
    """

    def __init__(self, spec: Spec, lazy: bool = False) -> None:
        self._schemas = server_schemas(spec)
        self._roots = {
            op.operation_id: _rebase_refs(_one_of_to_any_of(op.body_schema))
            for op in spec.operations
            if op.body_schema is not None
        }
        self._registry: Any = None
        self._bodies: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._components = spec.components
        if not lazy:
            for operation_id in self._roots:
                self._body_validator(operation_id)
        self._query: dict[str, list[tuple[str, Callable[[str], Any]]]] = {
            op.operation_id: [
                (p.name, _query_coercer(p.name, _deref(p.schema, spec.components)))
                for p in op.parameters
                if p.location == "query"
            ]
            for op in spec.operations
            if op.operation_id not in QUERY_STRING_IGNORED
        }

    def _body_validator(self, operation_id: str) -> Any:
        validator = self._bodies.get(operation_id)
        if validator is None:
            with self._lock:
                if self._registry is None:
                    # one registry holds the (relaxed) component schemas; each operation's validator
                    # only references it, so the components are compiled once, not once per operation
                    self._registry = jsonschema_rs.Registry([(_SPEC_URI, {"components": {"schemas": self._schemas}})])
                validator = self._bodies[operation_id] = jsonschema_rs.Draft202012Validator(
                    self._roots[operation_id],
                    validate_formats=False,
                    registry=self._registry,
                    keywords={_STRICT_INTEGER: _StrictInteger},
                )
        return validator

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
        if content_type is not None and not is_json_media_type(content_type):
            raise UnsupportedMediaType("Expected request with `Content-Type: application/json`")
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLarge("Failed to buffer the request body: length limit exceeded")
        validator = self._body_validator(operation.operation_id)
        sequence_form = SEQUENCE_FORMS.get(operation.operation_id)
        if _ARRAY_BODY.match(body) and sequence_form is None and not validator.is_valid([]):
            # serde fails on the `[` of a struct it cannot read from a sequence, before the rest
            struct = str(operation.body_schema.get("$ref", "")).rsplit("/", 1)[-1] or "payload"
            raise Unprocessable(
                "Failed to deserialize the JSON body into the target type: "
                f"invalid type: sequence, expected struct {struct} at line 1 column 0"
            )
        body = within_recursion_limit(self._components, operation.body_schema, validator, body)
        data = parse_json(body)
        if isinstance(data, list) and sequence_form is not None:
            data, deferred = sequence_form.as_object(data, _text(body))
            if deferred is not None and (
                validator.is_valid(data)  # extra elements after good ones
                or (len(body) <= SERDE_WORDS_MAX_BYTES and only_missing_fields(validator, data))  # too few
            ):
                raise deferred  # else a bad element comes first: the 422 below
        if not validator.is_valid(data):
            assert operation.body_schema is not None
            fixed = unit_variants_as_strings(self._components, operation.body_schema, data)
            if fixed is not data and validator.is_valid(fixed):
                return ValidRequest(operation, params, query, fixed, raw_body=body)
            syntax = enum_syntax_error(
                self._components, operation.body_schema, _text(body), data, lambda: error_paths(validator, data, len(body))
            )
            if syntax is not None:  # serde fails while parsing there: a 400, not a 422
                raise InvalidArgument(syntax)
            # serde's own words where modelled; its walker is pure Python, so only for bodies of modest size
            message = None
            if len(body) <= SERDE_WORDS_MAX_BYTES:
                message = serde_error(self._schemas, operation.body_schema, _text(body))
            if message is None:  # a problem serde_error does not model: JSON Schema's words, bounded
                message = first_error(validator, data)
            raise Unprocessable(f"Failed to deserialize the JSON body into the target type: {message}")
        return ValidRequest(operation, params, query, data, raw_body=body)

    def parse_query(self, operation: Operation, query_string: bytes) -> dict[str, Any]:
        coercers = self._query.get(operation.operation_id)
        if not coercers or not query_string:
            return {}
        from urllib.parse import parse_qsl

        # serde_urlencoded reads the pairs in order (unknown names skipped): the first bad one is reported
        by_name = dict(coercers)
        out: dict[str, Any] = {}
        for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            coerce = by_name.get(name)
            if coerce is None:
                continue
            if name in out:
                raise InvalidArgument(f"Failed to deserialize query string: duplicate field `{name}`")
            out[name] = coerce(value)
        return out


def _text(body: bytes | str) -> str:
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


def parse_json(body: bytes | str) -> Any:
    """Parse a request body as Chroma's serde_json does. NaN/Infinity literals are errors (400).

    orjson is the fast path. Its floats are correctly rounded, serde_json's are not always (see
    `mockserver.serde.numbers`): when the body may hold a number they disagree on (`needs_serde`: a
    few byte-string scans), it is parsed again by the stdlib parser with serde's number algorithm.
    Bodies orjson rejects get the same second chance (a number out of range is a 400 there too)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if not body.strip():
            raise InvalidArgument(
                "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0"
            ) from None
        try:
            data = _serde_loads(body)
            orjson.dumps(data)  # a lone surrogate escape: serde refuses it, the stdlib parser does not
            return data
        except (ValueError, UnicodeDecodeError, RecursionError, orjson.JSONEncodeError):
            raise InvalidArgument(f"Failed to parse the request body as JSON: {_parse_error(body, exc)}") from None
    if not needs_serde(body if isinstance(body, bytes) else body.encode()):
        return data
    try:
        return _serde_loads(body)
    except (ValueError, RecursionError) as exc:  # NumberOutOfRange; nesting deeper than the stdlib allows
        raise InvalidArgument(f"Failed to parse the request body as JSON: {exc}") from None


def _parse_error(body: bytes | str, exc: orjson.JSONDecodeError) -> str:
    """serde's words where they are modelled (mockserver.serde.messages.parse_error), orjson's otherwise."""
    return parse_error(_text(body), exc.pos, exc.msg) or str(exc)


def _serde_loads(body: bytes | str) -> Any:
    """The stdlib parser with serde's numbers, on UTF-8 only: given bytes, `json.loads` would also
    take a BOM, UTF-16 and UTF-32, which serde_json refuses."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if text.startswith("\ufeff"):
        raise ValueError("a byte order mark")
    return json.loads(text, parse_float=json_float, parse_int=json_int, parse_constant=_reject_constant)


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
            digits = value.removeprefix("+")  # Rust's u32 parser takes one leading +
            if not digits or not digits.isascii() or not digits.isdigit():
                if value == "":
                    msg = "cannot parse integer from empty string"
                else:
                    msg = "invalid digit found in string"
                raise InvalidArgument(f"Failed to deserialize query string: {name}: {msg}")
            number = int(digits)
            if number > U32_MAX:
                raise InvalidArgument(
                    f"Failed to deserialize query string: {name}: number too large to fit in target type"
                )
            return number

        return coerce_int
    return lambda value: value
