"""Parity fixtures: the real Chroma 1.5.9 server (`chroma run`, from the pinned test dependency) and the mock.

The real server is started once per session on a free port with a temporary persist path and
`allow_reset: true`. If it cannot start, every parity test fails with the reason (never skips):
parity without the oracle proves nothing.
"""

from __future__ import annotations

from typing import Iterator, cast

import httpx
import pytest
from real_chroma import memory_dir, real_chroma
from starlette.testclient import TestClient

from mockserver.api.app import create_app

from .harness import Servers


@pytest.fixture(scope="session")
def chroma_server_url() -> Iterator[str]:
    """`chroma run` for the whole session (persist path in RAM when possible); stopped at the end."""
    with real_chroma("chroma-parity-", timeout_s=30.0, directory=memory_dir()) as url:
        yield url


@pytest.fixture(scope="session")
def parity_servers(chroma_server_url: str) -> Iterator[Servers]:
    with httpx.Client(base_url=chroma_server_url, timeout=30.0) as real, TestClient(create_app()) as mock:
        yield Servers(real, cast(httpx.Client, mock))


@pytest.fixture
def clients(parity_servers: Servers) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Both servers, freshly reset (POST /api/v2/reset).

    Resetting the real server costs 60-300 ms (SQLite), most of the suite's time, so it is skipped
    when the previous test wrote nothing: no request other than GET/HEAD/OPTIONS answered 2xx
    (the test says so through `parity_servers.dirty`); such a server is still in its reset state.
    """
    servers = parity_servers
    targets = (servers.real, servers.mock) if servers.dirty else (servers.mock,)
    for client in targets:
        response = client.post("/api/v2/reset")
        assert response.status_code == 200 and response.json() is True, (client.base_url, response.text)
    servers.dirty = True  # until the test reports that it wrote nothing
    yield servers.real, servers.mock
