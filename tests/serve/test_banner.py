"""CLI: `mockserver serve` prints where it listens and the dashboard URL."""

from __future__ import annotations

from mockproc import ServerProcess

from mockserver.serve.cli import base_url


def test_serve_prints_the_dashboard_url_and_serves_it() -> None:
    with ServerProcess() as server:
        with server.client() as client:
            page = client.get("/__mock/ui/")
        output = server.output()
    assert f"dashboard: {server.url}/__mock/ui/" in output and f"{server.url}/docs/" in output
    assert page.status_code == 200 and b"dashboard.js" in page.content


def test_base_url_reaches_a_wildcard_address_through_loopback() -> None:
    assert base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert base_url("::", 9) == "http://[::1]:9"
    assert base_url("localhost", 1) == "http://localhost:1"
