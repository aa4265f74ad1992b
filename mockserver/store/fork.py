"""Store: the cloud profile's `fork` and `fork_count` (reference cloud 4.1, 4.2): copy-on-write forks.

A fork is a new collection (new id, the given name, the source's tenant and database) holding the
source's records, metadata, configuration, schema, dimension, write log and compaction counters at
the instant of forking. Nothing is copied then: the fork and its source share their record tables,
and whichever of them is written first gets its own copy (`compaction.own_records`, called by every store
write), so forking a 100k-record collection costs no matrix copy. All collections of a fork tree
share one `Lineage`, whose edge count (`fork_count`) grows with every fork of any member and is
kept when members are deleted.
"""

from __future__ import annotations

import copy
from collections import deque

from mockserver.errors import AlreadyExists, InvalidArgument
from mockserver.store.collections import Collection, Collections, Lineage
from mockserver.store.compaction import Wal

MULTI_REGION = "multi-region databases do not support forking"


def lineage(collection: Collection) -> Lineage:
    if collection.lineage is None:
        collection.lineage = Lineage()
    found: Lineage = collection.lineage
    return found


def check_fork_database(database: str) -> None:
    if "+" in database:  # a topology prefix (`topo+db`): a multi-region database
        raise InvalidArgument(MULTI_REGION)


def fork(collections: Collections, source: Collection, new_name: str, new_id: str) -> Collection:
    """Fork `source` as `new_name` in its own tenant and database (409 when the name is taken)."""
    if (source.tenant, source.database, new_name) in collections.by_name:
        raise AlreadyExists(f"Collection [{new_name}] already exists")
    tree = lineage(source)
    source.shared_records = True
    forked = source.shadow(
        id=new_id,
        name=new_name,
        metadata=copy.deepcopy(source.metadata),
        metadata_types={key: list(kinds) for key, kinds in source.metadata_types.items()},
    )
    forked.shared_records, forked.lineage = True, tree
    if source.wal is not None:
        source.wal.index.shared_records = True
        index = source.wal.index.shadow(
            id=new_id,
            name=new_name,
            metadata_types={key: list(kinds) for key, kinds in source.wal.index.metadata_types.items()},
        )
        index.shared_records = True
        forked.wal = Wal(
            index, deque(source.wal.pending), source.wal.total_ops, source.wal.indexed_ops, source.wal.version
        )
    tree.forks += 1
    collections.by_id[forked.id] = forked
    collections.by_name[(forked.tenant, forked.database, forked.name)] = forked
    return forked
