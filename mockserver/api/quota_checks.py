"""Quota checks: the cloud profile's quotas (mockserver.store.quotas) applied to one validated request, before its handler.

As in Chroma's frontend, the quota enforcer sees the request's payload before the operation runs,
after body validation, auth and, for the operations on one collection, the path checks and the
collection lookup (`authenticate_and_authorize_collection` comes first in `server.rs`): a request
that would fail those is left to its handler's 400/404. Which
usage each operation reports follows the open `QuotaPayload` builder calls of 1.5.9's
`server.rs`: record writes their ids, documents, uris, embeddings and metadatas; reads their
`where`, `where_document`, `limit`/`n_results` and query embeddings; names of new databases and
collections; search its payload count.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from mockserver.api.validate import ValidRequest
from mockserver.errors import MockError
from mockserver.store import Store
from mockserver.store.quotas import Quotas

#: operationId -> Chroma's `Action` text
ACTIONS = {
    "create_database": "Create Database",
    "create_collection": "Create Collection",
    "update_collection": "Update Collection",
    "collection_add": "Add",
    "collection_upsert": "Upsert",
    "collection_update": "Update",
    "collection_delete": "Delete",
    "collection_get": "Get",
    "collection_query": "Query",
    "collection_search": "Search",
    "fork_collection": "Fork Collection",
}
_WRITES = ("collection_add", "collection_upsert", "collection_update")


def enforce(quotas: Quotas, request: ValidRequest, store: Store) -> None:
    """Raise QuotaExceeded (422) for the first quota the request goes over."""
    op_id = request.operation.operation_id
    action = ACTIONS.get(op_id)
    if action is None:
        return
    if op_id not in ("create_database", "create_collection"):
        try:  # the collection's path checks and lookup come first: their 400/404 are the handler's
            with store.lock:
                store.collections.by_uuid(request.params["database"], request.params["collection_id"])
        except (MockError, KeyError):
            return
    body: dict[str, Any] = request.body if isinstance(request.body, dict) else {}
    if op_id in ("create_database", "create_collection"):
        _bytes(quotas, "name_size_bytes", action, body.get("name"))
    elif op_id == "update_collection":
        _bytes(quotas, "name_size_bytes", action, body.get("new_name"))
        _metadata(quotas, action, body.get("new_metadata"))
    elif op_id == "fork_collection":
        _bytes(quotas, "name_size_bytes", action, body.get("new_name"))
    if op_id == "create_collection":
        _metadata(quotas, action, body.get("metadata"))
    if op_id in _WRITES or op_id == "collection_delete":
        ids = body.get("ids") or []
        quotas.check("num_records", action, len(ids))
        for record_id in ids:
            _bytes(quotas, "id_size_bytes", action, record_id)
    if op_id in _WRITES:
        for document in body.get("documents") or []:
            _bytes(quotas, "document_size_bytes", action, document)
        for uri in body.get("uris") or []:
            _bytes(quotas, "uri_size_bytes", action, uri)
        for embedding in body.get("embeddings") or []:
            quotas.check("embedding_dimensions", action, _dimension(embedding))
        for metadata in body.get("metadatas") or []:
            _metadata(quotas, action, metadata)
    if op_id in ("collection_get", "collection_delete", "collection_query"):
        _where(quotas, action, body.get("where"), body.get("where_document"))
    if op_id == "collection_get" and isinstance(body.get("limit"), int):
        quotas.check("limit_value", action, body["limit"])
    if op_id == "collection_query":
        if isinstance(body.get("n_results"), int):
            quotas.check("num_results", action, body["n_results"])
        quotas.check("num_query_embeddings", action, len(body.get("query_embeddings") or []))
    if op_id == "collection_search":
        searches = body.get("searches") or []
        quotas.check("num_search_payloads", action, len(searches))
        for payload in searches:
            if isinstance(payload, dict):
                _where(quotas, action, payload.get("filter"), None)


def _bytes(quotas: Quotas, name: str, action: str, value: Any) -> None:
    if isinstance(value, str):
        quotas.check(name, action, len(value.encode("utf-8")))


def _dimension(embedding: Any) -> int:
    if isinstance(embedding, str):  # base64 little-endian float32 (the clients' default)
        try:
            return len(base64.b64decode(embedding)) // 4
        except (binascii.Error, ValueError):
            return 0  # the handler answers the decoding error
    return len(embedding) if isinstance(embedding, list) else 0


def _metadata(quotas: Quotas, action: str, metadata: Any) -> None:
    if not isinstance(metadata, dict):
        return
    quotas.check("num_metadata_keys", action, len(metadata))
    for key, value in metadata.items():
        _bytes(quotas, "metadata_key_size_bytes", action, key)
        _bytes(quotas, "metadata_value_size_bytes", action, value)


def _where(quotas: Quotas, action: str, where: Any, where_document: Any) -> None:
    if isinstance(where, dict):
        quotas.check("num_where_predicates", action, _predicates(where, ("$and", "$or")))
    if isinstance(where_document, dict):
        for text in _document_values(where_document):
            quotas.check("where_document_value_length", action, len(text))


def _predicates(clause: dict[str, Any], logical: tuple[str, ...]) -> int:
    """Leaf predicates of a where clause (`$and`/`$or` lists counted through)."""
    count = 0
    for key, value in clause.items():
        if key in logical and isinstance(value, list):
            count += sum(_predicates(item, logical) for item in value if isinstance(item, dict))
        else:
            count += 1
    return count


def _document_values(clause: dict[str, Any]) -> list[str]:
    """The strings a where_document clause matches (`$contains`, `$regex`, ... through `$and`/`$or`)."""
    found: list[str] = []
    for key, value in clause.items():
        if key in ("$and", "$or") and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    found.extend(_document_values(item))
        elif isinstance(value, str):
            found.append(value)
    return found
