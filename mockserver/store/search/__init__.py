"""Search: `POST .../search` (Chroma Cloud's search API): parse -> checks -> engine, pure, no HTTP.

`parse.parse_request` reads the body (422 / 400 as serde does), `search` runs the checks that
follow the collection lookup and, when the profile executes searches, every payload; the local
profile answers `chroma run`'s 501 once the request passed every check `chroma run` makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.errors import Unimplemented
from mockserver.store.search.checks import check_schema, sparse_index_config, validate
from mockserver.store.search.model import SearchRequest
from mockserver.store.search.parse import parse_request

if TYPE_CHECKING:
    from mockserver.store.collections import Collection
    from mockserver.store.profile import Profile

LOCAL_EXECUTOR = "Error executing plan: Not implemented: Search operation is not implemented for local executor"

__all__ = ["SearchRequest", "parse_request", "search"]


def search(collection: Collection, request: SearchRequest, profile: Profile) -> dict[str, Any]:
    """The response body for a parsed request on `collection` (already looked up)."""
    validate(request)
    configuration = collection.configuration
    schema = configuration.user_schema
    check_schema(request, configuration.inverted_index_enabled, lambda key: sparse_index_config(schema, key) is not None)
    if not profile.search:
        raise Unimplemented(LOCAL_EXECUTOR)
    from mockserver.store.compaction import read_view
    from mockserver.store.search.engine import Source, response, run_plan

    seen = read_view(collection, request.read_level, profile.bounded_wal_limit)
    source = Source(seen.records, seen.records.live_rows(), collection.space, seen.dimension, schema)
    results = [run_plan(source, plan, profile.result_cap) for plan in request.searches]
    return response(source.table, request.searches, results)
