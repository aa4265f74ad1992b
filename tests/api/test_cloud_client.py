"""Cloud profile: an app written for Chroma Cloud (`chromadb.CloudClient`) runs unchanged against the mock."""

from __future__ import annotations

import chromadb
from chromadb import Knn, Search
from chromadb.config import Settings

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer


def test_cloud_client_bootstrap_search_fork_and_read_levels() -> None:
    with MockServer(create_app(profile="cloud")) as server:
        client = chromadb.CloudClient(
            api_key="ck-anything",
            cloud_host="127.0.0.1",
            cloud_port=server.port,
            enable_ssl=False,
            settings=Settings(anonymized_telemetry=False),
        )
        docs = client.get_or_create_collection("docs")
        docs.add(ids=["a", "b"], embeddings=[[0.0, 1.0], [1.0, 0.0]])
        assert docs.search(Search().rank(Knn(query=[0.0, 0.9])))["ids"] == [["a", "b"]]
        copy = docs.fork("docs-copy")
        assert copy.count() == 2 and docs.fork_count() == 1 == copy.fork_count()
        server.app.store.compact()
        status = copy.get_indexing_status()
        assert (status.num_indexed_ops, status.total_ops, status.op_indexing_progress) == (2, 2, 1.0)
        paths = [entry.path for entry in server.app.journal.entries()][:3]
        assert paths == [
            "/api/v2/auth/identity",
            "/api/v2/tenants/default_tenant",
            "/api/v2/tenants/default_tenant/databases/default_database",
        ]
        server.raise_errors()
