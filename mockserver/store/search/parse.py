"""Search: the request body -> a SearchRequest, with serde's strictness (422 / 400 as Chroma 1.5.9 answers).

Chroma reads the body with serde before any other check (`rust/types/src/execution/plan.rs`,
`operator.rs`): a wrong shape is 422 "Failed to deserialize the JSON body into the target type:
<path>: <serde message>", an externally tagged rank node that is not a one-key object is serde's
parse-time 400. Unknown fields are ignored. The messages follow serde's wording; serde's
"at line L column C" suffix is left out (as elsewhere in the mock).
"""

from __future__ import annotations

from typing import Any, NoReturn

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


def _fail(path: str, message: str) -> NoReturn:
    raise Unprocessable(f"{DESERIALIZE}: {path}: {message}")


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


def parse_request(body: Any) -> SearchRequest:
    """The whole `POST .../search` body (already checked to be an object with a `searches` list)."""
    data = _object(body, ".", "struct SearchRequestPayload")
    if "searches" not in data:
        _fail(".", "missing field `searches`")
    searches = data["searches"]
    if not isinstance(searches, list):
        _fail("searches", f"invalid type: {_found(searches)}, expected a sequence")
    read_level = data.get("read_level", "index_and_wal")
    if read_level is None:
        read_level = "index_and_wal"
    if read_level not in READ_LEVELS:
        shown = _found(read_level) if not isinstance(read_level, str) else f"unknown variant `{read_level}`"
        _fail("read_level", f"{shown}, expected one of `index_and_wal`, `index_only`, `index_and_bounded_wal`")
    return SearchRequest(tuple(_payload(p, f"searches[{i}]") for i, p in enumerate(searches)), read_level)


def _payload(raw: Any, path: str) -> SearchPlan:
    data = _object(raw, path, "struct SearchPayload")
    where = _filter(data.get("filter"), f"{path}.filter")
    rank = None if data.get("rank") is None else _rank(data["rank"], f"{path}.rank")
    group_by = _group_by(data["group_by"], f"{path}.group_by") if "group_by" in data else GroupBy()
    offset, limit = 0, None
    if "limit" in data:
        window = _object(data["limit"], f"{path}.limit", "struct Limit")
        if "offset" in window:
            offset = _u32(window["offset"], f"{path}.limit.offset")
        if window.get("limit") is not None:
            limit = _u32(window["limit"], f"{path}.limit.limit")
    select: tuple[str, ...] = ()
    if "select" in data:
        chosen = _object(data["select"], f"{path}.select", "struct Select")
        if "keys" in chosen:
            select = select_order(_strings(chosen["keys"], f"{path}.select.keys"))
    return SearchPlan(where, rank, group_by, offset, limit, select)


def _filter(raw: Any, path: str) -> Where | None:
    """The whole object is a where clause; null and {} are no filter. Schema checks come later."""
    if raw is None or raw == {}:
        return None
    try:
        return parse_where_unchecked(raw)
    except InvalidArgument as error:
        _fail(path, error.message)


def _rank(raw: Any, path: str) -> Rank:
    if not isinstance(raw, dict) or len(raw) != 1:  # serde fails while parsing the enum
        raise InvalidArgument(f"Failed to parse the request body as JSON: {path}: expected value")
    ((op, content),) = raw.items()
    if op not in RANK_OPS:
        expected = ", ".join(f"`{name}`" for name in RANK_OPS)
        _fail(path, f"unknown variant `{op}`, expected one of {expected}")
    inner = f"{path}.{op}"
    if op == "$knn":
        return _knn(content, inner)
    if op == "$val":
        return Val(_f32(content, inner))
    if op in _NARY:
        if not isinstance(content, list):
            _fail(inner, f"invalid type: {_found(content)}, expected a sequence")
        return Nary(op, tuple(_rank(item, f"{inner}[{i}]") for i, item in enumerate(content)))
    if op in _BINARY:
        operands = _object(content, inner, "struct BinaryOperands")
        for side in ("left", "right"):
            if side not in operands:
                _fail(inner, f"missing field `{side}`")
        return Binary(op, _rank(operands["left"], f"{inner}.left"), _rank(operands["right"], f"{inner}.right"))
    return Unary(op, _rank(content, inner))


def _knn(raw: Any, path: str) -> Knn:
    data = _object(raw, path, "struct Knn")
    if "query" not in data:
        _fail(path, "missing field `query`")
    query = _query(data["query"], f"{path}.query")
    key = data.get("key", "#embedding")
    if not isinstance(key, str):
        _fail(f"{path}.key", f"invalid type: {_found(key)}, expected a string")
    limit = _u32(data["limit"], f"{path}.limit") if "limit" in data else 16
    default = data.get("default")
    default = None if default is None else _f32(default, f"{path}.default")
    return_rank = data.get("return_rank", False)
    if not isinstance(return_rank, bool):
        _fail(f"{path}.return_rank", f"invalid type: {_found(return_rank)}, expected a boolean")
    return Knn(query, key, limit, default, return_rank)


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
    _fail(path, "data did not match any variant of untagged enum QueryVector")


def _group_by(raw: Any, path: str) -> GroupBy:
    data = _object(raw, path, "struct GroupBy")
    keys = tuple(_strings(data["keys"], f"{path}.keys")) if "keys" in data else ()
    aggregate = data.get("aggregate")
    if aggregate is None:
        return GroupBy(keys, None)
    if not isinstance(aggregate, dict) or len(aggregate) != 1:
        raise InvalidArgument(f"Failed to parse the request body as JSON: {path}.aggregate: expected value")
    ((kind, content),) = aggregate.items()
    if kind not in ("$min_k", "$max_k"):
        _fail(f"{path}.aggregate", f"unknown variant `{kind}`, expected `$min_k` or `$max_k`")
    inner = f"{path}.aggregate.{kind}"
    body = _object(content, inner, "struct variant")
    for field in ("keys", "k"):
        if field not in body:
            _fail(inner, f"missing field `{field}`")
    return GroupBy(keys, Aggregate(kind, tuple(_strings(body["keys"], f"{inner}.keys")), _u32(body["k"], f"{inner}.k")))
