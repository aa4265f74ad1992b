"""Store.snapshot / restore: the whole state copied, restorable any number of times, independent of the live store."""

from __future__ import annotations

import numpy as np
import pytest

from mockserver.errors import NotFound
from mockserver.store import RecordBatch, Store

DB, TENANT = "default_database", "default_tenant"


def filled() -> tuple[Store, str]:
    store = Store()
    store.create_tenant("acme")
    store.create_database("acme", "prod")
    c = store.create_collection(TENANT, DB, "docs", metadata={"topic": "food"})
    store.add(DB, c.id, RecordBatch(["a", "b"], [[1.0, 0.0], [0.0, 1.0]], ["apple", "banana"], None, [{"k": 1}, {"k": 2}]))
    return store, c.id


def test_restore_brings_back_the_state_and_later_writes_do_not_touch_the_snapshot() -> None:
    store, cid = filled()
    snap = store.snapshot()
    for _ in range(2):
        store.add(DB, cid, RecordBatch(["c"], [[0.5, 0.5]], ["cherry"], None, [{"k": 3}]))
        store.update(DB, cid, RecordBatch(["a"], [[0.0, 0.0]], ["changed"], None, [{"k": 9}]))
        store.update_collection(DB, cid, new_name="renamed", new_metadata={"topic": "other"})
        store.delete(DB, cid, ids=["b"])
        store.create_tenant("other")
        store.restore(snap)
        assert store.get_tenant("acme") == "acme"
        assert [d.name for d in store.list_databases("acme")] == ["prod"]
        c = store.get_collection(TENANT, DB, "docs")
        assert c.metadata == {"topic": "food"}
        got = store.get(DB, cid, include=["documents", "metadatas", "embeddings"]).records
        assert got.ids == ["a", "b"]
        assert got.documents == ["apple", "banana"]
        assert got.metadatas == [{"k": 1}, {"k": 2}]
        assert np.array_equal(np.asarray(got.embeddings), [[1.0, 0.0], [0.0, 1.0]])
        assert store.get(DB, cid, where={"k": 2}).records.ids == ["b"]  # filter index rebuilt for the copy
        assert store.count_collections(TENANT, DB) == 1
    with pytest.raises(NotFound):
        store.get_tenant("other")  # created after the snapshot


def test_snapshot_of_an_empty_store() -> None:
    store, _ = filled()
    empty = Store().snapshot()
    store.restore(empty)
    assert store.count_collections(TENANT, DB) == 0
    assert [d.name for d in store.list_databases(TENANT)] == [DB]
