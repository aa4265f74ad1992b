"""Interception through the plugin, run the way a client repo runs it (pytester), with the network blocked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

RunPytest = Callable[..., pytest.RunResult]
SAMPLES = Path(__file__).parent / "samples"


def offline_repo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, **modules: str) -> None:
    """A pytester dir whose conftest blocks every non-loopback connection, with an empty HOME (no
    cached embedding model), and the given sample modules as test files."""
    pytester.makeconftest((SAMPLES / "no_network_conftest.py").read_text())
    monkeypatch.setenv("HOME", str(pytester.path / "home"))
    for name, sample in modules.items():
        pytester.makepyfile(**{name: (SAMPLES / sample).read_text()})


def test_every_chromadb_client_is_intercepted(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_pytest: RunPytest
) -> None:
    offline_repo(pytester, monkeypatch, test_app=("intercept_clients.py"))
    result = run_pytest()
    result.assert_outcomes(passed=10)


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
