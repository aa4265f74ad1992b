"""Seed: tenants, databases, collections and records from a dict or a YAML/JSON file (server-control layer).

Also the whole-state snapshot: `export_state` writes this same format (with ids and embeddings),
`import_state` replaces the state with one.

Seed format (YAML shown; JSON is the same structure)::

    version: 1                        # optional; the only version so far
    profile: cloud                    # optional: "local" or "cloud"; loads only into that profile
    tenants: [acme]                   # optional; default_tenant always exists
    databases:                        # optional; a name (in default_tenant) or an object
      - analytics
      - {name: prod, tenant: acme}    # optional "id": a UUID (export writes it)
    collections:
      - name: fruit                   # required
        tenant: acme                  # default: default_tenant
        database: prod                # default: default_database
        id: 9b7c4a9e-...              # optional UUID; random otherwise
        metadata: {topic: food}       # optional, as in create_collection
        configuration: {hnsw: {space: cosine}}   # optional, as in create_collection
        schema: {...}                 # optional, as in create_collection
        dimension: 384                # optional; the collection's embedding dimension
        records:                      # optional: a list of records ...
          - id: apple
            document: Apples are red  # optional
            metadata: {colour: red}   # optional
            embedding: [0.1, 0.2, 0.3]    # optional (a list of numbers or Chroma's base64 float32)
            uri: https://example.com/apple  # optional
        # ... or columns, as the add endpoint takes them:
        # records: {ids: [...], documents: [...], metadatas: [...], embeddings: [...], uris: [...]}
        # metadata_types: {colour: [string]}   # written by export only (see below)

Rules:
- Every tenant and database a seed names (in `databases` or in a collection) is created if missing;
  existing ones are kept. A collection that already exists is an error.
- A record without an embedding gets `embed_text(document, dimension)`: a deterministic
  feature-hashing embedding of its document (of its id when it has no document), stable across runs,
  machines and NumPy versions, so documents sharing words are near each other. The dimension is the
  collection's `dimension`, else that of the first embedding given in the seed, else 384.
- Everything goes through the store's own validation (names, metadata, configuration, dimensions),
  so a seed cannot hold what the API would refuse; problems raise `SeedError` (a 400
  `InvalidArgumentError`) naming the place, e.g. `collections[0].records[2]: ...`.
- Unknown keys are errors (they catch typos in hand-written files).
- `metadata_types` (export detail, leave it out of hand-written seeds): the value types written to
  each metadata key, which the collection's `schema.keys` shows; it replaces what adding the
  records derives, so a snapshot keeps keys that only deleted records had.

Ids are kept by going to the store's catalog and collections under its lock (the public
`create_*` methods pick random ids); everything else uses the `Store` methods.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from typing import Any

from mockserver.control.seed_format import (
    DEFAULT_DIMENSION,
    FORMAT_VERSION,
    Seed,
    SeedCollection,
    SeedDatabase,
    SeedError,
    SeedRecords,
    SeedSource,
    embed_text,
    read_seed,
)
from mockserver.errors import MockError, NotFound
from mockserver.store import Store
from mockserver.store.schema_config import schema_to_recreate

__all__ = [
    "DEFAULT_DIMENSION",
    "FORMAT_VERSION",
    "Seed",
    "SeedCollection",
    "SeedDatabase",
    "SeedError",
    "SeedRecords",
    "SeedSource",
    "SeedSummary",
    "embed_text",
    "export_state",
    "import_state",
    "load_seed",
    "read_seed",
]


@dataclass(frozen=True)
class SeedSummary:
    tenants: int  # created (existing ones are not counted)
    databases: int
    collections: int
    records: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)


# loading ---------------------------------------------------------------------------------------
def load_seed(store: Store, data_or_path: SeedSource | Seed) -> SeedSummary:
    """Add a seed's tenants, databases, collections and records to `store` (under its lock).

    Not transactional: on a `SeedError` what was loaded before the failing entry stays
    (`import_state` is all-or-nothing).
    """
    seed = read_seed(data_or_path)
    if seed.profile is not None and seed.profile != store.profile.name:
        raise SeedError(
            f"seed {seed.source}: written for the {seed.profile} profile, this server runs the {store.profile.name} profile"
        )
    tenants = databases = records = 0
    with store.lock:
        for tenant in seed.tenants:
            try:
                store.get_tenant(tenant)
            except NotFound:
                _apply(seed, f"tenant {tenant!r}", store.create_tenant, tenant)
                tenants += 1
        for db in seed.databases:
            if _database_exists(store, seed, db):
                continue
            if db.id is None:
                _apply(seed, f"database {db.name!r}", store.create_database, db.tenant, db.name)
            else:
                if any(d.id == db.id for d in store.catalog.databases.values()):
                    raise SeedError(f"seed {seed.source}: database {db.name!r}: id {db.id} is already in use")
                _apply(seed, f"database {db.name!r}", store.catalog.create_database, db.tenant, db.name, db.id)
            databases += 1
        for i, c in enumerate(seed.collections):
            where = f"collections[{i}] ({c.name!r})"
            if c.id is not None and c.id in store.collections.by_id:
                raise SeedError(f"seed {seed.source}: {where}: id {c.id} is already in use")
            # copies: a parsed file's `Seed` is cached and loaded again (read_seed), so the store must not own its dicts
            given = (c.tenant, c.database, c.name, *copy.deepcopy((c.metadata, c.configuration, c.schema)))
            if c.id is None:
                create: Any = store.create_collection
                args: tuple[Any, ...] = given
            else:
                create = store.collections.create
                args = (*given, False, c.id)
            collection = _apply(seed, where, create, *args)
            if c.dimension is not None:
                collection.dimension = c.dimension
                collection.records.ensure_dimension(c.dimension)
            if c.records is not None:
                _apply(seed, f"{where}.records", store.add, c.database, collection.id, c.records.batch())
                records += len(c.records.ids)
            if c.metadata_types is not None:
                collection.metadata_types = {key: list(kinds) for key, kinds in c.metadata_types.items()}
            store.compact(collection.id)  # cloud profile: seeded records are already indexed
    return SeedSummary(tenants, databases, len(seed.collections), records)


def _database_exists(store: Store, seed: Seed, db: SeedDatabase) -> bool:
    try:
        _apply(seed, f"database {db.name!r}", store.get_database, db.tenant, db.name)
    except SeedError as error:
        if isinstance(error.__cause__, NotFound):
            return False
        raise
    return True


def _apply(seed: Seed, where: str, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except MockError as exc:
        raise SeedError(f"seed {seed.source}: {where}: {exc.message}") from exc
    except (TypeError, ValueError) as exc:  # e.g. an unknown hnsw field in a configuration
        raise SeedError(f"seed {seed.source}: {where}: {exc}") from exc


# snapshot and restore --------------------------------------------------------------------------
def export_state(store: Store, numpy_embeddings: bool = False) -> dict[str, Any]:
    """The whole state in the seed format, with ids and every embedding (storage order kept).

    Embeddings are lists of floats, or float32 arrays with `numpy_embeddings=True` (what the admin
    API serialises: orjson writes float32 in its shortest form).
    """
    with store.lock:
        catalog = store.catalog
        collections = []
        for c in store.collections.by_id.values():
            table = c.records
            rows = table.live_rows()
            row_list = rows.tolist()
            driven_by = schema_to_recreate(c.configuration)  # a schema-driven collection: its schema alone
            entry: dict[str, Any] = {
                "id": c.id,
                "tenant": c.tenant,
                "database": c.database,
                "name": c.name,
                "metadata": None if c.metadata is None else dict(c.metadata),
                "configuration": None
                if driven_by is not None
                else {
                    # cloud profile: a SPANN collection is created again from its SPANN configuration
                    **(
                        {"spann": c.configuration.configuration_json()["spann"]}
                        if c.configuration.spann is not None
                        else {"hnsw": asdict(c.configuration.hnsw)}
                    ),
                    "embedding_function": copy.deepcopy(c.configuration.embedding_function),
                },
                "schema": driven_by if driven_by is not None else copy.deepcopy(c.configuration.user_schema),
                "dimension": c.dimension,
                "metadata_types": {key: list(kinds) for key, kinds in c.metadata_types.items()},
            }
            if row_list:
                assert table.vectors is not None
                vectors = table.vectors[rows]
                entry["records"] = {
                    "ids": [table.ids[r] for r in row_list],
                    "embeddings": vectors if numpy_embeddings else vectors.tolist(),
                    "documents": [table.documents[r] for r in row_list],
                    "metadatas": [_copy_metadata(table.metadata(r)) for r in row_list],
                    "uris": [table.uris[r] for r in row_list],
                }
            collections.append(entry)
        return {
            "version": FORMAT_VERSION,
            "tenants": sorted(catalog.tenants),
            "databases": [{"tenant": d.tenant, "name": d.name, "id": d.id} for d in catalog.databases.values()],
            "collections": collections,
        }


def _copy_metadata(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    if metadata is None:
        return None
    return {k: list(v) if isinstance(v, list) else v for k, v in metadata.items()}


def import_state(store: Store, data_or_path: SeedSource | Seed) -> SeedSummary:
    """Replace the whole state with a snapshot (or any seed): all or nothing.

    The seed is first loaded into a scratch store, so a bad one raises `SeedError` and leaves the
    state as it was.
    """
    seed = read_seed(data_or_path)
    load_seed(Store(), seed)
    with store.lock:
        store.reset()
        return load_seed(store, seed)
