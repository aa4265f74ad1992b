"""Dashboard: the static files at /__mock/ui/ (the page itself is driven in a browser by tests/ui)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from mockserver.api.app import create_app


def test_dashboard_files_are_served_without_being_journaled() -> None:
    app = create_app()
    client = TestClient(app)
    redirect = client.get("/__mock/ui", follow_redirects=False)
    assert (redirect.status_code, redirect.headers["location"]) == (303, "/__mock/ui/")
    page = client.get("/__mock/ui/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert b'<script src="dashboard.js">' in page.content and page.headers["cache-control"] == "no-cache"
    assert client.get("/__mock/ui/index.html").content == page.content
    script = client.get("/__mock/ui/dashboard.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8" and b"/__mock/journal?bodies=false" in script.content
    for name in re.findall(rb'<script src="([^"]+)"', page.content):  # every part the page loads is served
        part = client.get(f"/__mock/ui/{name.decode()}")
        assert (part.status_code, part.headers["content-type"]) == (200, "text/javascript; charset=utf-8"), name
    assert client.get("/__mock/ui/dashboard.css").headers["content-type"] == "text/css; charset=utf-8"
    assert client.head("/__mock/ui/").content == b""
    assert len(app.journal) == 0


def test_dashboard_unknown_files_and_methods() -> None:
    client = TestClient(create_app())
    for name in ("nope.js", "../admin.py", "ui/index.html", "%2e%2e/admin.py"):
        missing = client.get(f"/__mock/ui/{name}")
        assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError", name
    wrong = client.post("/__mock/ui/", json={})
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET,HEAD")
    assert client.get("/__mock/uix").status_code == 404  # not the dashboard: the admin API's 404
