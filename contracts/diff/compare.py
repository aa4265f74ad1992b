"""Diff comparison: two normalised answers to the same request -> the differences a client could notice.

Status first (a changed status says it all); then, for errors, the Chroma error name and message;
then the body, field by field. Numbers compare with float32 tolerance (embeddings, distances and
scores are float32 on the server); where the API promises no order the comparison ignores it:
records of a get and of each query row are compared by id, listed collections and databases by
name, `include` as a set.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from contracts.diff.model import Answer, Difference

REL_TOL = 1e-5  # float32 has ~7 significant digits; two correct servers may round differently
ABS_TOL = 1e-6
_RECORD_COLUMNS = {"embeddings": "embedding", "documents": "document", "metadatas": "metadata", "uris": "uri",
                   "distances": "distance"}  # fmt: skip
_KEYED_LISTS = {"list_collections": "name", "list_databases": "name"}
_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def compare(operation_id: str, base: Answer, candidate: Answer) -> tuple[Difference, ...]:
    if base.status is None or candidate.status is None:
        if base.status == candidate.status:
            return ()
        return (Difference("no-response", "$", base.status or base.error, candidate.status or candidate.error),)
    if base.status != candidate.status:
        return (Difference("status", "$", base.status, candidate.status),)
    found: list[Difference] = []
    paged = _paged(operation_id, base.request)
    diff_values(view(operation_id, base.body, paged), view(operation_id, candidate.body, paged), "$", found)
    if base.status >= 400:
        found = [_error_kind(d) for d in found]
    return tuple(found)


def _error_kind(d: Difference) -> Difference:
    if d.path == "$.error" and d.kind == "value-changed":
        return Difference("error-type", d.path, d.base, d.candidate)
    if d.path == "$.message" and d.kind == "value-changed":
        return Difference("message", d.path, d.base, d.candidate)
    return d


# views: where the API promises no order -----------------------------------------------------------
def _paged(operation_id: str, request: str) -> bool:
    """A listing with limit/offset: Chroma lists by collection id (random), so only the page's size is set."""
    if operation_id not in _KEYED_LISTS:
        return False
    try:
        query = json.loads(request).get("query") or {}
    except (ValueError, AttributeError):
        return False
    return "limit" in query or "offset" in query


def view(operation_id: str, body: Any, paged: bool = False) -> Any:
    """The body as compared: order-free parts turned into mappings (records by id, lists by name)."""
    if paged and isinstance(body, list):
        return {"page_size": len(body)}
    if operation_id == "collection_get" and isinstance(body, dict):
        return _records_view(body)
    if operation_id == "collection_query" and isinstance(body, dict):
        return _query_view(body)
    key = _KEYED_LISTS.get(operation_id)
    if key and isinstance(body, list) and all(isinstance(x, dict) and isinstance(x.get(key), str) for x in body):
        names = [x[key] for x in body]
        if len(set(names)) == len(names):
            return {x[key]: x for x in body}
    return body


def _records_view(body: dict[str, Any]) -> Any:
    ids = body.get("ids")
    if not isinstance(ids, list) or len(set(map(str, ids))) != len(ids):
        return body
    records: dict[str, dict[str, Any]] = {str(i): {} for i in ids}
    rest: dict[str, Any] = {}
    for name, value in body.items():
        singular = _RECORD_COLUMNS.get(name)
        if singular and isinstance(value, list) and len(value) == len(ids):
            for record_id, item in zip(ids, value, strict=True):
                records[str(record_id)][singular] = item
        elif name == "include" and isinstance(value, list):
            rest[name] = sorted(map(str, value))
        elif name != "ids":
            rest[name] = value
    return {"records": records, **rest}


def _query_view(body: dict[str, Any]) -> Any:
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(row, list) for row in ids):
        return body
    rows: list[Any] = []
    for n, row in enumerate(ids):
        columns = {name: value[n] for name, value in body.items()
                   if name in _RECORD_COLUMNS and isinstance(value, list) and n < len(value)}  # fmt: skip
        rows.append(_records_view({"ids": row, **columns}))
    rest = {k: (sorted(map(str, v)) if k == "include" and isinstance(v, list) else v)
            for k, v in body.items() if k not in _RECORD_COLUMNS and k != "ids"}  # fmt: skip
    return {"rows": rows, **rest}


# values -------------------------------------------------------------------------------------------
def diff_values(base: Any, candidate: Any, path: str, found: list[Difference]) -> None:
    kind_b, kind_c = json_type(base), json_type(candidate)
    if kind_b != kind_c:  # 2 vs 2.0 too: a client reads an int where it read a float
        found.append(Difference("type-changed", path, base, candidate))
        return
    if kind_b == "object":
        for key in base:
            child = _child(path, key)
            if key not in candidate:
                found.append(Difference("field-missing", child, base[key], None))
            else:
                diff_values(base[key], candidate[key], child, found)
        for key in candidate:
            if key not in base:
                found.append(Difference("field-added", _child(path, key), None, candidate[key]))
    elif kind_b == "array":
        if len(base) != len(candidate):
            found.append(Difference("length-changed", path, len(base), len(candidate)))
            return
        for n, (b, c) in enumerate(zip(base, candidate, strict=True)):
            diff_values(b, c, f"{path}[{n}]", found)
    elif kind_b == "float":
        if not _close(base, candidate):
            found.append(Difference("value-changed", path, base, candidate))
    elif base != candidate:
        found.append(Difference("value-changed", path, base, candidate))


_JSON_TYPES: dict[type, str] = {type(None): "null", bool: "boolean", int: "int", float: "float", str: "string",
                                list: "array", dict: "object"}  # fmt: skip


def json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if _SIMPLE_KEY.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


_COMPONENT = r"(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\"(?:[^\"\\]|\\.)*\"\])"


def general_path(operation_id: str, path: str) -> str:
    """The path a finding is grouped by: list indices, record ids, names and user metadata keys as `*`."""
    path = re.sub(r"\[\d+\]", "[*]", path)
    path = re.sub(r"(\.records)" + _COMPONENT, r"\1[*]", path)
    if operation_id in _KEYED_LISTS and path not in ("$.error", "$.message"):
        path = re.sub(r"^\$" + _COMPONENT, "$[*]", path)
    return re.sub(r"(\.metadata|\.new_metadata)(\.|\[).*$", r"\1.*", path)
