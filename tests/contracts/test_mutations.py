"""Mutation tests: deliberately broken variants of the mock must make `contracts run` fail, naming the operation.

Each mutant is built inside the test by monkeypatching the mock's handler table or serializer (never
by editing mockserver/); monkeypatch restores it afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest

import mockserver.api.serialize
from contracts.cli import main
from contracts.drift import load_drift
from contracts.model import RunOptions, RunResult
from contracts.report import summary
from contracts.run import run
from mockserver.api.app import create_app
from mockserver.api.handlers import HANDLERS, Reply
from mockserver.errors import NotFound

#: The coverage phase is ~2/3 of a run's time and adds nothing to these detections.
MUTANT_PHASES = ("examples", "fuzzing", "stateful")


def run_against_mock(max_examples: int) -> tuple[RunResult, str]:
    result = run(RunOptions(mock=True, max_examples=max_examples, seed=2, phases=MUTANT_PHASES), app=create_app())
    return result, summary(result, load_drift())


def failing_operations(result: RunResult) -> set[str]:
    return {issue.finding.operation_id for issue in result.failures}


def test_an_ignored_update_is_caught(monkeypatch: pytest.MonkeyPatch, contracts_max_examples: int) -> None:
    def ignored_update(ctx: Any, req: Any) -> Reply:
        ctx.store.collection(req.params["database"], req.params["collection_id"])  # 404s stay right
        return Reply(200, {})

    monkeypatch.setitem(HANDLERS, "collection_update", ignored_update)
    result, text = run_against_mock(contracts_max_examples)
    assert not result.passed
    assert "collection_update" in failing_operations(result), text
    assert "[collection_update] scenario:update_visible" in text
    assert "update of r1's document not visible" in text


def test_a_missing_collection_answered_200_is_caught(
    monkeypatch: pytest.MonkeyPatch, contracts_max_examples: int
) -> None:
    original = HANDLERS["collection_count"]

    def count_anything(ctx: Any, req: Any) -> Reply:
        try:
            return original(ctx, req)
        except NotFound:
            return Reply(200, 0)

    monkeypatch.setitem(HANDLERS, "collection_count", count_anything)
    result, text = run_against_mock(contracts_max_examples)
    assert not result.passed
    assert "collection_count" in failing_operations(result), text
    assert "collection_count answered 200, expected 404" in text


def test_a_renamed_response_field_is_caught(monkeypatch: pytest.MonkeyPatch, contracts_max_examples: int) -> None:
    original = mockserver.api.serialize.collection

    def renamed(collection: Any) -> dict[str, Any]:
        body = dict(original(collection))
        body["collection_name"] = body.pop("name")
        return body

    monkeypatch.setattr(mockserver.api.serialize, "collection", renamed)
    result, text = run_against_mock(contracts_max_examples)
    assert not result.passed
    broken = {"create_collection", "get_collection", "get_collection_by_id", "list_collections"}
    schema_failures = {
        issue.finding.operation_id
        for issue in result.failures
        if issue.finding.check == "response_schema_conformance"
        and '"name" is a required property' in issue.finding.message
    }
    assert schema_failures & broken, text


def test_a_500_on_valid_input_is_caught(monkeypatch: pytest.MonkeyPatch, contracts_max_examples: int) -> None:
    def crash(ctx: Any, req: Any) -> Reply:
        raise RuntimeError("deliberate mutant crash")

    monkeypatch.setitem(HANDLERS, "collection_get", crash)
    result, text = run_against_mock(contracts_max_examples)
    assert not result.passed
    server_errors = {
        issue.finding.operation_id
        for issue in result.failures
        if issue.finding.check == "not_a_server_error" and issue.finding.status_code == 500
    }
    assert "collection_get" in server_errors, text
    assert "deliberate mutant crash" in text


def test_the_cli_exits_1_on_a_mutant(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the console script: the exit code is what CI sees."""

    def ignored_update(ctx: Any, req: Any) -> Reply:
        return Reply(200, {})

    monkeypatch.setitem(HANDLERS, "collection_update", ignored_update)
    code = main(["run", "--mock", "--phases", "examples", "--max-examples", "1", "--seed", "3", "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in out and "[collection_update]" in out
