"""--auth over real HTTP: the 401/403 matrix (no token, unknown token, another tenant or database, the right one) for every spec operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from mockproc import ServerProcess, run_cli

from mockserver.api.spec import Operation, load_spec

ALICE_C1 = "11111111-1111-4111-8111-111111111111"  # acme/db1, alice's
ALICE_C2 = "22222222-2222-4222-8222-222222222222"  # acme/db2, not alice's database
BOB_C = "33333333-3333-4333-8333-333333333333"  # bobco/db1, bob's

AUTH = """
tokens:
  tok-admin: {user_id: admin, tenant: "*"}
  tok-alice: {user_id: alice, tenant: acme, databases: [db1]}
  tok-bob: {user_id: bob, tenant: bobco}
"""
SEED = f"""
tenants: [acme, bobco]
collections:
  - {{name: coll1, tenant: acme, database: db1, id: {ALICE_C1}, records: [{{id: r1, embedding: [1, 2]}}]}}
  - {{name: coll2, tenant: acme, database: db2, id: {ALICE_C2}, records: [{{id: r1, embedding: [1, 2]}}]}}
  - {{name: c-bob, tenant: bobco, database: db1, id: {BOB_C}, records: [{{id: r1, embedding: [1, 2]}}]}}
"""

#: A body each operation's schema accepts, so a request gets past validation to the auth check.
BODIES: dict[str, Any] = {
    "create_tenant": {"name": "acme"},
    "update_tenant": {"resource_name": "x"},
    "create_database": {"name": "db1"},
    "create_collection": {"name": "fresh"},
    "update_collection": {"new_name": "renamed"},
    "collection_add": {"ids": ["z"], "embeddings": [[1, 2]]},
    "collection_upsert": {"ids": ["z"], "embeddings": [[1, 2]]},
    "collection_update": {"ids": ["r1"], "embeddings": [[2, 3]]},
    "collection_delete": {"ids": ["r1"]},
    "collection_get": {},
    "collection_query": {"query_embeddings": [[1, 2]]},
    "collection_search": {"searches": []},
    "fork_collection": {"new_name": "forked"},
    "attach_function": {"name": "f", "function_id": "fn", "output_collection": "out"},
    "detach_function": {},
}
#: Operations addressed by collection name, or by id inside the path's tenant/database.
BY_NAME = {"get_collection", "delete_collection"}
SCOPED_BY_ID = {"get_collection_by_id"}


def fill(op: Operation, tenant: str, database: str, collection: str) -> str:
    values = {
        "tenant": tenant,
        "tenant_name": tenant,
        "database": database,
        "collection_id": collection,
        "crn": f"{tenant}:{database}:coll1",
        "name": "f",
        "function_name": "f",
    }
    path = op.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"add a value for the path parameters of {op.operation_id}: {op.path}"
    return path


def collection_ref(op: Operation, owner: str) -> str:
    """How `op` names the collection of `owner` (alice / alice-db2 / bob)."""
    name = {"alice": "coll1", "alice-db2": "coll2", "bob": "c-bob"}[owner]
    uuid = {"alice": ALICE_C1, "alice-db2": ALICE_C2, "bob": BOB_C}[owner]
    return name if op.operation_id in BY_NAME else uuid


def send(client: httpx.Client, op: Operation, path: str, headers: dict[str, str], body: Any = None) -> httpx.Response:
    if op.body_schema is not None and body is None:
        assert op.operation_id in BODIES, f"add a valid body for {op.operation_id} to BODIES"
        body = BODIES[op.operation_id]
    return client.request(op.method, path, headers=headers, json=body)


def token(name: str) -> dict[str, str]:
    return {"x-chroma-token": f"tok-{name}"}


SPEC = load_spec()
OPERATIONS = SPEC.operations


def is_open(op: Operation) -> bool:
    """The spec declares no security requirement (heartbeat, version ...): open even with --auth."""
    document = SPEC.document
    return not document["paths"][op.path][op.method.lower()].get("security", document.get("security"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("auth")
    (folder / "auth.yaml").write_text(AUTH)
    (folder / "seed.yaml").write_text(SEED)
    with ServerProcess("--auth", str(folder / "auth.yaml"), "--seed", str(folder / "seed.yaml")) as running:
        with running.client() as http:
            yield http


def assert_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    assert response.json()["error"] == "ChromaError"
    assert response.headers["chroma-trace-id"] == "0" * 32


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
def test_auth_matrix(client: httpx.Client, op: Operation) -> None:
    admin = {"authorization": "Bearer tok-admin", "content-type": "application/json"}
    assert client.post("/__mock/reset", headers=admin).status_code == 200  # the admin API needs an admin token
    own = fill(op, "acme", "db1", collection_ref(op, "alice"))
    if is_open(op):
        for headers in ({}, token("nobody"), token("alice")):
            assert send(client, op, own, headers).status_code == 200
        return
    # no token, an unknown token (in either header)
    assert_error(send(client, op, own, {}), 401)
    assert_error(send(client, op, own, token("nobody")), 401)
    assert_error(send(client, op, own, {"authorization": "Bearer tok-nobody"}), 401)
    assert_error(send(client, op, own, {"authorization": "Basic dG9rLWFsaWNl"}), 401)
    # another tenant's data, another database of the right tenant
    wrong: list[tuple[str, Any]] = []
    names = {p.name for p in op.parameters if p.location == "path"}
    if names & {"tenant", "tenant_name"}:
        wrong.append((fill(op, "bobco", "db1", collection_ref(op, "bob")), None))
    if "database" in names:
        wrong.append((fill(op, "acme", "db2", collection_ref(op, "alice-db2")), None))
    if "collection_id" in names and op.operation_id not in BY_NAME | SCOPED_BY_ID:
        wrong.append((fill(op, "acme", "db1", BOB_C), None))  # bob's collection behind alice's path
        wrong.append((fill(op, "acme", "db1", ALICE_C2), None))  # alice's tenant, another database
    if op.operation_id == "create_tenant":
        wrong.append((own, {"name": "bobco"}))
    if op.operation_id == "create_database":
        wrong.append((own, {"name": "db9"}))
    if op.operation_id == "reset":
        wrong.append((own, None))  # only a token for every tenant may reset
    for path, body in wrong:
        assert_error(send(client, op, path, token("alice"), body), 403)
    # the right tenant: whatever the operation answers without auth, never 401/403
    right = token("admin") if op.operation_id == "reset" else token("alice")
    response = send(client, op, own, right)
    assert response.status_code not in (401, 403), response.text
    bearer = send(client, op, own, {"authorization": f"Bearer {right['x-chroma-token']}"})
    assert bearer.status_code not in (401, 403), bearer.text


def test_identity_is_the_tokens(client: httpx.Client) -> None:
    alice = client.get("/api/v2/auth/identity", headers={"authorization": "bearer tok-alice"})
    assert alice.json() == {"user_id": "alice", "tenant": "acme", "databases": ["db1"]}
    bob = client.get("/api/v2/auth/identity", headers=token("bob"))
    assert bob.json() == {"user_id": "bob", "tenant": "bobco", "databases": ["*"]}
    assert client.get("/api/v2/auth/identity").status_code == 401


def test_error_bodies_say_what_is_wrong(client: httpx.Client) -> None:
    missing = client.get("/api/v2/tenants/acme")
    assert "x-chroma-token" in missing.json()["message"]
    denied = client.post(f"/api/v2/tenants/acme/databases/db1/collections/{BOB_C}/get", json={}, headers=token("alice"))
    assert denied.json()["message"].startswith("Permission denied.")
    assert "bobco" in denied.json()["message"]


def test_order_is_routing_then_validation_then_auth(client: httpx.Client) -> None:
    assert client.get("/api/v2/nowhere").status_code == 404
    assert client.delete("/api/v2/tenants/acme").status_code == 405
    bad_body = client.post("/api/v2/tenants", content=b"{", headers={"content-type": "application/json"})
    assert bad_body.status_code == 400
    unknown = client.post("/api/v2/tenants/acme/databases/db1/collections/00000000-0000-4000-8000-000000000000/get", json={}, headers=token("alice"))
    assert unknown.status_code == 404  # an unknown collection is the handler's 404


def test_a_bad_auth_file_stops_the_server(tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text("tokens: {t: {databases: [x]}}")
    result = run_cli("--auth", str(path))
    assert result.returncode == 2
    assert "auth.yaml" in result.stderr and "tenant" in result.stderr
