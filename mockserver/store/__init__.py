"""Store: the facade over tenants, databases, collections and records; one operation at a time.

Pure state, no HTTP: every public method is one Chroma operation and runs under one lock, so
concurrent clients (server threads, the pytest plugin, the CLI) never see half-applied writes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mockserver.errors import MockError
from mockserver.store.batch import QueryCall, RecordBatch
from mockserver.store.catalog import Catalog, Database
from mockserver.store.collections import Collection, Collections
from mockserver.store.names import check_database_segment
from mockserver.store.profile import LOCAL, Profile

if TYPE_CHECKING:
    from mockserver.store.reads import GetResult, QueryResults

# The record engine (numpy, the filter index, the regex engine) is imported on first use, so a
# server that has not stored records yet starts faster and smaller; see `_engine()`.

__all__ = [
    "Collection",
    "Database",
    "GetResult",
    "Profile",
    "QueryCall",
    "QueryResults",
    "RecordBatch",
    "Store",
    "StoreSnapshot",
]


def __getattr__(name: str) -> Any:
    if name in ("GetResult", "QueryResults"):
        from mockserver.store import reads


        return getattr(reads, name)
    raise AttributeError(name)


@dataclass(frozen=True)
class StoreSnapshot:
    """A private copy of a store's state (see `Store.snapshot`); never handed to a live store."""

    catalog: Catalog
    collections: Collections


class Store:
    """In-memory Chroma state. Methods raise `mockserver.errors.MockError` subclasses."""

    def __init__(self, profile: Profile = LOCAL) -> None:
        #: how this store behaves where Chroma's deployments differ (mockserver.store.profile)
        self.profile = profile
        self.lock = threading.RLock()
        self.catalog = Catalog()
        self.collections = Collections(self.catalog, profile)
        self.collections.on_compact = _run_attached_function

    # system -------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.catalog.reset()
            self.collections.reset()

    def snapshot(self) -> StoreSnapshot:
        """The whole state, copied: `restore()` brings it back any number of times (cheap: lists and
        arrays are copied, records are not re-validated or re-indexed)."""
        with self.lock:
            catalog = self.catalog.copy()
            return StoreSnapshot(catalog, self.collections.copy(catalog))

    def restore(self, snapshot: StoreSnapshot) -> None:
        """Replace the state with a copy of `snapshot` (which stays as it was)."""
        catalog = snapshot.catalog.copy()
        collections = snapshot.collections.copy(catalog)
        with self.lock:
            self.catalog, self.collections = catalog, collections

    # tenants and databases ----------------------------------------------------------------
    def create_tenant(self, name: str) -> None:
        with self.lock:
            self.catalog.create_tenant(name)

    def get_tenant(self, name: str) -> str:
        with self.lock:
            return self.catalog.get_tenant(name)

    def create_database(self, tenant: str, name: str) -> Database:
        with self.lock:
            return self.catalog.create_database(tenant, name)

    def get_database(self, tenant: str, name: str) -> Database:
        with self.lock:
            if len(name.encode("utf-8")) < 3:
                from mockserver.store.names import check_database_segment

                check_database_segment(name)
            return self.catalog.get_database(tenant, name)

    def list_databases(
        self, tenant: str, limit: int | None = None, offset: int = 0, only: frozenset[str] | None = None
    ) -> list[Database]:
        """A page of the tenant's databases by name; `only`: just these names (paged after filtering)."""
        with self.lock:
            return self.catalog.list_databases(tenant, limit, offset, only)

    def delete_database(self, tenant: str, name: str) -> None:
        with self.lock:
            self.catalog.delete_database(tenant, name)
            self.collections.delete_database_collections(tenant, name)

    # collections --------------------------------------------------------------------------
    def create_collection(
        self,
        tenant: str,
        database: str,
        name: str,
        metadata: dict[str, Any] | None = None,
        configuration: dict[str, Any] | None = None,
        schema: dict[str, Any] | None = None,
        get_or_create: bool = False,
    ) -> Collection:
        with self.lock:
            return self.collections.create(tenant, database, name, metadata, configuration, schema, get_or_create)

    def get_collection(self, tenant: str, database: str, name: str) -> Collection:
        with self.lock:
            return self.collections.get_by_name(tenant, database, name)

    def get_collection_by_id(self, tenant: str, database: str, collection_id: str) -> Collection:
        with self.lock:
            return self.collections.get_by_id_scoped(tenant, database, collection_id)

    def collection(self, database: str, collection_id: str) -> Collection:
        """The collection a record endpoint addresses (by UUID only)."""
        with self.lock:
            return self.collections.by_uuid(database, collection_id)

    def list_collections(self, tenant: str, database: str, limit: int | None = None, offset: int = 0) -> list[Collection]:
        with self.lock:
            return self.collections.list(tenant, database, limit, offset)

    def count_collections(self, tenant: str, database: str) -> int:
        with self.lock:
            return self.collections.count(tenant, database)

    def update_collection(
        self,
        database: str,
        collection_id: str,
        new_name: str | None = None,
        new_metadata: dict[str, Any] | None = None,
        new_configuration: dict[str, Any] | None = None,
    ) -> None:
        with self.lock:
            self.collections.update(database, collection_id, new_name, new_metadata, new_configuration)

    def delete_collection(self, tenant: str, database: str, name: str) -> None:
        with self.lock:
            self.collections.delete(tenant, database, name)

    # records ------------------------------------------------------------------------------
    def add(self, database: str, collection_id: str, batch: RecordBatch) -> None:
        from mockserver.store import writes

        with self.lock:
            collection = _writable(self.collections.by_uuid(database, collection_id))
            writes.add(collection, batch)
            _log(collection, writes.add, (batch,), len(batch.ids))

    def upsert(self, database: str, collection_id: str, batch: RecordBatch) -> None:
        from mockserver.store import writes

        with self.lock:
            collection = _writable(self.collections.by_uuid(database, collection_id))
            writes.upsert(collection, batch)
            _log(collection, writes.upsert, (batch,), len(batch.ids))

    def update(self, database: str, collection_id: str, batch: RecordBatch) -> None:
        from mockserver.store import writes

        with self.lock:
            collection = _writable(self.collections.by_uuid(database, collection_id))
            writes.update(collection, batch)
            _log(collection, writes.update, (batch,), len(batch.ids))

    def delete(
        self,
        database: str,
        collection_id: str,
        ids: list[str] | None = None,
        where: Any = None,
        where_document: Any = None,
        limit: int | None = None,
    ) -> int:
        from mockserver.store import writes

        with self.lock:
            collection = _writable(self.collections.by_uuid(database, collection_id))
            deleted = writes.delete(collection, ids, where, where_document, limit)
            filtered = where is not None or where_document is not None
            _log(collection, writes.delete, (ids, where, where_document, limit), deleted if filtered else len(ids or []))
            return deleted

    def count(self, database: str, collection_id: str, read_level: str | None = None) -> int:
        from mockserver.store import reads
        from mockserver.store.compaction import read_view

        with self.lock:
            collection = self.collections.by_uuid(database, collection_id)
            return reads.count(read_view(collection, read_level, self.profile.bounded_wal_limit))

    def indexing_status(self, database: str, collection_id: str) -> dict[str, Any] | None:
        """Cloud profile: the log's progress (`indexing_status`); None without a log (local profile)."""
        with self.lock:
            wal = self.collections.by_uuid(database, collection_id).wal
            return None if wal is None else wal.status()

    def fork(self, database: str, collection_id: str, new_name: str, new_id: str | None = None) -> Collection:
        """`fork` (cloud profile): a copy-on-write copy of the collection under a new name (`new_id`: a replay's)."""
        import uuid

        from mockserver.store.fork import check_fork_database, fork

        with self.lock:
            check_database_segment(database)
            check_fork_database(database)
            source = self.collections.by_uuid(database, collection_id)
            return fork(self.collections, source, new_name, new_id or str(uuid.uuid4()))

    def fork_count(self, database: str, collection_id: str) -> int:
        """`fork_count` (cloud profile): fork edges in the collection's whole fork tree."""
        with self.lock:
            tree = self.collections.by_uuid(database, collection_id).lineage
            return 0 if tree is None else tree.forks

    def compact(self, collection_id: str | None = None) -> list[str]:
        """Compact every pending write now (of one collection, or of all); the ids of those compacted."""
        with self.lock:
            chosen = list(self.collections.by_id.values())
            if collection_id is not None:
                chosen = [c for c in chosen if c.id == collection_id]
            done = [c for c in chosen if c.wal is not None and c.wal.compact()]
            for collection in done:
                _run_attached_function(self.collections, collection)
            return [c.id for c in done]

    # attached functions (cloud profile) ---------------------------------------------------
    def attach_function(
        self,
        database: str,
        collection_id: str,
        name: str,
        function: str,
        output: str,
        params: Any,
        ids: tuple[str, str] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """`{"id", "name", "function_name"}` of the attached function, and whether it is new (`ids`: the
        function's and its output collection's, when a replay reuses them)."""
        from mockserver.store import functions

        with self.lock:
            fn, created = functions.attach(
                self.collections, database, collection_id, name, function, output, params, ids
            )
            return fn.info(), created

    def get_attached_function(self, tenant: str, database: str, collection_id: str, name: str) -> dict[str, Any]:
        from mockserver.store import functions

        with self.lock:
            fn = functions.get(self.collections, database, collection_id, name)
            found = self.catalog.find_database(fn.tenant, fn.database)
            return fn.body("" if found is None else found.id)

    def detach_function(self, database: str, collection_id: str, name: str, delete_output: bool) -> None:
        from mockserver.store import functions

        with self.lock:
            functions.detach(self.collections, database, collection_id, name, delete_output)

    def get(
        self,
        database: str,
        collection_id: str,
        ids: list[str] | None = None,
        where: Any = None,
        where_document: Any = None,
        limit: int | None = None,
        offset: int | None = None,
        include: list[str] | None = None,
    ) -> GetResult:
        from mockserver.store import reads

        with self.lock:
            collection = self.collections.by_uuid(database, collection_id)
            return reads.get(collection, ids, where, where_document, limit, offset, include)

    def query(
        self,
        database: str,
        collection_id: str,
        query_embeddings: list[list[float]],
        n_results: int | None = None,
        ids: list[str] | None = None,
        where: Any = None,
        where_document: Any = None,
        include: list[str] | None = None,
    ) -> QueryResults:
        from mockserver.store import reads

        with self.lock:
            collection = self.collections.by_uuid(database, collection_id)
            return reads.query(collection, query_embeddings, n_results, ids, where, where_document, include)


    def query_many(self, calls: Sequence[QueryCall]) -> list[QueryResults | Exception]:
        """Several queries under one lock, each answered or refused (the error returned, not raised)
        as if alone; queries on one collection that search all its records share one matrix pass."""
        from mockserver.store import reads

        out: list[QueryResults | Exception | None] = [None] * len(calls)
        with self.lock:
            by_collection: dict[str, list[int]] = {}
            for i, call in enumerate(calls):
                try:
                    collection = self.collections.by_uuid(call.database, call.collection_id)
                except MockError as error:
                    out[i] = error
                    continue
                by_collection.setdefault(collection.id, []).append(i)
            for collection_id, indexes in by_collection.items():
                answers = reads.query_many(self.collections.by_id[collection_id], [calls[i] for i in indexes])
                for i, answer in zip(indexes, answers, strict=True):
                    out[i] = answer
        done = [answer for answer in out if answer is not None]
        assert len(done) == len(calls)
        return done

    def search(self, database: str, collection_id: str, request: Any) -> dict[str, Any]:
        """`POST .../search` with a parsed request (`mockserver.store.search.parse_request`)."""
        from mockserver.store.search import search

        with self.lock:
            return search(self.collections.by_uuid(database, collection_id), request, self.profile)


def _run_attached_function(collections: Collections, collection: Collection) -> None:
    if collection.attached_function is not None:
        from mockserver.store import functions

        functions.after_compaction(collections, collection)


def _writable(collection: Collection) -> Collection:
    """A collection about to be written: its own records, if shared with a fork or its log's index."""
    if collection.shared_records:
        from mockserver.store.compaction import own_records

        own_records(collection)
    return collection


def _log(collection: Collection, apply: Any, args: tuple[Any, ...], ops: int) -> None:
    """Cloud profile: an acknowledged write goes to the collection's log (mockserver.store.compaction)."""
    if collection.wal is not None:
        collection.wal.append(apply, args, ops)
