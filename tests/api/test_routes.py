"""Routes: the trie compiled from the spec matches every operation, and answers 404/405 like Chroma."""

from __future__ import annotations

import pytest

from mockserver.api.routes import Hit, RouteTable
from mockserver.api.spec import load_spec

SPEC = load_spec()
TABLE = RouteTable(SPEC)


def test_every_spec_operation_is_routed_to_itself() -> None:
    assert len(SPEC.operations) == 35
    for op in SPEC.operations:
        path = op.path.replace("{", "").replace("}", "")  # template names as literal values
        found = TABLE.match(op.method, path)
        assert found.hit is Hit.FULL, op.operation_id
        assert found.operation is not None
        if "by-id" not in path:
            assert found.operation.operation_id == op.operation_id


def test_literal_segment_wins_over_template() -> None:
    found = TABLE.match("GET", "/api/v2/tenants/t/databases/d/collections/by-id/123")
    assert found.operation is not None and found.operation.operation_id == "get_collection_by_id"
    assert found.params == {"tenant": "t", "database": "d", "collection_id": "123"}


def test_path_parameters_are_percent_decoded_per_segment() -> None:
    found = TABLE.match("GET", "/api/v2/tenants/a%2Fb%20c")
    assert found.operation is not None and found.operation.operation_id == "get_tenant"
    assert found.params == {"tenant_name": "a/b c"}


@pytest.mark.parametrize("path", ["/", "/api/v2/nonexistent", "/api/v2/heartbeat/", "/api/v2/tenants/"])
def test_unknown_paths(path: str) -> None:
    assert TABLE.match("GET", path).hit is Hit.NONE


def test_an_empty_parameter_inside_the_path_matches_as_in_axum() -> None:
    """`/tenants//databases` lists tenant ""'s databases on Chroma (200 []); an empty last segment is no match."""
    found = TABLE.match("GET", "/api/v2/tenants//databases")
    assert found.operation is not None and found.operation.operation_id == "list_databases"
    assert found.params == {"tenant": ""}
    assert TABLE.match("GET", "/api/v2/tenants/t/databases/d/collections/").hit is Hit.NONE


def test_wrong_method_lists_allowed_methods_with_head() -> None:
    found = TABLE.match("DELETE", "/api/v2/tenants/x")
    assert found.hit is Hit.PATH_ONLY
    assert found.allow == ("GET", "HEAD", "PATCH")


def test_head_uses_get() -> None:
    found = TABLE.match("HEAD", "/api/v2/heartbeat")
    assert found.operation is not None and found.operation.operation_id == "heartbeat"
