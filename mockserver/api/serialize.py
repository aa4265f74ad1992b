"""Serialize: store results and errors -> JSON bodies as Chroma writes them (float32 shortest form)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from mockserver.errors import TRACE_HEADER, MockError
from mockserver.store import Collection, Database

if TYPE_CHECKING:
    from mockserver.store.reads import GetResult, QueryResults

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY



def dumps(body: Any) -> bytes:
    return orjson.dumps(body, option=_OPTIONS)


def error_body(error: MockError) -> bytes:
    return dumps(error.body())


def collection(c: Collection) -> dict[str, Any]:
    return c.body()


def database(d: Database) -> dict[str, str]:
    return d.body()


def get_result(result: GetResult) -> dict[str, Any]:
    r = result.records
    return {
        "ids": r.ids,
        "embeddings": r.embeddings,
        "documents": r.documents,
        "uris": r.uris,
        "metadatas": r.metadatas,
        "include": list(result.include),
    }


def _float32s(values: Any) -> Any:
    """Distances with some non-finite entries arrive as a list: keep float32's shortest form for the rest."""
    if isinstance(values, list):
        import numpy as np

        return [None if v is None else np.float32(v) for v in values]
    return values


def query_result(result: QueryResults) -> dict[str, Any]:
    per_query = result.results

    def column(name: str) -> list[Any] | None:
        values = [getattr(r, name) for r in per_query]
        return None if name not in result.include else values

    return {
        "ids": [r.ids for r in per_query],
        "embeddings": column("embeddings"),
        "documents": column("documents"),
        "uris": column("uris"),
        "metadatas": column("metadatas"),
        "distances": None if result.distances is None else [_float32s(d) for d in result.distances],
        "include": list(result.include),
    }


__all__ = ["dumps", "error_body", "collection", "database", "get_result", "query_result", "TRACE_HEADER"]
