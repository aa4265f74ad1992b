"""mockserver.mock_chroma outside pytest fixtures: context manager, decorators, patches undone, per-path state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import chromadb
import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import DefaultEmbeddingFunction
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

import mockserver
from mockserver.control.seed_format import embed_text
from mockserver.intercept.mock import MockChroma

TENANT, DATABASE = "default_tenant", "default_database"


def patched() -> tuple[bool, bool]:
    return hasattr(SharedSystemClient.__init__, "__wrapped__"), ONNXMiniLM_L6_V2.__call__.__module__.startswith(
        "mockserver"
    )


def test_context_manager(tmp_path: Path) -> None:
    with mockserver.mock_chroma() as chroma:
        assert patched() == (True, True)
        app_client = chromadb.PersistentClient(path=str(tmp_path / "db"))
        docs = app_client.create_collection("docs")
        docs.add(ids=["a", "b"], documents=["red apples", "yellow bananas"])
        assert docs.query(query_texts=["apples"], n_results=1)["ids"] == [["a"]]
        assert chromadb.HttpClient(host="chroma.internal").list_collections() == []  # another state
        assert chroma.persistent_store(tmp_path / "db").count_collections(TENANT, DATABASE) == 1
        stored = docs.get(ids=["a"], include=["embeddings"])["embeddings"][0]
        assert list(stored) == pytest.approx(embed_text("red apples"), abs=1e-6)  # the seed embedding
        assert chroma.requests.calls("collection_add")
        chroma.reset()
        assert chromadb.PersistentClient(path=str(tmp_path / "db")).list_collections() == []
    assert patched() == (False, False)
    assert not (tmp_path / "db").exists()
    with pytest.raises(RuntimeError, match="not active"):
        chroma.store  # noqa: B018


def test_bare_decorator_gives_each_call_a_fresh_mock() -> None:
    @mockserver.mock_chroma
    def create() -> int:
        client = chromadb.Client()
        client.create_collection("once")  # fails on the second call if the state leaked
        return len(client.list_collections())

    assert create() == 1
    assert create() == 1
    assert patched() == (False, False)


def test_decorating_a_coroutine_function() -> None:
    @mockserver.mock_chroma(offline_embeddings=False)
    async def run() -> tuple[int, tuple[bool, bool]]:
        client = await chromadb.AsyncHttpClient(host="chroma.internal", port=8000)
        await client.create_collection("async_docs")
        return await client.count_collections(), patched()

    assert asyncio.run(run()) == (1, (True, False))  # offline_embeddings=False keeps the real model
    assert patched() == (False, False)


def test_nested_mocks_innermost_wins() -> None:
    with MockChroma() as outer:
        with MockChroma() as inner:
            chromadb.Client().create_collection("inner")
        chromadb.Client().create_collection("outer")
        assert patched() == (True, True)
        assert [c.name for c in outer.store.list_collections(TENANT, DATABASE)] == ["outer"]
    assert patched() == (False, False)
    assert inner._app is not None and [c.name for c in inner._app.store.list_collections(TENANT, DATABASE)] == ["inner"]


def test_default_function_names_stay() -> None:
    with mockserver.mock_chroma():
        assert DefaultEmbeddingFunction.name() == "default"
        assert ONNXMiniLM_L6_V2.name() == "onnx_mini_lm_l6_v2"
        vectors = DefaultEmbeddingFunction()(["a b c"])
        assert len(vectors[0]) == 384
