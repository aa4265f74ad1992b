"""--reload over real HTTP: a changed seed replaces the state, a changed spec replaces the routes, broken files are ignored."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import httpx
import yaml
from mockproc import BASE, ROOT, ServerProcess


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the server did not reload in time"
        time.sleep(0.1)


def names(client: httpx.Client) -> list[str]:
    return [c["name"] for c in client.get(f"{BASE}/collections").json()]


def seed_text(name: str, document: str = "hello") -> str:
    return f"collections:\n  - name: {name}\n    records:\n      - {{id: r1, document: {document}}}\n"


def test_reload_picks_up_seed_and_spec_changes(tmp_path: Path) -> None:
    seed, spec, state = tmp_path / "seed.yaml", tmp_path / "openapi.yaml", tmp_path / "state.db"
    seed.write_text(seed_text("first"))
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    spec.write_text(yaml.safe_dump(document))
    args = ("--seed", str(seed), "--spec", str(spec), "--state-file", str(state))
    with ServerProcess(*args, "--reload") as server, server.client() as client:
        assert names(client) == ["first"]
        cid = client.get(f"{BASE}/collections/first").json()["id"]
        client.post(f"{BASE}/collections", json={"name": "scratch"})
        # a seed that does not load leaves the state alone
        seed.write_text("collections: [{name: x}]\n")  # an invalid collection name
        time.sleep(1.2)
        assert sorted(names(client)) == ["first", "scratch"]
        # a good seed replaces the whole state, derived embeddings included
        seed.write_text(seed_text("second", "apples and pears"))
        eventually(lambda: names(client) == ["second"])
        got = client.post(f"{BASE}/collections/{client.get(f'{BASE}/collections/second').json()['id']}/get", json={"include": ["documents"]})
        assert got.json()["documents"] == ["apples and pears"]
        assert client.get(f"{BASE}/collections/{cid}/count").status_code == 404
        # the spec: drop an operation, it disappears; a broken spec is ignored
        assert client.get("/api/v2/version").status_code == 200
        del document["paths"]["/api/v2/version"]
        spec.write_text(yaml.safe_dump(document))
        eventually(lambda: client.get("/api/v2/version").status_code == 404)
        spec.write_text("paths: [this is not: an openapi document")
        time.sleep(1.2)
        assert client.get("/api/v2/version").status_code == 404
        assert client.get("/api/v2/heartbeat").status_code == 200
        assert "keeping the old spec" in server.output() and "keeping the current state" in server.output()
        server.kill()
    # the reloaded seed was snapshotted to the state file
    with ServerProcess("--state-file", str(state)) as server, server.client() as client:
        assert names(client) == ["second"]
