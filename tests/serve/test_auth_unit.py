"""Auth: the token file format and the header forms, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.api.spec import load_spec
from mockserver.api.validate import ValidRequest
from mockserver.errors import Forbidden, Unauthenticated
from mockserver.serve.auth import Auth, AuthFileError, Identity, load_auth_file, parse_auth
from mockserver.store import Store


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


TOKENS = {
    "root": Identity("r", "*", ("*",)),
    "ops": Identity("o", "*", ("db1",)),
    "team": Identity("t", "acme", ("db1", "db3")),
    "acme": Identity("a", "acme", ("*",)),
}


def test_only_an_admin_token_passes_the_admin_gate() -> None:
    auth = Auth(TOKENS)
    auth.require_admin([(b"authorization", b"Bearer root")])
    auth.require_admin([(b"x-chroma-token", b"root")])
    for name in ("ops", "team", "acme"):
        with pytest.raises(Forbidden, match="is not an admin"):
            auth.require_admin([(b"x-chroma-token", name.encode())])
    with pytest.raises(Unauthenticated):
        auth.require_admin([])


def test_knows_tokens() -> None:
    auth = Auth(TOKENS)
    assert auth.knows([(b"x-chroma-token", b"team")])
    assert not auth.knows([(b"x-chroma-token", b"nope")]) and not auth.knows([])


def test_list_databases_is_narrowed_to_the_tokens_databases() -> None:
    spec = load_spec()
    operation = next(op for op in spec.operations if op.operation_id == "list_databases")
    request = ValidRequest(operation, {"tenant": "acme"}, {}, None)
    auth = Auth(TOKENS)

    def visible(name: str) -> frozenset[str] | None:
        admitted = auth.check(spec, Store(), request, [(b"x-chroma-token", name.encode())])
        assert isinstance(admitted, ValidRequest)
        return admitted.visible_databases

    assert visible("root") is None and visible("acme") is None
    assert visible("team") == frozenset({"db1", "db3"})
    assert visible("ops") == frozenset({"db1"})
