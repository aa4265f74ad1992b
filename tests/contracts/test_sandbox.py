"""Safety on shared environments: every call stays in the run's sandbox; reset only with --allow-destructive."""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis.hooks import HookContext

from contracts.model import RunOptions
from contracts.run import make_config, run
from contracts.sandbox import RUN_MARKER, DestructiveCallBlocked, Guard, Sandbox
from contracts.target import Caller, Target, build_schema, open_target
from mockserver.api.app import create_app


@pytest.fixture
def guarded() -> tuple[Guard, Any]:
    options = RunOptions(mock=True)
    target = open_target(options, create_app())
    target = Target(target.label, target.base_url, target.app, {**target.document, RUN_MARKER: "run-1"},
                    target.spec_source, target.headers, target.token_scheme)  # fmt: skip
    sandbox = Sandbox.new("test")
    schema = build_schema(target, make_config(options, sandbox, target))
    return Guard(sandbox, "run-1", allow_destructive=False), schema


def test_sandbox_names_are_valid_chroma_names_with_a_random_suffix() -> None:
    a, b = Sandbox.new(), Sandbox.new()
    assert a.tenant != b.tenant and a.tenant.startswith("contracts-")
    assert a.database == f"{a.tenant}-db" and a.scratch_database not in a.databases
    overrides = a.config_overrides()
    assert overrides["parameters"]["path.tenant"] == a.tenant
    assert overrides["parameters"]["path.tenant_name"] == a.tenant


def test_guard_pins_the_tenant_and_prefixes_created_tenants(guarded: tuple[Guard, Any]) -> None:
    guard, schema = guarded
    case = schema.find_operation_by_id("list_collections").Case(path_parameters={"tenant": "victim", "database": "x"})
    guard.before_call(HookContext(), case, {})
    assert case.path_parameters == {"tenant": guard.sandbox.tenant, "database": "x"}
    create = schema.find_operation_by_id("create_tenant").Case(body={"name": "prod"}, media_type="application/json")
    guard.before_call(HookContext(), create, {})
    assert create.body == {"name": f"{guard.sandbox.tenant}-prod"}
    weird = schema.find_operation_by_id("create_tenant").Case(body={"name": 5}, media_type="application/json")
    guard.before_call(HookContext(), weird, {})
    assert weird.body == {"name": 5}, "negative cases keep their invalid value"


def test_guard_blocks_reset_without_allow_destructive(guarded: tuple[Guard, Any]) -> None:
    guard, schema = guarded
    with pytest.raises(DestructiveCallBlocked):
        guard.before_call(HookContext(), schema.find_operation_by_id("reset").Case(), {})


def test_guard_ignores_calls_of_other_schemas(guarded: tuple[Guard, Any]) -> None:
    guard, _ = guarded
    options = RunOptions(mock=True)
    other_target = open_target(options, create_app())
    other = build_schema(other_target, make_config(options, Sandbox.new(), other_target))
    case = other.find_operation_by_id("get_tenant").Case(path_parameters={"tenant_name": "someone"})
    guard.before_call(HookContext(), case, {})
    assert case.path_parameters == {"tenant_name": "someone"}


def test_a_default_run_leaves_nothing_outside_its_sandbox() -> None:
    app = create_app()
    result = run(RunOptions(mock=True, max_examples=2, seed=4, phases=("examples", "fuzzing", "stateful")), app=app)
    catalog = app.store.catalog
    assert all(t == "default_tenant" or t.startswith(result.sandbox) for t in catalog.tenants)
    assert set(catalog.databases) == {("default_tenant", "default_database")}
    assert app.store.count_collections("default_tenant", "default_database") == 0


def test_allow_destructive_calls_reset_and_recreates_the_sandbox() -> None:
    app = create_app()
    options = RunOptions(mock=True, max_examples=2, seed=5, allow_destructive=True, phases=("examples", "fuzzing"),
                         include_operations=("reset", "heartbeat"), scenarios=False)  # fmt: skip
    result = run(options, app=app)
    assert "reset" in {s.operation_id for s in result.operations if s.cases}
    assert any("re-created" in note for note in result.notes)
    assert result.passed, [i.finding for i in result.failures]
    assert any(i.first.drift_id == "reset-is-json" for i in result.known_drift)


def test_caller_sends_the_token_header() -> None:
    seen: list[str | None] = []
    app = create_app()

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(dict(scope["headers"]).get(b"x-chroma-token", b"").decode() or None)
        await app(scope, receive, send)

    options = RunOptions(mock=True, token="s3cret")
    target = open_target(options, spy)
    caller = Caller(build_schema(target, make_config(options, Sandbox.new(), target)), target, 5.0)
    assert caller.call("heartbeat").status == 200
    assert seen == ["s3cret"]
    assert target.token_scheme == "ApiKeyAuth"
