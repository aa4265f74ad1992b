"""Validate: where and how a body fails as serde fails it: recursion limit, sequence form, first error.

Kept apart from `validate` (which decides *whether* a body is valid): the helpers that find *where*
it fails, in bounded time and with bounded messages, however large or deep the body is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema_rs
import orjson

from mockserver.api.spec import JsonObject
from mockserver.errors import InvalidArgument, MockError, Unprocessable
from mockserver.serde.enums import locate
from mockserver.serde.nesting import TooDeep, serde_path, too_deep


def within_recursion_limit(components: JsonObject, body_schema: Any, validator: Any, body: bytes) -> bytes:
    """serde_json's recursion limit (`mockserver.serde.nesting`): 400 where a field read as any
    JSON nests too deep; where a typed field holds the deep part, or a schema error comes
    earlier in the document, serde meets that first: the deep part is cut (replaced by `null`)
    so that validation answers its 422."""
    path: tuple[str | int, ...] = ()
    for _ in range(_MAX_CUTS):
        deep = too_deep(body)
        if deep is None:
            return body
        path = deep.path
        kind = "array" if body[deep.offset] == ord("[") else "object"
        cut = body[: deep.offset] + b"null" + body[deep.end :]
        if _typed_level(components, body_schema, deep.path, kind) is None and not _error_before(
            validator, cut, deep
        ):
            raise InvalidArgument(f"Failed to parse the request body as JSON: {deep.message()}")
        body = cut
    raise Unprocessable(f"Failed to deserialize the JSON body into the target type: {serde_path(path)}: nested too deep")


_MAX_CUTS = 16


def _error_before(validator: Any, cut: bytes, deep: TooDeep) -> bool:
    """Whether the body (its too-deep part cut) fails its schema somewhere before that part."""
    try:
        data = orjson.loads(cut)
    except orjson.JSONDecodeError:
        return False
    if validator.is_valid(data):
        return False
    text = cut.decode("utf-8", errors="replace")
    for path in error_paths(validator, data, len(cut)):
        if path != deep.path[: len(path)]:  # not the cut part or what holds it
            at = locate(text, path)
            if at is not None and at < deep.offset:
                return True
    return False


def _typed_level(components: JsonObject, schema: Any, path: tuple[str | int, ...], kind: str) -> int | None:
    """The first level of `path` (0: the body) whose schema cannot hold the array or object found
    there (serde reads that field as a type, not as any JSON), or None if every level can."""
    nodes = [schema]
    for level, step in enumerate((*path, None)):
        found = "array" if isinstance(step, int) else "object" if step is not None else kind
        alternatives = [c for n in nodes for c in _concrete(components, n, 0)]
        if not any(_holds(c, found) for c in alternatives):
            return level
        if step is None:
            return None
        nodes = [_child(c, step) for c in alternatives if _holds(c, found)]
    return None


def _concrete(components: JsonObject, node: Any, hops: int) -> list[JsonObject]:
    """`node` with `$ref`s followed: the schemas it may be. An `Option` (`anyOf` null and one
    schema) is both; an `allOf` is its parts merged; any other `anyOf`/`oneOf` is a serde enum,
    untagged or tagged, which serde first reads as any JSON (`{}`)."""
    if not isinstance(node, dict) or hops > 32:
        return [{}]
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return _concrete(components, components.get(ref.rsplit("/", 1)[1]), hops + 1)
    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list):
        some = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        if len(some) > 1:
            return [{}]
        return [{"type": "null"}] + [c for b in some for c in _concrete(components, b, hops + 1)]
    parts = node.get("allOf")
    if isinstance(parts, list):
        merged: JsonObject = {"type": "object", "properties": {}}
        for part in parts:
            for concrete in _concrete(components, part, hops + 1):
                merged["properties"].update(concrete.get("properties") or {})
                if isinstance(concrete.get("additionalProperties"), dict):
                    merged["additionalProperties"] = concrete["additionalProperties"]
        return [merged]
    return [node]


def _holds(schema: JsonObject, kind: str) -> bool:
    types = schema.get("type")
    if types is None:
        if "properties" in schema or "additionalProperties" in schema:
            return kind == "object"
        return "items" not in schema or kind == "array"
    return kind in (types if isinstance(types, list) else [types])


def _child(schema: JsonObject, step: str | int) -> Any:
    if isinstance(step, int):
        items = schema.get("items")
        return items if isinstance(items, dict) else {}
    properties = schema.get("properties") or {}
    if step in properties:
        return properties[step]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


@dataclass(frozen=True)
class SequenceForm:
    """A struct serde's derive also reads from a JSON array: its fields in declaration order; the
    first `least` must be there (the rest have `#[serde(default)]`)."""

    struct: str
    fields: tuple[str, ...]
    least: int

    def as_object(self, items: list[Any], text: str) -> tuple[JsonObject, MockError | None]:
        """The array as the struct's object, and the error serde raises if the elements it holds read
        well: too few elements (422) or more than the fields (400 "trailing characters"). serde reads
        the elements in order, so a bad element comes first (the caller validates the object)."""
        problem: MockError | None = None
        if len(items) < self.least:
            plural = "" if len(self.fields) == 1 else "s"
            problem = Unprocessable(
                f"Failed to deserialize the JSON body into the target type: invalid length {len(items)}, "
                f"expected struct {self.struct} with {len(self.fields)} element{plural} at {_place(text, text.rfind(']'))}"
            )
        elif len(items) > len(self.fields):
            at = locate(text, (len(self.fields),))
            problem = InvalidArgument(
                f"Failed to parse the request body as JSON: trailing characters at {_place(text, at or 0)}"
            )
        return dict(zip(self.fields, items)), problem


def only_missing_fields(validator: Any, data: Any) -> bool:
    """Whether the body's only schema errors (if any) are required fields it lacks."""
    return all(
        str(found.get("schemaLocation", "")).endswith("/required") and found.get("instanceLocation") == ""
        for found in validator.evaluate(data).errors()
    )


def _place(text: str, at: int) -> str:
    """serde_json's `line L column C` of the character at index `at`."""
    line_start = text.rfind("\n", 0, at) + 1
    return f"line {text.count(chr(10), 0, at) + 1} column {len(text[line_start : at + 1].encode())}"


_RECORDS = ("ids", "embeddings", "documents", "uris", "metadatas")
#: the request bodies Chroma 1.5.9 also takes as an array (observed on the server; the others,
#: with custom deserializers, answer 422 "invalid type: sequence")
SEQUENCE_FORMS: dict[str, SequenceForm] = {
    "create_tenant": SequenceForm("CreateTenantPayload", ("name",), 1),
    "update_tenant": SequenceForm("UpdateTenantPayload", ("resource_name",), 1),
    "create_database": SequenceForm("CreateDatabasePayload", ("name",), 1),
    "create_collection": SequenceForm(
        "CreateCollectionPayload", ("name", "schema", "configuration", "metadata", "get_or_create"), 4
    ),
    "update_collection": SequenceForm("UpdateCollectionPayload", ("new_name", "new_metadata", "new_configuration"), 3),
    "collection_add": SequenceForm("AddCollectionRecordsPayload", _RECORDS, 5),
    "collection_upsert": SequenceForm("UpsertCollectionRecordsPayload", _RECORDS, 5),
    "collection_update": SequenceForm("UpdateCollectionRecordsPayload", _RECORDS, 5),
    "attach_function": SequenceForm("AttachFunctionRequest", ("name", "function_id", "output_collection", "params"), 3),
    "detach_function": SequenceForm("DetachFunctionRequest", ("delete_output",), 0),
    "fork_collection": SequenceForm("ForkCollectionPayload", ("new_name",), 1),
    "collection_search": SequenceForm("SearchRequestPayload", ("searches", "read_level"), 1),
}


def first_error(validator: Any, data: Any) -> str:
    """`path: message` of the first schema error (`validate` stops there; `iter_errors` would build
    every error first, superlinearly). A map or an array that the message starts with is named, not
    repeated (serde says "map"/"sequence"): an error reply never echoes a whole body. jsonschema-rs
    copies the failing value into its error (about 0.4 s per MB), so the error is first looked for
    in a copy whose arrays keep only their first items (the request schemas have no `minItems`:
    an error there is an error of the body, at the same path)."""
    pruned = _pruned(data, _PRUNED_ITEMS)
    if pruned is not data and not validator.is_valid(pruned):
        data = pruned
    try:
        validator.validate(data)
    except jsonschema_rs.ValidationError as error:
        path = ".".join(str(p) for p in error.instance_path) or "."
        message: str = error.message
        if isinstance(error.instance, (dict, list)):
            shown = orjson.dumps(error.instance, option=orjson.OPT_SORT_KEYS).decode()
            word = "a map" if isinstance(error.instance, dict) else "a sequence"
            if message.startswith(shown):
                message = word + message[len(shown) :]
            elif len(message) > _MAX_MESSAGE:
                message = f"{word} does not match the schema"
        return f"{path}: {message}"
    return ".: does not match the schema"  # unreachable: called for a body that failed `is_valid`


_MAX_MESSAGE = 4096
_PRUNED_ITEMS = 16


def _pruned(value: Any, items: int) -> Any:
    """`value` with every array cut to its first `items` elements (`value` itself if none is longer)."""
    if isinstance(value, list):
        kept = [_pruned(v, items) for v in value[:items]]
        if len(value) <= items and all(a is b for a, b in zip(kept, value)):
            return value
        return kept
    if isinstance(value, dict):
        out = {k: _pruned(v, items) for k, v in value.items()}
        return value if all(out[k] is v for k, v in value.items()) else out
    return value


#: bounds of the search for a schema error before a malformed enum (each is then located in the text)
_MAX_ERROR_PATHS = 64
_MAX_SEARCHED_BODY = 256 * 1024


def error_paths(validator: Any, data: Any, body_size: int) -> list[tuple[str | int, ...]]:
    """Where the body fails its schema: the instance paths of its first errors (one linear
    `evaluate` pass), or of the first error only for a large body."""
    if body_size > _MAX_SEARCHED_BODY:
        try:
            validator.validate(data)
        except jsonschema_rs.ValidationError as error:
            return [tuple(error.instance_path)]
        return []
    paths: list[tuple[str | int, ...]] = []
    for found in validator.evaluate(data).errors():
        path: list[str | int] = []
        node = data
        for raw in found["instanceLocation"].split("/")[1:]:
            step: str | int = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                step = int(step)
                node = node[step] if 0 <= step < len(node) else None
            else:
                node = node.get(step) if isinstance(node, dict) else None
            path.append(step)
        found_paths = [tuple(path)]
        if str(found.get("schemaLocation", "")).endswith("/additionalProperties") and isinstance(node, dict):
            # serde stops at the unknown key itself, not at the object around it
            unknown = [tuple(path) + (key,) for key in node if f"'{key}'" in str(found.get("error", ""))]
            found_paths = unknown or found_paths
        for found_path in found_paths:
            if found_path not in paths:
                paths.append(found_path)
        if len(paths) >= _MAX_ERROR_PATHS:
            break
    return paths
