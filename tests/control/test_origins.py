"""Cross-origin checks of the admin API (and /api/v2/reset) over ASGI: what a browser could send unasked is refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.api.app import MockApp, create_app
from mockserver.api.spec import load_spec
from mockserver.control.origins import OriginPolicy, is_same_origin

BASE = "/api/v2/tenants/default_tenant/databases/default_database"
SPEC = load_spec()
EVIL = "https://evil.example"
JSON = "application/json"

#: Every state-changing admin request: (method, path, body).
WRITES: list[tuple[str, str, bytes]] = [
    ("POST", "/__mock/reset", b""),
    ("POST", "/__mock/reset", b"{}"),
    ("POST", "/__mock/import", b'{"collections": [{"name": "planted"}]}'),
    ("POST", "/__mock/faults", b'{"operation_id": "heartbeat", "status": 500}'),
    ("DELETE", "/__mock/journal", b""),
    ("DELETE", "/__mock/faults", b""),
    ("DELETE", "/__mock/faults/FAULT", b""),
]
WRITE_IDS = [f"{m} {p} {'body' if b else 'no body'}" for m, p, b in WRITES]


@pytest.fixture()
def app() -> MockApp:
    app = create_app(SPEC)
    client = TestClient(app)
    assert client.post(f"{BASE}/collections", json={"name": "keep"}).status_code == 200
    assert client.post("/__mock/faults", json={"operation_id": "version", "delay_ms": 1}).status_code == 201
    return app


def snapshot(app: MockApp) -> tuple[Any, ...]:
    """The state a refused request must leave alone: collections, fault rules, journal."""
    with app.store.lock:
        names = sorted(c.name for c in app.store.collections.by_id.values())
    return names, [r.to_json() for r in app.faults.rules()], len(app.journal)


def send(app: MockApp, method: str, path: str, body: bytes, headers: dict[str, str]) -> Any:
    rule = app.faults.rules()[0].id if app.faults.rules() else "none"
    return TestClient(app).request(method, path.replace("FAULT", rule), content=body, headers=headers)


def assert_refused(response: Any, *words: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["error"] == "ChromaError"
    for word in words:
        assert word in body["message"], body["message"]


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
def test_a_simple_request_from_another_origin_is_refused_and_changes_nothing(
    app: MockApp, method: str, path: str, body: bytes, content_type: str | None
) -> None:
    before = snapshot(app)
    headers = {"origin": EVIL} | ({"content-type": content_type} if content_type else {})
    assert_refused(send(app, method, path, body, headers), "Cross-origin", EVIL)
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_json_from_another_origin_is_refused_too(app: MockApp, method: str, path: str, body: bytes) -> None:
    before = snapshot(app)
    for origin in (EVIL, "null", "http://localhost:5173"):  # no trusted origins on a bare MockApp
        assert_refused(send(app, method, path, body, {"origin": origin, "content-type": JSON}), origin)
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "body"), [w for w in WRITES if w[0] == "POST"], ids=[i for w, i in zip(WRITES, WRITE_IDS) if w[0] == "POST"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/json, text/plain", None])
def test_a_post_without_a_json_content_type_is_refused_even_without_origin(
    app: MockApp, method: str, path: str, body: bytes, content_type: str | None
) -> None:
    before = snapshot(app)
    headers = {"content-type": content_type} if content_type else {}
    assert_refused(send(app, method, path, body, headers), "content-type: application/json")
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_json_without_origin_or_from_the_same_origin_is_accepted(app: MockApp, method: str, path: str, body: bytes) -> None:
    assert send(app, method, path, body, {"content-type": JSON}).status_code < 300
    assert send(app, "POST", "/__mock/faults", b'{"operation_id": "version"}', {"content-type": JSON}).status_code == 201
    same = {"content-type": "application/json; charset=utf-8", "origin": "http://testserver"}  # TestClient's Host
    assert send(app, method, path, body, same).status_code < 300


def test_delete_needs_no_content_type_but_one_it_sends_must_be_json(app: MockApp) -> None:
    assert_refused(send(app, "DELETE", "/__mock/journal", b"x", {"content-type": "text/plain"}), "content-type")
    assert send(app, "DELETE", "/__mock/journal", b"", {}).json() == {"cleared": 1}


def test_trusted_origins_may_write_and_others_still_may_not(app: MockApp) -> None:
    app.trusted_origins = OriginPolicy.loopback()
    vite = {"origin": "http://localhost:5173", "content-type": JSON}
    assert send(app, "POST", "/__mock/reset", b"", vite).status_code == 200
    assert_refused(send(app, "POST", "/__mock/reset", b"", {"origin": "http://localhost:5173", "content-type": "text/plain"}), "content-type")
    assert_refused(send(app, "POST", "/__mock/reset", b"", {"origin": "http://localhost.evil.example", "content-type": JSON}))
    app.trusted_origins = OriginPolicy(("*",))
    assert send(app, "POST", "/__mock/reset", b"", {"origin": EVIL, "content-type": JSON}).status_code == 200


def test_two_origin_headers_are_refused(app: MockApp) -> None:
    app.trusted_origins = OriginPolicy.loopback()
    response = TestClient(app).post(
        "/__mock/reset", headers=[("origin", "http://localhost:5173"), ("origin", EVIL), ("content-type", JSON)]
    )
    assert_refused(response)


def test_reads_are_not_refused(app: MockApp) -> None:
    """A cross-origin GET changes nothing; CORS decides whether the page may read the answer."""
    for path in ("/__mock/export", "/__mock/journal", "/__mock/faults", "/__mock/health"):
        assert TestClient(app).get(path, headers={"origin": EVIL}).status_code == 200


def test_a_refusal_comes_after_routing(app: MockApp) -> None:
    client = TestClient(app)
    assert client.post("/__mock/nowhere", headers={"origin": EVIL}).status_code == 404
    assert client.put("/__mock/reset", headers={"origin": EVIL}).status_code == 405


def test_api_reset_refuses_a_foreign_origin(app: MockApp) -> None:
    """POST /api/v2/reset has no body, so a page anywhere could send it: only same-origin, trusted or non-browser."""
    client = TestClient(app)
    before = snapshot(app)
    for content_type in ("text/plain", None):
        headers = {"origin": EVIL} | ({"content-type": content_type} if content_type else {})
        assert_refused(client.post("/api/v2/reset", headers=headers), "Cross-origin")
    assert snapshot(app)[:2] == before[:2]  # (the refusals are journaled: they are Chroma API requests)
    assert client.post("/api/v2/reset").json() is True
    assert client.get(f"{BASE}/collections_count").json() == 0


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("http://LOCALHOST:8000", "localhost:8000", True),
        ("http://localhost", "localhost:80", True),
        ("https://mock.example", "mock.example:443", True),
        ("http://[::1]:8000", "[::1]:8000", True),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("http://evil.example:8000", "127.0.0.1:8000", False),
        ("null", "127.0.0.1:8000", False),
        ("ftp://127.0.0.1:8000", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8000/path", "127.0.0.1:8000", False),
    ],
)
def test_same_origin_is_the_host_and_port_of_the_host_header(origin: str, host: str, same: bool) -> None:
    assert is_same_origin(origin, [host]) is same


def test_same_origin_needs_exactly_one_host() -> None:
    assert not is_same_origin("http://a:1", [])
    assert not is_same_origin("http://a:1", ["a:1", "a:1"])


@pytest.mark.parametrize(
    "headers",
    [[(b"origin", EVIL.encode()), (b"content-type", b"application/json")], [(b"content-type", b"text/plain")]],
    ids=["foreign origin", "text/plain"],
)
def test_a_refused_request_is_not_read(headers: list[tuple[bytes, bytes]]) -> None:
    """The checks look at headers only: a refused upload is never buffered."""

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body of a refused request was read")

    scope = {"type": "http", "method": "POST", "path": "/__mock/import", "raw_path": b"/__mock/import", "query_string": b"", "headers": headers}
    status, _, body = asyncio.run(create_app(SPEC).handle(scope, receive))
    assert status == 403, body
