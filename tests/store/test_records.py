"""Store: RecordTable keeps storage order, float32 rows, and survives deletes and compaction."""

from __future__ import annotations

import numpy as np

from mockserver.store.records import RecordTable


def vec(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def test_append_delete_readd_keeps_storage_order() -> None:
    table = RecordTable()
    table.ensure_dimension(2)
    for rid in "abc":
        table.append(rid, vec(1, 2), None, None, None)
    table.delete_rows(table.rows_for_ids(["a"]))
    table.append("a", vec(3, 4), "doc", None, {"k": 1})
    assert [table.ids[r] for r in table.live_rows().tolist()] == ["b", "c", "a"]
    assert table.embedding(table.row_of["a"]).tolist() == [3.0, 4.0]
    assert len(table) == 3


def test_rows_for_ids_dedupes_and_skips_unknown_in_storage_order() -> None:
    table = RecordTable()
    table.ensure_dimension(1)
    for rid in ["x", "y", "z"]:
        table.append(rid, vec(0), None, None, None)
    assert [table.ids[r] for r in table.rows_for_ids(["z", "x", "nope", "z"]).tolist()] == ["x", "z"]


def test_growth_and_compaction_keep_vectors_and_order() -> None:
    table = RecordTable()
    table.ensure_dimension(3)
    for i in range(200):
        table.append(f"r{i}", vec(i, i, i), None, None, {"i": i})
    version = table.version
    table.delete_rows(table.rows_for_ids([f"r{i}" for i in range(0, 200, 2)] + [f"r{i}" for i in range(1, 100, 2)]))
    assert table.version > version
    live = table.live_rows()
    assert [table.ids[r] for r in live.tolist()] == [f"r{i}" for i in range(101, 200, 2)]
    assert table.vectors is not None and table.vectors.dtype == np.float32
    assert table.embedding(table.row_of["r199"]).tolist() == [199.0, 199.0, 199.0]
    table.append("new", vec(7, 7, 7), None, None, None)
    assert table.ids[table.live_rows()[-1]] == "new"


def test_metadata_is_stored_compactly_and_read_back_as_fresh_dicts() -> None:
    table = RecordTable()
    table.ensure_dimension(1)
    table.append("a", vec(0), None, None, {"i": 1, "s": "x"})
    table.append("b", vec(0), None, None, {"i": 2, "s": "y"})
    table.append("c", vec(0), None, None, {"s": "z", "tags": [1, 2]})
    table.append("d", vec(0), None, None, None)
    assert table.metadata(0) == {"i": 1, "s": "x"}
    assert table.metadata(3) is None
    assert list(table.metadata(2) or {}) == ["s", "tags"]  # key order is kept
    assert table._keys[0] is table._keys[1]  # one key tuple shared by rows with the same keys
    first = table.metadata(0)
    assert first is not None
    first["i"] = 99  # a caller's dict is its own
    assert table.metadata(0) == {"i": 1, "s": "x"}
    assert table.metadata_values("i") == [1, 2, None, None]
    assert table.metadata_values("tags") == [None, None, [1, 2], None]
    assert table.metadata_values("missing") == [None] * 4


def test_set_metadata_bumps_version_and_survives_delete_and_compaction() -> None:
    table = RecordTable()
    table.ensure_dimension(1)
    for i in range(100):
        table.append(f"r{i}", vec(i), None, None, {"i": i} if i % 2 else {"i": i, "even": True})
    version = table.version
    table.set_metadata(table.row_of["r99"], {"new": "shape"})
    assert table.version > version
    table.delete_rows(table.rows_for_ids([f"r{i}" for i in range(60)]))  # compacts
    assert table.metadata(table.row_of["r60"]) == {"i": 60, "even": True}
    assert table.metadata(table.row_of["r99"]) == {"new": "shape"}
    assert table.metadata_values("i")[:2] == [60, 61]
    table.set_metadata(table.row_of["r61"], None)
    assert table.metadata(table.row_of["r61"]) is None
