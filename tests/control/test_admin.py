"""Admin API and control layer over ASGI: faults, Prefer, journal, reset, export/import, health, openapi."""

from __future__ import annotations

from importlib import resources
from types import SimpleNamespace
from typing import Any, Iterator

import pytest
import yaml
from starlette.testclient import TestClient

import mockserver.api.app as app_module
from mockserver.api.app import MockApp, create_app
from mockserver.api.handlers import HANDLERS, Reply
from mockserver.api.spec import load_spec
from mockserver.control.admin import ROUTES
from mockserver.control.journal import Journal

BASE = "/api/v2/tenants/default_tenant/databases/default_database"
SPEC = load_spec()
JSON_CT = {"content-type": "application/json"}  # every admin POST says JSON, even without a body


@pytest.fixture()
def app() -> MockApp:
    return create_app(SPEC)


@pytest.fixture()
def client(app: MockApp) -> TestClient:
    return TestClient(app)


@pytest.fixture()
def slept(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Injected delays, recorded instead of waited for."""
    calls: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        calls.append(seconds)

    monkeypatch.setattr(app_module, "asyncio", SimpleNamespace(sleep=fake_sleep))
    yield calls


def make_collection(client: TestClient, name: str = "things") -> str:
    response = client.post(f"{BASE}/collections", json={"name": name})
    assert response.status_code == 200, response.text
    cid: str = response.json()["id"]
    return cid


def add_fault(client: TestClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/__mock/faults", json=rule)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# faults -----------------------------------------------------------------------------------------
def test_fault_by_operation_id_answers_chroma_shaped_then_runs_out(client: TestClient) -> None:
    cid = make_collection(client)
    rule = add_fault(client, operation_id="collection_count", status=503, message="try later", times=2)
    assert rule["id"] and rule["remaining"] == 2 and rule["hits"] == 0
    for _ in range(2):
        response = client.get(f"{BASE}/collections/{cid}/count")
        assert response.status_code == 503
        assert response.json() == {"error": "ChromaError", "message": "try later"}
        assert response.headers["chroma-trace-id"] == "0" * 32
    assert client.get(f"{BASE}/collections/{cid}/count").json() == 0
    assert client.get("/__mock/faults").json() == {"faults": []}


def test_fault_skips_validation_and_handler(client: TestClient) -> None:
    add_fault(client, operation_id="create_collection", status=400)
    response = client.post(f"{BASE}/collections", json={"not": "valid"})
    assert response.json() == {"error": "InvalidArgumentError", "message": "injected fault"}
    client.delete("/__mock/faults")
    assert client.get(f"{BASE}/collections_count").json() == 0


def test_fault_by_method_and_path_pattern(client: TestClient) -> None:
    cid = make_collection(client)
    add_fault(client, method="POST", path="/api/v2/**/collections/*/get", status=404)
    assert client.post(f"{BASE}/collections/{cid}/get", json={}).status_code == 404
    assert client.post(f"{BASE}/collections/{cid}/query", json={"query_embeddings": [[1.0]]}).status_code != 404
    assert client.get(f"{BASE}/collections/{cid}/count").status_code == 200


def test_path_rules_also_hit_unknown_routes(client: TestClient) -> None:
    add_fault(client, path="/api/v2/not-a-route", status=500)
    response = client.get("/api/v2/not-a-route")
    assert response.status_code == 500 and response.json()["error"] == "InternalError"


def test_delay_only_rule_lets_the_request_through(client: TestClient, app: MockApp, slept: list[float]) -> None:
    add_fault(client, operation_id="heartbeat", status=None, delay_ms=250)
    response = client.get("/api/v2/heartbeat")
    assert response.status_code == 200 and "nanosecond heartbeat" in response.json()
    assert slept == [0.25]
    assert app.journal.last("heartbeat").fault is not None


def test_status_rule_with_delay_waits_then_fails(client: TestClient, slept: list[float]) -> None:
    add_fault(client, operation_id="version", status=500, delay_ms=40, times=1)
    assert client.get("/api/v2/version").status_code == 500
    assert slept == [0.04]


def test_real_delay_shows_in_the_journal_duration(client: TestClient, app: MockApp) -> None:
    add_fault(client, operation_id="heartbeat", status=None, delay_ms=30)
    client.get("/api/v2/heartbeat")
    assert app.journal.last("heartbeat").duration_ms >= 25


def test_seeded_probability_through_the_app() -> None:
    def statuses(seed: int) -> list[int]:
        app = create_app(SPEC)
        app.faults.seed(seed)
        client = TestClient(app)
        add_fault(client, operation_id="heartbeat", status=500, probability=0.5)
        return [client.get("/api/v2/heartbeat").status_code for _ in range(40)]

    first = statuses(11)
    assert first == statuses(11)
    assert set(first) == {200, 500}


def test_fault_admin_listing_get_and_delete(client: TestClient) -> None:
    a = add_fault(client, operation_id="heartbeat", status=500)
    b = add_fault(client, method="GET", status=None, delay_ms=5)
    listed = client.get("/__mock/faults").json()["faults"]
    assert [f["id"] for f in listed] == [a["id"], b["id"]]
    assert client.get(f"/__mock/faults/{b['id']}").json()["delay_ms"] == 5
    assert client.delete(f"/__mock/faults/{a['id']}").json() == {"deleted": a["id"]}
    missing = client.delete(f"/__mock/faults/{a['id']}")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"
    assert client.delete("/__mock/faults").json() == {"cleared": 1}


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"operation_id": "no_such_op"}, "no operation 'no_such_op'"),
        ({"status": 200}, "status must be an HTTP error status"),
        ({"statuz": 500}, "unknown fault rule field"),
        ({"times": 0}, "times must be a positive integer"),
        ({"path": "re:["}, "bad path regular expression"),
    ],
)
def test_bad_fault_rules_are_400(client: TestClient, rule: dict[str, Any], fragment: str) -> None:
    response = client.post("/__mock/faults", json=rule)
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidArgumentError" and fragment in response.json()["message"]


# Prefer -----------------------------------------------------------------------------------------
def test_prefer_code_forces_one_answer(client: TestClient, app: MockApp) -> None:
    response = client.get("/api/v2/heartbeat", headers={"Prefer": "code=404"})
    assert response.status_code == 404
    assert response.json() == {"error": "NotFoundError", "message": "forced by the Prefer header (code=404)"}
    assert response.headers["chroma-trace-id"] == "0" * 32
    assert client.get("/api/v2/heartbeat").status_code == 200
    assert app.journal.entries(operation_id="heartbeat")[0].fault == "prefer"


def test_prefer_delay_and_both(client: TestClient, slept: list[float]) -> None:
    assert client.get("/api/v2/heartbeat", headers={"Prefer": "delay=500"}).status_code == 200
    response = client.post(f"{BASE}/collections", json={"name": "abc"}, headers={"Prefer": "code=503, delay=200"})
    assert response.status_code == 503 and response.json()["error"] == "ChromaError"
    assert slept == [0.5, 0.2]
    assert client.get(f"{BASE}/collections_count").json() == 0  # the forced request did not run


def test_prefer_wins_over_rules_and_bad_prefer_is_400(client: TestClient) -> None:
    add_fault(client, operation_id="heartbeat", status=500, times=1)
    assert client.get("/api/v2/heartbeat", headers={"Prefer": "code=429"}).status_code == 429
    assert client.get("/api/v2/heartbeat").status_code == 500  # the rule was not used up by the Prefer request
    bad = client.get("/api/v2/heartbeat", headers={"Prefer": "code=999"})
    assert bad.status_code == 400 and "Prefer" in bad.json()["message"]
    assert client.get("/api/v2/heartbeat", headers={"Prefer": "return=minimal"}).status_code == 200


# journal ----------------------------------------------------------------------------------------
def test_journal_records_bodies_statuses_and_not_admin_calls(client: TestClient, app: MockApp) -> None:
    cid = make_collection(client)
    client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a"], "embeddings": [[1.0, 2.0]], "documents": ["d"]})
    client.post(f"{BASE}/collections/{cid}/get", json={"include": ["embeddings"]})
    client.post(f"{BASE}/collections/{cid}/add", json={"ids": "not-a-list"})
    client.get("/__mock/health")
    journal = app.journal
    assert journal.operations() == ["create_collection", "collection_add", "collection_get", "collection_add"]
    add = journal.calls("collection_add")[0]
    assert (add.method, add.status, add.response_body) == ("POST", 201, {})
    assert add.request_body == {"ids": ["a"], "embeddings": [[1.0, 2.0]], "documents": ["d"]}
    got = journal.last("collection_get").response_body
    assert got["embeddings"] == [[1.0, 2.0]] and got["ids"] == ["a"]
    invalid = journal.last("collection_add")
    assert invalid.status == 422 and invalid.request_body == {"ids": "not-a-list"}
    assert invalid.response_body["error"] == "ChromaError"
    journal.assert_called("collection_add", times=2)


def test_journal_admin_filters_limit_and_clear(client: TestClient) -> None:
    make_collection(client, "one")
    make_collection(client, "two")
    client.get("/api/v2/heartbeat")
    client.get("/api/v2/nowhere")
    everything = client.get("/__mock/journal").json()
    assert everything["count"] == everything["total"] == 4 and everything["maxlen"] == 1000
    assert [e["operation_id"] for e in everything["entries"]] == [
        "create_collection",
        "create_collection",
        "heartbeat",
        None,
    ]
    created = client.get("/__mock/journal", params={"operation_id": "create_collection", "limit": 1}).json()
    assert [e["request_body"]["name"] for e in created["entries"]] == ["two"]
    by_method = client.get("/__mock/journal", params={"method": "get", "path": "/api/v2/*"}).json()["entries"]
    assert [(e["path"], e["status"]) for e in by_method] == [("/api/v2/heartbeat", 200), ("/api/v2/nowhere", 404)]
    assert client.get("/__mock/journal", params={"status": 404}).json()["count"] == 1
    assert client.get("/__mock/journal", params={"limit": "x"}).status_code == 400
    assert client.delete("/__mock/journal").json() == {"cleared": 4}
    assert client.get("/__mock/journal").json()["entries"] == []


def test_journal_polling_since_a_cursor_without_bodies_then_one_entry(client: TestClient) -> None:
    make_collection(client, "one")
    first = client.get("/__mock/journal", params={"bodies": "false"}).json()
    assert first["last_seq"] == 1 and first["entries"][0]["seq"] == 1
    assert "request_body" not in first["entries"][0] and first["entries"][0]["operation_id"] == "create_collection"
    assert client.get("/__mock/journal", params={"since": first["last_seq"]}).json()["entries"] == []
    client.get("/api/v2/heartbeat")
    later = client.get("/__mock/journal", params={"since": first["last_seq"], "bodies": "0"}).json()
    assert [(e["seq"], e["operation_id"]) for e in later["entries"]] == [(2, "heartbeat")] and later["last_seq"] == 2
    one = client.get("/__mock/journal/1").json()
    assert (one["seq"], one["request_body"]["name"], one["response_body"]["name"]) == (1, "one", "one")
    assert client.get("/__mock/journal/9").status_code == 404
    assert client.get("/__mock/journal/x").status_code == 400
    assert client.get("/__mock/journal", params={"bodies": "maybe"}).status_code == 400
    assert client.post("/__mock/journal/1").status_code == 405


def test_tenants_lists_databases_with_collection_counts(client: TestClient) -> None:
    make_collection(client, "one")
    make_collection(client, "two")
    assert client.post("/api/v2/tenants", json={"name": "acme"}).status_code == 200
    assert client.post("/api/v2/tenants/acme/databases", json={"name": "shop"}).status_code == 200
    tenants = client.get("/__mock/tenants").json()["tenants"]
    shaped = [(t["name"], [(d["name"], d["collections"]) for d in t["databases"]]) for t in tenants]
    assert shaped == [("acme", [("shop", 0)]), ("default_tenant", [("default_database", 2)])]
    assert all(len(d["id"]) == 36 for t in tenants for d in t["databases"])


def test_journal_is_bounded_in_the_app() -> None:
    app = create_app(SPEC, journal=Journal(maxlen=3))
    client = TestClient(app)
    for _ in range(5):
        client.get("/api/v2/heartbeat")
    body = client.get("/__mock/journal").json()
    assert (body["total"], body["maxlen"], body["dropped"]) == (3, 3, 2)
    off = create_app(SPEC, journal=Journal(maxlen=0))
    TestClient(off).get("/api/v2/heartbeat")
    assert len(off.journal) == 0


def test_journal_keeps_the_traceback_of_a_mock_bug(
    client: TestClient, app: MockApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: Any, req: Any) -> Reply:
        raise RuntimeError("boom")

    monkeypatch.setitem(HANDLERS, "version", broken)
    response = client.get("/api/v2/version")
    assert response.status_code == 500 and "boom" in response.json()["message"]
    entry = app.journal.last("version")
    assert entry.exception is not None and "RuntimeError: boom" in entry.exception


# state ------------------------------------------------------------------------------------------
def test_reset_clears_state_journal_and_faults_or_only_some(client: TestClient, app: MockApp) -> None:
    make_collection(client)
    add_fault(client, operation_id="version", status=500)
    assert client.post("/__mock/reset", json={"faults": False}).json() == {
        "store": True,
        "journal": True,
        "faults": False,
    }
    assert client.get(f"{BASE}/collections_count").json() == 0
    assert len(app.faults) == 1
    assert client.post("/__mock/reset", headers=JSON_CT).json() == {"store": True, "journal": True, "faults": True}
    assert len(app.faults) == 0 and len(app.journal) == 0
    assert client.post("/__mock/reset", json={"store": "yes"}).status_code == 400


def test_reset_reloads_the_apps_seed(client: TestClient, app: MockApp) -> None:
    app.seed = {"collections": [{"name": "seeded", "records": [{"id": "r1", "document": "hello"}]}]}
    client.post("/__mock/reset", headers=JSON_CT)
    cid = client.get(f"{BASE}/collections/seeded").json()["id"]
    assert client.get(f"{BASE}/collections/{cid}/count").json() == 1


def test_export_import_round_trip_over_http(client: TestClient) -> None:
    client.post("/api/v2/tenants", json={"name": "acme"})
    client.post("/api/v2/tenants/acme/databases", json={"name": "prod"})
    created = client.post(
        "/api/v2/tenants/acme/databases/prod/collections",
        json={"name": "docs", "metadata": {"team": "search"}, "configuration": {"hnsw": {"space": "ip"}}},
    ).json()
    cid = created["id"]
    client.post(
        f"/api/v2/tenants/acme/databases/prod/collections/{cid}/add",
        json={
            "ids": ["a", "b"],
            "embeddings": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
            "documents": ["x", "y"],
            "metadatas": [{"n": 1}, None],
        },
    )
    before = client.get("/api/v2/tenants/acme/databases/prod/collections/docs").json()
    snapshot = client.get("/__mock/export").json()
    records = snapshot["collections"][0]["records"]
    assert records["embeddings"] == [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]  # float32, written shortest
    client.post("/__mock/reset", headers=JSON_CT)
    assert client.get("/api/v2/tenants/acme").status_code == 404
    assert client.post("/__mock/import", json=snapshot).json() == {
        "tenants": 1,
        "databases": 1,
        "collections": 1,
        "records": 2,
    }
    again = client.get("/api/v2/tenants/acme/databases/prod/collections/docs").json()
    assert again == before and again["id"] == created["id"] and again["dimension"] == 3
    got = client.post(
        f"/api/v2/tenants/acme/databases/prod/collections/{cid}/get",
        json={"include": ["embeddings", "documents", "metadatas"]},
    ).json()
    assert got["ids"] == ["a", "b"] and got["documents"] == ["x", "y"] and got["metadatas"] == [{"n": 1}, None]
    assert got["embeddings"] == records["embeddings"]
    assert client.get("/__mock/export").json() == snapshot


def test_bad_import_is_400_and_changes_nothing(client: TestClient) -> None:
    make_collection(client, "keepme")
    before = client.get("/__mock/export").json()
    response = client.post("/__mock/import", json={"collections": [{"name": "fine"}, {"name": "no"}]})
    assert response.status_code == 400 and response.json()["error"] == "InvalidArgumentError"
    assert "collections[1]" in response.json()["message"]
    assert client.post("/__mock/import", content=b"[1,2]", headers=JSON_CT).status_code == 400
    assert client.post("/__mock/import", content=b"{nope", headers=JSON_CT).status_code == 400
    assert client.get("/__mock/export").json() == before


# about ------------------------------------------------------------------------------------------
def test_health(client: TestClient, app: MockApp) -> None:
    make_collection(client)
    body = client.get("/__mock/health").json()
    assert body["status"] == "ok" and body["collections"] == 1 and body["records"] == 0
    assert body["operations"] == len(app.spec.operations)
    assert body["journal"] == {"entries": 1, "maxlen": 1000}
    assert client.head("/__mock/health").status_code == 200


def test_openapi_documents_every_admin_route(client: TestClient) -> None:
    served = client.get("/__mock/openapi.json").json()
    shipped = yaml.safe_load(resources.files("mockserver.control").joinpath("admin-openapi.yaml").read_text(encoding="utf-8"))
    assert served == shipped
    documented = {
        (path, method.upper()) for path, item in served["paths"].items() for method in item if method != "parameters"
    }
    implemented = {(f"/__mock/{name}", method) for name, table in ROUTES.items() for method in table}
    implemented |= {("/__mock/faults/{id}", "GET"), ("/__mock/faults/{id}", "DELETE"), ("/__mock/journal/{seq}", "GET")}
    assert documented == implemented


def test_unknown_admin_paths_and_methods(client: TestClient) -> None:
    missing = client.get("/__mock/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"
    wrong = client.put("/__mock/journal")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "DELETE,GET,HEAD"
    assert wrong.json()["error"] == "ChromaError"


@pytest.mark.parametrize("dimension", [10**11, 1e11, 65_537])
def test_an_import_asking_for_a_huge_dimension_is_a_quick_400(client: TestClient, dimension: Any) -> None:
    import time

    seed = {"collections": [{"name": "big", "dimension": dimension, "records": [{"id": "a", "document": "x"}]}]}
    start = time.perf_counter()
    response = client.post("/__mock/import", json=seed)
    assert time.perf_counter() - start < 2.0
    assert response.status_code == 400 and "collections[0].dimension" in response.json()["message"]
    assert client.get("/__mock/export").json()["collections"] == []


def test_a_bad_journal_path_regex_is_a_400_in_the_admin_shape(client: TestClient) -> None:
    response = client.get("/__mock/journal", params={"path": "re:["})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == "InvalidArgumentError"
    assert "bad path regular expression" in response.json()["message"]


def test_the_journal_serialises_after_a_request_nested_too_deep_for_orjson(client: TestClient) -> None:
    deep = '{"name": ' + "[" * 300 + "]" * 300 + "}"
    client.post("/api/v2/tenants", content=deep, headers={"content-type": "application/json"})
    client.get("/api/v2/heartbeat")
    response = client.get("/__mock/journal")
    assert response.status_code == 200, response.text
    first, second = response.json()["entries"]
    assert first["request_body"] == {"$mock_unwritable_body": deep}
    assert second["operation_id"] == "heartbeat"


def test_compact_endpoint_forces_compaction() -> None:
    from starlette.testclient import TestClient

    from mockserver.api.app import create_app
    from mockserver.store.profile import profile_named

    app = create_app(profile=profile_named("cloud", compaction_delay=3600.0))
    with TestClient(app, headers={"x-chroma-token": "ck-test"}) as client:
        base = "/api/v2/tenants/default_tenant/databases/default_database/collections"
        cid = client.post(base, json={"name": "ccc"}).json()["id"]
        client.post(f"{base}/{cid}/add", json={"ids": ["a"], "embeddings": [[1.0]]})
        assert client.get(f"{base}/{cid}/indexing_status").json()["num_unindexed_ops"] == 1
        assert client.post("/__mock/compact", json={"collection_id": cid}).json() == {"compacted": [cid]}
        assert client.get(f"{base}/ccc").json()["version"] == 1
        assert client.post("/__mock/compact", json={}).json() == {"compacted": []}
        assert client.post("/__mock/compact", json={"bogus": 1}).status_code == 400
