"""Cloud profile: the npm `chromadb` client (`CloudClient`, Search API, fork) end to end against the mock."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "cloud_search.mjs"


def _tool(name: str) -> str:
    """The path of `name`; fails (never skips) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: the JS client test needs Node.js >= 20 with npm on PATH")
    return path


def _node_modules(npm: str) -> None:
    """Installs the pinned client from tests/js/package-lock.json once (`npm ci`)."""
    if (JS_DIR / "node_modules" / "chromadb" / "package.json").is_file():
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        pytest.fail(f"npm ci in {JS_DIR} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def test_js_cloud_client_search_and_fork() -> None:
    node = _tool("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    match = re.match(r"v(\d+)\.", version)
    assert match is not None and int(match.group(1)) >= 20, f"the chromadb npm client needs Node.js >= 20, not {version}"
    _node_modules(_tool("npm"))
    app = create_app(profile="cloud")
    with MockServer(app) as server:
        done = subprocess.run(
            [node, str(SCRIPT), f"http://127.0.0.1:{server.port}", "ck-js-client"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"node {SCRIPT.name} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        assert "all checks passed" in done.stdout
        # The keyless probe got the 401; every other request carried CloudClient's key header.
        statuses = [entry.status for entry in app.journal.entries()]
        assert statuses.count(401) == 1 and len(statuses) > 20
        server.raise_errors()
