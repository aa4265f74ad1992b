"""Store: Chroma's name rules."""

from __future__ import annotations

import pytest

from mockserver.errors import InvalidArgument
from mockserver.store.names import check_collection_name, check_tenant_name, name_problem
from mockserver.store.uuids import parse_uuid


@pytest.mark.parametrize("name", ["abc", "a-b_c.d", "999.1.1.1", "A" * 512, "CaseTest"])
def test_valid_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("ab", "3-512 characters"),
        ("-abc", "3-512 characters"),
        ("abc-", "3-512 characters"),
        ("a" * 513, "3-512 characters"),
        ("a b", "3-512 characters"),
        ("a..b", "two consecutive periods"),
        ("127.0.0.1", "valid ip address"),
    ],
)
def test_invalid_names(name: str, fragment: str) -> None:
    problem = name_problem(name)
    assert problem is not None and fragment in problem
    with pytest.raises(InvalidArgument, match="^Validation error: name: "):
        check_collection_name(name)


def test_tenant_names_only_need_three_characters() -> None:
    check_tenant_name("x y")
    check_tenant_name("ünï")
    with pytest.raises(InvalidArgument):
        check_tenant_name("ab")


def test_parse_uuid() -> None:
    assert parse_uuid("B69BC4411D6B4A4288BFFCF0C99FA1F1") == "b69bc441-1d6b-4a42-88bf-fcf0c99fa1f1"
    assert parse_uuid("not-a-uuid") is None
