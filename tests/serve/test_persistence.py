"""--state-file over real HTTP: state survives clean restarts and SIGKILL; a killed stream of writes keeps every acknowledged write."""

from __future__ import annotations

import base64
import random
import sqlite3
import struct
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from mockproc import BASE, ServerProcess, run_cli


def export(server: ServerProcess) -> Any:
    response = httpx.get(server.url + "/__mock/export", timeout=30)
    assert response.status_code == 200
    return response.json()


def check(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def build_varied_state(client: httpx.Client) -> str:
    """Every kind of write the log records; returns the id of the collection with records."""
    check(client.post("/api/v2/tenants", json={"name": "acme"}))
    check(client.post("/api/v2/tenants/acme/databases", json={"name": "prod"}))
    check(client.post("/api/v2/tenants/acme/databases", json={"name": "gone"}))
    check(client.delete("/api/v2/tenants/acme/databases/gone"))
    created = check(
        client.post(
            f"{BASE}/collections",
            json={
                "name": "fruit",
                "metadata": {"topic": "food", "n": 3, "ratio": 0.5, "ok": True},
                "configuration": {"hnsw": {"space": "cosine", "ef_search": 50}},
            },
        )
    )
    cid = created["id"]
    check(client.post(f"{BASE}/collections", json={"name": "doomed"}))
    check(client.delete(f"{BASE}/collections/doomed"))
    other = check(client.post("/api/v2/tenants/acme/databases/prod/collections", json={"name": "elsewhere"}))
    b64 = base64.b64encode(struct.pack("<3f", 0.25, -1.5, 3.0)).decode()
    check(
        client.post(
            f"{BASE}/collections/{cid}/add",
            json={
                "ids": ["apple", "pear", "plum", "fig"],
                "embeddings": [[1, 0, 0], [0.1, 0.2, 0.3], [0.25, -1.5, 3.0], [1e-8, 3.4e38, -2.5]],
                "documents": ["red apple", None, "purple plum", "fig"],
                "uris": [None, "s3://pear", None, None],
                "metadatas": [{"colour": "red", "tags": ["a", "b"]}, None, {"n": 7, "chroma:document": "doc"}, {"x": 1.5}],
            },
        ),
        201,
    )
    check(client.post(f"{BASE}/collections/{cid}/upsert", json={"ids": ["kiwi", "apple"], "embeddings": [b64, b64]}))
    check(client.post(f"{BASE}/collections/{cid}/update", json={"ids": ["apple"], "metadatas": [{"colour": None, "sweet": True}]}))
    check(client.post(f"{BASE}/collections/{cid}/delete", json={"ids": ["pear"]}))
    check(client.post(f"{BASE}/collections/{cid}/delete", json={"where": {"x": 1.5}}))
    check(client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["pear"], "embeddings": [[9, 9, 9]]}), 201)
    check(client.put(f"/api/v2/tenants/acme/databases/prod/collections/{other['id']}", json={"new_name": "renamed", "new_metadata": {"v": 2}}))
    return str(cid)


def test_state_survives_a_sigkill_and_a_clean_restart(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    with ServerProcess("--state-file", state) as server, server.client() as client:
        cid = build_varied_state(client)
        before = export(server)
        server.kill()  # no shutdown code: the log alone carries every write
    with ServerProcess("--state-file", state) as server, server.client() as client:
        assert export(server) == before
        assert "restored, 15 logged writes replayed" in server.output()
        check(client.post(f"{BASE}/collections/{cid}/upsert", json={"ids": ["plum", "new"], "embeddings": [[5, 5, 5], [6, 6, 6]]}))
        check(client.post("/api/v2/tenants", json={"name": "later"}))
        before = export(server)
        assert server.stop() in (0, -15)  # uvicorn re-raises SIGTERM once it has shut down cleanly
    with ServerProcess("--state-file", state) as server:
        assert export(server) == before
        assert "restored, 0 logged writes replayed" in server.output()  # compacted at shutdown


def _writer(url: str, cid: str, name: str, acked: list[int], stop: threading.Event) -> None:
    """Sequential adds of `name-0`, `name-1`, ...; `acked` gets i once the 201 has arrived."""
    with httpx.Client(base_url=url, timeout=5.0) as client:
        i = 0
        while not stop.is_set():
            body = {"ids": [f"{name}-{i}"], "embeddings": [[float(i), 1.0, 2.0]], "metadatas": [{"i": i}]}
            try:
                response = client.post(f"{BASE}/collections/{cid}/add", json=body)
            except httpx.TransportError:
                return  # the server was killed
            if response.status_code != 201:
                acked.append(-1)  # checked by the test: every write must succeed
                return
            acked.append(i)
            i += 1


def test_sigkill_in_a_stream_of_writes_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    env = {"MOCKSERVER_COMPACT_EVERY_ROWS": "40"}  # compactions happen while writes stream in, and may be killed too
    rng = random.Random(6)
    acked: dict[str, list[int]] = {}
    cid = ""
    for round_ in range(3):
        with ServerProcess("--state-file", str(state), env=env) as server:
            if not cid:
                cid = check(httpx.post(f"{server.url}{BASE}/collections", json={"name": "stream"}))["id"]
            stop = threading.Event()
            threads = []
            for w in ("w0", "w1", "w2"):
                name = f"{w}r{round_}"
                acked[name] = []
                threads.append(threading.Thread(target=_writer, args=(server.url, cid, name, acked[name], stop)))
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.5, 1.2))
            server.kill()
            stop.set()
            for t in threads:
                t.join(10)
    assert all(-1 not in v for v in acked.values()), "a write was refused"
    assert sum(len(v) for v in acked.values()) > 100, "too few writes to mean anything"
    # the file opens and is consistent before the server even starts
    db = sqlite3.connect(state)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()
    with ServerProcess("--state-file", str(state)) as server, server.client() as client:
        got = check(client.post(f"{BASE}/collections/{cid}/get", json={"include": ["metadatas", "embeddings"]}))
    present: dict[str, set[int]] = {}
    for rid, md, emb in zip(got["ids"], got["metadatas"], got["embeddings"]):
        name, i = rid.rsplit("-", 1)
        assert md == {"i": int(i)} and emb == [float(i), 1.0, 2.0]
        present.setdefault(name, set()).add(int(i))
    for name, indexes in acked.items():
        if not indexes:
            continue
        kept = present.get(name, set())
        assert set(indexes) <= kept, f"{name}: acknowledged writes lost: {sorted(set(indexes) - kept)[:5]}"
        # a prefix: everything acknowledged, plus at most the one write in flight when the kill came
        assert kept == set(range(len(kept))) and len(kept) <= len(indexes) + 1, name


def test_a_second_server_on_the_same_file_is_refused(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    with ServerProcess("--state-file", state):
        second = run_cli("--state-file", state)
    assert second.returncode == 2
    assert "in use by another process" in second.stderr


def test_a_file_that_is_not_a_state_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not SQLite\n" * 100)
    result = run_cli("--state-file", str(bogus))
    assert result.returncode == 2
    assert "not a usable SQLite file" in result.stderr or "state file" in result.stderr
    assert bogus.read_text() == "this is not SQLite\n" * 100


