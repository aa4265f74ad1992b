"""Journal: bounded, filtered, thread-safe; assertion helpers fail with a readable listing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import orjson
import pytest

from mockserver.control.journal import TOO_DEEP, Journal, JournalEntry, plain, writable


def entry(
    operation_id: str | None, method: str = "POST", path: str = "/api/v2/x", status: int = 200, **extra: object
) -> JournalEntry:
    return JournalEntry(operation_id, method, path, status, extra.get("request"), extra.get("response"), 1.5, 1.0)


def test_records_in_order_and_filters_by_operation_method_path_status() -> None:
    journal = Journal()
    journal.record(entry("create_collection", path="/api/v2/tenants/t/databases/d/collections"))
    journal.record(entry("collection_add", path="/api/v2/tenants/t/databases/d/collections/c1/add", status=201))
    journal.record(entry("collection_get", path="/api/v2/tenants/t/databases/d/collections/c1/get"))
    journal.record(entry("heartbeat", method="GET", path="/api/v2/heartbeat"))
    assert journal.operations() == ["create_collection", "collection_add", "collection_get", "heartbeat"]
    assert [e.operation_id for e in journal.entries(method="get")] == ["heartbeat"]
    assert [e.operation_id for e in journal.entries(status=201)] == ["collection_add"]
    assert [e.operation_id for e in journal.entries(path="/api/v2/tenants/*/databases/*/collections/*/*")] == [
        "collection_add",
        "collection_get",
    ]
    assert [e.operation_id for e in journal.entries(path="/api/v2/**/add")] == ["collection_add"]
    assert [e.operation_id for e in journal.entries(path="re:.*/c1/(get|add)")] == ["collection_add", "collection_get"]
    assert [e.operation_id for e in journal.entries(path="/api/v2/heartbeat")] == ["heartbeat"]
    assert [e.operation_id for e in journal.entries(limit=2)] == ["collection_get", "heartbeat"]
    assert journal.entries(limit=0) == []
    assert journal.calls("collection_add")[0].status == 201


def test_bounded_drops_the_oldest_and_counts_them() -> None:
    journal = Journal(maxlen=3)
    for i in range(5):
        journal.record(entry(f"op{i}"))
    assert len(journal) == 3
    assert journal.operations() == ["op2", "op3", "op4"]
    assert journal.dropped == 2
    assert journal.clear() == 3
    assert len(journal) == 0 and journal.dropped == 0


def test_maxlen_zero_records_nothing() -> None:
    journal = Journal(maxlen=0)
    journal.record(entry("heartbeat"))
    assert not journal.enabled and len(journal) == 0
    with pytest.raises(ValueError):
        Journal(maxlen=-1)


def test_entries_are_frozen_and_bodies_are_plain_json() -> None:
    journal = Journal()
    response = {
        "ids": ["a"],
        "embeddings": np.array([[1.0, 2.0]], dtype=np.float32),
        "distances": [np.array([0.5], dtype=np.float32)],
    }
    journal.record(JournalEntry("collection_get", "POST", "/p", 200, {"ids": ["a"]}, response, 0.1, 2.0))
    got = journal.last("collection_get")
    assert got.response_body == {"ids": ["a"], "embeddings": [[1.0, 2.0]], "distances": [[0.5]]}
    assert got.request_body == {"ids": ["a"]}
    with pytest.raises(AttributeError):
        got.status = 500  # type: ignore[misc]
    assert plain({"a": 1}) == {"a": 1}
    assert got.to_json()["operation_id"] == "collection_get"


def test_raw_bodies_are_parsed_when_read() -> None:
    journal = Journal()
    journal.record_raw("collection_update", "POST", "/p", 200, b'{"ids":["a"],"n":1.5}', b"{}", 0.1, 2.0)
    journal.record_raw(
        "collection_add", "POST", "/p", 400, b"{not json", b'{"error":"E","message":"m"}', 0.1, 2.0, "q=1"
    )
    journal.record_raw(None, "GET", "/nowhere", 404, b"", b"", 0.1, 2.0)
    update, add, missing = journal.entries()
    assert update.request_body == {"ids": ["a"], "n": 1.5}
    assert update.response_body == {}
    assert (add.request_body, add.response_body, add.query) == (None, {"error": "E", "message": "m"}, "q=1")
    assert (missing.request_body, missing.response_body) == (None, None)


def test_assert_called_counts_and_explains() -> None:
    journal = Journal()
    journal.record(entry("collection_add", path="/api/v2/a/add", status=201))
    journal.record(entry("collection_add", path="/api/v2/b/add", status=400))
    assert len(journal.assert_called("collection_add")) == 2
    journal.assert_called("collection_add", times=2)
    journal.assert_called("collection_add", times=1, status=400)
    journal.assert_not_called("collection_query")
    with pytest.raises(AssertionError) as info:
        journal.assert_called("collection_add", times=3)
    message = str(info.value)
    assert "expected collection_add to be called 3 times, but it was called 2 times" in message
    assert "POST /api/v2/b/add -> 400 (collection_add)" in message
    with pytest.raises(AssertionError, match="expected collection_query to be called, but it never was"):
        journal.assert_called("collection_query")
    with pytest.raises(AssertionError, match="called once"):
        journal.assert_not_called("collection_add", status=201)


def test_last_without_calls_is_an_assertion_error() -> None:
    journal = Journal()
    with pytest.raises(AssertionError, match="The journal is empty"):
        journal.last()
    journal.record(entry("heartbeat", method="GET"))
    assert journal.last().operation_id == "heartbeat"
    with pytest.raises(AssertionError, match="a collection_add request"):
        journal.last("collection_add")


def test_long_journals_show_only_the_tail_in_failures() -> None:
    journal = Journal()
    for i in range(30):
        journal.record(entry(f"op{i}"))
    with pytest.raises(AssertionError) as info:
        journal.assert_called("missing")
    assert "Requests recorded (30, last 20 shown):" in str(info.value)
    assert "(op9)" not in str(info.value) and "(op29)" in str(info.value)


def test_concurrent_recording_keeps_every_entry_up_to_the_bound() -> None:
    journal = Journal(maxlen=10_000)

    def work(n: int) -> None:
        for i in range(1000):
            journal.record_raw(f"t{n}", "GET", "/", 200, b"", b"", 0.0, 0.0)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(journal) == 8000
    assert all(len(journal.calls(f"t{n}")) == 1000 for n in range(8))


def test_body_bytes_are_bounded_oldest_first() -> None:
    journal = Journal(maxlen=100, max_bytes=1000)
    for i in range(10):
        journal.record_raw("collection_add", "POST", f"/p{i}", 201, b"x" * 300, b"{}", 1.0, 0.0)
    kept = journal.entries()
    assert [e.path for e in kept] == ["/p7", "/p8", "/p9"]  # 3 x 302 bytes fit in 1000
    assert journal.dropped == 7
    journal.record_raw("collection_add", "POST", "/huge", 201, b"y" * 5000, b"{}", 1.0, 0.0)
    assert [e.path for e in journal.entries()] == ["/huge"]  # the newest entry is always kept


def test_sequence_numbers_since_get_and_bodies_off_survive_drops_and_clear() -> None:
    journal = Journal(maxlen=3)
    assert journal.last_seq == 0 and journal.get(1) is None and journal.entries(since=0) == []
    for n in range(5):
        journal.record_raw("heartbeat", "GET", f"/p{n}", 200, b"", b'{"n": %d}' % n, 0.1, 1.0)
    assert journal.last_seq == 5 and [e.seq for e in journal.entries()] == [3, 4, 5]
    assert [e.path for e in journal.entries(since=3)] == ["/p3", "/p4"]
    assert [e.seq for e in journal.entries(since=0)] == [3, 4, 5]  # dropped ones are simply gone
    assert journal.entries(since=5) == [] and journal.entries(since=99) == []
    assert [e.seq for e in journal.entries(since=3, status=200, limit=1)] == [5]
    assert journal.get(2) is None and journal.get(6) is None
    found = journal.get(4)
    assert found is not None and (found.seq, found.path, found.response_body) == (4, "/p3", {"n": 3})
    listed = journal.entries(bodies=False)[0]
    assert listed.response_body is None and "response_body" not in listed.to_json(bodies=False)
    journal.clear()
    journal.record(entry("heartbeat"))
    assert [e.seq for e in journal.entries()] == [6]  # never reused: a cursor held across a clear stays valid


def test_repr_shows_operation_status_and_a_body_preview() -> None:
    journal = Journal()
    assert repr(journal) == "<Journal: The journal is empty.>"
    long_ids = [f"id-{i}" for i in range(50)]
    journal.record(entry("collection_add", path="/api/v2/c/add", status=201, request={"ids": long_ids}))
    journal.record(entry("heartbeat", method="GET", path="/api/v2/heartbeat"))
    text = repr(journal)
    assert "POST /api/v2/c/add -> 201 (collection_add) {\"ids\":[\"id-0\",\"id-1\"" in text
    assert "GET /api/v2/heartbeat -> 200 (heartbeat)" in text
    first = journal.entries()[0]
    assert repr(first).startswith("<JournalEntry POST /api/v2/c/add -> 201 (collection_add) {")
    assert repr(first).endswith("…>") and len(repr(first)) < 200


def test_embeddings_decodes_base64_and_lists() -> None:
    import base64

    packed = base64.b64encode(np.array([0.5, -1.0, 2.0], dtype="<f4").tobytes()).decode()
    add = entry("collection_add", request={"ids": ["a", "b"], "embeddings": [packed, [1, 2, 3]]})
    assert add.embeddings == [[0.5, -1.0, 2.0], [1.0, 2.0, 3.0]]
    query = entry("collection_query", request={"query_embeddings": [packed]})
    assert query.embeddings == [[0.5, -1.0, 2.0]]
    assert entry("collection_get", request={"ids": ["a"]}).embeddings is None
    assert entry("heartbeat").embeddings is None


# --- robustness (issue 15) -------------------------------------------------------------------------
def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def test_path_filters_take_linear_time() -> None:
    """`**a**a**a**a**b` over a long path blocked for seconds on a backtracking engine."""
    journal = Journal()
    long_path = "/api/v2/" + "a" * 20_000
    journal.record(entry("x", path=long_path))
    journal.record(entry("y", path="/api/v2/aaaab"))
    for pattern in ("**a**a**a**a**b", "*a*a*a*a*b*c", "re:(a|aa|aaa)+b", "re:(?:a*)*b"):
        assert _timed(lambda pattern=pattern: journal.entries(path=pattern)) < 0.5, pattern
    assert [e.operation_id for e in journal.entries(path="**a**a**a**a**b")] == ["y"]
    assert [e.operation_id for e in journal.entries(path="re:/api/v2/(a|aa)+")] == ["x"]
    assert [e.operation_id for e in journal.entries(path="/api/v2/*b")] == ["y"]


@pytest.mark.parametrize("pattern", ["re:[", "re:(a", "re:a{2,1}", "re:(?<=a)b", r"re:(a)\1"])
def test_a_bad_path_regex_is_a_value_error(pattern: str) -> None:
    with pytest.raises(ValueError, match="bad path regular expression"):
        Journal().entries(path=pattern)


def test_bodies_too_deep_for_orjson_are_written_as_their_text() -> None:
    journal = Journal()
    deep = b'{"name": ' + b"[" * 300 + b"]" * 300 + b"}"
    journal.record_raw("create_tenant", "POST", "/api/v2/tenants", 422, deep, b'{"error":"x"}', 1.0, 1.0)
    [got] = journal.entries()
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(got.to_json())
    written = writable(got)
    assert written["request_body"] == {TOO_DEEP: deep.decode()}
    assert written["response_body"] == {"error": "x"}
    orjson.dumps(written)
