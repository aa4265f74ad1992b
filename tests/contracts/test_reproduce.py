"""Reproductions reproduce: the exact request (only secret headers masked), long bodies in a file, curl and httpx."""

from __future__ import annotations

import dataclasses
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contracts.model import Classified, Finding, Issue, OperationStats, RunOptions, RunResult, SentRequest
from contracts.report import markdown, requests_folder, summary, write_junit
from contracts.reproduce import (
    INLINE_LIMIT,
    MOCK_REPLAY_URL,
    body_file,
    curl_command,
    python_snippet,
    sandbox_setup,
    write_body,
)
from contracts.run import make_config
from contracts.sandbox import Sandbox
from contracts.target import Caller, build_schema, open_target
from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer

TENANT = "contracts-feedbeef"
DATABASE = f"{TENANT}-db"
COLLECTIONS = f"/api/v2/tenants/{TENANT}/databases/{DATABASE}/collections"
#: Body fields whose names look like secrets to schemathesis' sanitizer ("keys", "key"): they must stay.
SCHEMA_BODY = {"name": "zeta1", "schema": {"defaults": {}, "keys": {"key": {"string": {}}}}}


@pytest.fixture
def caller() -> Caller:
    """Scripted calls to an in-process mock with a token configured (a secret, to be masked)."""
    options = RunOptions(mock=True, token="s3cret-token")
    target = open_target(options, create_app())
    schema = build_schema(target, make_config(options, Sandbox.new("feedbeef"), target))
    client = Caller(schema, target, 10.0)
    assert client.call("create_tenant", body={"name": TENANT}).status == 200
    assert client.call("create_database", {"tenant": TENANT}, {"name": DATABASE}).status == 200
    return client


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(create_app()) as running:
        yield running


def _against(request: SentRequest, server: MockServer) -> SentRequest:
    return dataclasses.replace(request, url=request.url.replace(MOCK_REPLAY_URL, server.url))


def _curl(command: str) -> tuple[int, str]:
    done = subprocess.run(
        [*shlex.split(command), "-s", "-o", "-", "-w", "\n%{http_code}", "-H", "x-chroma-token: s3cret-token"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


def test_the_request_is_exact_and_only_the_secret_header_is_masked(caller: Caller) -> None:
    reply = caller.call("create_collection", {"tenant": TENANT, "database": DATABASE}, SCHEMA_BODY)
    request = reply.request
    assert request.url == f"{MOCK_REPLAY_URL}{COLLECTIONS}", "--mock runs replay against `mockserver serve`"
    assert dict(request.headers)["x-chroma-token"] == "[Filtered]" and request.masked == ("x-chroma-token",)
    assert request.body is not None and b'"keys": {"key": {"string": {}}}' in request.body
    command = curl_command(request)
    assert "[Filtered]" not in command.split(" -d ")[1], "body fields are never masked"
    assert "s3cret-token" not in command and "s3cret-token" not in python_snippet(request)
    assert "testclient" not in command and "X-Schemathesis-TestCaseId" not in command


def test_a_generated_token_header_is_test_data_and_shown_as_sent(caller: Caller) -> None:
    operation = caller.schema.find_operation_by_id("heartbeat")
    case = operation.Case(headers={"x-chroma-token": "generated-value"})
    response = case.call(base_url=caller.target.base_url, app=caller.target.app)
    from contracts.reproduce import sent_request

    request = sent_request(case, response, caller.target.base_url, MOCK_REPLAY_URL, caller.headers)
    assert dict(request.headers)["x-chroma-token"] == "generated-value" and request.masked == ()


def test_curl_and_httpx_replay_the_failing_request_against_a_mock_you_start(
    caller: Caller, server: MockServer, tmp_path: Path
) -> None:
    """The set-up plus the request, replayed with curl and with the Python snippet, answer as in the run."""
    documents = ["d" * 100 + str(i) for i in range(60)]  # a body far over the inline limit
    created = caller.call("create_collection", {"tenant": TENANT, "database": DATABASE}, {"name": "replayed"})
    cid = created.body["id"]
    body = {"ids": [f"id{i}" for i in range(60)], "embeddings": [[0.5, 1.0]] * 60, "documents": documents}
    body["embeddings"][59] = [1.0]  # inconsistent dimensions: a 400 to reproduce
    path = {"tenant": TENANT, "database": DATABASE, "collection_id": cid}
    reply = caller.call("collection_add", path, body)
    assert reply.status == 400
    request = _against(reply.request, server)
    folder = tmp_path / "report-requests"
    stored = write_body(request, folder)
    assert stored is not None and stored == body_file(request, folder) and stored.parent == folder
    assert request.body is not None and len(request.body) > INLINE_LIMIT and stored.read_bytes() == request.body
    command = curl_command(request, stored)
    assert command.endswith(f"--data-binary @{stored}") and " -d " not in command

    setup = sandbox_setup(request, TENANT, (DATABASE,))
    assert [s.url.rsplit("/", 1)[-1] for s in setup] == ["tenants", "databases"]
    for step in setup:
        assert _curl(curl_command(step))[0] == 200
    # the collection id in the URL was made during the run: make it again on the server the user started
    make = httpx.post(
        f"{server.url}{COLLECTIONS}", json={"name": "replayed"}, headers={"x-chroma-token": "s3cret-token"}
    )
    request = dataclasses.replace(request, url=request.url.replace(cid, make.json()["id"]))
    status, text = _curl(curl_command(request, stored))
    assert (status, text) == (reply.status, reply.text)

    snippet = python_snippet(request, stored).replace("[Filtered]", "s3cret-token")
    scope: dict[str, object] = {}
    exec(compile(snippet.replace("print(", "result = ("), "<snippet>", "exec"), scope)  # noqa: S102
    answer = scope["response"]
    assert isinstance(answer, httpx.Response) and (answer.status_code, answer.text) == (reply.status, reply.text)


def _result(finding: Finding) -> RunResult:
    issue = Issue(Classified(finding, None, None, True), 1, (finding.phase,))
    return RunResult(
        target="in-process mock", spec_source="openapi.yaml", sandbox=TENANT, strict=False, seed=5, duration=1.0,
        cases=1, operations=(OperationStats(finding.operation_id, "POST", finding.path, 1, 1, 0),), issues=(issue,),
        errors=(), unused_drift=(), sandbox_databases=(DATABASE,), replay_hint="against a mock you start",
    )  # fmt: skip


def _empty_code_blocks(text: str) -> int:
    empty, inside, content = 0, False, []
    for line in text.splitlines():
        if line.startswith("```"):
            if inside and not "".join(content).strip():
                empty += 1
            inside, content = not inside, []
        elif inside:
            content.append(line)
    return empty


def test_the_markdown_report_shows_the_reproduction_in_full(caller: Caller, tmp_path: Path) -> None:
    long_body = {"name": "zeta1", "metadata": {"k": "v" * 5000}, "schema": SCHEMA_BODY["schema"]}
    reply = caller.call("create_collection", {"tenant": TENANT, "database": DATABASE}, long_body)
    finding = Finding(
        operation_id="create_collection", method="POST", path=COLLECTIONS, check="not_a_server_error",
        failure="ServerError", title="Server error", message="", status_code=500, phase="fuzzing",
        reproduction=reply.curl, response="", request=reply.request,
    )  # fmt: skip
    result = _result(finding)
    report = tmp_path / "out" / "report.md"
    text = markdown(result, None, requests_folder(report))
    assert _empty_code_blocks(text) == 0
    stored = requests_folder(report) / next(requests_folder(report).iterdir()).name
    assert stored.read_bytes() == reply.request.body
    assert f"--data-binary @{stored}" in text and "import httpx" in text
    assert f'{{"name": "{TENANT}"}}' in text, "the sandbox set-up comes first"
    assert "Masked header(s) x-chroma-token" in text and "against a mock you start" in text
    console = summary(result, None, report)
    assert f"--data-binary @{stored}" in console and str(report) in console
    junit = tmp_path / "out" / "junit.xml"
    write_junit(result, junit)
    assert f"--data-binary @{requests_folder(junit)}" in junit.read_text()
