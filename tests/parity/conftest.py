"""Parity fixtures: the real Chroma 1.5.9 server (`chroma run`, from the pinned test dependency) and the mock.

The real server is started once per session on a free port with a temporary persist path and
`allow_reset: true`. If it cannot start, every parity test fails with the reason (never skips):
parity without the oracle proves nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, cast

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app

from .harness import Servers

STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def chroma_executable() -> Path:
    """The `chroma` console script installed next to this interpreter by the chromadb test dependency."""
    bin_dir = Path(sys.executable).parent
    for name in ("chroma", "chroma.exe"):
        candidate = bin_dir / name
        if candidate.exists():
            return candidate
    found = shutil.which("chroma")
    if found is None:
        pytest.fail(
            f"cannot start the real Chroma server: no `chroma` script in {bin_dir} or on PATH "
            "(install the test extra: pip install -e '.[test]', which pins chromadb==1.5.9)",
            pytrace=False,
        )
    return Path(found)


@pytest.fixture(scope="session")
def chroma_server_url() -> Iterator[str]:
    """Start `chroma run <config.yaml>`; wait for /api/v2/heartbeat; stop it at the end of the session."""
    executable = chroma_executable()
    workdir = Path(tempfile.mkdtemp(prefix="chroma-parity-", dir=_memory_dir()))
    port = free_port()
    config = workdir / "config.yaml"
    config.write_text(f"allow_reset: true\npersist_path: {workdir / 'data'}\nport: {port}\nlisten_address: 127.0.0.1\n")
    log_path = workdir / "server.log"
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(executable), "run", str(config)],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
    try:
        _wait_until_up(process, url, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _memory_dir() -> str | None:
    """A RAM-backed directory when there is one: SQLite resets there are 5-10x faster than on disk."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last_error = "no attempt"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the real Chroma server exited with code {process.returncode} before answering:\n" + _tail(log_path),
                pytrace=False,
            )
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.1)
    pytest.fail(
        f"the real Chroma server did not answer {url}/api/v2/heartbeat within {STARTUP_TIMEOUT_S:.0f} s "
        f"(last error: {last_error}):\n" + _tail(log_path),
        pytrace=False,
    )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


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
