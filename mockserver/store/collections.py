"""Store: collections: creation rules, lookups by name or id, listing, rename and metadata replace."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mockserver.errors import AlreadyExists, Internal, InvalidArgument, NotFound
from mockserver.store import spann
from mockserver.store.catalog import Catalog
from mockserver.store.configuration import Configuration, configuration_for_create, configuration_for_update
from mockserver.store.metadata import check_collection_metadata, refuse_unstorable
from mockserver.store.names import check_collection_name, check_database_segment
from mockserver.store.profile import LOCAL, Profile
from mockserver.store.schema_config import check_schema, reconcile
from mockserver.store.uuids import parse_uuid
from mockserver.store.validator import validate_fields

if TYPE_CHECKING:
    from mockserver.store.compaction import Wal
    from mockserver.store.records import RecordTable

JsonObject = dict[str, Any]


@dataclass
class Lineage:
    """Cloud profile: one fork tree, the number of fork edges ever made in it (mockserver.store.fork)."""

    forks: int = 0


@dataclass
class Collection:
    id: str
    name: str
    tenant: str
    database: str
    metadata: JsonObject | None
    configuration: Configuration
    dimension: int | None = None
    #: metadata key -> the schema value types written to it, in first-written order (shown in `schema.keys`)
    metadata_types: dict[str, list[str]] = field(default_factory=dict)
    #: created on first use, so numpy is only imported once records are touched
    _table: RecordTable | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # runtime state, not dataclass fields (not persisted by --state-file; `Collections.settle` sets them up)
        #: the deployment behaviour the collection follows (mockserver.store.profile)
        self.profile: Profile = LOCAL
        #: cloud profile: the write-ahead log and the compacted index (mockserver.store.compaction)
        self.wal: Wal | None = None
        #: the records table is shared (with a fork, or the log's index): copied before the next write
        self.shared_records = False
        #: cloud profile: the fork tree this collection belongs to (created on its first fork)
        self.lineage: Lineage | None = None
        #: cloud profile: its attached function (mockserver.store.functions.AttachedFunction; forks have none)
        self.attached_function: Any = None

    def shadow(self, **changes: Any) -> Collection:
        """A copy with `changes` (dataclass fields) and the same profile; no log, no lineage."""
        copied = replace(self, **changes)
        copied.profile = self.profile
        return copied

    def copy(self) -> Collection:
        """An independent copy (for store snapshots); the frozen configuration is shared."""
        copied = Collection(
            self.id,
            self.name,
            self.tenant,
            self.database,
            None if self.metadata is None else dict(self.metadata),
            self.configuration,
            self.dimension,
            {key: list(kinds) for key, kinds in self.metadata_types.items()},
            None if self._table is None else self._table.copy(),
        )
        copied.profile = self.profile  # a cloud collection comes back compacted, without its fork tree
        return copied

    @property
    def records(self) -> RecordTable:
        if self._table is None:
            from mockserver.store.records import RecordTable

            self._table = RecordTable()
        return self._table

    @property
    def space(self) -> str:
        return self.configuration.hnsw.space

    def body(self) -> JsonObject:
        return {
            "id": self.id,
            "name": self.name,
            "configuration_json": self.configuration.configuration_json(),
            # a distributed deployment adds record metadata keys to the schema when it compacts them
            "schema": self.configuration.schema_json(
                self.metadata_types if self.wal is None else self.wal.index.metadata_types
            ),
            "metadata": None if self.metadata is None else dict(self.metadata),
            "dimension": self.dimension,
            "tenant": self.tenant,
            "database": self.database,
            "log_position": 0 if self.wal is None else self.wal.indexed_ops,
            "version": 0 if self.wal is None else self.wal.version,
        }


class Collections:
    """All collections, indexed by id and by (tenant, database, name)."""

    def __init__(self, catalog: Catalog, profile: Profile = LOCAL) -> None:
        self.catalog = catalog
        self.profile = profile
        self.by_id: dict[str, Collection] = {}
        self.by_name: dict[tuple[str, str, str], Collection] = {}
        #: cloud profile: called after a collection's compaction (its attached function runs: store.functions)
        self.on_compact: Callable[[Collections, Collection], None] | None = None

    def reset(self) -> None:
        self.by_id.clear()
        self.by_name.clear()

    def copy(self, catalog: Catalog) -> Collections:
        """An independent copy over `catalog` (for store snapshots)."""
        other = Collections(catalog)
        other.on_compact = self.on_compact
        for collection in self.by_id.values():
            twin = other.by_id[collection.id] = collection.copy()
            other.by_name[(twin.tenant, twin.database, twin.name)] = twin
        return other

    # create -------------------------------------------------------------------------------
    def create(
        self,
        tenant: str,
        database: str,
        name: str,
        metadata: JsonObject | None,
        configuration: JsonObject | None,
        schema: JsonObject | None,
        get_or_create: bool,
        collection_id: str | None = None,
    ) -> Collection:
        check_database_segment(database)
        configuration_for_create(configuration, metadata)  # Chroma reads the configuration before validating fields
        validate_fields(
            lambda: check_collection_name(name),
            lambda: check_collection_metadata(metadata, "metadata", storing=False),
            lambda: None if schema is None else check_schema(schema),
        )
        metadata = check_collection_metadata(metadata, "metadata", storing=False)
        config = reconcile(configuration, metadata, schema, sparse=self.profile.sparse_vectors)
        if self.profile.spann:
            config = spann.as_spann(config, configuration, schema)
        if self.catalog.find_database(tenant, database) is None:
            raise InvalidArgument(f"Database [{database}] does not exist")
        existing = self.by_name.get((tenant, database, name))
        if existing is not None:
            if get_or_create:
                return existing
            raise AlreadyExists(f"Collection [{name}] already exists")
        refuse_unstorable(metadata, "metadata")
        collection = Collection(
            id=collection_id or str(uuid.uuid4()),
            name=name,
            tenant=tenant,
            database=database,
            metadata=metadata,
            configuration=config,
        )
        self.settle(collection)
        self.by_id[collection.id] = collection
        self.by_name[(tenant, database, name)] = collection
        return collection

    # lookups ------------------------------------------------------------------------------
    def by_uuid(self, database: str, collection_id: str) -> Collection:
        """Record endpoints and PUT: find by UUID alone (the tenant and database are ignored)."""
        check_database_segment(database)
        canonical = parse_uuid(collection_id)
        if canonical is None:
            raise InvalidArgument("Collection ID is not a valid UUIDv4")
        found = self.by_id.get(canonical)
        if found is None:
            raise NotFound(f"Collection [{canonical}] does not exist.")
        return self.settle(found)

    def get_by_name(self, tenant: str, database: str, name: str) -> Collection:
        check_database_segment(database)
        found = self.by_name.get((tenant, database, name))
        if found is None:
            raise NotFound(f"Collection [{name}] does not exist")
        return self.settle(found)

    def get_by_id_scoped(self, tenant: str, database: str, collection_id: str) -> Collection:
        check_database_segment(database)
        canonical = parse_uuid(collection_id)
        if canonical is None:
            raise InvalidArgument("Validation error: collection_id: Invalid collection ID format, expected UUID")
        found = self.by_id.get(canonical)
        if found is None or found.tenant != tenant or found.database != database:
            raise NotFound(f"Collection [{canonical}] does not exist")
        return self.settle(found)

    def in_database(self, tenant: str, database: str) -> list[Collection]:
        return sorted(
            (self.settle(c) for c in self.by_id.values() if c.tenant == tenant and c.database == database),
            key=lambda c: c.id,
        )

    def settle(self, collection: Collection) -> Collection:
        """On every lookup: the collection follows this store's profile; in the cloud profile it has a
        log (a collection restored from a state file gets one, compacted) and its due writes are
        compacted (see mockserver.store.compaction)."""
        collection.profile = self.profile
        delay = self.profile.compaction_delay
        if delay is not None:
            if collection.wal is None:
                from mockserver.store.compaction import Wal

                collection.wal = Wal.for_collection(collection)
            elif collection.wal.due(delay) and collection.wal.compact(delay) and self.on_compact is not None:
                self.on_compact(self, collection)
        return collection

    def list(self, tenant: str, database: str, limit: int | None, offset: int) -> list[Collection]:
        check_database_segment(database)
        found = self.in_database(tenant, database)
        end = None if limit is None else offset + limit
        return found[offset:end]

    def count(self, tenant: str, database: str) -> int:
        check_database_segment(database)
        return sum(1 for c in self.by_id.values() if c.tenant == tenant and c.database == database)

    # changes ------------------------------------------------------------------------------
    def update(
        self,
        database: str,
        collection_id: str,
        new_name: str | None,
        new_metadata: JsonObject | None,
        new_configuration: JsonObject | None,
    ) -> None:
        collection = self.by_uuid(database, collection_id)
        if new_configuration and new_configuration.get("hnsw") is not None and new_configuration.get("spann") is not None:
            raise InvalidArgument("Multiple vector index configurations provided")  # before the fields' validation
        validate_fields(
            lambda: check_collection_name(new_name, "new_name") if new_name is not None else None,
            lambda: check_collection_metadata(new_metadata, "new_metadata", storing=False),
        )
        metadata = collection.metadata
        if new_metadata is not None:
            metadata = check_collection_metadata(new_metadata, "new_metadata")
        if collection.configuration.spann is not None:
            config = spann.update(collection.configuration, new_configuration)
        else:
            config = configuration_for_update(collection.configuration, new_configuration)
        if new_name is not None and new_name != collection.name:
            key = (collection.tenant, collection.database, new_name)
            if key in self.by_name:
                raise Internal(
                    "Database error: error returned from database: (code: 2067) UNIQUE constraint "
                    "failed: collections.name, collections.database_id"
                )
            del self.by_name[(collection.tenant, collection.database, collection.name)]
            collection.name = new_name
            self.by_name[key] = collection
        collection.metadata = metadata
        collection.configuration = config

    def delete(self, tenant: str, database: str, name: str) -> None:
        collection = self.get_by_name(tenant, database, name)
        self._drop(collection)

    def delete_database_collections(self, tenant: str, database: str) -> None:
        for collection in self.in_database(tenant, database):
            self._drop(collection)

    def _drop(self, collection: Collection) -> None:
        del self.by_id[collection.id]
        del self.by_name[(collection.tenant, collection.database, collection.name)]


