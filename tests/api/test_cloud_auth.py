"""Cloud profile: API keys (any key without `--auth`, the file's keys with it) and `CloudClient` end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest
from chromadb.config import Settings
from chromadb.errors import ChromaAuthError, ChromaError
from starlette.testclient import TestClient

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer
from mockserver.serve.standalone import Options, build

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def cloud_client(port: int, api_key: str, **kwargs: str) -> chromadb.ClientAPI:
    return chromadb.CloudClient(
        api_key=api_key,
        cloud_host="127.0.0.1",
        cloud_port=port,
        enable_ssl=False,
        settings=Settings(anonymized_telemetry=False),
        **kwargs,
    )


@pytest.fixture
def cloud() -> Iterator[httpx.Client]:
    with TestClient(create_app(profile="cloud")) as client:
        yield client


def test_without_a_key_secured_operations_are_401(cloud: httpx.Client) -> None:
    answer = cloud.get(f"{BASE}/collections")
    assert answer.status_code == 401
    assert answer.json()["error"] == "ChromaError" and "no token" in answer.json()["message"]
    assert cloud.get("/api/v2/auth/identity").status_code == 401
    # the operations the spec declares without security stay open
    assert cloud.get("/api/v2/heartbeat").status_code == 200
    assert cloud.get("/api/v2/pre-flight-checks").json()["max_batch_size"] == 1000


def test_any_key_is_default_tenant_and_may_use_every_tenant(cloud: httpx.Client) -> None:
    key = {"x-chroma-token": "ck-anything"}
    assert cloud.get("/api/v2/auth/identity", headers=key).json() == {
        "user_id": "",
        "tenant": "default_tenant",
        "databases": ["default_database"],
    }
    assert cloud.get(f"{BASE}/collections", headers={"authorization": "Bearer ck-other"}).json() == []
    assert cloud.post("/api/v2/tenants", json={"name": "elsewhere"}, headers=key).status_code == 200


def test_the_local_profile_still_needs_no_key() -> None:
    with TestClient(create_app()) as client:
        assert client.get(f"{BASE}/collections").json() == []
        assert client.get("/api/v2/auth/identity").json()["tenant"] == "default_tenant"


def test_cloud_client_needs_a_key_and_works_with_any() -> None:
    with MockServer(create_app(profile="cloud")) as server:
        with pytest.raises(ValueError, match="api_key"):
            chromadb.CloudClient(cloud_host="127.0.0.1", cloud_port=server.port, enable_ssl=False)
        with pytest.raises(ChromaError, match="no token"):  # a client that sends no key at all
            chromadb.HttpClient(host="127.0.0.1", port=server.port).list_collections()
        client = cloud_client(server.port, "ck-any")
        client.create_collection("docs").add(ids=["a"], embeddings=[[1.0, 2.0]])
        assert client.get_collection("docs").count() == 1
        server.raise_errors()


def test_cloud_client_with_an_auth_file(tmp_path: Path) -> None:
    """`--auth` maps keys to tenants: CloudClient adopts the key's tenant and database; others are 403."""
    auth = tmp_path / "keys.yaml"
    auth.write_text("tokens:\n  ck-acme: {user_id: ann, tenant: acme, databases: [prod]}\n")
    stack = build(Options(profile="cloud", auth_file=str(auth)))
    stack.app.store.create_tenant("acme")
    stack.app.store.create_database("acme", "prod")
    with MockServer(stack.app) as server:
        client = cloud_client(server.port, "ck-acme")
        client.create_collection("docs")
        assert [c.name for c in client.list_collections()] == ["docs"]
        assert stack.app.store.count_collections("acme", "prod") == 1
        with pytest.raises(ChromaError, match="Unauthorized: unknown token"):
            cloud_client(server.port, "ck-wrong")
        with pytest.raises(ChromaAuthError, match="Tenant other does not match acme"):
            cloud_client(server.port, "ck-acme", tenant="other")
        refused = httpx.get(
            f"{server.url}/api/v2/tenants/default_tenant/databases/default_database/collections",
            headers={"x-chroma-token": "ck-acme"},
        )
        assert refused.status_code == 403 and refused.json()["message"].startswith("Permission denied.")
        server.raise_errors()
