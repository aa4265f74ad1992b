"""Cloud profile: copy-on-write fork and the lineage's fork count."""

from __future__ import annotations

import time

import numpy as np
import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app
from mockserver.errors import AlreadyExists, InvalidArgument, NotFound
from mockserver.store import RecordBatch, Store
from mockserver.store.profile import profile_named

DB = "default_database"


def batch(*ids: str, dim: int = 2) -> RecordBatch:
    return RecordBatch(list(ids), [[float(i)] * dim for i, _ in enumerate(ids)], [f"doc {i}" for i in ids], None, None)


@pytest.fixture
def store() -> Store:
    return Store(profile_named("cloud", compaction_delay=3600.0))


def test_fork_copies_on_write(store: Store) -> None:
    source = store.create_collection("default_tenant", DB, "src", metadata={"m": 1})
    store.add(DB, source.id, batch("a", "b"))
    forked = store.fork(DB, source.id, "copy")
    assert forked.id != source.id and forked.records is source.records  # shared until a write
    assert (forked.metadata, forked.dimension, forked.tenant, forked.database) == ({"m": 1}, 2, "default_tenant", DB)
    store.add(DB, forked.id, batch("c", "d", "e"))
    store.delete(DB, source.id, ids=["a"])
    assert store.get(DB, source.id).records.ids == ["b"]
    assert store.get(DB, forked.id).records.ids == ["a", "b", "c", "d", "e"]
    # the log came along: the fork reports the source's counters plus its own writes
    status = store.indexing_status(DB, forked.id)
    assert status is not None and status["total_ops"] == 5 and status["num_indexed_ops"] == 0
    store.compact()
    assert store.count(DB, forked.id, "index_only") == 5 and store.count(DB, source.id, "index_only") == 1


def test_fork_count_is_shared_by_the_tree(store: Store) -> None:
    root = store.create_collection("default_tenant", DB, "root")
    assert store.fork_count(DB, root.id) == 0
    child = store.fork(DB, root.id, "child")
    grandchild = store.fork(DB, child.id, "grandchild")
    store.delete_collection("default_tenant", DB, "child")
    store.fork(DB, root.id, "other")
    assert store.fork_count(DB, root.id) == store.fork_count(DB, grandchild.id) == 3


def test_fork_errors(store: Store) -> None:
    root = store.create_collection("default_tenant", DB, "root")
    with pytest.raises(AlreadyExists, match=r"Collection \[root\] already exists"):
        store.fork(DB, root.id, "root")
    with pytest.raises(InvalidArgument, match="multi-region"):
        store.fork("topo+db", root.id, "x")
    with pytest.raises(NotFound):
        store.fork(DB, "3f2b5a4e-8c1d-4e6f-9a7b-1c2d3e4f5a6b", "x")
    assert store.fork(DB, root.id, "x").name == "x"  # no name-format check (a 1-char name forks)


def test_fork_of_a_large_collection_is_cheap() -> None:
    store = Store(profile_named("cloud", compaction_delay=3600.0))
    source = store.create_collection("default_tenant", DB, "big")
    vectors = np.random.default_rng(0).random((20_000, 64), dtype=np.float32)
    store.add(DB, source.id, RecordBatch([str(i) for i in range(20_000)], vectors.tolist(), None, None, None))
    started = time.perf_counter()
    forked = store.fork(DB, source.id, "big-copy")
    assert time.perf_counter() - started < 0.05
    assert forked.records.vectors is source.records.vectors


def test_fork_over_http_and_local_501() -> None:
    base = "/api/v2/tenants/default_tenant/databases/default_database/collections"
    key = {"x-chroma-token": "ck-test"}  # the cloud profile requires an API key; the local one ignores it
    with TestClient(create_app(profile="cloud"), headers=key) as cloud, TestClient(create_app()) as local:
        for client in (cloud, local):
            cid = client.post(base, json={"name": "src"}).json()["id"]
            answer = client.post(f"{base}/{cid}/fork", json={"new_name": "dst"})
            count = client.get(f"{base}/{cid}/fork_count")
            if client is cloud:
                assert answer.status_code == 200 and answer.json()["name"] == "dst"
                assert count.json() == {"count": 1}
                assert client.post(f"{base}/{cid}/fork", json={"new_name": "dst"}).status_code == 409
            else:
                assert answer.status_code == 501 and count.status_code == 501
