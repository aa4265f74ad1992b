"""Search end to end: chromadb 1.5.9's own `Search`/`Knn`/`Rrf`/`GroupBy` builders and `HttpClient`
against the cloud profile, on the reference's golden collection (chroma-cloud-semantics 2.12)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from chromadb import HttpClient, Knn, Rrf, Schema, Search
from chromadb.api.types import SparseVectorIndexConfig
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings
from chromadb.execution.expression.operator import GroupBy, K, MinK, Val
from chromadb.base_types import SparseVector

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer



@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(create_app(profile="cloud")) as running:
        yield running
        running.raise_errors()


@pytest.fixture(scope="module")
def golden(server: MockServer) -> Collection:
    client = HttpClient(
        host=server.host,
        port=server.port,
        headers={"x-chroma-token": "ck-test"},  # the cloud profile requires an API key
        settings=Settings(anonymized_telemetry=False),
    )
    schema = Schema().create_index(config=SparseVectorIndexConfig(), key="sp")
    collection = client.create_collection("golden", schema=schema)
    collection.add(
        ids=["a", "b", "c", "d", "e"],
        embeddings=[[0, 0, 1], [0, 1, 0], [1, 0, 0], [0.5, 0.5, 0], [0, 0.5, 0.5]],
        documents=["apple pie", "banana bread", "car engine", "cpu design", None],  # type: ignore[list-item]
        metadatas=[
            {"category": "food", "year": 2020, "sp": SparseVector(indices=[1, 2], values=[1.0, 0.5])},
            {"category": "food", "year": 2021},
            {"category": "tech", "year": 2022, "sp": SparseVector(indices=[2, 7], values=[2.0, 1.0])},
            {"category": "tech", "year": 2023},
            None,  # type: ignore[list-item]
        ],
    )
    server.app.store.compact()  # type: ignore[attr-defined]  # so that index_only reads see the records too
    return collection


def one(result: Any, column: str) -> Any:
    return result[column][0]


def test_1_filtered_knn(golden: Collection) -> None:
    found = golden.search(
        Search().where(K("category") == "food").rank(Knn(query=[0, 0.1, 0.9])).limit(10).select(K.DOCUMENT, K.SCORE)
    )
    assert found["ids"] == [["a", "b"]] and found["documents"] == [["apple pie", "banana bread"]]
    assert found["scores"] == [[pytest.approx(0.020000005), pytest.approx(1.6199999)]]
    assert found["embeddings"] == [None] and found["metadatas"] == [None]
    assert sorted(found["select"][0]) == ["#document", "#score"]


def test_2_no_rank_page_scores_are_positions(golden: Collection) -> None:
    found = golden.search(Search().limit(2, offset=1).select(K.SCORE, "year"))
    assert found["ids"] == [["b", "c"]] and found["scores"] == [[0.0, 1.0]]
    assert found["metadatas"] == [[{"year": 2021}, {"year": 2022}]]


def test_3_knn_limit_bounds_the_candidates(golden: Collection) -> None:
    found = golden.search(Search().rank(Knn(query=[0, 0, 1], limit=2)).select(K.SCORE))
    assert found["ids"] == [["a", "e"]] and found["scores"] == [[0.0, 0.5]]


def test_4_dense_plus_sparse_with_defaults(golden: Collection) -> None:
    rank = Knn(query=[0, 0, 1], limit=2, default=10) * 0.5 + Knn(
        query=SparseVector(indices=[2], values=[1.0]), key="sp", limit=5, default=10
    ) * 0.5
    found = golden.search(Search().rank(rank).select(K.SCORE))
    assert found["ids"] == [["a", "c", "e"]] and found["scores"] == [[0.25, 4.5, 5.25]]


def test_5_rrf_keeps_records_of_every_leaf(golden: Collection) -> None:
    rrf = Rrf([Knn(query=[0, 0, 1], return_rank=True, limit=3), Knn(query=SparseVector(indices=[2], values=[1.0]), key="sp", return_rank=True)])
    found = golden.search(Search().rank(rrf).select(K.SCORE))
    assert found["ids"] == [["a"]] and found["scores"] == [[pytest.approx(-0.03306011)]]


def test_6_group_by_min_k(golden: Collection) -> None:
    search = Search().rank(Knn(query=[0, 0, 1], limit=5)).group_by(GroupBy(K("category"), MinK(K.SCORE, 1)))
    found = golden.search(search.select(K.SCORE, "category"))
    assert found["ids"] == [["a", "e", "d"]] and found["scores"] == [[0.0, 0.5, 1.5]]
    assert found["metadatas"] == [[{"category": "food"}, None, {"category": "tech"}]]


def test_7_batch_and_full_metadata(golden: Collection) -> None:
    found = golden.search([Search().rank(Knn(query=[1, 0, 0], limit=1)).select(K.METADATA), Search().limit(1)])
    assert found["ids"] == [["c"], ["a"]] and found["select"] == [["#metadata"], []]
    (metadata,) = found["metadatas"][0]
    assert metadata["category"] == "tech" and metadata["sp"] == SparseVector(indices=[2, 7], values=[2.0, 1.0])
    assert found["metadatas"][1] is None


def test_rank_without_knn_returns_nothing_and_id_filter(golden: Collection) -> None:
    assert golden.search(Search().rank(Val(1.0)))["ids"] == [[]]
    found = golden.search(Search().where(K.ID.is_in(["b", "d"]) | K.DOCUMENT.contains("apple")))
    assert found["ids"] == [["a", "b", "d"]]
    assert golden.search(Search().where(K.ID != "a").limit(2))["ids"] == [["b", "c"]]


def test_empty_searches_and_read_levels(golden: Collection, server: MockServer) -> None:
    url = f"{server.url}/api/v2/tenants/default_tenant/databases/default_database/collections/{golden.id}/search"
    key = {"x-chroma-token": "ck-test"}
    answer = httpx.post(url, json={"searches": []}, headers=key)
    assert answer.json() == {k: [] for k in ("ids", "documents", "embeddings", "metadatas", "scores", "select")}
    for level in ("index_and_wal", "index_only", "index_and_bounded_wal"):
        answer = httpx.post(url, json={"searches": [{}], "read_level": level}, headers=key)
        assert answer.json()["ids"] == [["a", "b", "c", "d", "e"]]
