"""Fixtures for the contract harness: the real Chroma 1.5.9 server, and small run options.

The real server is `chroma run <config.yaml>` from the pinned chromadb test dependency, on a free
port with a temporary persist path and `allow_reset: true`. If it cannot start, the tests that need
it FAIL with the reason (never skip): a contract run without the oracle proves nothing.
Fixture names are prefixed (`contracts_`) because schemathesis' pytest plugin loads everywhere.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT_S = 60.0

#: Small budgets keep the suite quick on a shared 2-core machine; the CLI default is larger.
TEST_MAX_EXAMPLES = 4


@pytest.fixture(scope="session")
def contracts_max_examples() -> int:
    return int(os.environ.get("CONTRACTS_TEST_MAX_EXAMPLES", TEST_MAX_EXAMPLES))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _chroma_executable() -> Path:
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
def contracts_chroma_url() -> Iterator[str]:
    """A private real Chroma 1.5.9 for the session; stopped and deleted at the end."""
    executable = _chroma_executable()
    workdir = Path(tempfile.mkdtemp(prefix="contracts-chroma-"))
    port = _free_port()
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


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last_error = "no attempt"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the real Chroma server exited with code {process.returncode} before answering:\n{_tail(log_path)}",
                pytrace=False,
            )
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.2)
    pytest.fail(
        f"the real Chroma server did not answer {url}/api/v2/heartbeat within {STARTUP_TIMEOUT_S:.0f} s "
        f"(last error: {last_error}):\n{_tail(log_path)}",
        pytrace=False,
    )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
