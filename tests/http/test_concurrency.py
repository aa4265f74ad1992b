"""App: several clients writing at once over real HTTP end in the same state as a sequential replay."""

from __future__ import annotations

import threading

import httpx

from mockserver.app import create_app
from mockserver.testing import MockServer

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
