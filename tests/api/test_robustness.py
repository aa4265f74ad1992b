"""App: adversarial requests (wrong JSON types, huge or deep bodies, bad batches) answer quickly as Chroma does."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app

BASE = "/api/v2/tenants/default_tenant/databases/default_database"
#: every request here must be answered within this many seconds (the bugs took 6-24 s)
BOUND = 2.0


@pytest.fixture()
def client() -> TestClient:
    return TestClient(create_app())


@contextmanager
def bounded(seconds: float = BOUND) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.2f} s"


@pytest.mark.parametrize(
    "schema",
    [
        {"defaults": {"x": 5}, "keys": {}},
        {"defaults": {"x": [1]}, "keys": {}},
        {"defaults": {"string": {"x": 5}}, "keys": {"a": {"int": {"q": "w"}, "z": None}}},
        {"defaults": {}, "keys": {"#embedding": {"foo": 5}, "#document": {"bar": {"x": 1}}}},
    ],
)
def test_unknown_schema_fields_of_any_type_are_ignored(client: TestClient, schema: Any) -> None:
    with bounded():
        response = client.post(f"{BASE}/collections", json={"name": "zeta1", "schema": schema})
    assert response.status_code == 200, response.text
    shown = response.json()["schema"]
    assert "x" not in shown["defaults"] and "x" not in shown["defaults"]["string"]
    assert set(shown["keys"]["#embedding"]) == {"float_list"}


def test_embedding_functions_keep_their_variant_fields_only(client: TestClient) -> None:
    sparse = {"sparse_vector_index": {"enabled": False, "config": {"embedding_function": {"type": "legacy", "x": 1}}}}
    response = client.post(
        f"{BASE}/collections",
        json={"name": "sparse", "schema": {"defaults": {"sparse_vector": sparse}, "keys": {"a": {"sparse_vector": sparse}}}},
    )
    schema = response.json()["schema"]
    assert schema["defaults"]["sparse_vector"]["sparse_vector_index"]["config"] == {
        "embedding_function": {"type": "legacy"},
        "bm25": False,
    }
    assert schema["keys"]["a"]["sparse_vector"]["sparse_vector_index"]["config"] == {
        "embedding_function": {"type": "legacy"}
    }
    known = {"type": "known", "name": "n", "config": {"k": 1}, "extra": True}
    created = client.post(f"{BASE}/collections", json={"name": "known", "configuration": {"embedding_function": known}})
    assert created.json()["configuration_json"]["embedding_function"] == {"type": "known", "name": "n", "config": {"k": 1}}


def _collection(client: TestClient, name: str = "robust") -> str:
    cid: str = client.post(f"{BASE}/collections", json={"name": name}).json()["id"]
    return cid


@pytest.mark.parametrize(
    "body",
    [
        b"[" + b",".join([b"1"] * 20_000_000) + b"]",  # 40 MB: the whole body was repeated (24 s, 3 GB)
        b'{"ids": [' + b",".join([b"1"] * 4_000_000) + b"]}",  # 4M errors: iter_errors was superlinear
        b'{"ids": [' + b",".join([b"{}"] * 1_000_000) + b"]}",
        b'{"where": [' + b",".join([b'{"a": 1}'] * 200_000) + b"]}",
        b'{"ids": ["a"], "embeddings": [[' + b",".join([b"1.5"] * 4_000_000) + b'], "x"]}',  # 16 MB failing array
    ],
    ids=["array-body", "many-wrong-ids", "many-map-ids", "array-where", "huge-failing-array"],
)
def test_error_replies_to_huge_bodies_are_small_and_quick(client: TestClient, body: bytes) -> None:
    cid = _collection(client)
    op = "add" if b'"embeddings"' in body[:40] else "get"
    with bounded(3.0):  # Chroma: 0.03 s; the mock took 24 s to minutes
        response = client.post(f"{BASE}/collections/{cid}/{op}", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert len(response.content) < 1000, response.content[:300]


def test_a_query_that_raises_in_a_coalesced_batch_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    import httpx

    from mockserver.store import reads

    real_parse = reads.parse_filters

    def parse(where: Any, where_document: Any, enabled: Any) -> Any:
        if where == {"boom": 1}:
            raise RecursionError("maximum recursion depth exceeded")  # as a too-deep `where` did
        return real_parse(where, where_document, enabled)

    monkeypatch.setattr(reads, "parse_filters", parse)
    app = create_app()

    async def main() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            created = await client.post(f"{BASE}/collections", json={"name": "coalesced"})
            url = f"{BASE}/collections/{created.json()['id']}"
            await client.post(f"{url}/add", json={"ids": ["a", "b"], "embeddings": [[1.0, 0.0], [0.0, 1.0]]})
            bodies: list[dict[str, Any]] = [{"query_embeddings": [[1.0, 0.0]], "n_results": 1}] * 16
            bodies.insert(7, {"query_embeddings": [[1.0, 0.0]], "where": {"boom": 1}})
            bodies.insert(12, {"query_embeddings": [[1.0, 0.0]], "where": json.loads(_where_and(63))})  # too deep
            return await asyncio.gather(*(client.post(f"{url}/query", json=body) for body in bodies))

    with bounded():
        answers = asyncio.run(main())
    assert app.coalescer.batches < len(answers)  # they were coalesced
    assert answers[7].status_code == 500 and "RecursionError" in answers[7].json()["message"]
    assert answers[12].status_code == 400 and "recursion limit exceeded" in answers[12].json()["message"]
    others = [a for i, a in enumerate(answers) if i not in (7, 12)]
    assert [(a.status_code, a.json()["ids"]) for a in others] == [(200, [["a"]])] * 16


def _where_and(depth: int) -> str:
    clause = '{"a": 1}'
    for _ in range(depth):
        clause = '{"$and": [' + clause + ', {"b": 2}]}'
    return clause


@pytest.mark.parametrize(
    ("field", "body", "status", "message"),
    [
        ("where-62", '{"where": %s}' % _where_and(62), 200, None),
        ("where-63", '{"where": %s}' % _where_and(63), 400, "recursion limit exceeded at line 1 column 641"),
        ("where-490", '{"where": %s}' % _where_and(490), 400, "recursion limit exceeded at line 1 column 641"),
        ("where-5000", '{"where": %s}' % _where_and(5000), 400, "recursion limit exceeded at line 1 column 641"),
        ("where-arrays", '{"where": %s}' % ("[" * 127 + "]" * 127), 400, "where" + "[0]" * 126 + ": recursion limit"),
        ("ids-257", '{"ids": %s}' % ("[" * 257 + "]" * 257), 422, "ids[0]: invalid type: sequence, expected a string at line 1 column 9"),
        ("ids-20000", '{"ids": %s}' % ("[" * 20000 + "]" * 20000), 422, "ids[0]: invalid type: sequence, expected a string at line 1 column 9"),
    ],
)
def test_nesting_follows_serdes_recursion_limit(
    client: TestClient, field: str, body: str, status: int, message: str | None
) -> None:
    cid = _collection(client)
    with bounded():
        response = client.post(f"{BASE}/collections/{cid}/get", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text[:300]
    if message is not None:
        assert message in response.json()["message"]


def test_paths_match_literal_segments_raw_and_decode_parameters(client: TestClient) -> None:
    assert client.get("/api/v2/%68eartbeat").status_code == 404
    assert client.get("/api/v2/tenants/default%5Ftenant").json()["name"] == "default_tenant"
    bad = client.get(f"{BASE}/collections/%FF%FE")
    assert (bad.status_code, bad.json()["message"]) == (400, "Invalid URL: Invalid UTF-8 in `collection_id`")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_bodies_must_be_utf8_without_a_byte_order_mark(client: TestClient, encoding: str) -> None:
    body = '{"name": "encoded"}'.encode(encoding)
    response = client.post("/api/v2/tenants", content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (400, "InvalidArgumentError")


@pytest.mark.parametrize(("goc", "status"), [(True, 200), (False, 409)])
def test_array_metadata_on_an_existing_collection_is_not_a_crash(client: TestClient, goc: bool, status: int) -> None:
    cid = _collection(client, "existing")
    response = client.post(
        f"{BASE}/collections", json={"name": "existing", "metadata": {"a": [1, 2]}, "get_or_create": goc}
    )
    assert response.status_code == status
    if goc:
        assert response.json()["id"] == cid and response.json()["metadata"] is None


def test_derive_structs_are_also_read_from_arrays(client: TestClient) -> None:
    json_type = {"content-type": "application/json"}
    assert client.post("/api/v2/tenants", content=b'["from_array"]', headers=json_type).status_code == 200
    assert client.get("/api/v2/tenants/from_array").status_code == 200
    created = client.post(f"{BASE}/collections", content=b'["arr_coll", null, null, {"k": 1}]', headers=json_type)
    assert (created.status_code, created.json()["metadata"]) == (200, {"k": 1})
    short = client.post("/api/v2/tenants", content=b"[]", headers=json_type)
    assert short.status_code == 422 and "invalid length 0" in short.json()["message"]
    assert client.post("/api/v2/tenants", content=b'["a_t", "b"]', headers=json_type).status_code == 400
    get = client.post(f"{BASE}/collections/{created.json()['id']}/get", content=b'[["x"]]', headers=json_type)
    assert get.status_code == 422 and "expected struct GetRequestPayload" in get.json()["message"]


def test_a_heavy_query_batch_leaves_the_event_loop_free(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import httpx

    from mockserver.api import app as app_module
    from mockserver.pytest.server_thread import MockServer
    from mockserver.store import Store

    app = create_app()
    slow_query = Store.query_many

    def query_many(self: Store, calls: Any) -> Any:
        time.sleep(1.5)  # stands for a 500-vector x n_results 100 query over 100k records (2-4 s)
        return slow_query(self, calls)

    monkeypatch.setattr(Store, "query_many", query_many)
    monkeypatch.setattr(app_module, "HEAVY_BATCH_WORK", 1)  # this small query counts as heavy
    with MockServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        cid = client.post(f"{BASE}/collections", json={"name": "heavy"}).json()["id"]
        client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a"], "embeddings": [[1.0, 2.0]]})
        answers: list[httpx.Response] = []
        query = threading.Thread(
            target=lambda: answers.append(
                client.post(f"{BASE}/collections/{cid}/query", json={"query_embeddings": [[1.0, 2.0]]})
            )
        )
        query.start()
        time.sleep(0.3)
        with httpx.Client(base_url=server.url, timeout=30) as other, bounded(0.8):
            assert other.get("/api/v2/heartbeat").status_code == 200  # answered while the query runs
        assert query.is_alive()
        query.join()
    assert answers[0].status_code == 200 and answers[0].json()["ids"] == [["a"]]
