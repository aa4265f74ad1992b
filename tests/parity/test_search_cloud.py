"""Parity: the cloud profile refuses search/fork/fork_count/indexing_status as `chroma run` refuses them.

`chroma run` runs the same request checks as Chroma Cloud's frontend and only its executor answers
501 (reference cloud 6). So every search case whose real answer is an error other than that 501
must get the same status and error type from the cloud profile; the 501 cases must be answered 200.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app
from mockserver.store.profile import profile_named

from .cases import reads
from .cases.search import CASES
from .harness import Case, Servers, play

_CLOUD_ONLY = ("fork", "indexing-status")  # answered 501/500 by `chroma run` once they pass its checks
ERROR_CASES = [
    c
    for c in [*CASES, *(c for c in reads.CASES if c.id.startswith(_CLOUD_ONLY))]
    if c.steps[-1].status not in (None, 500, 501)
]
EXECUTED_CASES = [c for c in CASES if c.steps[-1].status == 501]


@pytest.fixture(scope="module")
def cloud_mock() -> Iterator[httpx.Client]:
    # Quotas are Cloud's closed layer, not in `chroma run`: off here, so only validation is compared; the
    # collection views differ by design (SPANN, not HNSW: tests/store/test_spann.py), the checks do not.
    app = create_app(profile=profile_named("cloud", quotas=None, spann_index=False))
    with TestClient(app, headers={"x-chroma-token": "ck-parity"}) as client:
        yield cast(httpx.Client, client)


@pytest.fixture
def cloud_clients(parity_servers: Servers, cloud_mock: httpx.Client) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    for client in (parity_servers.real, cloud_mock):
        assert client.post("/api/v2/reset").json() is True
    parity_servers.dirty = True
    yield parity_servers.real, cloud_mock


def test_the_split_is_not_empty() -> None:
    assert len(ERROR_CASES) >= 40 and len(EXECUTED_CASES) >= 5


@pytest.mark.parametrize("search_case", ERROR_CASES, ids=[c.id for c in ERROR_CASES])
def test_cloud_refuses_as_chroma_run(search_case: Case, cloud_clients: tuple[httpx.Client, httpx.Client]) -> None:
    real, cloud = cloud_clients
    play(search_case, real, cloud, None)


@pytest.mark.parametrize("search_case", EXECUTED_CASES, ids=[c.id for c in EXECUTED_CASES])
def test_cloud_executes_what_chroma_run_accepts(search_case: Case, cloud_mock: httpx.Client) -> None:
    assert cloud_mock.post("/api/v2/reset").json() is True
    saved: dict[str, str] = {}
    answer = None
    for step in search_case.steps:
        path = step.path
        for name, value in saved.items():
            path = path.replace("{" + name + "}", value)
        answer = cloud_mock.request(step.method, path, json=step.json)
        if step.save:
            saved[step.save] = answer.json()["id"]
    assert answer is not None and answer.status_code == 200, answer.text if answer is not None else None
    body = answer.json()
    n = len(cast(dict[str, list[object]], step.json)["searches"])
    assert set(body) == {"ids", "documents", "embeddings", "metadatas", "scores", "select"}
    assert all(len(body[k]) == n for k in body)
