"""Oplog: which operations `--state-file` logs, what a log row holds, and how a row is replayed onto a Store.

A row is `(op, args, body)`: the operation id, `{"p": path params, "x": what the store picked, "a": 1}`
and the body as the API accepted it: the validator's value (unit variants written `{"cosine": null}`
already read as `"cosine"`, numbers as serde parsed them) serialised again (`"a": 1`), or, for the
record writes in `RAW_BODIES`, the raw request body (the log then pays no second serialisation of a
large body; their schemas have nothing the validator rewrites, which a test checks). Rows written
before `"a"` existed hold raw bodies and are parsed as requests are. `x` is the id the store generated for `create_collection` and
`create_database` (a replay must reuse it); `None` otherwise. The pseudo-operation `_dimension`
(`x = {"id", "dimension"}`) records the one side effect of a failed write: Chroma's first embeddings
fix a collection's dimension even when a later check of the request fails.

`replay` applies a row through the Store's methods with the same arguments the handlers pass, so a
handler that changes how it calls the store must change here too (tests/serve/test_persistence.py
compares the state before and after a replay for every logged operation). Operations not in
`RECORDED` are reads or no-ops (`update_tenant`, `search`); fork and the function operations are logged
when they succeed (the cloud profile), with the ids the store picked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.api.handlers import Reply
from mockserver.api.validate import ValidRequest
from mockserver.store import RecordBatch, Store
from mockserver.store.collections import Collection
from mockserver.store.uuids import parse_uuid


def _extra_none(store: Store, request: ValidRequest, reply: Reply) -> Any:
    return None


def _extra_database_id(store: Store, request: ValidRequest, reply: Reply) -> Any:
    db = store.catalog.find_database(request.params["tenant"], request.body["name"])
    return None if db is None else db.id


def _extra_collection_id(store: Store, request: ValidRequest, reply: Reply) -> Any:
    return reply.body["id"] if isinstance(reply.body, dict) else None


def _extra_function_ids(store: Store, request: ValidRequest, reply: Reply) -> Any:
    source = logged_collection(store, request)
    fn = None if source is None else source.attached_function
    return None if fn is None else [fn.id, fn.output_collection_id]


#: operation id -> what the store picked that a replay must reuse (the rest is the request itself)
RECORDED: dict[str, Callable[[Store, ValidRequest, Reply], Any]] = {
    "reset": _extra_none,
    "create_tenant": _extra_none,
    "create_database": _extra_database_id,
    "delete_database": _extra_none,
    "create_collection": _extra_collection_id,
    "update_collection": _extra_none,
    "delete_collection": _extra_none,
    "collection_add": _extra_none,
    "collection_upsert": _extra_none,
    "collection_update": _extra_none,
    "collection_delete": _extra_none,
    # the cloud profile's (the local one answers them with errors, which are never logged)
    "fork_collection": _extra_collection_id,
    "attach_function": _extra_function_ids,
    "detach_function": _extra_none,
}

#: record writes logged as the raw body (large; the validator rewrites nothing in their schemas)
RAW_BODIES = frozenset({"collection_add", "collection_upsert", "collection_update"})

#: the writes whose failure can still fix a collection's dimension (logged as `_dimension`)
RECORD_WRITES = frozenset({"collection_add", "collection_upsert", "collection_update"})


def _batch(body: dict[str, Any]) -> RecordBatch:
    return RecordBatch(body["ids"], body.get("embeddings"), body.get("documents"), body.get("uris"), body.get("metadatas"))


def replay(store: Store, op: str, args: dict[str, Any], b: dict[str, Any]) -> None:
    """Apply one logged operation (its path params and ids in `args`, its request body `b`) as its handler did."""
    p: dict[str, Any] = args.get("p") or {}
    x: Any = args.get("x")
    with store.lock:
        if op == "reset":
            store.reset()
        elif op == "create_tenant":
            store.create_tenant(b["name"])
        elif op == "create_database":
            store.catalog.create_database(p["tenant"], b["name"], x)
        elif op == "delete_database":
            store.delete_database(p["tenant"], p["database"])
        elif op == "create_collection":
            store.collections.create(
                p["tenant"], p["database"], b["name"], b.get("metadata"), b.get("configuration"), b.get("schema"),
                bool(b.get("get_or_create", False)), x,
            )
        elif op == "update_collection":
            store.update_collection(
                p["database"], p["collection_id"], b.get("new_name"), b.get("new_metadata"), b.get("new_configuration")
            )
        elif op == "delete_collection":
            store.delete_collection(p["tenant"], p["database"], p["collection_id"])
        elif op == "collection_add":
            store.add(p["database"], p["collection_id"], _batch(b))
        elif op == "collection_upsert":
            store.upsert(p["database"], p["collection_id"], _batch(b))
        elif op == "collection_update":
            store.update(p["database"], p["collection_id"], _batch(b))
        elif op == "collection_delete":
            store.delete(p["database"], p["collection_id"], b.get("ids"), b.get("where"), b.get("where_document"), b.get("limit"))
        elif op == "fork_collection":
            store.fork(p["database"], p["collection_id"], b["new_name"], x)
        elif op == "attach_function":
            store.attach_function(
                p["database"], p["collection_id"], b["name"], b["function_id"], b["output_collection"], b.get("params"),
                None if x is None else (x[0], x[1]),
            )
        elif op == "detach_function":
            store.detach_function(p["database"], p["collection_id"], p["name"], bool((b or {}).get("delete_output", False)))
        elif op == "_dimension":
            found = store.collections.by_id.get(x["id"])
            if found is not None and found.dimension is None:
                found.dimension = x["dimension"]
                found.records.ensure_dimension(x["dimension"])
        else:
            raise ValueError(f"unknown logged operation {op!r}")


def logged_collection(store: Store, request: ValidRequest) -> Collection | None:
    """The collection a record write addresses, if it exists."""
    canonical = parse_uuid(request.params.get("collection_id", ""))
    return None if canonical is None else store.collections.by_id.get(canonical)
