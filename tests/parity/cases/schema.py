"""Cases: the collection `schema` object: the client's schema on create, and keys added by record writes."""

from __future__ import annotations

from typing import Any

from ..harness import C, Case, Step, case, coll, get, post, records

ALL_TYPES = {
    "i": 1,
    "f": 1.5,
    "s": "x",
    "b": True,
    "ai": [1, 2],
    "af": [1.5],
    "as": ["x"],
    "ab": [True],
    "mixed": [1, 2.5],
    "big": 2**64,
    "e": [],
    "chroma:foo": 1,
}


def s_coll(**create: Any) -> Step:
    return coll("s_coll", save="s", **create)


def show() -> Step:
    return get(f"{C}/s_coll", status=200)


def w(op: str, body: object, status: int | None = None) -> Step:
    return records("s", op, body, status=status)


def one(metadata: object) -> dict[str, object]:
    return {"ids": ["a"], "embeddings": [[1.0]], "metadatas": [metadata]}


def schema_case(case_id: str, schema: object, status: int = 200) -> Case:
    return case(case_id, post(C, {"name": "s_coll", "schema": schema}, save="s", status=status))


def index(enabled: bool) -> dict[str, object]:
    return {"enabled": enabled, "config": {}}


CASES = [
    # -- keys added by record writes --------------------------------------------------------------
    case("schema-keys-from-add", s_coll(), w("add", one(ALL_TYPES), 201), show()),
    case(
        "schema-keys-types-accumulate",
        s_coll(),
        w("add", one({"k": 1}), 201),
        w("add", {"ids": ["b"], "embeddings": [[1.0]], "metadatas": [{"k": "now a string", "k2": False}]}, 201),
        show(),
    ),
    case("schema-keys-from-upsert", s_coll(), w("upsert", one({"u": 1.0, "gone": None}), 200), show()),
    case(
        "schema-keys-from-update-existing",
        s_coll(),
        w("add", one(None), 201),
        w("update", {"ids": ["a"], "metadatas": [{"u": "x", "n": None, "chroma:document": "d"}]}, 200),
        show(),
    ),
    case(
        "schema-keys-not-from-update-missing",
        s_coll(),
        w("update", {"ids": ["zz"], "metadatas": [{"u": 1}]}, 200),
        show(),
    ),
    case(
        "schema-keys-not-from-skipped-add",
        s_coll(),
        w("add", one({"k": 1}), 201),
        w("add", one({"skipped": 1}), 201),
        show(),
    ),
    case(
        "schema-keys-not-from-failed-add",
        s_coll(),
        w("add", {"ids": ["a", "b"], "embeddings": [[1.0]], "metadatas": [{"failed": 1}]}, 400),
        show(),
    ),
    case(
        "schema-keys-kept-after-delete",
        s_coll(),
        w("add", one({"k": 1}), 201),
        w("delete", {"ids": ["a"]}, 200),
        show(),
    ),
    case(
        "schema-keys-use-client-defaults",
        s_coll(
            schema={
                "defaults": {"int": {"int_inverted_index": index(False)}},
                "keys": {"foo": {"string": {"string_inverted_index": index(False)}}, "bar": {}},
            }
        ),
        w("add", one({"foo": "x", "bar": 1, "baz": 2}), 201),
        w("add", {"ids": ["b"], "embeddings": [[1.0]], "metadatas": [{"foo": 3}]}, 201),
        show(),
    ),
    # -- the client's schema on create --------------------------------------------------------------
    schema_case(
        "schema-key-only-given-indexes",
        {"defaults": {}, "keys": {"foo": {"string": {"string_inverted_index": index(False)}}}},
    ),
    schema_case("schema-key-empty", {"defaults": {}, "keys": {"foo": {}}}),
    schema_case("schema-key-empty-type", {"defaults": {}, "keys": {"foo": {"string": {}}}}),
    schema_case("schema-key-unknown-type-dropped", {"defaults": {}, "keys": {"foo": {"bogus": {}}}}),
    schema_case(
        "schema-key-int-disabled",
        {
            "defaults": {},
            "keys": {"n": {"int": {"int_inverted_index": index(False)}, "bool": {"bool_inverted_index": index(True)}}},
        },
    ),
    schema_case("schema-key-fts-400", {"defaults": {}, "keys": {"foo": {"string": {"fts_index": index(True)}}}}, 400),
    schema_case(
        "schema-key-vector-400", {"defaults": {}, "keys": {"foo": {"float_list": {"vector_index": index(True)}}}}, 400
    ),
    schema_case(
        "schema-index-missing-config-422",
        {"defaults": {}, "keys": {"foo": {"int": {"int_inverted_index": {"enabled": False}}}}},
        422,
    ),
    schema_case(
        "schema-defaults-int-disabled", {"defaults": {"int": {"int_inverted_index": index(False)}}, "keys": {}}
    ),
    schema_case(
        "schema-defaults-string-inverted-disabled",
        {"defaults": {"string": {"string_inverted_index": index(False)}}, "keys": {}},
    ),
    schema_case(
        "schema-document-fts-disabled", {"defaults": {}, "keys": {"#document": {"string": {"fts_index": index(False)}}}}
    ),
    schema_case(
        "schema-document-inverted-enabled-400",
        {"defaults": {}, "keys": {"#document": {"string": {"string_inverted_index": index(True)}}}},
        400,
    ),
]
