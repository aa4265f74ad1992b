"""contracts diff between two in-process mocks: planted differences are all reported, identical mocks diff clean."""

from __future__ import annotations

import json
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from contracts.diff.allow import parse_allow
from contracts.diff.compare import compare, general_path
from contracts.diff.engine import run_diff
from contracts.diff.model import Answer, DiffOptions, DiffResult, Finding, Request
from contracts.diff.report import markdown, summary, write_json, write_junit, write_markdown
from contracts.diff.sides import Side, SideError, parse_side
from mockserver.api.app import create_app
from mockserver.control.faults import FaultRule, Faults

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def rewriting(app: ASGIApp, rewrite: Callable[[str, Any], Any]) -> ASGIApp:
    """An ASGI wrapper that lets `rewrite(path, json_body)` change every JSON response of `app`."""

    async def wrapped(
        scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    body = b"".join(chunks)
                    try:
                        body = json.dumps(rewrite(scope["path"], json.loads(body))).encode()
                    except ValueError:
                        pass
                    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                    await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


def plant(path: str, body: Any) -> Any:
    """The candidate's planted changes: a field missing, a version bump, a document changed."""
    if path.endswith("/pre-flight-checks") and isinstance(body, dict):
        body.pop("max_batch_size", None)
    if path.endswith("/version"):
        return "9.9.9"
    if path.endswith("/get") and isinstance(body, dict) and body.get("documents"):
        body["documents"] = [d.upper() if isinstance(d, str) else d for d in body["documents"]]
    return body


@pytest.fixture(scope="module")
def planted() -> DiffResult:
    faults = Faults()
    faults.add(FaultRule(operation_id="count_collections", status=503, message="planted"))  # status change
    faults.add(FaultRule(operation_id="get_tenant", status=404, error="TenantNotFound"))  # error type change
    candidate = rewriting(create_app(faults=faults), plant)
    options = DiffOptions(base="mock", candidate="mock", sources=("scenario", "catalogue"), seed=1)
    return run_diff(options, base_app=create_app(), candidate_app=candidate)


def _one(result: DiffResult, operation_id: str, kind: str, path: str | None = None) -> Finding:
    found = [f for f in result.changes if f.operation_id == operation_id and f.kind == kind
             and (path is None or f.path == path)]  # fmt: skip
    assert len(found) == 1, summary(result)
    return found[0]


def test_every_planted_difference_is_reported(planted: DiffResult) -> None:
    assert not planted.same and not planted.errors
    status = _one(planted, "count_collections", "status")
    assert (status.base_status, status.candidate_status) == (200, 503)
    assert "planted" in status.example.candidate.text and status.example.base.curl.startswith("curl")
    error = _one(planted, "get_tenant", "error-type")  # the missing tenant: NotFoundError -> TenantNotFound
    assert (error.base_error, error.candidate_error) == ("NotFoundError", "TenantNotFound")
    assert _one(planted, "get_tenant", "status").base_status == 200  # the existing tenant now 404
    missing = _one(planted, "pre_flight_checks", "field-missing", "$.max_batch_size")
    assert missing.difference.base == 5461
    assert _one(planted, "version", "value-changed").difference.candidate == "9.9.9"
    document = _one(planted, "collection_get", "value-changed", "$.records[*].document")
    assert document.count > 10, "one finding for all the get requests whose documents changed"
    assert document.difference.candidate == str(document.difference.base).upper()
    # consequences: the planted error's message; the update_visible scenario stops on the candidate only
    assert _one(planted, "get_tenant", "message").difference.candidate == "injected fault"
    assert _one(planted, "collection_get", "sequence").follow_on
    # nothing else differs: every change is one of the planted ones
    planted_kinds = {("count_collections", "status"), ("get_tenant", "error-type"), ("get_tenant", "status"),
                     ("pre_flight_checks", "field-missing"), ("version", "value-changed"),
                     ("collection_get", "value-changed"), ("get_tenant", "message"), ("collection_get", "sequence")}  # fmt: skip
    assert {(f.operation_id, f.kind) for f in planted.changes} == planted_kinds, summary(planted)
    assert "CLIENT-VISIBLE CHANGES" in summary(planted).splitlines()[-1]


def test_reports_show_both_answers_and_reproductions(planted: DiffResult, tmp_path: Path) -> None:
    report, junit, data = tmp_path / "diff.md", tmp_path / "diff.xml", tmp_path / "diff.json"
    write_markdown(planted, report)
    write_junit(planted, junit)
    write_json(planted, data)
    text = report.read_text()
    assert "### `count_collections`" in text and "#### status 200 -> 503" in text
    sent = [a for f in planted.changes for a in (f.example.base, f.example.candidate) if a.status is not None]
    assert all(a.curl.startswith("curl") for a in sent) and text.count("```sh\ncurl") == len(sent)
    suite = ET.parse(junit).getroot()
    failing = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert failing == {f.operation_id for f in planted.changes}
    loaded = json.loads(data.read_text())
    assert loaded["same"] is False and len(loaded["findings"]) == len(planted.findings)
    assert markdown(planted).startswith("# contracts diff")


def test_an_allow_file_accepts_findings_in_the_drift_matcher_style(planted: DiffResult) -> None:
    allow = parse_allow({"allow": [
        {"id": "version-bump", "reason": "expected", "match": {"operations": ["version"], "kinds": ["value-changed"]}},
        {"id": "tenant", "reason": "r", "match": [{"operations": ["get_tenant"], "candidate": "TenantNotFound"}]},
    ]})  # fmt: skip
    matched = {f.operation_id: (e.id if (e := allow.match(f)) else None) for f in planted.changes}
    assert matched["version"] == "version-bump" and matched["get_tenant"] == "tenant"
    assert matched["count_collections"] is None
    with pytest.raises(ValueError, match="unknown kind"):
        parse_allow({"allow": [{"id": "x", "reason": "r", "match": {"kinds": ["bogus"]}}]})


@pytest.mark.parametrize("run", range(3))
def test_identical_mocks_diff_clean_over_fresh_seeds(run: int) -> None:
    seed = secrets.randbelow(2**31)
    print(f"contracts diff seed: {seed}")  # a failure names the seed to repeat it with
    sources = ("scenario", "catalogue", "generated") if run == 0 else ("generated",)
    result = run_diff(DiffOptions(base="mock", candidate="mock:local", seed=seed, max_examples=2, sources=sources))
    assert result.seed == seed
    assert result.same and not result.findings, f"seed {seed}\n{summary(result)}"
    assert result.cases > (300 if run == 0 else 60)


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["diff", "--base-mock", "--candidate", "mock:local", "--sources", "catalogue", "-q",
                 "--include-operation", "heartbeat", "--include-operation", "version",
                 "--include-operation", "healthcheck", "--report", str(tmp_path / "r.md")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip().startswith("NO CLIENT-VISIBLE CHANGE: 3 requests")
    assert (tmp_path / "r.md").exists()
    assert main(["diff", "--base-mock", "--candidate", "mock:cloud", "-q"]) == 2
    assert "no profile 'cloud'" in capsys.readouterr().err
    assert main(["diff", "--base-mock", "--candidate", "http://127.0.0.1:9", "-q", "--request-timeout", "2"]) == 2


# comparison and the sandbox guard, without a server ---------------------------------------------
def _answer(status: int, body: Any) -> Answer:
    return Answer(status, body, json.dumps(body), "", "{}")


def test_floats_compare_with_float32_tolerance_and_records_without_order() -> None:
    base = {
        "ids": ["a", "b"],
        "documents": ["x", "y"],
        "embeddings": [[0.1, 0.2], [0.3, 0.4]],
        "include": ["documents"],
    }
    candidate = {"ids": ["b", "a"], "documents": ["y", "x"], "embeddings": [[0.30000001192092896, 0.4],
                 [0.1, 0.2000000029802322]], "include": ["documents"]}  # fmt: skip
    assert compare("collection_get", _answer(200, base), _answer(200, candidate)) == ()
    candidate["documents"] = ["y", "X"]
    (changed,) = compare("collection_get", _answer(200, base), _answer(200, candidate))
    assert (changed.kind, changed.path, changed.base, changed.candidate) == (
        "value-changed",
        "$.records.a.document",
        "x",
        "X",
    )
    assert general_path("collection_get", changed.path) == "$.records[*].document"


def test_int_against_float_is_a_type_change_and_a_query_row_keeps_its_distances() -> None:
    assert compare("get_collection", _answer(200, {"n": 2}), _answer(200, {"n": 2.0}))[0].kind == "type-changed"
    row = {"ids": [["a", "b"]], "distances": [[0.5, 0.5]]}
    swapped = {"ids": [["b", "a"]], "distances": [[0.5, 0.5000001]]}
    assert compare("collection_query", _answer(200, row), _answer(200, swapped)) == ()  # a tie, in another order
    moved = {"ids": [["a", "b"]], "distances": [[0.5, 0.6]]}
    assert [d.path for d in compare("collection_query", _answer(200, row), _answer(200, moved))] == [
        "$.rows[0].records.b.distance"
    ]
    errors = compare("get_tenant", _answer(404, {"error": "NotFoundError", "message": "m"}),
                     _answer(404, {"error": "TenantNotFound", "message": "m"}))  # fmt: skip
    assert [d.kind for d in errors] == ["error-type"]


def test_a_side_refuses_requests_outside_its_sandbox_and_rate_limits() -> None:
    side = Side(parse_side("base", "mock", "local"), DiffOptions(base="mock", candidate="mock", rate_limit="40/s"))
    with pytest.raises(SideError, match="outside the sandbox"):
        side.send(Request("get_tenant", (("tenant_name", "default_tenant"),)))
    with pytest.raises(SideError, match="allow-destructive"):
        side.send(Request("reset"))
    began = time.monotonic()
    answers = [side.send(Request("heartbeat")) for _ in range(60)]
    assert time.monotonic() - began >= 0.4 and {a.status for a in answers} == {200}
    assert answers[0].body == {"nanosecond heartbeat": "<clock>"}


def test_the_lines_of_a_multi_field_validation_message_compare_in_any_order() -> None:
    """Chroma's validator lists the invalid fields in hash-map order, which varies between requests."""
    from contracts.diff.normalise import Normaliser

    def normal(message: str) -> Any:
        return Normaliser({}).response("create_collection", {"error": "InvalidArgumentError", "message": message}, "")

    one = normal("Validation error: name: bad\nmetadata: Metadata key cannot be empty")
    other = normal("Validation error: metadata: Metadata key cannot be empty\nname: bad")
    assert one == other
    assert normal("Validation error: name: bad") != normal("Validation error: name: worse")
    assert normal("Validation error: name: bad\nmetadata: x") != normal("Validation error: name: bad")
