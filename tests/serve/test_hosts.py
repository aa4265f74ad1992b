"""Host check (DNS rebinding): which `Host` names `mockserver serve` answers, per bind address and --allowed-host."""

from __future__ import annotations

import pytest
from mockproc import run_cli
from starlette.testclient import TestClient

from mockserver.serve.hosts import HostPolicy, host_name
from mockserver.serve.standalone import Options, SetupError, build

ATTACKER = "rebind.evil.example"


@pytest.mark.parametrize(
    ("bind", "allowed", "host", "accepted"),
    [
        # a loopback bind: loopback names and any IP literal, nothing else
        ("127.0.0.1", None, "127.0.0.1:8000", True),
        ("127.0.0.1", None, "localhost:8000", True),
        ("127.0.0.1", None, "LocalHost", True),
        ("127.0.0.1", None, "app.localhost:8000", True),
        ("127.0.0.1", None, "[::1]:8000", True),
        ("127.0.0.1", None, "10.0.0.7:8000", True),
        ("127.0.0.1", None, f"{ATTACKER}:8000", False),
        ("127.0.0.1", None, "localhost.evil.example", False),
        ("127.0.0.1", None, "chroma-mock:8000", False),
        ("127.0.0.1", ["chroma.local"], "chroma.local:8000", True),
        ("127.0.0.1", ["chroma.local"], "Chroma.Local.", True),
        ("127.0.0.1", ["chroma.local"], ATTACKER, False),
        ("127.0.0.1", ["*"], ATTACKER, True),
        # a bind by name: that name too
        ("localhost", None, "localhost:8000", True),
        ("devbox", None, "devbox:8000", True),
        ("devbox", None, ATTACKER, False),
        # a wildcard bind: any name (containers, machines), unless --allowed-host lists them
        ("0.0.0.0", None, "chroma-mock:8000", True),
        ("0.0.0.0", None, ATTACKER, True),
        ("::", None, ATTACKER, True),
        ("0.0.0.0", ["chroma-mock"], "chroma-mock:8000", True),
        ("0.0.0.0", ["chroma-mock"], "localhost:8000", True),
        ("0.0.0.0", ["chroma-mock"], "172.17.0.2:8000", True),
        ("0.0.0.0", ["chroma-mock"], ATTACKER, False),
        # malformed Host values
        ("127.0.0.1", None, "localhost/evil", False),
        ("127.0.0.1", None, "user@localhost", False),
        ("127.0.0.1", None, "", False),
    ],
)
def test_policy(bind: str, allowed: list[str] | None, host: str, accepted: bool) -> None:
    policy = HostPolicy.for_bind(bind, allowed)
    name = host_name(host)
    assert (name is not None and policy.allows(name)) is accepted


def test_host_names_drop_ports_brackets_and_case() -> None:
    assert host_name("[::1]:8000") == "::1"
    assert host_name("Example.COM:80") == "example.com"
    assert host_name("localhost.") == "localhost"
    assert host_name("a b") is None


@pytest.fixture()
def loopback() -> TestClient:
    stack = build(Options())  # bound to 127.0.0.1, the default
    return TestClient(stack.asgi, base_url=f"http://{ATTACKER}:8000")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v2/heartbeat"), ("GET", "/api/v2/tenants/default_tenant"), ("GET", "/__mock/export"), ("POST", "/__mock/reset"), ("GET", "/docs/")],
)
def test_a_rebound_name_is_refused_on_the_whole_server(loopback: TestClient, method: str, path: str) -> None:
    response = loopback.request(method, path, headers={"content-type": "application/json"})
    assert response.status_code == 403
    assert response.json()["error"] == "ChromaError"
    assert f"Host [{ATTACKER}:8000] is not allowed" in response.json()["message"]
    assert "--allowed-host" in response.json()["message"]


def test_a_rebound_name_gets_no_preflight_either(loopback: TestClient) -> None:
    response = loopback.options(
        "/__mock/reset", headers={"origin": f"http://{ATTACKER}:8000", "access-control-request-method": "POST"}
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers


def test_loopback_names_and_allowed_hosts_are_answered() -> None:
    stack = build(Options(allowed_hosts=["chroma.local"]))
    for base in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000", "http://chroma.local:8000"):
        assert TestClient(stack.asgi, base_url=base).get("/api/v2/heartbeat").status_code == 200, base


def test_a_wildcard_bind_answers_any_name_until_hosts_are_listed() -> None:
    open_stack = build(Options(host="0.0.0.0"))
    assert TestClient(open_stack.asgi, base_url="http://chroma-mock:8000").get("/api/v2/heartbeat").status_code == 200
    listed = build(Options(host="0.0.0.0", allowed_hosts=["chroma-mock"]))
    assert TestClient(listed.asgi, base_url="http://chroma-mock:8000").get("/api/v2/heartbeat").status_code == 200
    assert TestClient(listed.asgi, base_url=f"http://{ATTACKER}").get("/api/v2/heartbeat").status_code == 403


def test_the_banner_says_which_hosts() -> None:
    assert "Host names accepted: IP addresses, localhost, chroma.local" in build(Options(allowed_hosts=["chroma.local"])).notes
    assert any(note.startswith("Host names accepted: any") for note in build(Options(host="0.0.0.0")).notes)


def test_a_bad_allowed_host_stops_the_server() -> None:
    with pytest.raises(SetupError, match="not a host name"):
        build(Options(allowed_hosts=["http://chroma.local/"]))
    result = run_cli("--allowed-host", "http://chroma.local/")
    assert result.returncode == 2
    assert "--allowed-host" in result.stderr
