"""Search: the request body -> a SearchRequest, with serde's strictness (422 / 400 as Chroma 1.5.9 answers).

Chroma reads the body with serde before any other check (`rust/types/src/execution/plan.rs`,
`operator.rs`): a wrong shape is 422 "Failed to deserialize the JSON body into the target type:
<path>: <serde message>", an externally tagged rank node that is not a one-key object is serde's
parse-time 400. Fields are read in the order the body has them (the first bad one is reported) and
unknown fields are ignored. The messages follow serde's wording; the 400s get serde's "at line L
column C" from the HTTP layer (`SearchSyntaxError`), the 422s leave it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import numpy as np

from mockserver.errors import InvalidArgument, Unprocessable
from mockserver.store.filters import Where, parse_where_unchecked
from mockserver.store.search.model import (
    READ_LEVELS,
    Aggregate,
    Binary,
    GroupBy,
    Knn,
    Nary,
    Rank,
    SearchPlan,
    SearchRequest,
    SparseQuery,
    Unary,
    Val,
    select_order,
)

DESERIALIZE = "Failed to deserialize the JSON body into the target type"
RANK_OPS = ("$abs", "$div", "$exp", "$knn", "$log", "$max", "$min", "$mul", "$sub", "$sum", "$val")
_NARY, _BINARY, _UNARY = ("$sum", "$mul", "$max", "$min"), ("$sub", "$div"), ("$abs", "$exp", "$log")
_U32_MAX = 2**32 - 1
#: variants with named fields ("expected struct variant" when written as a bare string); the others are newtype
_STRUCT_VARIANTS = ("$knn", "$sub", "$div", "$min_k", "$max_k")
T = TypeVar("T")
Reader = Callable[[Any, str], Any]


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> tuple[str | int, ...]:
    return tuple(int(index) if index else name for name, index in _STEP.findall(path))


class SearchSyntaxError(InvalidArgument):
    """serde_json failed while *parsing* (a 400). `steps` (a path into the body) and `where` say
    where it stopped, so the HTTP layer can add serde's "at line L column C" from the body text:
    "value" (the value), "empty" (the `}` of `{}`), "extra" (the end of a variant before a second key)."""

    def __init__(self, path: str, where: str, what: str = "expected value", at: str | None = None) -> None:
        super().__init__(f"Failed to parse the request body as JSON: {path}: {what}")
        self.steps, self.where = _steps(path if at is None else at), where


class SearchDataError(Unprocessable):
    """serde's data error (a 422), located like `SearchSyntaxError`; `where`: "token" (a scalar's last
    character, or the one before a map or sequence), "after" (past the value; "next": and past the
    whitespace after it), "key" (the end of the object's first key), "end" (the object's `}`)."""

    def __init__(self, path: str, message: str, where: str, at: str | None = None) -> None:
        super().__init__(f"{DESERIALIZE}: {path}: {message}")
        self.steps, self.where = _steps(path if at is None else at), where


def _fail(path: str, message: str, where: str = "token", at: str | None = None) -> NoReturn:
    raise SearchDataError(path, message, where, at)


def _found(value: Any) -> str:
    """serde's `Unexpected` wording for a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value!r}`"
    if isinstance(value, str):
        return f'string "{value}"'
    return "sequence" if isinstance(value, list) else "map"


def _object(value: Any, path: str, expected: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(path, f"invalid type: {_found(value)}, expected {expected}")
    return value


def _u32(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(path, f"invalid type: {_found(value)}, expected u32")
    if not 0 <= value <= _U32_MAX:
        _fail(path, f"invalid value: integer `{value}`, expected u32")
    return value


def _f32(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(path, f"invalid type: {_found(value)}, expected f32")
    with np.errstate(all="ignore"):
        return float(np.float32(float(value) if abs(value) < 1e300 else np.sign(value) * np.inf))


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        _fail(path, f"invalid type: {_found(value)}, expected a sequence")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            _fail(f"{path}[{i}]", f"invalid type: {_found(item)}, expected a string")
    return value


def _syntax(path: str, where: str = "value") -> NoReturn:
    """serde_json fails while parsing an enum that is not a string or a one-key object, or on a second key."""
    raise SearchSyntaxError(path, where)


def _optional(reader: Reader) -> Reader:
    """An `Option<T>` field: `null` is None, anything else is read as T."""
    return lambda value, path: None if value is None else reader(value, path)


def _struct(
    raw: Any, path: str, name: str, readers: dict[str, Reader], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """serde's derived struct `name` (`readers` in declaration order): from an object, or from an array."""
    if isinstance(raw, list):
        return _sequence(raw, path, name, readers, required)
    return _fields(_object(raw, path, name), path, readers, required)


def _sequence(
    items: list[Any], path: str, name: str, readers: dict[str, Reader], required: tuple[str, ...]
) -> dict[str, Any]:
    """A struct read from an array: fields by position; a missing one must have a default (else
    "invalid length", 422); more elements than fields is a parse error (400 "trailing characters")."""
    fields = list(readers)
    read: dict[str, Any] = {}
    for i, field in enumerate(fields):
        if i < len(items):
            read[field] = readers[field](items[i], f"{path}[{i}]")
        elif field in required:
            plural = "" if len(fields) == 1 else "s"
            _fail(path, f"invalid length {i}, expected {name} with {len(fields)} element{plural}", "end")
    if len(items) > len(fields):
        raise SearchSyntaxError(path, "value", "trailing characters", at=f"{path}[{len(fields)}]")
    return read


def _fields(
    data: dict[str, Any], path: str, readers: dict[str, Reader], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """serde's derived struct visitor: known fields read in document order (unknown ones skipped),
    then the first missing required field in declaration order."""
    read: dict[str, Any] = {}
    for name, value in data.items():
        reader = readers.get(name)
        if reader is not None:
            read[name] = reader(value, name if path == "." else f"{path}.{name}")
    for name in required:
        if name not in data:
            _fail(path, f"missing field `{name}`", "end")
    return read


def _enum(
    raw: Any,
    path: str,
    variants: tuple[str, ...],
    expected: str,
    content: Callable[[str, Any, str], T],
    unit: bool = False,
) -> T:
    """serde_json reading an externally tagged enum: a string is a unit variant (unknown, or, unless
    the variants are `unit` ones, the wrong kind: 422); an object's first key is the variant, its
    value is read, and a second key is a parse error (400), as are `{}` and any other JSON value."""
    if isinstance(raw, str):
        if raw not in variants:
            _fail(path, f"unknown variant `{raw}`, expected {expected}")
        if unit:
            return content(raw, None, f"{path}.{raw}")
        kind = "struct" if raw in _STRUCT_VARIANTS else "newtype"
        _fail(f"{path}.{raw}", f"invalid type: unit variant, expected {kind} variant", "next", at=path)
    if not isinstance(raw, dict) or not raw:
        _syntax(path, "empty" if raw == {} else "value")
    variant, value = next(iter(raw.items()))
    if variant not in variants:
        _fail(path, f"unknown variant `{variant}`, expected {expected}", "key")
    result = content(variant, value, f"{path}.{variant}")
    if len(raw) > 1:
        _syntax(path, "extra")
    return result


def parse_request(body: Any) -> SearchRequest:
    """The whole `POST .../search` body (already checked to be an object with a `searches` list)."""
    data = _object(body, ".", "struct SearchRequestPayload")
    read = _fields(data, ".", {"searches": _searches, "read_level": _read_level}, required=("searches",))
    return SearchRequest(read["searches"], read.get("read_level", "index_and_wal"))


def _searches(raw: Any, path: str) -> tuple[SearchPlan, ...]:
    if not isinstance(raw, list):
        _fail(path, f"invalid type: {_found(raw)}, expected a sequence")
    return tuple(_payload(p, f"{path}[{i}]") for i, p in enumerate(raw))


def _read_level(raw: Any, path: str) -> str:
    """A unit-variant enum with a default (not an Option: `null` is a parse error, as `{}` is)."""
    return _enum(
        raw, path, READ_LEVELS, "one of `index_and_wal`, `index_only`, `index_and_bounded_wal`", _unit, unit=True
    )


def _unit(variant: str, value: Any, path: str) -> str:
    """A unit variant's content: `{"index_only": null}` is serde's other spelling of "index_only"."""
    if value is not None:
        _fail(path, f"invalid type: {_found(value)}, expected unit")
    return variant


def _payload(raw: Any, path: str) -> SearchPlan:
    read = _struct(
        raw,
        path,
        "struct SearchPayload",
        {
            "filter": _filter,
            "rank": _optional(_rank),
            "group_by": _group_by,
            "limit": _limit,
            "select": _select,
        },
    )
    offset, limit = read.get("limit", (0, None))
    return SearchPlan(read.get("filter"), read.get("rank"), read.get("group_by", GroupBy()), offset, limit,
                      read.get("select", ()))  # fmt: skip


def _limit(raw: Any, path: str) -> tuple[int, int | None]:
    read = _struct(
        raw,
        path,
        "struct Limit",
        {"offset": _u32, "limit": _optional(_u32)},
    )
    return read.get("offset", 0), read.get("limit")


def _select(raw: Any, path: str) -> tuple[str, ...]:
    keys = _struct(raw, path, "struct Select", {"keys": _strings}).get("keys")
    return () if keys is None else select_order(keys)


def _filter(raw: Any, path: str) -> Where | None:
    """The whole object is a where clause; null and {} are no filter. Schema checks come later."""
    if raw is None or raw == {}:
        return None
    try:
        return parse_where_unchecked(raw)
    except InvalidArgument as error:
        _fail(path, error.message, "after")


_RANKS_EXPECTED = "one of " + ", ".join(f"`{name}`" for name in RANK_OPS)


def _rank(raw: Any, path: str) -> Rank:
    return _enum(raw, path, RANK_OPS, _RANKS_EXPECTED, _rank_content)


def _rank_content(op: str, content: Any, inner: str) -> Rank:
    if op == "$knn":
        return _knn(content, inner)
    if op == "$val":
        return Val(_f32(content, inner))
    if op in _NARY:
        if not isinstance(content, list):
            _fail(inner, f"invalid type: {_found(content)}, expected a sequence")
        return Nary(op, tuple(_rank(item, f"{inner}[{i}]") for i, item in enumerate(content)))
    if op in _BINARY:
        kind = "Subtraction" if op == "$sub" else "Division"
        operands = _struct(
            content, inner, f"struct variant RankExpr::{kind}", {"left": _rank, "right": _rank}, ("left", "right")
        )
        return Binary(op, operands["left"], operands["right"])
    return Unary(op, _rank(content, inner))


def _knn(raw: Any, path: str) -> Knn:
    read = _struct(
        raw,
        path,
        "struct variant RankExpr::Knn",
        {
            "query": _query,
            "key": _string,
            "limit": _u32,
            "default": _optional(_f32),
            "return_rank": _bool,
        },
        required=("query",),
    )
    return Knn(read["query"], read.get("key", "#embedding"), read.get("limit", 16), read.get("default"),
               read.get("return_rank", False))  # fmt: skip


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, f"invalid type: {_found(value)}, expected a string")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        _fail(path, f"invalid type: {_found(value)}, expected a boolean")
    return value


def _query(raw: Any, path: str) -> tuple[float, ...] | SparseQuery:
    """`QueryVector`, serde-untagged: a list of f32, or a sparse vector object."""
    if isinstance(raw, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw):
        return tuple(_f32(v, path) for v in raw)
    if isinstance(raw, dict) and raw.get("#type", "sparse_vector") == "sparse_vector":
        indices, values, tokens = raw.get("indices"), raw.get("values"), raw.get("tokens")
        if (
            isinstance(indices, list)
            and all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i <= _U32_MAX for i in indices)
            and isinstance(values, list)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            and (tokens is None or (isinstance(tokens, list) and all(isinstance(t, str) for t in tokens)))
        ):
            floats = tuple(_f32(v, path) for v in values)
            return SparseQuery(tuple(indices), floats, None if tokens is None else tuple(tokens))
    _fail(path, "data did not match any variant of untagged enum QueryVector", "after")


def _group_by(raw: Any, path: str) -> GroupBy:
    read = _struct(
        raw,
        path,
        "struct GroupBy",
        {
            "keys": _strings,
            "aggregate": _optional(
                lambda value, at: _enum(value, at, ("$min_k", "$max_k"), "`$min_k` or `$max_k`", _aggregate)
            ),
        },
    )
    return GroupBy(tuple(read.get("keys", ())), read.get("aggregate"))


def _aggregate(kind: str, content: Any, inner: str) -> Aggregate:
    name = "struct variant Aggregate::" + ("MinK" if kind == "$min_k" else "MaxK")
    body = _struct(content, inner, name, {"keys": _strings, "k": _u32}, ("keys", "k"))
    return Aggregate(kind, tuple(body["keys"]), body["k"])
