"""Validate: request bodies and query strings against the spec, answered the way Chroma answers."""

from __future__ import annotations

import pytest

from mockserver.api.spec import load_spec
from mockserver.api.validate import MAX_BODY_BYTES, Validator
from mockserver.errors import InvalidArgument, PayloadTooLarge, Unprocessable, UnsupportedMediaType

SPEC = load_spec()
VALIDATOR = Validator(SPEC)
UPDATE = SPEC.operation("collection_update")
ADD = SPEC.operation("collection_add")
PARAMS = {"tenant": "t", "database": "db1", "collection_id": "x"}


def check(op_id: str, body: bytes, content_type: str | None = "application/json", query: bytes = b"") -> object:
    return VALIDATOR.check(SPEC.operation(op_id), PARAMS, query, content_type, body).body


def test_update_accepts_the_shapes_chroma_accepts() -> None:
    body = b'{"ids":["a"],"embeddings":[null,[1,2]],"metadatas":[{"a":1,"b":null,"c":[1,2.5],"d":[]}],"extra":1}'
    assert check("collection_update", body) == {
        "ids": ["a"],
        "embeddings": [None, [1, 2]],
        "metadatas": [{"a": 1, "b": None, "c": [1, 2.5], "d": []}],
        "extra": 1,
    }


def test_update_accepts_base64_embeddings_with_null_entries() -> None:
    assert check("collection_update", b'{"ids":["a","b"],"embeddings":["AAAAPwAAoL8=",null]}')


@pytest.mark.parametrize(
    "body",
    [
        b'{"embeddings":[[1]]}',  # ids missing
        b'{"ids":"a"}',
        b'{"ids":[1]}',
        b'{"ids":["a"],"metadatas":[{"a":[1,"x"]}]}',  # mixed array
        b'{"ids":["a"],"metadatas":[{"a":{"b":1}}]}',  # nested object
        b'{"ids":["a"],"embeddings":[[1],"AAAAPw=="]}',  # mixed encodings
    ],
)
def test_update_wrong_shape_is_422(body: bytes) -> None:
    with pytest.raises(Unprocessable, match="Failed to deserialize the JSON body"):
        check("collection_update", body)


def test_add_rejects_null_metadata_values_but_update_accepts_them() -> None:
    with pytest.raises(Unprocessable):
        check("collection_add", b'{"ids":["a"],"embeddings":[[1]],"metadatas":[{"a":null}]}')
    assert check("collection_update", b'{"ids":["a"],"metadatas":[{"a":null}]}')


@pytest.mark.parametrize("body", [b"", b"{bad", b"NaN", b'{"ids":[NaN]}'])
def test_not_json_is_400(body: bytes) -> None:
    with pytest.raises(InvalidArgument, match="Failed to parse the request body as JSON"):
        check("collection_update", body)


def test_content_type_rules() -> None:
    assert check("create_tenant", b'{"name":"abc"}', content_type=None) == {"name": "abc"}
    assert check("create_tenant", b'{"name":"abc"}', content_type="application/json; charset=utf-8")
    with pytest.raises(UnsupportedMediaType):
        check("create_tenant", b'{"name":"abc"}', content_type="text/plain")


def test_body_over_40_mib_is_413() -> None:
    with pytest.raises(PayloadTooLarge):
        check("create_tenant", b" " * (MAX_BODY_BYTES + 1))


def test_integers_beyond_64_bits_become_floats_like_serde() -> None:
    body = check("collection_update", b'{"ids":["a"],"metadatas":[{"big":123456789012345678901234567890}]}')
    assert body == {"ids": ["a"], "metadatas": [{"big": float(123456789012345678901234567890)}]}


def test_query_string_is_parsed_like_serde() -> None:
    op = SPEC.operation("list_collections")
    assert VALIDATOR.parse_query(op, b"limit=0&offset=3&other=x") == {"limit": 0, "offset": 3}
    for bad in (b"limit=-1", b"limit=abc", b"limit=99999999999"):
        with pytest.raises(InvalidArgument, match="Failed to deserialize query string: limit"):
            VALIDATOR.parse_query(op, bad)
    count = SPEC.operation("collection_count")
    assert VALIDATOR.parse_query(count, b"read_level=index_only") == {"read_level": "index_only"}
    with pytest.raises(InvalidArgument, match="unknown variant `bogus`"):
        VALIDATOR.parse_query(count, b"read_level=bogus")


def test_lone_surrogate_escape_is_a_parse_error_like_serde() -> None:
    with pytest.raises(InvalidArgument, match="Failed to parse the request body as JSON"):
        check("create_tenant", b'{"name":"abc\\udb2cxyz"}')
    assert check("create_tenant", b'{"name":"abc\\ud83d\\ude00"}') == {"name": "abc\U0001f600"}


def test_integer_fields_refuse_floats_like_serde() -> None:
    with pytest.raises(Unprocessable, match="limit: invalid type: floating point"):
        check("collection_get", b'{"limit":1.0}')
    assert check("collection_get", b'{"limit":1}') == {"limit": 1}
    assert check("collection_update", b'{"ids":["a"],"metadatas":[{"x":2.0}]}')  # metadata may be float


def test_lazy_validators_compile_on_first_use_and_answer_the_same() -> None:
    lazy = Validator(SPEC, lazy=True)
    assert lazy._bodies == {}
    operation = next(op for op in SPEC.operations if op.operation_id == "collection_get")
    good = lazy.check(operation, {}, b"", "application/json", b'{"limit": 1}')
    assert good.body == {"limit": 1} and list(lazy._bodies) == ["collection_get"]
    with pytest.raises(Unprocessable):
        lazy.check(operation, {}, b"", "application/json", b'{"limit": "x"}')
