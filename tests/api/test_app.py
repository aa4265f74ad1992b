"""App: the whole request path over ASGI — status codes, bodies and headers as Chroma sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


@pytest.fixture()
def client() -> TestClient:
    return TestClient(create_app())


def make_collection(client: TestClient, name: str = "things", **extra: Any) -> str:
    response = client.post(f"{BASE}/collections", json={"name": name, **extra})
    assert response.status_code == 200, response.text
    cid: str = response.json()["id"]
    return cid


def test_router_answers_404_and_405_with_empty_bodies(client: TestClient) -> None:
    missing = client.get("/api/v2/nonexistent")
    assert (missing.status_code, missing.content, missing.headers.get("content-type")) == (404, b"", None)
    wrong = client.post("/api/v2/heartbeat")
    assert (wrong.status_code, wrong.content, wrong.headers["allow"]) == (405, b"", "GET,HEAD")


def test_v1_is_gone(client: TestClient) -> None:
    response = client.get("/api/v1/heartbeat")
    assert response.status_code == 410
    assert response.json()["error"] == "Unimplemented"


def test_heartbeat_alias_and_head(client: TestClient) -> None:
    assert "nanosecond heartbeat" in client.get("/api/v2").json()
    head = client.head("/api/v2/heartbeat")
    assert (head.status_code, head.content) == (200, b"")


def test_errors_are_chroma_shaped_with_trace_header(client: TestClient) -> None:
    response = client.get("/api/v2/tenants/nobody")
    assert response.status_code == 404
    assert response.json() == {"error": "NotFoundError", "message": "Tenant [nobody] not found"}
    assert response.headers["chroma-trace-id"] == "0" * 32
    assert "chroma-trace-id" not in client.get("/api/v2/heartbeat").headers


def test_update_is_visible_to_the_next_get(client: TestClient) -> None:
    cid = make_collection(client)
    url = f"{BASE}/collections/{cid}"
    assert client.post(f"{url}/add", json={"ids": ["a"], "embeddings": [[1, 2]], "metadatas": [{"x": 1, "y": "keep"}]}).status_code == 201
    assert client.post(f"{url}/update", json={"ids": ["a"], "documents": ["new"], "metadatas": [{"x": None, "z": True}]}).status_code == 200
    got = client.post(f"{url}/get", json={"include": ["documents", "metadatas", "embeddings"]}).json()
    assert got == {
        "ids": ["a"],
        "embeddings": [[1.0, 2.0]],
        "documents": ["new"],
        "uris": None,
        "metadatas": [{"y": "keep", "z": True}],
        "include": ["documents", "metadatas", "embeddings"],
    }


def test_update_of_missing_collection_is_404_and_bad_uuid_400(client: TestClient) -> None:
    missing = "5c1a8a3e-2f0b-4c55-9a57-3d1f0f2b9e11"
    response = client.post(f"{BASE}/collections/{missing}/update", json={"ids": ["a"]})
    assert response.status_code == 404
    assert response.json() == {"error": "NotFoundError", "message": f"Collection [{missing}] does not exist."}
    bad = client.post(f"{BASE}/collections/not-a-uuid/update", json={"ids": ["a"]})
    assert bad.status_code == 400 and bad.json()["message"] == "Collection ID is not a valid UUIDv4"


def test_failed_write_changes_nothing_but_the_dimension(client: TestClient) -> None:
    cid = make_collection(client)
    url = f"{BASE}/collections/{cid}"
    failed = client.post(f"{url}/add", json={"ids": ["a", "b"], "embeddings": [[1, 2, 3]]})
    assert failed.status_code == 400
    assert client.get(f"{url}/count").json() == 0
    assert client.get(f"{BASE}/collections/things").json()["dimension"] == 3
    wrong_dim = client.post(f"{url}/add", json={"ids": ["a"], "embeddings": [[1, 2]]})
    assert wrong_dim.json()["message"] == "Collection expecting embedding with dimension of 3, got 2"


def test_rename_conflict_is_500_like_chroma(client: TestClient) -> None:
    make_collection(client, "first")
    second = make_collection(client, "second")
    response = client.put(f"{BASE}/collections/{second}", json={"new_name": "first"})
    assert response.status_code == 500
    assert response.json()["error"] == "InternalError"


def test_add_returns_201_and_delete_counts_ids_sent(client: TestClient) -> None:
    cid = make_collection(client)
    url = f"{BASE}/collections/{cid}"
    assert client.post(f"{url}/add", json={"ids": ["a"], "embeddings": ["AAAAPwAAoL8="]}).status_code == 201
    got = client.post(f"{url}/get", json={"include": ["embeddings"]}).json()
    assert got["embeddings"] == [[0.5, -1.25]]
    assert client.post(f"{url}/delete", json={"ids": ["a", "zz", "zz"]}).json() == {"deleted": 3}


def test_our_own_bugs_answer_500_internal_error(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.api import handlers

    def broken(ctx: object, req: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setitem(handlers.HANDLERS, "heartbeat", broken)
    response = client.get("/api/v2/heartbeat")
    assert response.status_code == 500
    assert response.json()["error"] == "InternalError"
    assert "chroma-mockserver internal error" in response.json()["message"]


def test_a_large_body_is_followed_by_a_heap_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.api import memory

    trims: list[int] = []
    monkeypatch.setattr(memory, "release", lambda: trims.append(1) or True)
    with TestClient(create_app()) as client:  # one event loop for all requests, as under uvicorn
        cid = make_collection(client)
        small = client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a"], "embeddings": [[1.0, 2.0]]})
        assert small.status_code == 201
        assert client.get(f"{BASE}/collections/{cid}/count").json() == 1
        assert trims == []
        n = 40_000
        body = {"ids": [f"r{i}" for i in range(n)], "embeddings": [[0.123456789, 1.23456789]] * n}
        assert len(json.dumps(body)) >= memory.TRIM_AFTER_BYTES
        big = client.post(f"{BASE}/collections/{cid}/add", json=body)
        assert big.status_code == 201
        assert client.get(f"{BASE}/collections/{cid}/count").json() == n + 1  # the trim ran after the answer
        assert trims == [1]
