"""App: Swagger UI at /docs/, as `chroma run` serves it."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockserver.api.app import create_app


def test_docs_redirects_and_serves_swagger_ui_reading_the_servers_spec() -> None:
    client = TestClient(create_app())
    redirect = client.get("/docs", follow_redirects=False)
    assert (redirect.status_code, redirect.headers["location"], redirect.content) == (303, "/docs/", b"")
    page = client.get("/docs/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html"
    assert b"swagger-ui-bundle.js" in page.content and b"swagger-initializer.js" in page.content
    initializer = client.get("/docs/swagger-initializer.js")
    assert initializer.headers["content-type"] == "text/javascript" and b'"url": "/openapi.json"' in initializer.content
    bundle = client.get("/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert client.get("/docs/swagger-ui.css").headers["content-type"] == "text/css"
    assert client.get("/docs/favicon-32x32.png").content.startswith(b"\x89PNG")
    assert client.get("/openapi.json").json()["info"]["title"]  # what the page reads


def test_docs_unknown_files_and_methods() -> None:
    client = TestClient(create_app())
    missing = client.get("/docs/index.j2")
    assert (missing.status_code, missing.content) == (404, b"")
    wrong = client.post("/docs/")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET,HEAD")
    head = client.head("/docs/")
    assert head.status_code == 200 and head.content == b""
