"""Search: evaluate parsed payloads on one collection's records (pure; the store calls it under its lock).

Per payload, as Chroma's query executor (reference 2.4): filter -> every `$knn` leaf over the
filtered records (top `limit` each, by distance then storage order) -> the rank algebra -> sort by
score (IEEE total order, ties by storage order) -> group_by -> offset/limit (and the profile's
result cap) -> select. Without a rank: the filtered records in storage order, `#score` being the
position within the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mockserver.errors import InvalidArgument
from mockserver.store import metadata as md
from mockserver.store.query import _nearest as nearest_rows  # the cached-norms top-k of `query`
from mockserver.store.records import RecordTable, RowArray
from mockserver.store.search.filtering import search_rows
from mockserver.store.search.grouping import group
from mockserver.store.search.model import (
    DOCUMENT,
    EMBEDDING,
    METADATA,
    SCORE,
    SPECIAL_KEYS,
    Knn,
    SearchPlan,
    SparseQuery,
    knn_leaves,
)
from mockserver.store.search.rank import Domain, Scores, evaluate, ranked
from mockserver.store.search.sparse import SparseScorer

_NO_ROWS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Source:
    """What a search reads: a table (the live records, or the compacted index for `index_only`), its
    rows visible to this read, and the collection's settings."""

    table: RecordTable
    rows: RowArray
    space: str
    dimension: int | None
    schema: dict[str, Any] | None


@dataclass(frozen=True)
class PayloadResult:
    rows: RowArray
    scores: Scores | None  # None: no rank (positions within the page are the scores)


def run_plan(source: Source, plan: SearchPlan, cap: int | None) -> PayloadResult:
    table = source.table
    if source.dimension is None or table.vectors is None:  # never received data: nothing evaluated
        return PayloadResult(_NO_ROWS, None if plan.rank is None else np.zeros(0, dtype=np.float32))
    rows = source.rows if plan.filter is None else search_rows(table, source.rows, plan.filter)
    limit = plan.limit if cap is None else (cap if plan.limit is None else min(cap, plan.limit))
    end = None if limit is None else plan.offset + limit
    if plan.rank is None:
        return PayloadResult(rows[plan.offset : end], None)
    leaves = _leaves(source, rows, knn_leaves(plan.rank))
    found, scores = ranked(evaluate(plan.rank, leaves))
    if plan.group_by.active:
        found, scores = group(table, found, scores, plan.group_by)
    return PayloadResult(found[plan.offset : end], scores[plan.offset : end])


def _leaves(source: Source, rows: RowArray, leaves: list[Knn]) -> dict[int, Domain]:
    """Every `$knn` leaf's candidates (sorted by row, for the algebra) with distance or rank position;
    the dense leaves share one pass over the matrix."""
    found: dict[int, tuple[RowArray, Scores]] = {}
    dense = [leaf for leaf in leaves if not isinstance(leaf.query, SparseQuery) and leaf.limit > 0 and len(rows)]
    for leaf in dense:
        assert source.dimension is not None and not isinstance(leaf.query, SparseQuery)
        if len(leaf.query) != source.dimension:
            raise InvalidArgument(f"dimension mismatch: expected {source.dimension}, got {len(leaf.query)}")
    if dense:
        with np.errstate(all="ignore"):
            vectors = np.asarray([leaf.query for leaf in dense], dtype=np.float32)
        neighbours = nearest_rows(source.table, source.space, vectors, [leaf.limit for leaf in dense], rows)
        for leaf, near in zip(dense, neighbours, strict=True):
            found[id(leaf)] = near.rows, near.distances.astype(np.float32)
    out: dict[int, Domain] = {}
    for leaf in leaves:
        default = None if leaf.default is None else np.float32(leaf.default)
        if leaf.limit == 0 or len(rows) == 0:
            out[id(leaf)] = Domain(_NO_ROWS, np.zeros(0, dtype=np.float32), default)
            continue
        if isinstance(leaf.query, SparseQuery):
            scorer = SparseScorer(source.table, source.rows, leaf.key, source.schema)
            found[id(leaf)] = scorer.top(leaf.query, rows, leaf.limit)
        hits, distances = found[id(leaf)]
        values = np.arange(len(hits), dtype=np.float32) if leaf.return_rank else distances
        order = np.argsort(hits, kind="stable")
        out[id(leaf)] = Domain(hits[order].astype(np.int64), values[order], default)
    return out


def response(table: RecordTable, plans: tuple[SearchPlan, ...], results: list[PayloadResult]) -> dict[str, Any]:
    """The six parallel lists, one entry per payload."""
    body: dict[str, list[Any]] = {k: [] for k in ("ids", "documents", "embeddings", "metadatas", "scores", "select")}
    for plan, result in zip(plans, results, strict=True):
        rows = result.rows.tolist()
        chosen = set(plan.select)
        fields = [k for k in plan.select if k not in SPECIAL_KEYS]
        body["ids"].append([table.ids[r] for r in rows])
        body["documents"].append([table.documents[r] for r in rows] if DOCUMENT in chosen else None)
        body["embeddings"].append(_embeddings(table, result.rows) if EMBEDDING in chosen else None)
        body["metadatas"].append(_metadatas(table, rows, METADATA in chosen, fields) if METADATA in chosen or fields else None)
        body["scores"].append(_scores(result, len(rows)) if SCORE in chosen else None)
        body["select"].append(list(plan.select))
    return body


def _embeddings(table: RecordTable, rows: RowArray) -> Any:
    assert table.vectors is not None or len(rows) == 0
    return [] if table.vectors is None or len(rows) == 0 else table.vectors[rows]


def _metadatas(table: RecordTable, rows: list[int], everything: bool, fields: list[str]) -> list[dict[str, Any] | None]:
    shown = md.visible_many(table.metadata_items(rows), [False] * len(rows))
    out: list[dict[str, Any] | None] = []
    for metadata in shown:
        if metadata is not None and not everything:
            metadata = {k: metadata[k] for k in fields if k in metadata}
        out.append({k: _wire(v) for k, v in metadata.items()} if metadata else None)
    return out


def _wire(value: Any) -> Any:
    """A metadata value as the search response writes it (sparse vectors always carry `tokens`)."""
    if md.is_sparse_vector(value):
        return {"#type": "sparse_vector", "indices": value.get("indices", []), "values": value.get("values", []),
                "tokens": value.get("tokens")}  # fmt: skip
    return value


def _scores(result: PayloadResult, count: int) -> list[Any]:
    if result.scores is None:
        return [np.float32(i) for i in range(count)]
    return [np.float32(s) if np.isfinite(s) else None for s in result.scores.tolist()]


__all__ = ["PayloadResult", "Source", "response", "run_plan"]
