"""Cloud profile: Chroma Cloud's quotas, each with its `Quota exceeded` 422, configurable, and absent locally."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app
from mockserver.store.profile import profile_named
from mockserver.store.quotas import DEFAULT_QUOTAS, QUOTA_TYPES, QuotaExceeded, QuotaFileError, parse_quota_option

DB = "/api/v2/tenants/default_tenant/databases/default_database"
KEY = {"x-chroma-token": "ck-test"}


def small(**limits: int) -> Any:
    return profile_named("cloud", quotas=DEFAULT_QUOTAS.replaced(limits), compaction_delay=0.0)


@pytest.fixture
def cloud() -> Iterator[httpx.Client]:
    quotas = DEFAULT_QUOTAS.replaced({"num_records": 2, "limit_value": 3, "num_results": 3, "name_size_bytes": 8})
    with TestClient(create_app(profile=profile_named("cloud", quotas=quotas)), headers=KEY) as client:
        yield client


def message(name: str, action: str, usage: int, limit: int) -> str:
    text = QUOTA_TYPES[name][0]
    return (
        f"Quota exceeded: '{text}' exceeded quota limit for action '{action}': "
        f"current usage of {usage} exceeds limit of {limit}"
    )


def assert_quota(answer: httpx.Response, name: str, action: str, usage: int, limit: int) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.json() == {"error": "ChromaError", "message": message(name, action, usage, limit)}


def collection(client: httpx.Client, name: str = "docs") -> str:
    answer = client.post(f"{DB}/collections", json={"name": name})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def test_the_message_is_clouds() -> None:
    with pytest.raises(QuotaExceeded) as caught:
        DEFAULT_QUOTAS.check("num_records", "Add", 301)
    assert caught.value.status == 422 and caught.value.message == (
        "Quota exceeded: 'Number of records' exceeded quota limit for action 'Add': "
        "current usage of 301 exceeds limit of 300"
    )
    DEFAULT_QUOTAS.check("num_records", "Add", 300)  # equal to the limit passes: the message says "exceeds"


def test_records_per_write(cloud: httpx.Client) -> None:
    cid = collection(cloud)
    ids = ["a", "b", "c"]
    for op, action in (("add", "Add"), ("upsert", "Upsert"), ("update", "Update"), ("delete", "Delete")):
        body: dict[str, Any] = {"ids": ids}
        if op in ("add", "upsert"):
            body["embeddings"] = [[1.0]] * 3
        assert_quota(cloud.post(f"{DB}/collections/{cid}/{op}", json=body), "num_records", action, 3, 2)
    assert cloud.get(f"{DB}/collections/{cid}/count").json() == 0, "nothing of a refused write is applied"
    ok = cloud.post(f"{DB}/collections/{cid}/add", json={"ids": ["a", "b"], "embeddings": [[1.0], [2.0]]})
    assert ok.status_code == 201, ok.text


def test_limit_and_n_results(cloud: httpx.Client) -> None:
    cid = collection(cloud)
    assert_quota(cloud.post(f"{DB}/collections/{cid}/get", json={"limit": 4}), "limit_value", "Get", 4, 3)
    assert cloud.post(f"{DB}/collections/{cid}/get", json={"limit": 3}).status_code == 200
    query = {"query_embeddings": [[1.0]], "n_results": 4}
    assert_quota(cloud.post(f"{DB}/collections/{cid}/query", json=query), "num_results", "Query", 4, 3)


def test_name_sizes(cloud: httpx.Client) -> None:
    assert_quota(
        cloud.post(f"{DB}/collections", json={"name": "a-long-name"}), "name_size_bytes", "Create Collection", 11, 8
    )
    assert_quota(
        cloud.post("/api/v2/tenants/default_tenant/databases", json={"name": "databases"}),
        "name_size_bytes",
        "Create Database",
        9,
        8,
    )
    cid = collection(cloud)
    assert_quota(
        cloud.put(f"{DB}/collections/{cid}", json={"new_name": "renamed-it"}),
        "name_size_bytes",
        "Update Collection",
        10,
        8,
    )
    assert_quota(
        cloud.post(f"{DB}/collections/{cid}/fork", json={"new_name": "the-forked"}),
        "name_size_bytes",
        "Fork Collection",
        10,
        8,
    )


@pytest.mark.parametrize(
    ("name", "limit", "record", "usage"),
    [
        ("id_size_bytes", 3, {"ids": ["abcdé"]}, 6),
        ("document_size_bytes", 4, {"documents": ["hello"]}, 5),
        ("uri_size_bytes", 4, {"uris": ["s3://x"]}, 6),
        ("embedding_dimensions", 2, {"embeddings": [[1.0, 2.0, 3.0]]}, 3),
        ("num_metadata_keys", 1, {"metadatas": [{"a": 1, "b": 2}]}, 2),
        ("metadata_key_size_bytes", 3, {"metadatas": [{"long": 1}]}, 4),
        ("metadata_value_size_bytes", 3, {"metadatas": [{"k": "four"}]}, 4),
    ],
)
def test_record_sizes(name: str, limit: int, record: dict[str, Any], usage: int) -> None:
    body: dict[str, Any] = {"ids": ["a"], "embeddings": [[1.0, 2.0, 3.0]], **record}
    with TestClient(create_app(profile=small(**{name: limit})), headers=KEY) as client:
        cid = collection(client)
        assert_quota(client.post(f"{DB}/collections/{cid}/add", json=body), name, "Add", usage, limit)
        assert client.get(f"{DB}/collections/{cid}/count").json() == 0


def test_base64_embeddings_count_their_floats() -> None:
    packed = base64.b64encode(struct.pack("<3f", 1.0, 2.0, 3.0)).decode()
    with TestClient(create_app(profile=small(embedding_dimensions=2)), headers=KEY) as client:
        cid = collection(client)
        answer = client.post(f"{DB}/collections/{cid}/add", json={"ids": ["a"], "embeddings": [packed]})
        assert_quota(answer, "embedding_dimensions", "Add", 3, 2)


def test_reads_where_query_embeddings_and_search_payloads() -> None:
    profile = small(
        num_where_predicates=1, where_document_value_length=3, num_query_embeddings=1, num_search_payloads=1
    )
    with TestClient(create_app(profile=profile), headers=KEY) as client:
        cid = collection(client)
        where = {"$and": [{"a": 1}, {"b": {"$gt": 2}}]}
        get = client.post(f"{DB}/collections/{cid}/get", json={"where": where})
        assert_quota(get, "num_where_predicates", "Get", 2, 1)
        delete = client.post(f"{DB}/collections/{cid}/delete", json={"where_document": {"$contains": "word"}})
        assert_quota(delete, "where_document_value_length", "Delete", 4, 3)
        query = client.post(f"{DB}/collections/{cid}/query", json={"query_embeddings": [[1.0], [2.0]]})
        assert_quota(query, "num_query_embeddings", "Query", 2, 1)
        search = client.post(f"{DB}/collections/{cid}/search", json={"searches": [{}, {}]})
        assert_quota(search, "num_search_payloads", "Search", 2, 1)


def test_the_local_profile_has_no_quotas() -> None:
    with TestClient(create_app()) as client:
        cid = collection(client, "x" * 200)
        answer = client.post(
            f"{DB}/collections/{cid}/add", json={"ids": [str(i) for i in range(400)], "embeddings": [[1.0]] * 400}
        )
        assert answer.status_code == 201, answer.text


def test_quota_options_parse_and_refuse_unknown_names() -> None:
    assert parse_quota_option("num_records=5") == ("num_records", 5)
    with pytest.raises(QuotaFileError, match="NAME=VALUE"):
        parse_quota_option("num_records")
    with pytest.raises(QuotaFileError, match="unknown quota 'bogus'"):
        DEFAULT_QUOTAS.replaced({"bogus": 1})
    with pytest.raises(QuotaFileError, match="non-negative integer"):
        DEFAULT_QUOTAS.replaced({"num_records": -1})
    assert DEFAULT_QUOTAS.limits["num_records"] == 300 and DEFAULT_QUOTAS.replaced({}).limits == DEFAULT_QUOTAS.limits


def test_serve_options_set_the_quotas(tmp_path: Any) -> None:
    from mockserver.serve.standalone import Options, SetupError, build

    quota_file = tmp_path / "quotas.yaml"
    quota_file.write_text("quotas:\n  num_records: 10\n  limit_value: 50\n")
    stack = build(Options(profile="cloud", quota_file=str(quota_file), quotas=["num_records=20"]))
    quotas = stack.app.store.profile.quotas
    assert quotas is not None and quotas.limits["num_records"] == 20 and quotas.limits["limit_value"] == 50
    assert any(note.startswith("quotas: Chroma Cloud's") for note in stack.notes)
    assert build(Options(profile="cloud", no_quotas=True)).app.store.profile.quotas is None
    with pytest.raises(SetupError, match="need --profile cloud"):
        build(Options(quotas=["num_records=20"]))
    with pytest.raises(SetupError, match="unknown quota 'nope'"):
        build(Options(profile="cloud", quotas=["nope=1"]))


def test_path_errors_and_a_missing_collection_come_before_quotas(cloud: httpx.Client) -> None:
    """Chroma checks the collection id and looks the collection up before its quota enforcer."""
    body = {"ids": ["a", "b", "c"], "embeddings": [[1.0]] * 3}
    missing = cloud.post(f"{DB}/collections/00000000-0000-4000-8000-000000000000/add", json=body)
    assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"
    assert cloud.post(f"{DB}/collections/not-a-uuid/add", json=body).status_code == 400
