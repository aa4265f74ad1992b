"""Validate: serde's externally tagged enums, where a wrong shape is a JSON syntax error (400), not a 422.

serde_json reads an enum (`space`, `include[i]`, `quantization`, `schema.cmek`, ...) as a string
(a unit variant) or an object with exactly one key (the variant and its content). Anything else
fails *while parsing*, so axum answers 400 "Failed to parse the request body as JSON: <path>:
expected value at line L column C" where a wrong type elsewhere gets 422. Observed on the real
server:

- a number, a boolean, an array, or `null` where the field is not optional: column of the value;
- `{}`: column of the `}`;
- an object with more keys after a known variant: column where the first member's value ends;
- an unknown variant, or a variant with the wrong content, stays a 422 (serde's data errors).

`enum_syntax_error` walks a body that failed validation along its schema and returns that 400's
message for the first such enum, in document order, or None. serde also reads a unit variant
written as `{"cosine": null}`: `unit_variants_as_strings` rewrites those before validating again.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]  # the stdlib's string scanner
from typing import Any

from mockserver.serde.nesting import serde_path

JsonObject = dict[str, Any]
Path = tuple[str | int, ...]

#: the enums whose variants carry content: field name -> (the schema holding it, its variants)
_NEWTYPE_ENUMS = {("Schema", "cmek"): ("gcp",)}
_REF = "#/components/schemas/"


def enum_syntax_error(
    components: JsonObject,
    schema: JsonObject,
    body_text: str,
    data: Any,
    other_errors: Callable[[], Sequence[Path]] = tuple,
) -> str | None:
    """The 400 message, or None. `other_errors()`: where schema validation failed (asked only when
    an enum has a syntax-error shape); one of them that comes earlier in the document (and is not
    around the enum) is what serde meets first: a 422."""
    for path, problem in _walk(components, schema, data, (), None):
        if problem == "variant":
            continue
        at = locate(body_text, path, problem)
        if at is None:
            return None
        for other in other_errors():
            if other != path[: len(other)]:  # not the enum itself or a wrapper around it
                where = locate(body_text, other, "value")
                if where is not None and where < at:
                    return None
        return f"Failed to parse the request body as JSON: {serde_path(path)}: expected value {line_column(body_text, at)}"
    return None


def line_column(text: str, at: int) -> str:
    """serde_json's "at line L column C" for the character index `at` (columns count UTF-8 bytes)."""
    line = text.count("\n", 0, at) + 1
    column = len(text[text.rfind("\n", 0, at) + 1 : at].encode()) + 1
    return f"at line {line} column {column}"


def unit_variants_as_strings(components: JsonObject, schema: JsonObject, data: Any) -> Any:
    """The body with each unit variant written as an object (`{"cosine": null}`, which serde reads
    as "cosine") written as its string; `data` itself when there is none. For failing bodies only:
    it walks the whole body."""
    paths = [path for path, problem in _walk(components, schema, data, (), None) if problem == "variant"]
    if not paths:
        return data
    fixed = copy.deepcopy(data)
    for path in paths:
        parent = fixed
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = next(iter(parent[path[-1]]))
    return fixed


def _walk(
    components: JsonObject, schema: Any, value: Any, path: Path, owner: str | None
) -> Iterator[tuple[Path, str]]:
    """(path, problem) for each enum with a syntax-error shape ("value", "empty" or "extra"), or
    written as a one-key object naming a unit variant ("variant", not an error). Subtrees whose
    schema holds no enum (ids, embeddings, documents, ...) are not walked: linear in what is left."""
    if not isinstance(schema, dict) or not _holds_enum(components, schema):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        name = ref[len(_REF) :]
        yield from _walk(components, components.get(name), value, path, name)
        return
    if isinstance(schema.get("enum"), list) and schema.get("type") == "string":
        problem = _enum_problem(value, schema["enum"], nullable=False)
        if problem is not None:
            yield path, problem
        elif isinstance(value, dict) and len(value) == 1 and value.get(next(iter(value)), 0) is None:
            yield path, "variant"  # {"cosine": null}: serde's other spelling of "cosine"
        return
    branches = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(branches, list):
        others = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
        if value is None and len(others) < len(branches):
            return  # an Option: null is None
        if len(others) == 1:
            yield from _walk(components, others[0], value, path, owner)
        return
    for part in schema.get("allOf") or []:
        yield from _walk(components, part, value, path, owner)
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key, item in value.items():  # document order
            variants = _NEWTYPE_ENUMS.get((owner or "", key))
            if variants is not None and key in properties:
                problem = _enum_problem(item, list(variants), nullable=True, newtype=True)
                if problem is not None:
                    yield (*path, key), problem
            elif key in properties:
                yield from _walk(components, properties[key], item, (*path, key), None)
            elif isinstance(extra, dict):
                yield from _walk(components, extra, item, (*path, key), None)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from _walk(components, schema["items"], item, (*path, index), None)


#: id(schema node) -> (the node, whether an enum is reachable from it); the node is kept so its id stays its own
_HOLDS_ENUM: dict[int, tuple[Any, bool]] = {}


def _holds_enum(components: JsonObject, schema: Any) -> bool:
    """Whether a string enum (or a newtype enum's field) is reachable from `schema` (memoised)."""
    known = _HOLDS_ENUM.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    found = _search_enum(components, schema, set())
    _HOLDS_ENUM[id(schema)] = (schema, found)
    return found


def _search_enum(components: JsonObject, node: Any, seen: set[str]) -> bool:
    if isinstance(node, list):
        return any(_search_enum(components, item, seen) for item in node)
    if not isinstance(node, dict):
        return False
    if isinstance(node.get("enum"), list):
        return True
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        name = ref[len(_REF) :]
        if name in seen:
            return False
        seen.add(name)
        if any(owner == name for owner, _ in _NEWTYPE_ENUMS):
            return True
        return _search_enum(components, components.get(name), seen)
    return any(_search_enum(components, value, seen) for key, value in node.items() if key != "description")


def _enum_problem(value: Any, variants: list[Any], nullable: bool, newtype: bool = False) -> str | None:
    if isinstance(value, str) or (value is None and nullable):
        return None  # a unit variant by name (an unknown or newtype one is serde's data error: 422)
    if isinstance(value, dict):
        if not value:
            return "empty"
        first, content = next(iter(value.items()))
        if first not in variants or (content is not None and not newtype) or (newtype and not isinstance(content, str)):
            return None  # unknown variant / wrong content: 422
        return "extra" if len(value) > 1 else None
    return "value"


def locate(text: str, path: Path, problem: str = "value") -> int | None:
    """The index serde reports for `problem` at `path` in the body text (None if not found)."""
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    try:
        for step in path:
            if isinstance(step, int):
                at = _skip(text, at + 1)  # past "["
                for _ in range(step):
                    at = _skip(text, decoder.raw_decode(text, at)[1])
                    at = _skip(text, at + 1)  # past ","
            else:
                at = _member(text, at, step, decoder)
        if problem == "empty":
            return _skip(text, at + 1)  # the "}"
        if problem == "extra":
            value_start = _skip(text, _skip(text, scanstring(text, _skip(text, at + 1) + 1)[1]) + 1)
            return decoder.raw_decode(text, value_start)[1] - 1
        if problem == "token":  # a data error: a scalar's last character, the one before a map or sequence
            return at - 1 if text[at] in "{[" else decoder.raw_decode(text, at)[1] - 1
        if problem == "after":  # a data error raised once the whole value is read
            return decoder.raw_decode(text, at)[1]
        if problem == "next":  # ... and the whitespace after it
            return _skip(text, decoder.raw_decode(text, at)[1])
        if problem == "key":  # the end of an object's first key (an unknown variant)
            return int(scanstring(text, _skip(text, at + 1) + 1)[1]) - 1
        if problem == "end":  # the object's closing brace (a missing field)
            return decoder.raw_decode(text, at)[1] - 1
        return at
    except (ValueError, IndexError, RecursionError):
        return None


def _member(text: str, at: int, key: str, decoder: json.JSONDecoder) -> int:
    """The index of `key`'s value in the object at `at` (the last occurrence, as serde keeps)."""
    found = -1
    at = _skip(text, at + 1)  # past "{"
    while text[at] != "}":
        name, at = scanstring(text, at + 1)
        at = _skip(text, _skip(text, at) + 1)  # past ":"
        if name == key:
            found = at
        at = _skip(text, decoder.raw_decode(text, at)[1])
        if text[at] == ",":
            at = _skip(text, at + 1)
    if found < 0:
        raise ValueError(key)
    return found


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at
