"""Auth: the token file format and the header forms, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.errors import Unauthenticated
from mockserver.serve.auth import Auth, AuthFileError, Identity, load_auth_file, parse_auth


def test_defaults_and_wildcards() -> None:
    tokens = parse_auth({"tokens": {"a": {"tenant": "t1"}, "root": {"user_id": "r", "tenant": "*"}}})
    assert tokens["a"] == Identity("", "t1", ("*",))
    assert tokens["a"].allows_database("anything") and not tokens["a"].is_admin
    assert tokens["root"].is_admin and tokens["root"].allows_tenant("zzz")


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"tokens": {}},
        {"tokens": []},
        {"tokens": {"t": "t1"}},
        {"tokens": {"t": {"databases": ["x"]}}},
        {"tokens": {"t": {"tenant": ""}}},
        {"tokens": {"t": {"tenant": "a", "databases": "db1"}}},
        {"tokens": {"t": {"tenant": "a", "databases": [""]}}},
        {"tokens": {"t": {"tenant": "a", "user_id": 3}}},
        {"tokens": {"t": {"tenant": "a", "role": "admin"}}},
        {"tokens": {1: {"tenant": "a"}}},
    ],
)
def test_bad_files_are_refused(data: object) -> None:
    with pytest.raises(AuthFileError):
        parse_auth(data)


def test_files_yaml_and_json(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("tokens:\n  tok: {tenant: t1, databases: [db1]}\n")
    (tmp_path / "a.json").write_text('{"tokens": {"tok": {"tenant": "t1", "databases": ["db1"]}}}')
    assert load_auth_file(tmp_path / "a.yaml") == load_auth_file(tmp_path / "a.json")
    with pytest.raises(AuthFileError, match="cannot read"):
        load_auth_file(tmp_path / "missing.yaml")
    (tmp_path / "broken.yaml").write_text("tokens: [")
    with pytest.raises(AuthFileError, match="cannot read"):
        load_auth_file(tmp_path / "broken.yaml")


def test_token_headers() -> None:
    auth = Auth({"tok": Identity("u", "t", ("*",))})
    assert auth.authenticate([(b"x-chroma-token", b"tok")]).user_id == "u"
    assert auth.authenticate([(b"authorization", b"Bearer tok")]).user_id == "u"
    assert auth.authenticate([(b"authorization", b"bearer   tok ")]).user_id == "u"
    # x-chroma-token wins over Authorization
    assert auth.authenticate([(b"authorization", b"Bearer nope"), (b"x-chroma-token", b"tok")]).user_id == "u"
    for headers in ([], [(b"authorization", b"Basic dG9r")], [(b"authorization", b"Bearer")], [(b"x-chroma-token", b"")]):
        with pytest.raises(Unauthenticated):
            auth.authenticate(headers)
