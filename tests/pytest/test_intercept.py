"""Interception through the plugin, run the way a client repo runs it (pytester), with the network blocked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunPytest = Callable[..., pytest.RunResult]
SAMPLES = Path(__file__).parent / "samples"
REPO = Path(__file__).resolve().parents[2]


def offline_repo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, **modules: str) -> None:
    """A pytester dir whose conftest blocks every non-loopback connection, with an empty HOME (no
    cached embedding model), and the given sample modules as test files."""
    pytester.makeconftest((SAMPLES / "no_network_conftest.py").read_text())
    monkeypatch.setenv("HOME", str(pytester.path / "home"))
    for name, sample in modules.items():  # name -> file in samples/
        pytester.makepyfile(**{name: (SAMPLES / sample).read_text()})


def test_every_chromadb_client_is_intercepted_and_the_readme_example_passes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_pytest: RunPytest
) -> None:
    offline_repo(pytester, monkeypatch, test_clients="intercept_clients.py")
    example = readme_block("`tests/test_app.py`:")
    pytester.makepyfile(test_app=example)
    result = run_pytest()
    result.assert_outcomes(passed=10 + example.count("\ndef test_"))


def test_langchain_and_llamaindex_stores_are_intercepted(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_pytest: RunPytest
) -> None:
    offline_repo(pytester, monkeypatch, test_frameworks="intercept_frameworks.py")
    result = run_pytest()
    result.assert_outcomes(passed=4)


def test_ini_switch_turns_it_on_for_unchanged_tests_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_pytest: RunPytest
) -> None:
    """`chroma_intercept = true` in the ini file: tests that never name a fixture run against the mock,
    seeded by `chroma_seed`; `chroma_real_embeddings = true` keeps the real model (whose download the
    blocked network then stops); under xdist each worker has its own mock."""
    offline_repo(pytester, monkeypatch, test_suite="intercept_suite.py")
    (pytester.path / "fruit.yaml").write_text((SAMPLES / "fruit.yaml").read_text())
    pytester.makeini(
        "[pytest]\nchroma_intercept = true\nchroma_real_embeddings = true\nchroma_seed = fruit.yaml\n"
    )
    result = run_pytest("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["*2 workers*"])


def readme_block(after: str) -> str:
    text = (REPO / "README.md").read_text()
    found = re.search(re.escape(after) + r"\n\n```python\n(.*?)```", text, re.DOTALL)
    assert found, f"README.md lost its example after {after!r}"
    return found.group(1)


def test_readme_mock_chroma_example(tmp_path: Path) -> None:
    """The `mock_chroma` example as a plain script, network blocked, in an empty folder."""
    guard = (SAMPLES / "no_network_conftest.py").read_text()
    script = tmp_path / "example.py"
    script.write_text(guard + "\n\n" + readme_block("### Outside pytest: `mock_chroma`"))
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "notes-db").exists()


def test_with_chroma_url_clients_go_to_that_server(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_pytest: RunPytest
) -> None:
    from mockserver.api.app import create_app
    from mockserver.intercept.server_thread import MockServer

    offline_repo(pytester, monkeypatch)
    pytester.makepyfile(
        test_remote="""
        import chromadb

        def test_app_clients_reach_the_real_server(chroma_intercept, tmp_path):
            assert not chroma_intercept.is_mock
            chromadb.HttpClient(host="chroma.internal").create_collection("via_http")
            chromadb.PersistentClient(path=str(tmp_path / "db")).create_collection("via_path")
            names = sorted(c.name for c in chroma_intercept.client().list_collections())
            assert names == ["via_http", "via_path"]  # one server: paths share it
        """
    )
    app = create_app()
    with MockServer(app) as real:  # stands in for `chroma run` (it answers POST /api/v2/reset too)
        result = run_pytest("--chroma-url", real.url)
    result.assert_outcomes(passed=1)
    assert app.store.count_collections("default_tenant", "default_database") == 2
