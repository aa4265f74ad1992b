"""Chroma's own distributed-mode tests (chromadb 1.5.9 wheel) against the cloud profile.

They run in a pytest subprocess with `CHROMA_CLUSTER_TEST_ONLY=1` and `CHROMA_SERVER_HOST` set to a
cloud-profile mock served from this process (`wheel_shim.py` adapts them to pytest 9, caps their
60 s sleeps and makes chromadb's default embedding function compute offline). The files listed here
(every file issue 11 names) pass in full; the README's "Cloud profile" section has the table.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import chromadb

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer
from mockserver.store.profile import profile_named

WHEEL_TESTS = Path(chromadb.__file__).parent / "test"
HERE = Path(__file__).parent

#: file -> tests it holds (all must pass)
PASSING = {
    "api/test_search_api.py": 4,
    "api/test_count_api.py": 4,
    "api/test_fork_count_api.py": 5,
    "api/test_indexing_status.py": 8,
    "distributed/test_sanity.py": 2,
    "property/test_fork.py": 1,
    "api/test_schema_e2e.py": 56,
    "distributed/test_task_api.py": 15,
}
#: tests of those files that skip themselves in distributed mode (they are for SPANN-disabled
#: deployments: Rust bindings or single-node integration runs)
SKIPPED = {"api/test_schema_e2e.py": 2}


#: their property-based files: slower (their own settings fix some example counts), so run at 5
#: examples each; file -> outcome counts
PROPERTY = {
    "property/test_filtering.py": {"passed": 10},
    "property/test_add.py": {"passed": 7, "xfailed": 1},
    "property/test_embeddings.py": {"passed": 24, "xpassed": 1},
}


def _run_wheel_tests(files: list[str], max_examples: int) -> tuple[dict[str, int], str]:
    """Run wheel test files against a fresh cloud-profile mock; (outcome counts, output tail)."""
    # Chroma's own test deployment runs the open no-op quota enforcer: quotas off (the indexing_status
    # tests add 1000 records per write). Its clients send an API key through chromadb's settings.
    with MockServer(create_app(profile=profile_named("cloud", quotas=None))) as server:
        env = {
            **os.environ,
            "CHROMA_CLIENT_AUTH_PROVIDER": "chromadb.auth.token_authn.TokenAuthClientProvider",
            "CHROMA_CLIENT_AUTH_CREDENTIALS": "ck-wheel-tests",
            "CHROMA_AUTH_TOKEN_TRANSPORT_HEADER": "X-Chroma-Token",
            "CHROMA_CLUSTER_TEST_ONLY": "1",
            "CHROMA_SERVER_HOST": f"{server.host}:{server.port}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
            "WHEEL_MAX_EXAMPLES": str(max_examples),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-c", str(HERE / "wheel-pytest.ini"), "--rootdir", str(WHEEL_TESTS),
             "-p", "no:cacheprovider", "-p", "wheel_shim", "-p", "hypothesis",
             *(str(WHEEL_TESTS / name) for name in files)],  # fmt: skip
            cwd=WHEEL_TESTS.parent.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        server.raise_errors()
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)", summary)}
    return counts, run.stdout[-6000:] + run.stderr[-2000:]


def test_chroma_distributed_tests_pass_against_the_cloud_profile() -> None:
    counts, output = _run_wheel_tests(list(PASSING), max_examples=10)
    assert counts == {"passed": sum(PASSING.values()), "skipped": sum(SKIPPED.values())}, output


def test_chroma_property_tests_pass_against_the_cloud_profile() -> None:
    counts, output = _run_wheel_tests(list(PROPERTY), max_examples=5)
    expected: dict[str, int] = {}
    for outcome in PROPERTY.values():
        for kind, n in outcome.items():
            expected[kind] = expected.get(kind, 0) + n
    assert counts == expected, output
