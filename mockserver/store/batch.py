"""Store: the arguments of one record write (add, upsert, update) or query, as the handlers pass them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordBatch:
    """One write request's columns (already schema-validated)."""

    ids: list[str]
    embeddings: list[Any] | None
    documents: list[str | None] | None
    uris: list[str | None] | None
    metadatas: list[dict[str, Any] | None] | None


@dataclass(frozen=True)
class QueryCall:
    """One `query` request (already schema-validated; filters still raw JSON)."""

    database: str
    collection_id: str
    query_embeddings: list[list[float]]
    n_results: int | None = None
    ids: list[str] | None = None
    where: Any = None
    where_document: Any = None
    include: list[str] | None = None
