"""Parity: the official `chromadb.HttpClient` works unchanged against the mock served over real HTTP.

The same test also runs against the real server, which checks the test itself.
"""

from __future__ import annotations

import threading
import time
from typing import Iterator, cast

import chromadb
import httpx
import numpy as np
import pytest
import uvicorn
from chromadb.api.types import Embeddings
from chromadb.config import Settings
from chromadb.errors import NotFoundError
from real_chroma import free_port

from mockserver.api.app import create_app

from .harness import Servers


@pytest.fixture(scope="module")
def mock_server_url() -> Iterator[str]:
    """The mock under uvicorn in a background thread, on a free port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="mockserver-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the mock did not start under uvicorn", pytrace=False)
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(params=["mock", "real"])
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A freshly reset server: the mock, or the real Chroma (then the parity cases must reset it again)."""
    if request.param == "mock":
        url: str = request.getfixturevalue("mock_server_url")
    else:
        servers: Servers = request.getfixturevalue("parity_servers")
        url = str(servers.real.base_url).rstrip("/")
        servers.dirty = True
    assert httpx.post(f"{url}/api/v2/reset", timeout=30).json() is True
    yield url


def vectors(*rows: list[float]) -> Embeddings:
    return cast(Embeddings, [np.array(row, dtype=np.float32) for row in rows])


def test_http_client_round_trip(server_url: str) -> None:
    host, port = server_url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(host=host, port=int(port), settings=Settings(anonymized_telemetry=False))
    assert client.heartbeat() > 0

    collection = client.create_collection("client_test", metadata={"topic": "parity"}, embedding_function=None)
    assert collection.name == "client_test"
    assert collection.metadata == {"topic": "parity"}

    collection.add(
        ids=["a", "b", "c"],
        embeddings=vectors([1.0, 0.0], [0.0, 2.0], [3.0, 4.0]),
        documents=["doc a", "doc b", None],  # type: ignore[list-item]
        metadatas=[{"k": 1}, {"k": 2}, {"k": 3}],
    )
    assert collection.count() == 3

    collection.update(ids=["a"], metadatas=[{"extra": True}])  # documents alone would need an embedding function
    collection.update(ids=["a"], embeddings=vectors([1.0, 0.0]), documents=["doc a2"])
    collection.upsert(ids=["b", "d"], embeddings=vectors([0.5, 0.5], [9.0, 9.0]), documents=["doc b2", "doc d"])
    assert collection.count() == 4

    got = collection.get(include=["documents", "metadatas", "embeddings"])
    assert got["ids"] == ["a", "b", "c", "d"]
    assert got["documents"] == ["doc a2", "doc b2", None, "doc d"]
    assert got["metadatas"] == [{"k": 1, "extra": True}, {"k": 2}, {"k": 3}, None]
    assert got["embeddings"] is not None
    assert [list(map(float, e)) for e in got["embeddings"]] == [[1.0, 0.0], [0.5, 0.5], [3.0, 4.0], [9.0, 9.0]]

    some = collection.get(ids=["c", "a"], include=["documents"])
    assert some["ids"] == ["a", "c"]

    collection.delete(ids=["a"])
    assert collection.count() == 3
    assert client.get_collection("client_test").id == collection.id
    assert [c.name for c in client.list_collections()] == ["client_test"]

    with pytest.raises(NotFoundError):
        client.get_collection("no_such_collection")
    client.delete_collection("client_test")
    with pytest.raises(NotFoundError):
        client.get_collection("client_test")
