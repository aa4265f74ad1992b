"""Handlers: thin adapters from a validated request to one store call (stage 4), keyed by operationId."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.api import serialize
from mockserver.api.validate import ValidRequest
from mockserver.errors import (
    ConnectionDropped,
    Forbidden,
    Internal,
    InvalidArgument,
    NotFound,
    Unimplemented,
)
from mockserver.serde.debug import rust_debug
from mockserver.serde.enums import line_column, locate
from mockserver.store import QueryCall, RecordBatch, Store
from mockserver.store.names import check_database_segment
from mockserver.store.uuids import uuid_error


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # JSON-able (numpy arrays allowed)


@dataclass
class Context:
    """What a handler may touch: the store and the server's settings."""

    store: Store
    allow_reset: bool = True


Handler = Callable[[Context, ValidRequest], Reply]
HANDLERS: dict[str, Handler] = {}
#: Reads that answer several concurrent requests in one store call (see `mockserver.api.coalesce`);
#: each request gets its Reply, or its error returned, not raised. An operation has one or the other.
BatchHandler = Callable[[Context, list[ValidRequest]], list["Reply | Exception"]]
BATCH_HANDLERS: dict[str, BatchHandler] = {}


def handler(operation_id: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[operation_id] = fn
        return fn

    return register


def batch_handler(operation_id: str) -> Callable[[BatchHandler], BatchHandler]:
    def register(fn: BatchHandler) -> BatchHandler:
        BATCH_HANDLERS[operation_id] = fn
        return fn

    return register


def heartbeat_body() -> dict[str, int]:
    return {"nanosecond heartbeat": time.time_ns()}


def _batch(body: dict[str, Any]) -> RecordBatch:
    return RecordBatch(
        ids=body["ids"],
        embeddings=body.get("embeddings"),
        documents=body.get("documents"),
        uris=body.get("uris"),
        metadatas=body.get("metadatas"),
    )


# system ----------------------------------------------------------------------------------------
@handler("heartbeat")
def _heartbeat(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, heartbeat_body())


@handler("version")
def _version(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, "1.0.0")


@handler("healthcheck")
def _healthcheck(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, {"is_executor_ready": True, "is_log_client_ready": True})


@handler("pre_flight_checks")
def _pre_flight(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, {"max_batch_size": ctx.store.profile.max_batch_size, "supports_base64_encoding": True})


@handler("get_user_identity")
def _identity(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, {"user_id": "", "tenant": "default_tenant", "databases": ["default_database"]})


@handler("reset")
def _reset(ctx: Context, req: ValidRequest) -> Reply:
    if not ctx.allow_reset:
        raise Forbidden("Reset is disabled by config")
    ctx.store.reset()
    return Reply(200, True)


# tenants and databases -------------------------------------------------------------------------
@handler("create_tenant")
def _create_tenant(ctx: Context, req: ValidRequest) -> Reply:
    ctx.store.create_tenant(req.body["name"])
    return Reply(200, {})


@handler("get_tenant")
def _get_tenant(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, {"name": ctx.store.get_tenant(req.params["tenant_name"]), "resource_name": None})


@handler("update_tenant")
def _update_tenant(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, {})  # a no-op locally, even for unknown tenants


@handler("list_databases")
def _list_databases(ctx: Context, req: ValidRequest) -> Reply:
    dbs = ctx.store.list_databases(
        req.params["tenant"], req.query.get("limit"), req.query.get("offset", 0), only=req.visible_databases
    )
    return Reply(200, [serialize.database(d) for d in dbs])


@handler("create_database")
def _create_database(ctx: Context, req: ValidRequest) -> Reply:
    ctx.store.create_database(req.params["tenant"], req.body["name"])
    return Reply(200, {})


@handler("get_database")
def _get_database(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, serialize.database(ctx.store.get_database(req.params["tenant"], req.params["database"])))


@handler("delete_database")
def _delete_database(ctx: Context, req: ValidRequest) -> Reply:
    ctx.store.delete_database(req.params["tenant"], req.params["database"])
    return Reply(200, {})


# collections -----------------------------------------------------------------------------------
@handler("list_collections")
def _list_collections(ctx: Context, req: ValidRequest) -> Reply:
    p = req.params
    found = ctx.store.list_collections(p["tenant"], p["database"], req.query.get("limit"), req.query.get("offset", 0))
    return Reply(200, [serialize.collection(c) for c in found])


@handler("count_collections")
def _count_collections(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, ctx.store.count_collections(req.params["tenant"], req.params["database"]))


@handler("create_collection")
def _create_collection(ctx: Context, req: ValidRequest) -> Reply:
    b, p = req.body, req.params
    created = ctx.store.create_collection(
        p["tenant"],
        p["database"],
        b["name"],
        metadata=b.get("metadata"),
        configuration=b.get("configuration"),
        schema=b.get("schema"),
        get_or_create=bool(b.get("get_or_create", False)),
    )
    return Reply(200, serialize.collection(created))


@handler("get_collection")
def _get_collection(ctx: Context, req: ValidRequest) -> Reply:
    p = req.params
    return Reply(200, serialize.collection(ctx.store.get_collection(p["tenant"], p["database"], p["collection_id"])))


@handler("get_collection_by_id")
def _get_collection_by_id(ctx: Context, req: ValidRequest) -> Reply:
    p = req.params
    found = ctx.store.get_collection_by_id(p["tenant"], p["database"], p["collection_id"])
    return Reply(200, serialize.collection(found))


@handler("update_collection")
def _update_collection(ctx: Context, req: ValidRequest) -> Reply:
    b, p = req.body, req.params
    ctx.store.update_collection(
        p["database"], p["collection_id"], b.get("new_name"), b.get("new_metadata"), b.get("new_configuration")
    )
    return Reply(200, {})


@handler("delete_collection")
def _delete_collection(ctx: Context, req: ValidRequest) -> Reply:
    p = req.params
    ctx.store.delete_collection(p["tenant"], p["database"], p["collection_id"])
    return Reply(200, {})


@handler("get_collection_by_crn")
def _by_crn(ctx: Context, req: ValidRequest) -> Reply:
    parts = req.params["crn"].split(":")
    if len(parts) != 3 or not all(parts):
        raise InvalidArgument(
            "Validation error: crn: CRN must be in the format "
            "<tenant_resource_name>:<database_name>:<collection_name> with non-empty parts"
        )
    raise ConnectionDropped("get_collection_by_crn with a well-formed CRN")


# records ---------------------------------------------------------------------------------------
@handler("collection_add")
def _add(ctx: Context, req: ValidRequest) -> Reply:
    ctx.store.add(req.params["database"], req.params["collection_id"], _batch(req.body))
    return Reply(201, {})


@handler("collection_upsert")
def _upsert(ctx: Context, req: ValidRequest) -> Reply:
    ctx.store.upsert(req.params["database"], req.params["collection_id"], _batch(req.body))
    return Reply(200, {})


@handler("collection_update")
def _update(ctx: Context, req: ValidRequest) -> Reply:
    ctx.store.update(req.params["database"], req.params["collection_id"], _batch(req.body))
    return Reply(200, {})


@handler("collection_delete")
def _delete(ctx: Context, req: ValidRequest) -> Reply:
    b = req.body
    deleted = ctx.store.delete(
        req.params["database"], req.params["collection_id"], b.get("ids"), b.get("where"), b.get("where_document"), b.get("limit")
    )
    return Reply(200, {"deleted": deleted})


@handler("collection_count")
def _count(ctx: Context, req: ValidRequest) -> Reply:
    return Reply(200, ctx.store.count(req.params["database"], req.params["collection_id"], req.query.get("read_level")))


@handler("collection_get")
def _get(ctx: Context, req: ValidRequest) -> Reply:
    b = req.body
    result = ctx.store.get(
        req.params["database"],
        req.params["collection_id"],
        ids=b.get("ids"),
        where=b.get("where"),
        where_document=b.get("where_document"),
        limit=b.get("limit"),
        offset=b.get("offset"),
        include=b.get("include"),
    )
    return Reply(200, serialize.get_result(result))


def _query_call(req: ValidRequest) -> QueryCall:
    b = req.body
    return QueryCall(
        req.params["database"],
        req.params["collection_id"],
        b["query_embeddings"],
        n_results=b.get("n_results"),
        ids=b.get("ids"),
        where=b.get("where"),
        where_document=b.get("where_document"),
        include=b.get("include"),
    )


@batch_handler("collection_query")
def _query_many(ctx: Context, reqs: list[ValidRequest]) -> list[Reply | Exception]:
    answers = ctx.store.query_many([_query_call(req) for req in reqs])
    return [a if isinstance(a, Exception) else Reply(200, serialize.query_result(a)) for a in answers]


# search (executed by the cloud profile; the local one validates, then answers 501) ------------
@handler("collection_search")
def _search(ctx: Context, req: ValidRequest) -> Reply:
    from mockserver.store.search import parse_request
    from mockserver.store.search.parse import SearchDataError, SearchSyntaxError

    try:
        request = parse_request(req.body)  # serde reads the body before any other check
    except (SearchSyntaxError, SearchDataError) as error:  # say where, as serde_json does
        text = req.raw_body.decode("utf-8", "replace")
        at = locate(text, error.steps, error.where)
        if at is not None:
            error.message = f"{error.message} {line_column(text, at)}"
        raise
    return Reply(200, ctx.store.search(req.params["database"], req.params["collection_id"], request))


# operations local Chroma does not implement ---------------------------------------------------
@handler("fork_collection")
def _fork(ctx: Context, req: ValidRequest) -> Reply:
    p = req.params
    if ctx.store.profile.is_cloud:
        return Reply(200, serialize.collection(ctx.store.fork(p["database"], p["collection_id"], req.body["new_name"])))
    ctx.store.collection(p["database"], p["collection_id"])
    raise Unimplemented("Collection forking is unsupported for local chroma")


@handler("fork_count")
def _fork_count(ctx: Context, req: ValidRequest) -> Reply:
    if ctx.store.profile.is_cloud:
        return Reply(200, {"count": ctx.store.fork_count(req.params["database"], req.params["collection_id"])})
    ctx.store.collection(req.params["database"], req.params["collection_id"])
    raise Unimplemented("Count forks is unsupported for local chroma")


@handler("indexing_status")
def _indexing_status(ctx: Context, req: ValidRequest) -> Reply:
    status = ctx.store.indexing_status(req.params["database"], req.params["collection_id"])
    if status is None:  # no log: the local profile, as `chroma run`
        raise Internal("Method scout_logs is not implemented")
    return Reply(200, status)


@handler("attach_function")
def _attach(ctx: Context, req: ValidRequest) -> Reply:
    _function_collection_id(req)  # the sysdb refuses before any collection lookup
    if ctx.store.profile.is_cloud:
        p, b = req.params, req.body
        info, created = ctx.store.attach_function(
            p["database"], p["collection_id"], b["name"], b["function_id"], b["output_collection"], b.get("params")
        )
        return Reply(200, {"attached_function": info, "created": created})
    raise Unimplemented(
        "Tonic error: code: 'Operation is not implemented or not supported', "
        'message: " Attached Function operations not yet implemented in SqliteSysDb"'
    )


@handler("get_attached_function")
def _get_attached(ctx: Context, req: ValidRequest) -> Reply:
    _function_collection_id(req, "Failed to get attached function")
    if ctx.store.profile.is_cloud:
        p = req.params
        found = ctx.store.get_attached_function(p["tenant"], p["database"], p["collection_id"], p["function_name"])
        return Reply(200, {"attached_function": found})
    raise NotFound("Attached function not found")


@handler("detach_function")
def _detach(ctx: Context, req: ValidRequest) -> Reply:
    _function_collection_id(req)
    if ctx.store.profile.is_cloud:
        p = req.params
        delete_output = bool((req.body or {}).get("delete_output", False))
        ctx.store.detach_function(p["database"], p["collection_id"], p["name"], delete_output)
        return Reply(200, {"success": True})
    raise Unimplemented("Tonic error: code: 'Operation is not implemented or not supported', message: \"Not implemented\"")


def _function_collection_id(req: ValidRequest, wrapper: str = "Tonic error") -> None:
    """The attached-function endpoints check the database segment (length, then no multi-region `+`),
    then that the collection id is a UUID: 400 with the `uuid` crate's reason in the sysdb client's error."""
    check_database_segment(req.params["database"])
    if "+" in req.params["database"]:
        raise InvalidArgument("multi-region databases do not support attached functions")
    problem = uuid_error(req.params["collection_id"])
    if problem is not None:
        raise InvalidArgument(  # the sysdb client's status: its message as Rust's `{:?}` shows it
            f"{wrapper}: code: 'Client specified an invalid argument', message: "
            + rust_debug(f"Client validation error: Invalid collection_id UUID format: {problem}")
        )
