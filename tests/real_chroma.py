"""Test support: start the real Chroma 1.5.9 (`chroma run` from the pinned chromadb test dependency).

Used by the parity and the contract tests. If the server cannot start, the test FAILS with the
reason and the server's log (never skips): a comparison without the oracle proves nothing.
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
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


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


def memory_dir() -> str | None:
    """A RAM-backed directory when there is one: SQLite resets there are 5-10x faster than on disk."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


@contextmanager
def real_chroma(prefix: str, timeout_s: float = 60.0, directory: str | None = None) -> Iterator[str]:
    """`chroma run` on a free port with a temporary persist path and `allow_reset: true`; yields its URL."""
    executable = chroma_executable()
    workdir = Path(tempfile.mkdtemp(prefix=prefix, dir=directory))
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
        _wait_until_up(process, url, log_path, timeout_s)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
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
        f"the real Chroma server did not answer {url}/api/v2/heartbeat within {timeout_s:.0f} s "
        f"(last error: {last_error}):\n" + _tail(log_path),
        pytrace=False,
    )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
