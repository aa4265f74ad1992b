"""Store: record reads (get, count, query) materialised under the store lock as frozen results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mockserver.errors import MockError
from mockserver.store import metadata as md
from mockserver.store.batch import QueryCall
from mockserver.store.collections import Collection
from mockserver.store.filters import parse_filters, select
from mockserver.store.query import QueryArgs, QueryResult, run_queries
from mockserver.store.records import FloatMatrix, RowArray

GET_DEFAULT_INCLUDE = ("documents", "metadatas")
QUERY_DEFAULT_INCLUDE = ("documents", "metadatas", "distances")


@dataclass(frozen=True)
class Records:
    """The included columns of some records, in response order (None: not included)."""

    ids: list[str]
    embeddings: FloatMatrix | None
    documents: list[str | None] | None
    uris: list[str | None] | None
    metadatas: list[dict[str, Any] | None] | None


@dataclass(frozen=True)
class GetResult:
    records: Records
    include: tuple[str, ...]


@dataclass(frozen=True)
class QueryResults:
    results: tuple[Records, ...]  # one per query embedding
    distances: tuple[Any, ...] | None  # per query: float32 array, or a list with None for non-finite distances
    include: tuple[str, ...]


def project(collection: Collection, rows: RowArray, include: tuple[str, ...]) -> Records:
    table = collection.records
    row_list = rows.tolist()
    embeddings = None
    if "embeddings" in include:
        if table.vectors is None or not row_list:
            embeddings = np.zeros((len(row_list), collection.dimension or 0), dtype=np.float32)
        else:
            embeddings = table.vectors[rows]
    return Records(
        ids=[table.ids[r] for r in row_list],
        embeddings=embeddings,
        documents=[table.documents[r] for r in row_list] if "documents" in include else None,
        uris=[table.uris[r] for r in row_list] if "uris" in include else None,
        metadatas=md.visible_many(table.metadata_items(row_list), [table.uris[r] is not None for r in row_list])
        if "metadatas" in include
        else None,
    )


def get(
    collection: Collection,
    ids: list[str] | None,
    where: Any,
    where_document: Any,
    limit: int | None,
    offset: int | None,
    include: list[str] | None,
) -> GetResult:
    where_node, document_node = parse_filters(where, where_document, collection.configuration.inverted_index_enabled)
    table = collection.records
    rows = table.live_rows() if ids is None else table.rows_for_ids(ids)
    if (where_node is not None or document_node is not None) and limit != 0:  # SQLite never runs the filter
        rows = select(table, rows, where_node, document_node)
    start = offset or 0
    rows = rows[start:] if limit is None else rows[start : start + limit]
    included = tuple(GET_DEFAULT_INCLUDE if include is None else include)
    return GetResult(project(collection, rows, included), included)


def query(
    collection: Collection,
    query_embeddings: list[list[float]],
    n_results: int | None,
    ids: list[str] | None,
    where: Any,
    where_document: Any,
    include: list[str] | None,
) -> QueryResults:
    call = QueryCall("", collection.id, query_embeddings, n_results, ids, where, where_document, include)
    (result,) = query_many(collection, [call])
    if isinstance(result, Exception):
        raise result
    return result


def query_many(collection: Collection, calls: Sequence[QueryCall]) -> list[QueryResults | Exception]:
    """Queries on one collection, each answered or refused as if alone (see `run_queries`): an
    exception (a MockError, or a bug of ours) raised for one query is that query's answer only."""
    parsed: list[QueryArgs | Exception] = []
    for call in calls:
        try:
            where_node, document_node = parse_filters(
                call.where, call.where_document, collection.configuration.inverted_index_enabled
            )
        except Exception as error:  # noqa: BLE001 - this query's answer, not its batch's
            parsed.append(error)
            continue
        n_results = 10 if call.n_results is None else call.n_results
        parsed.append(QueryArgs(call.query_embeddings, n_results, call.ids, where_node, document_node))
    found = iter(
        run_queries(
            collection.records,
            collection.space,
            collection.dimension,
            [args for args in parsed if isinstance(args, QueryArgs)],
        )
    )
    out: list[QueryResults | Exception] = []
    for call, args in zip(calls, parsed, strict=True):
        result = args if isinstance(args, Exception) else next(found)
        if isinstance(result, Exception):
            out.append(result)
            continue
        try:
            out.append(_query_results(collection, result, call.include))
        except Exception as error:  # noqa: BLE001 - this query's answer
            out.append(error)
    return out


def _query_results(collection: Collection, found: QueryResult, include: list[str] | None) -> QueryResults:
    included = tuple(QUERY_DEFAULT_INCLUDE if include is None else include)
    distances = tuple(found.distances) if "distances" in included else None
    return QueryResults(tuple(project(collection, rows, included) for rows in found.rows), distances, included)


def count(collection: Collection) -> int:
    return len(collection.records)
