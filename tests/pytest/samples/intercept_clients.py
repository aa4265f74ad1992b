"""A client repo's tests: application code builds its own chromadb clients; the tests only ask for
`chroma_intercept` (copied into a pytester dir next to no_network_conftest.py as conftest.py)."""

from __future__ import annotations

import asyncio

import chromadb
import chromadb.api.client
import httpx
import pytest
from chromadb.config import Settings

from mockserver.control.seed_format import embed_text

TENANT, DATABASE = "default_tenant", "default_database"


def names(client):
    return sorted(c.name for c in client.list_collections())


def test_the_network_is_blocked():
    with pytest.raises(httpx.ConnectError, match="network blocked"):
        httpx.get("https://example.com", timeout=2)


def test_persistent_clients_get_the_state_of_their_path(chroma_intercept, tmp_path):
    first = chromadb.PersistentClient(path=str(tmp_path / "a"))
    first.create_collection("docs").add(ids=["1"], documents=["red apples"])
    assert names(chromadb.PersistentClient(path=str(tmp_path / "a"))) == ["docs"]
    assert names(chromadb.PersistentClient(path=tmp_path / "b")) == []
    assert names(chromadb.Client(Settings(is_persistent=True, persist_directory=str(tmp_path / "a")))) == ["docs"]
    assert not (tmp_path / "a").exists()  # nothing written to disk
    assert chroma_intercept.persistent_store(tmp_path / "a").count_collections(TENANT, DATABASE) == 1
    assert chroma_intercept.store.count_collections(TENANT, DATABASE) == 0
    chroma_intercept.requests.assert_called("collection_add", times=1)  # one journal for every path


def test_every_other_client_shares_the_mock(chroma_intercept):
    chromadb.EphemeralClient().create_collection("shared")
    clients = [
        chromadb.Client(),
        chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=True)),
        chromadb.api.client.Client(settings=Settings()),
        chromadb.HttpClient(host="chroma.internal", port=8000),
        chromadb.HttpClient(host="https://chroma.example.com", port=443, ssl=True, headers={"x-app": "demo"}),
        chromadb.CloudClient(tenant=TENANT, database=DATABASE, api_key="ck-test"),
    ]
    for client in clients:
        assert names(client) == ["shared"]
    chroma_intercept.requests.assert_called("create_collection", times=1)
    assert chroma_intercept.store.count_collections(TENANT, DATABASE) == 1


def test_tenant_and_database_are_kept(chroma_intercept):
    admin = chromadb.AdminClient()
    admin.create_tenant("acme")
    admin.create_database("prod", tenant="acme")
    chromadb.HttpClient(host="db.example.com", tenant="acme", database="prod").create_collection("things")
    assert [c.name for c in chroma_intercept.store.list_collections("acme", "prod")] == ["things"]
    assert chroma_intercept.store.count_collections(TENANT, DATABASE) == 0


def test_the_async_client_sees_what_the_sync_client_sees(chroma_intercept):
    chromadb.HttpClient().create_collection("docs").add(ids=["a", "b"], documents=["red apples", "yellow bananas"])

    async def main():
        client = await chromadb.AsyncHttpClient(host="chroma.internal", port=8000)
        docs = await client.get_collection("docs")
        await docs.add(ids=["c"], documents=["green apples"])
        return await docs.count(), await docs.query(query_texts=["yellow bananas"], n_results=1)

    count, found = asyncio.run(main())
    assert count == 3
    assert found["ids"] == [["b"]]


def test_default_embeddings_are_offline_and_deterministic(chroma_intercept):
    docs = chromadb.Client().create_collection("docs")
    assert docs.configuration["embedding_function"].name() == "default"
    docs.add(ids=["a", "b", "c"], documents=["red apples", "yellow bananas", "apples and pears"])
    stored = docs.get(ids=["a"], include=["embeddings"])["embeddings"][0]
    assert len(stored) == 384
    assert list(stored) == pytest.approx(embed_text("red apples"), abs=1e-6)  # the seed embedding
    assert docs.query(query_texts=["apples"], n_results=2)["ids"] == [["a", "c"]]
    body = chroma_intercept.requests.last("create_collection").request_body
    assert body["configuration"]["embedding_function"]["name"] == "default"


def test_the_journal_decodes_what_the_client_sent(chroma_intercept):
    docs = chromadb.Client().create_collection("docs")
    docs.add(ids=["a"], documents=["red apples"])
    sent = chroma_intercept.requests.last("collection_add")
    assert sent.embeddings[0] == pytest.approx(embed_text("red apples"), abs=1e-6)
    assert "collection_add" in repr(chroma_intercept.requests) and '{"ids":["a"]' in repr(sent)


def test_fail_429_raises_the_clients_rate_limit_error_sync_and_async(chroma_intercept):
    from chromadb.errors import RateLimitError

    docs = chromadb.HttpClient().create_collection("docs")
    chroma_intercept.fail("collection_add", status=429, times=2)
    with pytest.raises(RateLimitError):
        docs.add(ids=["a"], embeddings=[[1.0, 2.0]])

    async def main():
        client = await chromadb.AsyncHttpClient()
        await (await client.get_collection("docs")).add(ids=["a"], embeddings=[[1.0, 2.0]])

    with pytest.raises(RateLimitError):
        asyncio.run(main())
    chroma_intercept.fail(status=429)  # the next request, whatever its operation
    with pytest.raises(RateLimitError):
        docs.count()
    assert docs.count() == 0


@pytest.mark.chroma_intercept
def test_the_marker_turns_interception_on(chroma_mock):
    chromadb.HttpClient(host="chroma.internal").create_collection("marked")
    assert chroma_mock.store.count_collections(TENANT, DATABASE) == 1


def test_without_interception_nothing_is_patched():
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    assert not hasattr(SharedSystemClient.__init__, "__wrapped__")
    assert ONNXMiniLM_L6_V2.__call__.__module__.startswith("chromadb")
