"""Serde: the 422 message serde_json gives for a body that parsed but does not fit its Rust type.

Chroma deserializes request bodies with serde (through serde_path_to_error), which stops at the
first problem in document order and says, for example:

    limit: invalid value: integer `-1`, expected u32 at line 1 column 11
    limit: invalid type: floating point `1.5`, expected u32 at line 1 column 12
    metadatas[0].x: data did not match any variant of untagged enum MetadataValue at line 1 column 60
    configuration.hnsw.spacee: unknown field `spacee`, expected one of `space`, ... at line 1 column 48
    include[0]: unknown variant `documentz`, expected one of `distances`, ... at line 1 column 23
    missing field `ids` at line 1 column 22

`serde_error` walks the body text along the (relaxed) schema the way serde reads it and returns that
message, or None when the problem is one it does not model (the caller then keeps the JSON Schema
wording). Columns, observed on the real server: a scalar's error is reported at its last character;
a map or sequence where a scalar was expected at the character before it; an unknown field at the
end of its key; an untagged enum after the container around it skipped its trailing whitespace and
ate its closing `}`; a missing field at the end of the object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]  # the stdlib's string scanner
from typing import Any

from mockserver.serde.numbers import serde_number

__all__ = ["parse_error", "path_at", "serde_error"]

JsonObject = dict[str, Any]
_REF = "#/components/schemas/"
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")

#: Field order of the Rust structs that refuse unknown fields, as serde lists them.
_FIELD_ORDER = {
    "HnswConfiguration": (
        "space",
        "ef_construction",
        "ef_search",
        "max_neighbors",
        "num_threads",
        "resize_factor",
        "sync_threshold",
        "batch_size",
    ),
    "SpannConfiguration": (
        "search_nprobe",
        "write_nprobe",
        "space",
        "ef_construction",
        "ef_search",
        "max_neighbors",
        "reassign_neighbor_count",
        "split_threshold",
        "merge_threshold",
    ),
}
#: Untagged enums: the component (or map) whose values are one, and the Rust name serde reports.
_UNTAGGED = {"HashMap": "MetadataValue", "NullableHashMap": "UpdateMetadataValue", "EmbeddingsPayload": "EmbeddingsPayload"}
_STRUCTS_DENYING_UNKNOWN = set(_FIELD_ORDER)


class _GiveUp(Exception):
    """A problem this module does not model: keep the JSON Schema message."""


@dataclass
class _Node:
    kind: str  # object, array, string, integer, float, boolean, null
    value: Any  # scalars: the value; array: list[_Node]; object: list[(key, key_end, _Node)]
    start: int
    end: int


@dataclass(frozen=True)
class _Problem:
    path: tuple[str | int, ...]
    text: str
    at: int  # index in the body text: the column is counted up to here


def serde_error(components: JsonObject, schema: JsonObject, body_text: str) -> str | None:
    """serde's message for the first problem of `body_text` against `schema`, or None."""
    try:
        node, _ = _parse(body_text, _skip(body_text, 0))
        problem = _Walker(components, body_text).walk(schema, node, (), None)
    except (_GiveUp, ValueError, IndexError, KeyError, TypeError, RecursionError):
        return None  # not modelled (or a body this walker cannot follow): the caller keeps its own words
    if problem is None:
        return None
    line = body_text.count("\n", 0, problem.at) + 1
    column = len(body_text[body_text.rfind("\n", 0, problem.at) + 1 : problem.at].encode())
    where = _serde_path(problem.path)
    return f"{where + ': ' if where else ''}{problem.text} at line {line} column {column}"


class _Walker:
    def __init__(self, components: JsonObject, text: str) -> None:
        self.components = components
        self.text = text

    def walk(self, schema: Any, node: _Node, path: tuple[str | int, ...], name: str | None) -> _Problem | None:
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith(_REF):
                raise _GiveUp(ref)
            component = ref[len(_REF) :]
            return self.walk(self.components[component], node, path, component)
        if "allOf" in schema:
            return self.walk(_merge(self.components, schema["allOf"]), node, path, name)
        branches = schema.get("anyOf")
        if isinstance(branches, list):
            return self.any_of(branches, node, path, name)
        types = schema.get("type")
        kinds = types if isinstance(types, list) else [types] if types else []
        if node.kind == "null" and "null" in kinds:
            return None
        kinds = [k for k in kinds if k != "null"]
        if "const" in schema or "not" in schema or len(kinds) > 1:
            raise _GiveUp("keyword")
        kind = kinds[0] if kinds else ("object" if "properties" in schema else None)
        if kind is None:
            return None  # any JSON value (serde_json::Value)
        if kind == "integer":
            return self.integer(schema, node, path)
        if kind == "number":
            expected = "f32" if schema.get("format") == "float" else "f64"
            if node.kind in ("integer", "float"):
                return None
            return self.invalid_type(node, path, expected)
        if kind == "string":
            if node.kind != "string":
                if "enum" in schema:
                    raise _GiveUp("enum shape")  # serde's syntax error (mockserver.serde.enums)
                return self.invalid_type(node, path, "a string")
            variants = schema.get("enum")
            if isinstance(variants, list) and node.value not in variants:
                return _Problem(path, f"unknown variant `{node.value}`, expected {_one_of(variants)}", node.end)
            return None
        if kind == "boolean":
            return None if node.kind == "boolean" else self.invalid_type(node, path, "a boolean")
        if kind == "array":
            if node.kind != "array":
                return self.invalid_type(node, path, "a sequence")
            items = schema.get("items")
            for index, item in enumerate(node.value):
                problem = self.walk(items, item, (*path, index), None)
                if problem is not None:
                    return problem
            return None
        if kind == "object":
            return self.object(schema, node, path, name)
        raise _GiveUp(kind)

    def any_of(self, branches: list[Any], node: _Node, path: tuple[str | int, ...], name: str | None) -> _Problem | None:
        nullable = any(isinstance(b, dict) and b.get("type") == "null" for b in branches)
        others = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        if node.kind == "null" and nullable:
            return None
        if len(others) == 1:  # Option<T>
            return self.walk(others[0], node, path, name)
        for branch in others:
            try:
                if self.walk(branch, node, path, None) is None:
                    return None
            except _GiveUp:
                continue
        enum = _UNTAGGED.get(name or "")
        if enum is None:
            raise _GiveUp("an untagged enum without a known name")
        at = _skip(self.text, node.end)
        if at < len(self.text) and self.text[at] in "}]":
            at += 1
        return _Problem(path, f"data did not match any variant of untagged enum {enum}", at)

    def object(self, schema: JsonObject, node: _Node, path: tuple[str | int, ...], name: str | None) -> _Problem | None:
        if node.kind != "object":
            raise _GiveUp("a struct written as another type")
        properties: JsonObject = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        denies = extra is False or name in _STRUCTS_DENYING_UNKNOWN
        for key, key_end, value in node.value:
            if key in properties:
                problem = self.walk(properties[key], value, (*path, key), None)
            elif isinstance(extra, dict):
                problem = self.walk(extra, value, (*path, key), name if name in _UNTAGGED else None)
            elif denies:
                fields = _FIELD_ORDER.get(name or "", tuple(properties))
                return _Problem((*path, key), f"unknown field `{key}`, expected {_one_of(list(fields))}", key_end)
            else:
                continue
            if problem is not None:
                return problem
        present = {key for key, _, _ in node.value}
        for field in schema.get("required") or []:
            if field not in present:
                return _Problem(path, f"missing field `{field}`", node.end)
        return None

    def integer(self, schema: JsonObject, node: _Node, path: tuple[str | int, ...]) -> _Problem | None:
        expected = _rust_integer(schema)
        if node.kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            if (low is not None and node.value < low) or (high is not None and node.value > high):
                return _Problem(path, f"invalid value: integer `{node.value}`, expected {expected}", node.end)
            return None
        return self.invalid_type(node, path, expected)

    def invalid_type(self, node: _Node, path: tuple[str | int, ...], expected: str) -> _Problem:
        if node.kind in ("array", "object"):
            found = "sequence" if node.kind == "array" else "map"
            return _Problem(path, f"invalid type: {found}, expected {expected}", node.start)
        if node.kind == "null":
            found = "null"
        elif node.kind == "boolean":
            found = f"boolean `{'true' if node.value else 'false'}`"
        elif node.kind == "integer":
            found = f"integer `{node.value}`"
        elif node.kind == "float":
            found = f"floating point `{node.value!r}`"
        else:
            found = f"string {json.dumps(node.value, ensure_ascii=False)}"
        return _Problem(path, f"invalid type: {found}, expected {expected}", node.end)


def _rust_integer(schema: JsonObject) -> str:
    high = schema.get("maximum")
    if high == 2**32 - 1:
        return "u32"
    if high == 2**31 - 1:
        return "i32"
    if high == 2**63 - 1:
        return "i64"
    if high == 2**64 - 1:
        return "u64" if schema.get("format") == "int64" else "usize"
    raise _GiveUp("integer type")


def _merge(components: JsonObject, parts: list[Any]) -> JsonObject:
    """serde's `#[serde(flatten)]`: the fields of every part in one struct."""
    merged: JsonObject = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        while isinstance(part, dict) and isinstance(part.get("$ref"), str):
            part = components[part["$ref"][len(_REF) :]]
        if not isinstance(part, dict) or "anyOf" in part or "allOf" in part:
            raise _GiveUp("allOf part")
        merged["properties"].update(part.get("properties") or {})
        merged["required"].extend(part.get("required") or [])
    return merged


def _one_of(names: list[Any]) -> str:
    quoted = [f"`{n}`" for n in names]
    if not quoted:
        return "nothing"
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} or {quoted[1]}"
    return "one of " + ", ".join(quoted)


def _serde_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


# a JSON parser that keeps where each value starts and ends -----------------------------------
def _parse(text: str, at: int) -> tuple[_Node, int]:
    char = text[at]
    if char == "{":
        start = at
        members: list[tuple[str, int, _Node]] = []
        at = _skip(text, at + 1)
        while text[at] != "}":
            key, key_end = scanstring(text, at + 1)
            value, after = _parse(text, _skip(text, _skip(text, key_end) + 1))
            members.append((key, key_end, value))
            at = _skip(text, after)
            if text[at] == ",":
                at = _skip(text, at + 1)
        return _Node("object", members, start, at + 1), at + 1
    if char == "[":
        start = at
        items: list[_Node] = []
        at = _skip(text, at + 1)
        while text[at] != "]":
            item, after = _parse(text, at)
            items.append(item)
            at = _skip(text, after)
            if text[at] == ",":
                at = _skip(text, at + 1)
        return _Node("array", items, start, at + 1), at + 1
    if char == '"':
        value, end = scanstring(text, at + 1)
        return _Node("string", value, at, end), end
    for literal, kind, constant in (("true", "boolean", True), ("false", "boolean", False), ("null", "null", None)):
        if text.startswith(literal, at):
            return _Node(kind, constant, at, at + len(literal)), at + len(literal)
    match = _NUMBER.match(text, at)
    if match is None:
        raise ValueError(f"not JSON at {at}")
    number = serde_number(match.group(0))  # integers beyond i64/u64 become f64, as serde_json reads them
    return _Node("integer" if isinstance(number, int) else "float", number, at, match.end()), match.end()


def parse_error(text: str, pos: int, orjson_message: str) -> str | None:
    """serde's message for a body that is not JSON, from orjson's error at index `pos`, where modelled:
    "metadatas[0].x: expected value at line 1 column 53" where a value should start (`NaN`, a stray
    character: serde reports that character), "...: number out of range at line 1 column 57" (after
    the number's last digit); None otherwise."""
    if orjson_message.startswith("unexpected character"):
        what, end = "expected value", pos + 1
    elif orjson_message.startswith("number is infinity") and (number := _NUMBER.match(text, pos)):
        what, end = "number out of range", number.end()
    else:
        return None
    where = path_at(text, pos)
    if where is None:
        return None
    line = text.count("\n", 0, pos) + 1
    column = len(text[text.rfind("\n", 0, pos) + 1 : end].encode())
    return f"{where + ': ' if where else ''}{what} at line {line} column {column}"


def path_at(text: str, pos: int) -> str | None:
    """The serde path of the value that should start at `pos` (where the parser met no JSON value:
    `NaN`, `Infinity`, a stray character), e.g. `metadatas[0].x`; None when it cannot tell."""
    path: list[str | int] = []

    def value(at: int) -> int:
        if at == pos:
            raise _Found(_serde_path(tuple(path)))
        char = text[at]
        if char == "{":
            at = _skip(text, at + 1)
            while text[at] != "}":
                key, key_end = scanstring(text, at + 1)
                path.append(key)
                at = _skip(text, value(_skip(text, _skip(text, key_end) + 1)))
                path.pop()
                if text[at] == ",":
                    at = _skip(text, at + 1)
            return at + 1
        if char == "[":
            at = _skip(text, at + 1)
            index = 0
            while text[at] != "]":
                path.append(index)
                at = _skip(text, value(at))
                path.pop()
                index += 1
                if text[at] == ",":
                    at = _skip(text, at + 1)
            return at + 1
        return _parse(text, at)[1]

    try:
        value(_skip(text, 0))
    except _Found as found:
        return found.path
    except (ValueError, IndexError, RecursionError):
        return None
    return None


class _Found(Exception):
    def __init__(self, path: str) -> None:
        self.path = path


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at
