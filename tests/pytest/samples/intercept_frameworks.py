"""A client repo's LangChain and LlamaIndex code, built the way their docs show, under `chroma_intercept`
(copied into a pytester dir next to no_network_conftest.py as conftest.py)."""

from __future__ import annotations

import chromadb
import pytest

TENANT, DATABASE = "default_tenant", "default_database"


def test_langchain_chroma_persist_directory(chroma_intercept, tmp_path):
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import DeterministicFakeEmbedding

    store = Chroma(
        collection_name="example_collection",
        embedding_function=DeterministicFakeEmbedding(size=384),
        persist_directory=str(tmp_path / "chroma_langchain_db"),
    )
    store.add_documents([Document(page_content="red apples", id="1"), Document(page_content="yellow bananas", id="2")])
    assert [d.page_content for d in store.similarity_search("red apples", k=1)] == ["red apples"]
    scoped = chroma_intercept.persistent_store(tmp_path / "chroma_langchain_db")
    assert [c.name for c in scoped.list_collections(TENANT, DATABASE)] == ["example_collection"]
    chroma_intercept.requests.assert_called("collection_upsert", times=1)


def test_langchain_chroma_with_chromas_default_embeddings(chroma_intercept):
    from langchain_chroma import Chroma

    store = Chroma(collection_name="notes", host="chroma.internal", port=8000)
    store.add_texts(["red apples", "yellow bananas", "apples and pears"], ids=["a", "b", "c"])
    assert [d.id for d in store.similarity_search("apples", k=2)] == ["a", "c"]
    assert chroma_intercept.store.count_collections(TENANT, DATABASE) == 1


def test_llamaindex_chroma_vector_store(chroma_intercept, tmp_path):
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.embeddings import MockEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    db = chromadb.PersistentClient(path=str(tmp_path / "chroma_db"))
    chroma_collection = db.get_or_create_collection("quickstart")
    vector_store = ChromaVectorStore(chroma_collection=chroma_collection)
    storage_context = StorageContext.from_defaults(vector_store=vector_store)
    documents = [Document(text="Apples are red.", id_="apple"), Document(text="Bananas are yellow.", id_="banana")]
    index = VectorStoreIndex.from_documents(
        documents, storage_context=storage_context, embed_model=MockEmbedding(embed_dim=384)
    )
    nodes = index.as_retriever(similarity_top_k=2).retrieve("Which fruit is red?")
    assert sorted(n.node.ref_doc_id for n in nodes) == ["apple", "banana"]
    assert chroma_collection.count() == 2
    scoped = chroma_intercept.persistent_store(tmp_path / "chroma_db")
    assert [c.name for c in scoped.list_collections(TENANT, DATABASE)] == ["quickstart"]


def test_llamaindex_from_params(chroma_intercept):
    from llama_index.vector_stores.chroma import ChromaVectorStore

    store = ChromaVectorStore.from_params(collection_name="remote", host="chroma.internal", port="8000")
    assert store.client.count() == 0
    assert [c.name for c in chroma_intercept.store.list_collections(TENANT, DATABASE)] == ["remote"]
