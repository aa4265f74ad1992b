"""Cloud profile: attached functions (attach, get, detach; record_counter after compaction); local refuses."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app
from mockserver.errors import AlreadyExists, Internal, InvalidArgument, NotFound
from mockserver.store import RecordBatch, Store
from mockserver.store.profile import profile_named

T, DB = "default_tenant", "default_database"


@pytest.fixture
def store() -> Store:
    return Store(profile_named("cloud", compaction_delay=3600.0))


def test_attach_creates_the_output_and_is_idempotent(store: Store) -> None:
    source = store.create_collection(T, DB, "input")
    info, created = store.attach_function(DB, source.id, "counter", "record_counter", "counts", None)
    assert created and (info["name"], info["function_name"]) == ("counter", "record_counter")
    output = store.get_collection(T, DB, "counts").body()
    assert output["schema"]["source_attached_function_id"] == info["id"]
    assert output["configuration_json"]["hnsw"] is not None  # the output's schema is HNSW's default
    again, created_again = store.attach_function(DB, source.id, "counter", "record_counter", "counts", {})
    assert (again, created_again) == (info, False)
    got = store.get_attached_function(T, DB, source.id, "counter")
    assert (got["id"], got["output_collection"], got["output_collection_id"]) == (info["id"], "counts", output["id"])
    assert got["params"] == "{}" and got["input_collection_id"] == source.id


def test_attach_errors_in_the_sysdb_order(store: Store) -> None:
    source = store.create_collection(T, DB, "input")
    with pytest.raises(NotFound, match="^function not found$"):
        store.attach_function(DB, source.id, "x", "nonexistent_function", "out", None)
    with pytest.raises(InvalidArgument, match="params must be empty"):
        store.attach_function(DB, source.id, "x", "record_counter", "out", {"k": 1})
    store.create_collection(T, DB, "taken")
    with pytest.raises(AlreadyExists, match=r"Output collection \[taken\] already exists"):
        store.attach_function(DB, source.id, "x", "record_counter", "taken", None)
    store.attach_function(DB, source.id, "first", "record_counter", "out-1", None)
    with pytest.raises(AlreadyExists, match="name=first, function=record_counter, output_collection=out-1"):
        store.attach_function(DB, source.id, "second", "statistics", "out-2", None)
    output = store.get_collection(T, DB, "out-1")
    with pytest.raises(Internal, match="cannot attach function to an output collection"):
        store.attach_function(DB, output.id, "chained", "record_counter", "out-3", None)
    with pytest.raises(NotFound):  # a refused attach created no output collection
        store.get_collection(T, DB, "out-2")


def test_detach_and_deleting_the_output(store: Store) -> None:
    source = store.create_collection(T, DB, "input")
    store.attach_function(DB, source.id, "fn", "record_counter", "out", None)
    store.detach_function(DB, source.id, "fn", delete_output=False)
    assert store.get_collection(T, DB, "out").name == "out"  # kept
    with pytest.raises(NotFound, match="does not exist"):
        store.detach_function(DB, source.id, "fn", delete_output=True)
    with pytest.raises(NotFound):
        store.get_attached_function(T, DB, source.id, "fn")
    store.delete_collection(T, DB, "out")
    store.attach_function(DB, source.id, "fn", "record_counter", "out", None)
    store.delete_collection(T, DB, "out")  # deleting the output detaches the function
    with pytest.raises(NotFound):
        store.get_attached_function(T, DB, source.id, "fn")
    _, created = store.attach_function(DB, source.id, "other", "record_counter", "out", None)
    store.detach_function(DB, source.id, "other", delete_output=True)
    with pytest.raises(NotFound):
        store.get_collection(T, DB, "out")
    assert created


def test_record_counter_runs_after_each_compaction(store: Store) -> None:
    source = store.create_collection(T, DB, "input")
    store.attach_function(DB, source.id, "fn", "record_counter", "out", None)
    ids = [f"r{i}" for i in range(5)]
    store.add(DB, source.id, RecordBatch(ids, [[1.0, 2.0]] * 5, None, None, None))
    output = store.get_collection(T, DB, "out")
    assert store.get(DB, output.id, ids=["function_output"]).records.ids == []  # not compacted yet
    store.compact(source.id)
    got = store.get(DB, output.id, ids=["function_output"], include=["metadatas"])
    assert got.records.metadatas == [{"total_count": 5}]
    forked = store.fork(DB, source.id, "input-fork")
    with pytest.raises(NotFound):  # forks do not inherit attached functions
        store.get_attached_function(T, DB, forked.id, "fn")


def test_http_cloud_and_local() -> None:
    key = {"x-chroma-token": "ck-test"}  # for a cloud profile that requires an API key
    with TestClient(create_app(profile="cloud"), headers=key) as cloud, TestClient(create_app()) as local:
        for client in (cloud, local):
            made = client.post(f"/api/v2/tenants/{T}/databases/{DB}/collections", json={"name": "input"}).json()
            base = f"/api/v2/tenants/{T}/databases/{DB}/collections/{made['id']}"
            body = {"name": "fn", "function_id": "record_counter", "output_collection": "out", "params": None}
            attach = client.post(f"{base}/functions/attach", json=body)
            get = client.get(f"{base}/functions/fn")
            detach = client.post(f"{base}/attached_functions/fn/detach", json={"delete_output": True})
            statuses = (attach.status_code, get.status_code, detach.status_code)
            if client is cloud:
                assert statuses == (200, 200, 200), attach.text
                assert attach.json()["created"] is True and detach.json() == {"success": True}
                assert get.json()["attached_function"]["function_name"] == "record_counter"
            else:  # chroma run's answers
                assert statuses == (501, 404, 501)
        multi = cloud.post(
            f"/api/v2/tenants/{T}/databases/topo+db/collections/{made['id']}/functions/attach", json=body
        )
        assert multi.status_code == 400 and "multi-region" in multi.json()["message"]
