"""Cloud profile: the write log, compaction (version, log_position), indexing_status and read levels."""

from __future__ import annotations

import time

import pytest

from mockserver.store import RecordBatch, Store
from mockserver.store.profile import profile_named
from mockserver.store.search import parse_request

DB = "default_database"


def batch(*ids: str) -> RecordBatch:
    return RecordBatch(list(ids), [[float(i), 1.0] for i, _ in enumerate(ids)], None, None, None)


@pytest.fixture
def slow() -> tuple[Store, str]:
    """A cloud store whose compactor never runs by itself during a test (forced only)."""
    store = Store(profile_named("cloud", compaction_delay=3600.0))
    return store, store.create_collection("default_tenant", DB, "ccc").id


def status(store: Store, cid: str) -> tuple[int, int, int, float]:
    s = store.indexing_status(DB, cid)
    assert s is not None
    return s["num_indexed_ops"], s["num_unindexed_ops"], s["total_ops"], float(s["op_indexing_progress"])


def test_ops_counted_as_chroma_counts_them(slow: tuple[Store, str]) -> None:
    store, cid = slow
    assert status(store, cid) == (0, 0, 0, 1.0)
    store.add(DB, cid, batch("a", "b", "c"))
    store.upsert(DB, cid, batch("a", "d"))
    store.delete(DB, cid, ids=["a", "zz"])
    assert status(store, cid) == (0, 7, 7, 0.0)
    assert store.compact(cid) == [cid]
    assert status(store, cid) == (7, 0, 7, 1.0)
    body = store.collection(DB, cid).body()
    assert (body["version"], body["log_position"]) == (1, 7)
    assert store.compact(cid) == []  # nothing pending: no new version
    assert store.collection(DB, cid).body()["version"] == 1


def test_index_only_sees_the_compacted_state(slow: tuple[Store, str]) -> None:
    store, cid = slow
    store.add(DB, cid, batch("a", "b"))
    store.compact()
    store.delete(DB, cid, ids=["a"])
    store.add(DB, cid, batch("x", "y", "z"))

    def ids(level: str) -> list[str]:
        found = store.search(DB, cid, parse_request({"searches": [{}], "read_level": level}))
        return list(found["ids"][0])

    assert ids("index_and_wal") == ["b", "x", "y", "z"]
    assert ids("index_only") == ["a", "b"]
    assert store.count(DB, cid, "index_only") == 2 and store.count(DB, cid) == 4
    assert ids("index_and_bounded_wal") == ["b", "x", "y", "z"]  # 4 ops pending, within the bound


def test_bounded_wal_takes_whole_writes_up_to_the_limit() -> None:
    store = Store(profile_named("cloud", compaction_delay=3600.0, bounded_wal_limit=2))
    cid = store.create_collection("default_tenant", DB, "ccc").id
    store.add(DB, cid, batch("a", "b"))
    store.add(DB, cid, batch("c"))
    found = store.search(DB, cid, parse_request({"searches": [{}], "read_level": "index_and_bounded_wal"}))
    assert found["ids"] == [["a", "b"]]
    assert store.count(DB, cid, "index_and_bounded_wal") == 2


def test_compaction_runs_by_itself_after_the_delay() -> None:
    store = Store(profile_named("cloud", compaction_delay=0.05))
    cid = store.create_collection("default_tenant", DB, "ccc").id
    store.add(DB, cid, batch("a"))
    assert store.collection(DB, cid).body()["version"] == 0
    time.sleep(0.06)
    assert store.collection(DB, cid).body()["version"] == 1
    assert status(store, cid) == (1, 0, 1, 1.0)


def test_local_profile_has_no_log() -> None:
    store = Store()
    cid = store.create_collection("default_tenant", DB, "ccc").id
    store.add(DB, cid, batch("a"))
    assert store.indexing_status(DB, cid) is None and store.compact() == []
    assert store.collection(DB, cid).body()["version"] == 0


def test_a_collection_without_a_log_gets_one_compacted(slow: tuple[Store, str]) -> None:
    """What a collection restored from a state file (which keeps no log) looks like on its next use."""
    store, cid = slow
    store.add(DB, cid, batch("a", "b"))
    store.collections.by_id[cid].wal = None
    assert store.count(DB, cid, "index_only") == 2  # its records are the index now
    assert status(store, cid) == (0, 0, 0, 1.0)
    store.add(DB, cid, batch("c"))
    assert store.count(DB, cid, "index_only") == 2 and store.count(DB, cid) == 3
