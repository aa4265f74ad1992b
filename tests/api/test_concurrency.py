"""App: several clients writing at once over real HTTP end in the same state as a sequential replay."""

from __future__ import annotations

import asyncio
import threading

import httpx
import orjson

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def _writes(worker: int, cid: str) -> list[tuple[str, dict[str, object]]]:
    steps: list[tuple[str, dict[str, object]]] = []
    for i in range(25):
        rid = f"w{worker}-{i}"
        steps.append(("add", {"ids": [rid], "embeddings": [[float(worker), float(i)]], "metadatas": [{"n": i}]}))
        steps.append(("update", {"ids": [rid], "metadatas": [{"worker": worker}]}))
        steps.append(("upsert", {"ids": ["shared"], "embeddings": [[1.0, 1.0]], "metadatas": [{f"k{worker}": i}]}))
        if i % 5 == 4:
            steps.append(("delete", {"ids": [f"w{worker}-{i - 1}"]}))
    return steps


def _state(client: httpx.Client, cid: str) -> dict[str, object]:
    got = client.post(f"{BASE}/collections/{cid}/get", json={"include": ["metadatas", "embeddings"]}).json()
    records = dict(zip(got["ids"], zip(got["metadatas"], map(tuple, got["embeddings"]))))
    return {"records": records, "count": client.get(f"{BASE}/collections/{cid}/count").json()}


def test_concurrent_writers_match_sequential_replay() -> None:
    workers = 4
    with MockServer(create_app()) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        cid = client.post(f"{BASE}/collections", json={"name": "conc"}).json()["id"]
        errors: list[str] = []

        def run(worker: int) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as own:
                for op, body in _writes(worker, cid):
                    response = own.post(f"{BASE}/collections/{cid}/{op}", json=body)
                    if response.status_code >= 300:
                        errors.append(response.text)

        threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        concurrent = _state(client, cid)

        replay = client.post(f"{BASE}/collections", json={"name": "replay"}).json()["id"]
        for w in range(workers):
            for op, body in _writes(w, replay):
                assert client.post(f"{BASE}/collections/{replay}/{op}", json=body).status_code < 300
        sequential = _state(client, replay)

    # Per-record state is order-independent except the shared record's merged metadata keys,
    # which every worker writes to distinct keys: the merge must keep all of them.
    assert concurrent["count"] == sequential["count"] == workers * 20 + 1
    assert concurrent["records"] == sequential["records"]


def test_concurrent_queries_are_coalesced_and_each_gets_its_own_answer() -> None:
    app = create_app()
    with MockServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        cid = client.post(f"{BASE}/collections", json={"name": "queries"}).json()["id"]
        vectors = [[float(i % 17), float(i % 5), float(i)] for i in range(200)]
        client.post(
            f"{BASE}/collections/{cid}/add",
            json={"ids": [f"r{i}" for i in range(200)], "embeddings": vectors, "metadatas": [{"i": i} for i in range(200)]},
        ).raise_for_status()
        bodies: list[dict[str, object]] = [
            {"query_embeddings": [[float(k), 1.0, float(3 * k)]], "n_results": 1 + k % 12} for k in range(40)
        ]
        bodies[5] = {"query_embeddings": [[1.0, 2.0]]}  # wrong dimension: 400, alone in its batch or not
        bodies[9] = {"query_embeddings": [[1.0, 2.0, 3.0]], "where": {"i": {"$gte": 150}}}
        bodies[13] = {"query_embeddings": [[1.0, 2.0, 3.0]], "where": {"i": {"$bad": 1}}}
        expected = [client.post(f"{BASE}/collections/{cid}/query", json=b) for b in bodies]  # one at a time
        items_before = app.coalescer.items
        answers: list[httpx.Response | None] = [None] * len(bodies)

        def run(worker: int) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as own:
                for _ in range(5):
                    for k in range(worker, len(bodies), 8):
                        answers[k] = own.post(f"{BASE}/collections/{cid}/query", json=bodies[k])

        threads = [threading.Thread(target=run, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for want, got in zip(expected, answers, strict=True):
            assert got is not None
            assert (got.status_code, got.json()) == (want.status_code, want.json())
        assert {r.status_code for r in expected} == {200, 400}
        assert app.coalescer.items - items_before == 5 * len(bodies)  # every query went through the coalescer


def test_queries_in_flight_together_are_answered_by_one_store_call() -> None:
    app = create_app()

    async def call(path: str, body: dict[str, object]) -> tuple[int, object]:
        payload = orjson.dumps(body)
        scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "headers": [(b"content-type", b"application/json")]}

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": payload, "more_body": False}

        status, _, answer = await app.handle(scope, receive)
        return status, orjson.loads(answer)

    async def main() -> None:
        _, created = await call(f"{BASE}/collections", {"name": "together"})
        assert isinstance(created, dict)
        cid = created["id"]
        await call(f"{BASE}/collections/{cid}/add", {"ids": ["a", "b", "c"], "embeddings": [[0, 0], [1, 1], [5, 5]]})
        batches = app.coalescer.batches
        path = f"{BASE}/collections/{cid}/query"
        answers = await asyncio.gather(
            call(path, {"query_embeddings": [[0, 0]], "n_results": 1}),
            call(path, {"query_embeddings": [[5, 4]], "n_results": 2, "include": []}),
            call(path, {"query_embeddings": [[5, 4, 3]]}),
        )
        assert app.coalescer.batches == batches + 1
        assert answers[0] == (200, {"ids": [["a"]], "embeddings": None, "documents": [[None]], "uris": None,
                                    "metadatas": [[None]], "distances": [[0.0]],
                                    "include": ["documents", "metadatas", "distances"]})
        assert answers[1] == (200, {"ids": [["c", "b"]], "embeddings": None, "documents": None, "uris": None,
                                    "metadatas": None, "distances": None, "include": []})
        assert answers[2][0] == 400

    asyncio.run(main())
