"""Against the bundled mock, in-process: the run passes, cleans up its sandbox, and writes its reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.drift import load_drift
from contracts.model import RunOptions, RunResult
from contracts.report import markdown, summary, write_junit, write_markdown
from contracts.run import run
from mockserver.api.app import create_app


@pytest.fixture(scope="module")
def mock_result(contracts_max_examples: int, contracts_seed: int) -> tuple[RunResult, object]:
    app = create_app()
    options = RunOptions(mock=True, max_examples=contracts_max_examples, seed=contracts_seed, hypothesis_db=None)
    result = run(options, app=app)
    return result, app


def test_the_mock_passes_with_its_known_drift_listed(mock_result: tuple[RunResult, object]) -> None:
    result, _ = mock_result
    assert result.passed, summary(result, load_drift())
    assert not result.errors
    assert result.known_drift, "the mock follows Chroma, so Chroma's drift shows on it too"
    assert result.cases > 200
    tested = {s.operation_id for s in result.operations if s.cases}
    for operation in (
        "create_collection",
        "collection_add",
        "collection_update",
        "collection_get",
        "delete_collection",
    ):
        assert operation in tested
    assert "reset" not in {s.operation_id for s in result.operations}, "reset needs --allow-destructive"


def test_the_sandbox_is_removed_afterwards(mock_result: tuple[RunResult, object]) -> None:
    result, app = mock_result
    store = app.store  # type: ignore[attr-defined]
    assert result.sandbox.startswith("contracts-")
    assert store.list_databases(result.sandbox) == []
    assert [d.name for d in store.list_databases("default_tenant")] == ["default_database"]
    assert store.count_collections("default_tenant", "default_database") == 0
    # Tenants cannot be deleted through Chroma's API; the ones left are the sandbox's, prefixed.
    assert all(t == "default_tenant" or t.startswith(result.sandbox) for t in store.catalog.tenants)
    assert any("remain" in note for note in result.notes)


def test_reports_are_written(mock_result: tuple[RunResult, object], tmp_path: Path) -> None:
    result, _ = mock_result
    junit, report = tmp_path / "junit.xml", tmp_path / "report.md"
    write_junit(result, junit)
    write_markdown(result, report, load_drift())
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and suite.get("failures") == "0"
    names = {case.get("name") for case in suite.iter("testcase")}
    assert {"collection_add", "heartbeat", "version"} <= names
    assert any("known drift version-is-json" in (out.text or "") for out in suite.iter("system-out"))
    text = report.read_text()
    assert text.startswith("# Contract run: PASSED")
    assert "| `collection_update` |" in text and "## Known drift" in text
    assert markdown(result) == markdown(result)


def test_the_summary_table_has_one_row_per_operation(mock_result: tuple[RunResult, object]) -> None:
    result, _ = mock_result
    text = summary(result, load_drift())
    for stats in result.operations:
        assert stats.operation_id in text
    assert "Known drift" in text and text.rstrip().splitlines()[-1].startswith("PASSED")


def test_the_cloud_profile_passes_too() -> None:
    """`contracts run --mock --profile cloud`: search, fork and fork_count answer 200 there (and a
    fork to a taken name 409, listed with the other undocumented 409s)."""
    result = run(RunOptions(mock=True, profile="cloud", max_examples=3, seed=1))
    assert result.passed, summary(result, load_drift(profile="cloud"))
    executed = {s.operation_id for s in result.operations if s.cases}
    assert {"collection_search", "fork_collection", "fork_count", "indexing_status"} <= executed
    explained = {issue.first.drift_id for issue in result.known_drift}
    assert "unimplemented-501" not in explained and "indexing-status-500" not in explained


def test_the_cloud_drift_file_is_chosen_by_name_and_by_the_profile() -> None:
    """`--drift chroma-cloud-1.5.9` names the bundled file; `--mock --profile cloud` picks it by default.
    Search, fork, fork_count and indexing_status are not drift there; keys and quotas are."""
    cloud = load_drift(Path("chroma-cloud-1.5.9"))
    assert cloud.source == load_drift(profile="cloud").source != load_drift().source
    ids = {entry.id for entry in cloud.entries}
    assert {"api-key-401", "quota-exceeded-422", "any-api-key-accepted"} <= ids
    assert not {"unimplemented-501", "indexing-status-500", "auth-not-enforced"} & ids
    result = run(RunOptions(mock=True, profile="cloud", max_examples=2, seed=3, drift_file=Path("chroma-cloud-1.5.9")))
    assert result.passed, summary(result, cloud)
