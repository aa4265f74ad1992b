"""CORS over real HTTP: browser-like preflights for every route of the spec and the admin prefix, per policy."""

from __future__ import annotations

import re
from typing import Iterator

import httpx
import pytest
from mockproc import ServerProcess

from mockserver.api.spec import load_spec

VITE = "http://localhost:5173"
OTHER = "https://app.example.com"
BASE_COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections"
ADMIN_PATHS = ["/__mock/reset", "/__mock/export", "/__mock/journal", "/__mock/faults", "/__mock/health"]


def concrete_paths() -> list[tuple[str, str]]:
    """(method, path) for every operation of the bundled spec, with its path parameters filled in."""
    out = []
    for op in load_spec().operations:
        path = re.sub(r"\{[^}]+\}", "abc-segment", op.path)
        out.append((op.method, path))
    return out + [("POST", p) if p.endswith("reset") else ("GET", p) for p in ADMIN_PATHS]


def preflight(client: httpx.Client, path: str, method: str, origin: str) -> httpx.Response:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "x-chroma-token, authorization, content-type",
        },
    )


@pytest.fixture(scope="module")
def default_server() -> Iterator[ServerProcess]:
    with ServerProcess() as server:
        yield server


def test_default_policy_answers_preflights_from_a_loopback_dev_server_for_every_route(default_server: ServerProcess) -> None:
    with default_server.client() as client:
        for method, path in concrete_paths():
            for origin in (VITE, "http://127.0.0.1:3000", "http://[::1]:8080", "https://localhost"):
                response = preflight(client, path, method, origin)
                assert response.status_code == 200, (method, path, origin, response.text)
                assert response.headers["access-control-allow-origin"] == origin
                assert method in response.headers["access-control-allow-methods"]
                allowed = response.headers["access-control-allow-headers"].lower()
                for header in ("x-chroma-token", "authorization", "content-type"):
                    assert header in allowed


def test_default_policy_refuses_other_origins(default_server: ServerProcess) -> None:
    with default_server.client() as client:
        for origin in (OTHER, "http://localhost.evil.com", "http://localhost:5173.evil.com", "null"):
            response = preflight(client, BASE_COLLECTIONS, "POST", origin)
            assert response.status_code == 400
            assert "access-control-allow-origin" not in response.headers
            simple = client.get("/api/v2/heartbeat", headers={"Origin": origin})
            assert simple.status_code == 200
            assert "access-control-allow-origin" not in simple.headers


def test_actual_responses_carry_cors_headers_including_errors(default_server: ServerProcess) -> None:
    with default_server.client() as client:
        ok = client.get("/api/v2/heartbeat", headers={"Origin": VITE})
        assert ok.headers["access-control-allow-origin"] == VITE
        assert "origin" in ok.headers["vary"].lower()
        missing = client.get("/api/v2/tenants/nobody", headers={"Origin": VITE})
        assert missing.status_code == 404
        assert missing.headers["access-control-allow-origin"] == VITE
        assert missing.headers["access-control-expose-headers"] == "chroma-trace-id"
        assert missing.headers["chroma-trace-id"] == "0" * 32
        # an OPTIONS that is not a preflight still reaches the router, as in Chroma
        plain = client.options("/api/v2/heartbeat", headers={"Origin": VITE})
        assert plain.status_code == 405


def test_private_network_preflight_is_allowed(default_server: ServerProcess) -> None:
    with default_server.client() as client:
        response = client.options(
            "/api/v2/heartbeat",
            headers={"Origin": VITE, "Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "true"},
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-private-network"] == "true"


def test_explicit_origins_replace_the_default() -> None:
    with ServerProcess("--cors-origin", OTHER, "--cors-origin", "http://localhost:3000") as server, server.client() as client:
        assert preflight(client, BASE_COLLECTIONS, "POST", OTHER).headers["access-control-allow-origin"] == OTHER
        assert preflight(client, BASE_COLLECTIONS, "POST", "http://localhost:3000").status_code == 200
        refused = preflight(client, BASE_COLLECTIONS, "POST", VITE)
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers


def test_star_allows_any_origin() -> None:
    with ServerProcess("--cors-origin", "*") as server, server.client() as client:
        for method, path in concrete_paths():
            response = preflight(client, path, method, OTHER)
            assert response.status_code == 200, (method, path)
            assert response.headers["access-control-allow-origin"] == "*"
        assert client.get("/api/v2/version", headers={"Origin": OTHER}).headers["access-control-allow-origin"] == "*"


def test_no_cors_behaves_like_chroma_without_cors_config() -> None:
    with ServerProcess("--no-cors") as server, server.client() as client:
        response = preflight(client, "/api/v2/heartbeat", "GET", VITE)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET,HEAD"
        assert response.content == b""
        simple = client.get("/api/v2/heartbeat", headers={"Origin": VITE})
        assert "access-control-allow-origin" not in simple.headers
