"""Store: nearest-neighbour `query` over one RecordTable, with Chroma 1.5.9's checks and quirks.

Order of checks, as the real server does them:
1. query vectors of different lengths: 400 "Inconsistent dimensions in provided embeddings";
2. a collection without a dimension (never written with embeddings): empty result per query,
   whatever the vector length and whatever the `ids`;
3. a length different from the collection's: 400 "Collection expecting embedding with dimension
   of N, got M" (also for an empty collection that has a dimension);
4. `ids` naming a record that does not exist, when there is **no** `where` / `where_document`:
   500 "Error executing plan: Internal error: Error finding id" (even with no query vectors or
   `n_results` 0); with any filter, unknown ids are ignored;
5. candidates = live rows (or the given ids) that pass the filters (pre-filtering), then the
   `n_results` nearest per query, ordered by distance and, for ties, storage order.

A query vector with a non-finite value (e.g. 1e39 overflowing float32) gets NaN distances for
every candidate; the server then returns candidates in storage order with `null` distances. A
finite query whose float32 distances overflow gets inf, also shown as `null` (see
`distances.json_distances`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mockserver.errors import Internal, InvalidArgument, MockError
from mockserver.store.distances import FloatArray, Neighbours, json_distances, nearest, row_norms
from mockserver.store.filters import Where, WhereDocument, select
from mockserver.store.records import FloatMatrix, RecordTable, RowArray

UNKNOWN_ID = "Error executing plan: Internal error: Error finding id"
INCONSISTENT = "Inconsistent dimensions in provided embeddings"


@dataclass(frozen=True)
class QueryResult:
    """Per query vector: the rows found (nearest first) and their distances as sent in JSON:
    a float32 array when all are finite, else a list with None for each inf / NaN distance."""

    rows: tuple[RowArray, ...]
    distances: tuple[list[float | None] | FloatArray, ...]


@dataclass(frozen=True)
class QueryArgs:
    """One query request against a table, its filters parsed."""

    query_embeddings: list[list[float]]
    n_results: int
    ids: list[str] | None = None
    where: Where | None = None
    where_document: WhereDocument | None = None


def run_query(
    table: RecordTable,
    space: str,
    dimension: int | None,
    query_embeddings: list[list[float]],
    n_results: int,
    ids: list[str] | None,
    where: Where | None,
    where_document: WhereDocument | None,
) -> QueryResult:
    (result,) = run_queries(table, space, dimension, [QueryArgs(query_embeddings, n_results, ids, where, where_document)])
    if isinstance(result, Exception):
        raise result
    return result


def run_queries(
    table: RecordTable, space: str, dimension: int | None, batch: Sequence[QueryArgs]
) -> list[QueryResult | Exception]:
    """Several queries on one table, each answered (or refused) as if alone; those that search all
    live rows share one pass over the matrix (one BLAS call for all their vectors)."""
    out: list[QueryResult | Exception] = []
    shared: list[tuple[int, FloatMatrix, int]] = []  # (index in out, query vectors, n_results)
    for args in batch:
        try:
            planned = _plan(table, dimension, args)
        except Exception as error:  # noqa: BLE001 - this query's answer (a MockError, or a bug of ours)
            out.append(error)
            continue
        if isinstance(planned, QueryResult):
            out.append(planned)
            continue
        candidates, vectors = planned
        out.append(_EMPTY)  # filled in below
        if candidates is None:
            shared.append((len(out) - 1, vectors, args.n_results))
        else:
            out[-1] = _found(_nearest(table, space, vectors, [args.n_results] * len(vectors), candidates))
    if shared:
        found = _nearest(
            table, space, np.concatenate([v for _, v, _ in shared]), [n for _, v, n in shared for _ in v], table.live_rows()
        )
        start = 0
        for index, vectors, _ in shared:
            out[index] = _found(found[start : start + len(vectors)])
            start += len(vectors)
    return out


def _plan(table: RecordTable, dimension: int | None, args: QueryArgs) -> QueryResult | tuple[RowArray | None, FloatMatrix]:
    """The checks, in the server's order; then a final result, or (candidate rows, None for all live
    rows, the query vectors as float32)."""
    query_embeddings, ids = args.query_embeddings, args.ids
    lengths = {len(vector) for vector in query_embeddings}
    if len(lengths) > 1:
        raise InvalidArgument(INCONSISTENT)
    count = len(query_embeddings)
    if dimension is None:
        return _empty(count)
    if lengths and (got := next(iter(lengths))) != dimension:
        raise InvalidArgument(f"Collection expecting embedding with dimension of {dimension}, got {got}")
    unfiltered = args.where is None and args.where_document is None
    if ids is not None and unfiltered and any(record_id not in table.row_of for record_id in ids):
        raise Internal(UNKNOWN_ID)
    if count == 0:
        return QueryResult((), ())
    if ids is None and unfiltered:
        if args.n_results <= 0 or len(table) == 0 or table.vectors is None:
            return _empty(count)
        return None, _as_float32(query_embeddings)
    candidates = table.live_rows() if ids is None else table.rows_for_ids(ids)
    candidates = select(table, candidates, args.where, args.where_document)
    if args.n_results <= 0 or len(candidates) == 0 or table.vectors is None:
        return _empty(count)
    return candidates, _as_float32(query_embeddings)


def _nearest(table: RecordTable, space: str, vectors: FloatMatrix, ks: list[int], candidates: RowArray) -> list[Neighbours]:
    assert table.vectors is not None
    matrix = table.vectors[: table.n_rows]
    return nearest(space, matrix, _norms(table, space, matrix), vectors, ks, candidates)


def _found(found: list[Neighbours]) -> QueryResult:
    return QueryResult(tuple(n.rows for n in found), tuple(json_distances(n.distances) for n in found))


def _empty(count: int) -> QueryResult:
    rows = np.zeros(0, dtype=np.int64)
    return QueryResult((rows,) * count, (np.zeros(0, dtype=np.float32),) * count)


_EMPTY = QueryResult((), ())


def _as_float32(vectors: list[list[float]]) -> FloatMatrix:
    """JSON numbers as float32; values beyond the float32 range become +-inf, as in Chroma."""
    with np.errstate(all="ignore"):
        try:
            return np.asarray(vectors, dtype=np.float64).astype(np.float32)
        except OverflowError:  # an integer beyond float64
            as_floats = [
                [float(v) if abs(v) < 2**1000 else float("inf") * (1 if v > 0 else -1) for v in q] for q in vectors
            ]
            return np.asarray(as_floats, dtype=np.float64).astype(np.float32)


@dataclass
class _Norms:
    version: int
    space: str
    n_rows: int
    values: FloatArray


_NORMS: weakref.WeakKeyDictionary[RecordTable, _Norms] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _norms(table: RecordTable, space: str, matrix: FloatMatrix) -> FloatArray:
    """Per-row norms for `nearest`, cached until the table changes."""
    version = table.version
    with _LOCK:
        cached = _NORMS.get(table)
    if cached is not None and (cached.version, cached.space, cached.n_rows) == (version, space, len(matrix)):
        return cached.values
    values = row_norms(space, matrix)
    with _LOCK:
        _NORMS[table] = _Norms(version, space, len(matrix), values)
    return values
