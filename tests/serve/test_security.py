"""Control-plane security over real HTTP: cross-origin writes, Host, admin tokens, lists per token, Prefer under --auth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mockproc import BASE, ServerProcess

EVIL = "https://evil.example"
JSON = {"content-type": "application/json"}
ATTACKS = [  # what any web page can send without a preflight: (path, body)
    ("/__mock/reset", b""),
    ("/__mock/reset", b"{}"),
    ("/__mock/import", b'{"collections": [{"name": "planted"}]}'),
    ("/__mock/faults", b'{"status": 500}'),
]

AUTH = """
tokens:
  tok-admin: {user_id: admin, tenant: "*"}
  tok-alice: {user_id: alice, tenant: acme, databases: [db1]}
  tok-carol: {user_id: carol, tenant: acme, databases: [db1, db3]}
  tok-bob: {user_id: bob, tenant: bobco}
  tok-anydb1: {user_id: ops, tenant: "*", databases: [db1]}
"""
SEED = """
tenants: [acme, bobco]
databases: [{name: db3, tenant: acme}, {name: db2, tenant: bobco}]
collections:
  - {name: coll1, tenant: acme, database: db1}
  - {name: coll1b, tenant: acme, database: db1}
  - {name: coll2, tenant: acme, database: db2}
  - {name: c-bob, tenant: bobco, database: db1}
"""


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()]


def assert_refused(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    assert response.json()["error"] == "ChromaError"
    for word in words:
        assert word in response.json()["message"], response.json()["message"]


# cross-origin writes ----------------------------------------------------------------------------
def test_cross_origin_simple_posts_change_nothing_even_across_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with ServerProcess("--state-file", str(state)) as server, server.client() as client:
        assert client.post(f"{BASE}/collections", json={"name": "precious"}).status_code == 200
        for path, body in ATTACKS:
            for content_type in ("text/plain", "application/x-www-form-urlencoded"):
                response = client.post(path, content=body, headers={"origin": EVIL, "content-type": content_type})
                assert_refused(response, 403, "Cross-origin")
            # a no-cors fetch or sendBeacon: no content type at all
            assert_refused(client.post(path, content=body, headers={"origin": EVIL}), 403)
        assert_refused(client.post("/api/v2/reset", headers={"origin": EVIL, "content-type": "text/plain"}), 403)
        assert client.get("/__mock/faults").json() == {"faults": []}
    with ServerProcess("--state-file", str(state)) as again, again.client() as client:
        assert names(client.get(f"{BASE}/collections")) == ["precious"]
        assert client.get("/__mock/faults").json() == {"faults": []}


def test_the_cors_origins_are_the_ones_that_may_write(tmp_path: Path) -> None:
    vite = {"origin": "http://localhost:5173", **JSON}
    with ServerProcess() as default, default.client() as client:
        assert client.post("/__mock/reset", headers=vite).status_code == 200
        assert client.post("/__mock/faults", json={"delay_ms": 1}, headers={"origin": "http://127.0.0.1:3000"}).status_code == 201
        assert client.post("/__mock/reset", headers=JSON).status_code == 200  # curl, test clients: no Origin
        same = {"origin": default.url, **JSON}  # the dashboard at /__mock/ui/ is same-origin
        assert client.post("/__mock/reset", headers=same).status_code == 200
        assert_refused(client.post("/__mock/reset", headers={"origin": EVIL, **JSON}), 403, "Cross-origin")
    with ServerProcess("--cors-origin", "https://app.example.com") as listed, listed.client() as client:
        assert client.post("/__mock/reset", headers={"origin": "https://app.example.com", **JSON}).status_code == 200
        assert_refused(client.post("/__mock/reset", headers=vite), 403)
    with ServerProcess("--no-cors") as closed, closed.client() as client:
        assert_refused(client.post("/__mock/reset", headers=vite), 403)
        assert client.post("/__mock/reset", headers={"origin": closed.url, **JSON}).status_code == 200


def test_a_rebound_host_is_refused() -> None:
    with ServerProcess() as server, server.client() as client:
        for path in ("/api/v2/heartbeat", "/__mock/export"):
            assert_refused(client.get(path, headers={"host": "rebind.evil.example:8000"}), 403, "Host")
            assert client.get(path, headers={"host": f"localhost:{server.port}"}).status_code == 200
    with ServerProcess("--allowed-host", "chroma.local") as server, server.client() as client:
        assert client.get("/api/v2/heartbeat", headers={"host": "chroma.local"}).status_code == 200


# --auth -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("security")
    (folder / "auth.yaml").write_text(AUTH)
    (folder / "seed.yaml").write_text(SEED)
    with ServerProcess("--auth", str(folder / "auth.yaml"), "--seed", str(folder / "seed.yaml")) as server:
        yield server


@pytest.fixture()
def client(auth_server: ServerProcess) -> Iterator[httpx.Client]:
    with auth_server.client() as http:
        yield http


def token(name: str) -> dict[str, str]:
    return {"x-chroma-token": f"tok-{name}"}


ADMIN_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "/__mock/reset", {}),
    ("GET", "/__mock/export", None),
    ("POST", "/__mock/import", "EXPORT"),
    ("GET", "/__mock/journal", None),
    ("DELETE", "/__mock/journal", None),
    ("GET", "/__mock/faults", None),
    ("POST", "/__mock/faults", {"operation_id": "version", "delay_ms": 1}),
    ("DELETE", "/__mock/faults", None),
    ("GET", "/__mock/faults/RULE", None),
    ("DELETE", "/__mock/faults/RULE", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES, ids=[f"{m} {p}" for m, p, _ in ADMIN_ROUTES])
def test_admin_routes_need_an_admin_token(client: httpx.Client, method: str, path: str, body: Any) -> None:
    admin = {"authorization": "Bearer tok-admin", **JSON}
    rule = client.post("/__mock/faults", json={"operation_id": "version", "delay_ms": 1}, headers=admin).json()["id"]
    path = path.replace("RULE", rule)
    if body == "EXPORT":
        body = client.get("/__mock/export", headers=admin).json()

    def call(headers: dict[str, str]) -> httpx.Response:
        return client.request(method, path, json=body, headers={**JSON, **headers})

    assert_refused(call({}), 401, "no token")
    assert_refused(call(token("nobody")), 401, "unknown token")
    assert_refused(call({"authorization": "Bearer tok-nobody"}), 401)
    for name in ("alice", "bob", "anydb1"):  # anydb1: every tenant, but not every database
        assert_refused(call(token(name)), 403, "not an admin", f"user [{'ops' if name == 'anydb1' else name}]")
    if method != "GET":  # the cross-origin check comes first, whatever the token
        assert_refused(call({"authorization": "Bearer tok-admin", "origin": EVIL}), 403, "Cross-origin")
    assert call(token("admin")).status_code < 300
    bearer = call({"authorization": "Bearer tok-admin"})  # (the rule is gone after one DELETE: 404)
    assert bearer.status_code < 300 or (bearer.status_code == 404 and path.startswith("/__mock/faults/"))
    client.delete("/__mock/faults", headers=admin)


def test_health_and_the_route_list_stay_open(client: httpx.Client) -> None:
    assert client.get("/__mock/health").json()["status"] == "ok"
    assert client.get("/__mock/openapi.json").status_code == 200


def test_list_databases_shows_only_the_tokens_databases(client: httpx.Client) -> None:
    def listed(tenant: str, who: str, query: str = "") -> list[str]:
        return names(client.get(f"/api/v2/tenants/{tenant}/databases{query}", headers=token(who)))

    assert listed("acme", "admin") == ["db1", "db2", "db3"]
    assert listed("acme", "alice") == ["db1"]
    assert listed("acme", "carol") == ["db1", "db3"]
    assert listed("acme", "carol", "?limit=1&offset=1") == ["db3"]  # paged after filtering
    assert listed("bobco", "bob") == ["db1", "db2"]
    assert listed("bobco", "anydb1") == ["db1"]
    assert listed("acme", "anydb1") == ["db1"]
    assert_refused(client.get("/api/v2/tenants/bobco/databases", headers=token("alice")), 403)


def test_collection_lists_are_per_allowed_database(client: httpx.Client) -> None:
    db1, db2 = "/api/v2/tenants/acme/databases/db1", "/api/v2/tenants/acme/databases/db2"
    assert sorted(names(client.get(f"{db1}/collections", headers=token("alice")))) == ["coll1", "coll1b"]
    assert client.get(f"{db1}/collections_count", headers=token("alice")).json() == 2
    for path in (f"{db2}/collections", f"{db2}/collections_count"):
        assert_refused(client.get(path, headers=token("alice")), 403, "db2")
        assert_refused(client.get(path, headers=token("anydb1")), 403, "db2")
    assert names(client.get(f"{db2}/collections", headers=token("admin"))) == ["coll2"]


def test_prefer_counts_only_with_a_known_token(client: httpx.Client) -> None:
    path = "/api/v2/tenants/acme/databases/db1/collections"
    forced = {"prefer": "code=503"}
    assert_refused(client.get(path, headers=forced), 401)
    assert_refused(client.get(path, headers={**forced, **token("nobody")}), 401)
    assert client.get(path, headers={**forced, **token("alice")}).status_code == 503
    assert client.get("/api/v2/heartbeat", headers=forced).status_code == 200  # ignored, not refused
    assert client.get("/api/v2/heartbeat", headers={**forced, **token("alice")}).status_code == 503
