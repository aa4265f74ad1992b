"""Against real Chroma 1.5.9 (`chroma run` from the pinned chromadb): passes with the drift list, fails --strict.

The server is private to the session (conftest), so nothing shared is touched; the harness still
works in its sandbox tenant, as it would on a staging deployment.
"""

from __future__ import annotations

import httpx
import pytest

from contracts.cli import main
from contracts.drift import load_drift
from contracts.model import RunOptions, RunResult
from contracts.report import summary
from contracts.run import run


@pytest.fixture(scope="module")
def relaxed(contracts_chroma_url: str, contracts_max_examples: int, contracts_seed: int) -> RunResult:
    options = RunOptions(
        url=contracts_chroma_url, max_examples=contracts_max_examples, seed=contracts_seed, hypothesis_db=None
    )
    return run(options)


def test_real_chroma_passes_with_the_drift_list(relaxed: RunResult, contracts_chroma_url: str) -> None:
    assert relaxed.passed, summary(relaxed, load_drift())
    assert relaxed.known_drift
    # The scripted semantics (update visible, upsert merges, counts, 404s) hold on the real server.
    scenario_failures = [i for i in relaxed.issues if i.finding.phase == "scenario"]
    assert scenario_failures == []
    # The sandbox databases are gone again.
    listed = httpx.get(f"{contracts_chroma_url}/api/v2/tenants/{relaxed.sandbox}/databases").json()
    assert listed == []


def test_strict_fails_and_names_the_drift_categories(
    contracts_chroma_url: str, contracts_max_examples: int, contracts_seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--url", contracts_chroma_url, "--strict", "--max-examples", str(contracts_max_examples),
                 "--seed", str(contracts_seed), "--no-scenarios", "--phases", "examples,fuzzing,stateful",
                 "--hypothesis-db", "none", "-q"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "--strict: the drift list is ignored" in out
    categories_line = next(line for line in out.splitlines() if "known drift in the categories" in line)
    for category in ("undocumented-status", "response-schema", "auth-not-enforced", "unimplemented-locally"):
        assert category in categories_line, out
    assert out.rstrip().splitlines()[-1].startswith("FAILED")


def test_strict_failures_are_exactly_the_known_drift(relaxed: RunResult) -> None:
    """Under --strict every known-drift issue becomes a failure and nothing else does (same findings)."""
    drift = load_drift()
    for issue in relaxed.known_drift:
        strict = drift.classify(issue.finding, strict=True)
        assert strict.counts_as_failure and strict.drift_id == issue.first.drift_id
