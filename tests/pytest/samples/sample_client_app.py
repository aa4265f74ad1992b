"""A client project's tests, as they would use the chroma_mock fixture (copied into a pytester dir)."""

from __future__ import annotations

import httpx
import pytest
from chromadb.errors import ChromaError

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def test_address(chroma_mock):
    assert chroma_mock.url == f"http://{chroma_mock.host}:{chroma_mock.port}"
    assert httpx.get(chroma_mock.url + "/api/v2/heartbeat").status_code == 200


@pytest.mark.chroma_seed("fruit.yaml")
def test_seeded_by_marker(chroma_mock):
    fruit = chroma_mock.client().get_collection("fruit")
    assert fruit.count() == 2
    assert fruit.get(ids=["apple"])["documents"] == ["Apples are red"]
    nearest = fruit.query(query_embeddings=[[0.9, 0.1, 0.0]], n_results=1)
    assert nearest["ids"] == [["apple"]]


def test_seeded_inline(chroma_mock):
    chroma_mock.seed({"collections": [{"name": "notes", "records": [{"id": "n1", "document": "buy milk"}]}]})
    assert [c.name for c in chroma_mock.client().list_collections()] == ["notes"]


def test_isolation_writes(chroma_mock):
    chroma_mock.client().create_collection("only-here").add(ids=["x"], embeddings=[[1.0, 2.0]])


def test_isolation_sees_nothing(chroma_mock):
    assert chroma_mock.client().list_collections() == []
    assert len(chroma_mock.requests.entries(operation_id="collection_add")) == 0


def test_journal(chroma_mock):
    client = chroma_mock.client()
    client.create_collection("docs").add(ids=["a", "b"], documents=["x", "y"], embeddings=[[1.0, 0.0], [0.0, 1.0]])
    chroma_mock.requests.assert_called("create_collection", times=1)
    chroma_mock.requests.assert_not_called("collection_delete")
    add = chroma_mock.requests.last("collection_add")
    assert add.method == "POST" and add.status == 201
    assert add.request_body["ids"] == ["a", "b"]
    assert chroma_mock.requests.calls("create_collection")[0].response_body["name"] == "docs"


def test_fault_then_recovery(chroma_mock):
    docs = chroma_mock.client().create_collection("docs")
    chroma_mock.fail("collection_add", status=503, times=1, message="try again")
    with pytest.raises(ChromaError, match="try again"):
        docs.add(ids=["a"], embeddings=[[1.0, 0.0]])
    docs.add(ids=["a"], embeddings=[[1.0, 0.0]])  # the fault was used up
    assert docs.count() == 1
    assert [e.status for e in chroma_mock.requests.calls("collection_add")] == [503, 201]


def test_fault_error_body_and_delay(chroma_mock):
    chroma_mock.fail("count_collections", status=404, times=None, delay=0.05)
    answer = httpx.get(chroma_mock.url + BASE + "/collections_count")
    assert answer.status_code == 404
    assert answer.json() == {"error": "NotFoundError", "message": "injected fault"}
    assert chroma_mock.requests.last().duration_ms >= 50
