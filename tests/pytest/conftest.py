"""Plugin test fixtures: run pytest on sample client modules, with only our plugin loaded."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

RunPytest = Callable[..., pytest.RunResult]


@pytest.fixture
def run_pytest(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> RunPytest:
    """`run_pytest(*args)`: pytest in a subprocess in `pytester.path`, with `-p mockserver.pytest_plugin`.

    A subprocess, because in-process runs drop the modules they imported afterwards (httpx, httpcore
    and chromadb internals), which breaks later tests in this process. Entry-point plugins are not
    auto-loaded, so an installed copy of this plugin is not registered twice and runs stay fast.
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT"):  # the inner run is not an xdist worker
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess("-p", "mockserver.pytest_plugin", "-p", "no:cacheprovider", *args)

    return run
