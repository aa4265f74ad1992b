"""The drift list: file format, matching rules, strict classification, and the bundled Chroma 1.5.9 list."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.drift import DriftFileError, load_drift, parse_drift
from contracts.model import Finding


def finding(**overrides: object) -> Finding:
    base: dict[str, object] = {
        "operation_id": "create_collection",
        "method": "POST",
        "path": "/api/v2/tenants/{tenant}/databases/{database}/collections",
        "check": "status_code_conformance",
        "failure": "UndefinedStatusCode",
        "title": "Undocumented status code",
        "message": "Received: 409",
        "status_code": 409,
        "phase": "fuzzing",
        "response": '{"error":"ChromaError","message":"Collection [x] already exists"}',
    }
    base.update(overrides)
    return Finding(**base)  # type: ignore[arg-type]


SMALL = {
    "target": "test",
    "drifts": [
        {
            "id": "dup-409",
            "category": "undocumented-status",
            "reason": "duplicates answer 409",
            "match": {"operations": ["create_collection"], "checks": ["status_code_conformance"], "status": [409]},
        },
        {
            "id": "any-400-with-body",
            "category": "undocumented-status",
            "reason": "400 with Chroma's error name",
            "match": [
                {"checks": ["status_code_conformance"], "status": 400, "response": "InvalidArgumentError"},
                {"checks": ["UndefinedStatusCode"], "status": 418},
            ],
        },
    ],
}


def test_matcher_needs_every_given_field() -> None:
    drift = parse_drift(SMALL)
    assert drift.match(finding()) is not None
    assert drift.match(finding(operation_id="create_database")) is None
    assert drift.match(finding(status_code=500)) is None
    assert drift.match(finding(check="not_a_server_error")) is None


def test_a_list_of_matchers_is_or_and_checks_match_failure_types_too() -> None:
    drift = parse_drift(SMALL)
    entry = drift.match(finding(status_code=400, response='{"error":"InvalidArgumentError","message":"x"}'))
    assert entry is not None and entry.id == "any-400-with-body"
    assert drift.match(finding(status_code=400, response='{"error":"Oops"}')) is None
    teapot = drift.match(finding(status_code=418, check="something_else"))
    assert teapot is not None and teapot.id == "any-400-with-body"


def test_strict_keeps_the_category_but_counts_it_as_a_failure() -> None:
    drift = parse_drift(SMALL)
    relaxed = drift.classify(finding(), strict=False)
    strict = drift.classify(finding(), strict=True)
    assert relaxed.drift_id == strict.drift_id == "dup-409"
    assert strict.category == "undocumented-status"
    assert not relaxed.counts_as_failure and strict.counts_as_failure
    new = drift.classify(finding(operation_id="heartbeat"), strict=False)
    assert new.drift_id is None and new.counts_as_failure


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({"id": "x", "category": "c", "reason": "r"}, "`match` is required"),
        ({"id": "x", "category": "c", "reason": "two\nlines", "match": {"checks": ["x"]}}, "one line"),
        ({"id": "x", "category": "c", "reason": "r", "match": {"bogus": 1}}, "unknown matcher field"),
        ({"id": "x", "category": "c", "reason": "r", "match": {"message": "("}}, "bad `message` regex"),
    ],
)
def test_malformed_entries_are_rejected_with_a_pointer(entry: dict[str, object], complaint: str) -> None:
    with pytest.raises(DriftFileError, match=complaint):
        parse_drift({"drifts": [entry]})


def test_duplicate_ids_are_rejected() -> None:
    entry = {"id": "x", "category": "c", "reason": "r", "match": {"checks": ["x"]}}
    with pytest.raises(DriftFileError, match="duplicate id"):
        parse_drift({"drifts": [entry, entry]})


def test_invalid_yaml_is_a_drift_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "drift.yaml"
    bad.write_text("drifts: [\n  - id: x\n    reason: a: b\n")
    with pytest.raises(DriftFileError, match="not valid YAML"):
        load_drift(bad)


def test_bundled_list_covers_section_10_of_the_reference() -> None:
    drift = load_drift()
    ids = {entry.id for entry in drift.entries}
    # The places the brief and reference section 10 name explicitly.
    for expected in (
        "undocumented-400",
        "undocumented-409",
        "undocumented-413",
        "undocumented-415",
        "undocumented-422",
        "undocumented-405",
        "undocumented-404",
        "version-is-json",
        "healthcheck-is-object",
        "list-databases-schema",
        "reset-is-json",
        "null-metadata-values",
        "list-limit-offset-u32",
        "auth-not-enforced",
        "unimplemented-501",
        "crn-lookup-panics",
    ):
        assert expected in ids
    for entry in drift.entries:
        assert entry.reason and "\n" not in entry.reason, entry.id
        assert entry.reference, f"{entry.id} has no `ref` to the reference"
        assert entry.matchers
    assert {"undocumented-status", "response-schema", "auth-not-enforced"} <= set(drift.categories)


def test_bundled_list_matches_known_findings_but_not_a_new_500() -> None:
    drift = load_drift()
    assert drift.match(finding()) is not None  # 409 on create_collection
    version = finding(operation_id="version", check="content_type_conformance", failure="UndefinedContentType",
                      status_code=200, response='"1.0.0"')  # fmt: skip
    assert drift.match(version) is not None
    crash = finding(operation_id="collection_get", check="not_a_server_error", failure="ServerError",
                    status_code=500, response='{"error":"InternalError","message":"boom"}')  # fmt: skip
    assert drift.match(crash) is None
    rejected = finding(operation_id="collection_get", check="positive_data_acceptance", failure="RejectedPositiveData",
                       status_code=400, response='{"error":"InvalidArgumentError","message":"something new"}')  # fmt: skip
    assert drift.match(rejected) is None


def test_bundled_list_knows_chromas_sparse_vector_rule_and_its_busy_sqlite() -> None:
    drift = load_drift()
    sparse = finding(check="positive_data_acceptance", failure="RejectedPositiveData", status_code=400,
                     response='{"error":"InvalidArgumentError","message":"Validation error: metadata: Invalid sparse '
                     'vector: Sparse vector indices, values, and tokens (when present) must have the same length"}')  # fmt: skip
    assert (entry := drift.match(sparse)) is not None and entry.id == "metadata-sparse-vector-rules"
    busy = finding(operation_id="delete_database", check="not_a_server_error", failure="ServerError", status_code=500,
                   response='{"error":"InternalError","message":"Database error: error returned from database: '
                   '(code: 5) database is locked"}')  # fmt: skip
    assert (entry := drift.match(busy)) is not None and entry.id == "sqlite-busy-500"
