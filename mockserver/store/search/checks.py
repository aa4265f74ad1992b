"""Search: the checks after the collection lookup: the request validator (rows 5-12 of the reference's
table 2.11), then the collection schema (rows 13-15), each a 400 `InvalidArgumentError`.

The validator (`SearchRequest::try_new`, validator 0.19) reports every failing payload, its
messages joined with nothing between them (as observed on `chroma run` 1.5.9), per payload the
rank's sparse-vector error before the group_by error; "group_by requires rank expression" only when
neither fails. The schema checks run over every payload before any payload is evaluated.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any, Callable

from mockserver.errors import InvalidArgument
from mockserver.store.filters import check_indexed
from mockserver.store.search.model import (
    DOCUMENT,
    EMBEDDING,
    METADATA,
    SCORE,
    SearchPlan,
    SearchRequest,
    SparseQuery,
    knn_leaves,
)

NOT_INDEXED_SPARSE = "Cannot filter using metadata key '{key}' with type 'SparseVector' because indexing is disabled"
_SPARSE_ORDER = "Sparse vector indices must be sorted in strictly ascending order (no duplicates)"
_SPARSE_LENGTH = "Sparse vector indices, values, and tokens (when present) must have the same length"


def validate(request: SearchRequest) -> None:
    """Rows 5-12: 400 "Validation error: ..." naming every failing payload."""
    messages: list[str] = []
    for index, plan in enumerate(request.searches):
        path = f"searches[{index}]"
        found = [m for m in (_rank_error(plan), _group_by_error(plan)) if m is not None]
        messages.extend(f"{path}.{m}" for m in found)
        if not found and plan.group_by.keys and plan.group_by.aggregate is not None and plan.rank is None:
            messages.append(f"{path}.__all__: group_by requires rank expression to be specified")
    if messages:
        raise InvalidArgument("Validation error: " + "".join(messages))


def _rank_error(plan: SearchPlan) -> str | None:
    for leaf in knn_leaves(plan.rank):
        if isinstance(leaf.query, SparseQuery):
            problem = sparse_problem(leaf.query)
            if problem is not None:
                return f"rank: Invalid sparse vector in KNN query: {problem}"
    return None


def sparse_problem(query: SparseQuery) -> str | None:
    """A sparse vector's shape rule it breaks, in Chroma's order (lengths first), or None."""
    n = len(query.indices)
    if len(query.values) != n or (query.tokens is not None and len(query.tokens) != n):
        return _SPARSE_LENGTH
    if any(a >= b for a, b in pairwise(query.indices)):
        return _SPARSE_ORDER
    return None


def _group_by_error(plan: SearchPlan) -> str | None:
    group_by = plan.group_by
    aggregate = group_by.aggregate
    if bool(group_by.keys) != (aggregate is not None):
        return "group_by: group_by keys and aggregate must both be specified or both be omitted"
    if aggregate is None:
        return None
    if any(key in (SCORE, DOCUMENT, EMBEDDING, METADATA) for key in group_by.keys):
        return (
            "group_by: group_by keys must be metadata fields (cannot use #score, #document, #embedding, or #metadata)"
        )
    if not aggregate.keys:
        return "group_by: aggregate keys must not be empty"
    if aggregate.k == 0:
        return "group_by: aggregate k must be greater than 0"
    if any(key in (DOCUMENT, EMBEDDING, METADATA) for key in aggregate.keys):
        return (
            "group_by: aggregate keys must be metadata fields or #score "
            "(cannot use #document, #embedding, or #metadata)"
        )
    return None


def check_schema(
    request: SearchRequest, indexed: Callable[[str, str], bool], sparse_indexed: Callable[[str], bool]
) -> None:
    """Rows 13-15: filters on keys whose inverted index is off, document filters with FTS off,
    sparse `$knn` on a key without a sparse index; every payload, in order."""
    for plan in request.searches:
        if plan.filter is not None:
            check_indexed(plan.filter, indexed)
        for leaf in knn_leaves(plan.rank):
            if isinstance(leaf.query, SparseQuery) and not sparse_indexed(leaf.key):
                raise InvalidArgument(NOT_INDEXED_SPARSE.format(key=leaf.key))


def sparse_index_config(schema: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    """The enabled sparse-vector index config of `key` in a collection schema (the key's own entry,
    else the defaults), or None when sparse indexing is off there."""
    schema = schema or {}
    for entry in ((schema.get("keys") or {}).get(key), schema.get("defaults")):
        index = ((entry or {}).get("sparse_vector") or {}).get("sparse_vector_index")
        if isinstance(index, dict) and isinstance(index.get("enabled"), bool):
            if not index["enabled"]:
                return None
            config = index.get("config")
            return config if isinstance(config, dict) else {}
    return None
