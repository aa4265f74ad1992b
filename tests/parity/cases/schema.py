"""Cases: the collection `schema` object: the client's schema on create, and keys added by record writes."""

from __future__ import annotations

from typing import Any

from ..harness import C, Case, Step, case, coll, get, post, put, records

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


EF_DEFAULT = {"type": "known", "name": "default", "config": {}}
EF_OTHER = {"type": "known", "name": "openai", "config": {"model_name": "x"}}
HNSW = {"ef_construction": 200, "max_neighbors": 32, "ef_search": 50, "num_threads": 4, "batch_size": 10,
        "sync_threshold": 500, "resize_factor": 1.5}
#: what the Python client 1.5.9 sends for `create_collection(name, schema=Schema())` ...
CLIENT_CONFIG = {"hnsw": {"space": "l2"}, "spann": None, "embedding_function": EF_DEFAULT}
CLIENT_SCHEMA: dict[str, Any] = {
    "defaults": {
        "string": {"fts_index": index(False), "string_inverted_index": index(True)},
        "float_list": {"vector_index": {"enabled": False, "config": {"embedding_function": EF_DEFAULT, "space": "l2"}}},
        "sparse_vector": {"sparse_vector_index": {"enabled": False, "config": {"embedding_function": {"type": "unknown"}}}},
        "int": {"int_inverted_index": index(True)},
        "float": {"float_inverted_index": index(True)},
        "bool": {"bool_inverted_index": index(True)},
    },
    "keys": {
        "#document": {"string": {"fts_index": index(True), "string_inverted_index": index(False)}},
        "#embedding": {"float_list": {"vector_index": {
            "enabled": True, "config": {"embedding_function": EF_DEFAULT, "source_key": "#document", "space": "l2"}
        }}},
    },
}
#: ... and for `schema=Schema().create_index(config=VectorIndexConfig(space="cosine"))`
CLIENT_COSINE: dict[str, Any] = {
    "defaults": {**CLIENT_SCHEMA["defaults"], "float_list": {"vector_index": {
        "enabled": False, "config": {"space": "cosine", "embedding_function": EF_DEFAULT}
    }}},
    "keys": {**CLIENT_SCHEMA["keys"], "#embedding": {"float_list": {"vector_index": {
        "enabled": True, "config": {"space": "cosine", "embedding_function": EF_DEFAULT, "source_key": "#document"}
    }}}},
}



def vec(enabled: bool = True, **config: object) -> dict[str, object]:
    return {"float_list": {"vector_index": {"enabled": enabled, "config": config}}}


def dvec(**config: object) -> dict[str, object]:
    return {"float_list": {"vector_index": {"enabled": False, "config": config}}}


def sch(embedding: dict[str, object] | None = None, defaults: dict[str, object] | None = None,
        keys: dict[str, object] | None = None) -> dict[str, object]:
    all_keys = dict(keys or {})
    if embedding is not None:
        all_keys["#embedding"] = embedding
    return {"defaults": defaults or {}, "keys": all_keys}


def schema_case_with(case_id: str, body: dict[str, object], status: int) -> Case:
    return case(case_id, post(C, {"name": "s_coll", **body}, save="s", status=status))


#: a client schema turning off: `foo` as a string, ints by default (but `bar`), full-text search
INDEX_SCHEMA = {
    "defaults": {"int": {"int_inverted_index": index(False)}},
    "keys": {
        "foo": {"string": {"string_inverted_index": index(False)}},
        "bar": {"int": {"int_inverted_index": index(True)}},
        "#document": {"string": {"fts_index": index(False)}},
    },
}

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
    # -- serde ignores unknown fields of the schema's structs, whatever their JSON type -------------
    schema_case("schema-defaults-unknown-int", {"defaults": {"x": 5}, "keys": {}}),
    schema_case("schema-defaults-unknown-list", {"defaults": {"x": [1]}, "keys": {}}),
    schema_case("schema-embedding-unknown-type", {"defaults": {}, "keys": {"#embedding": {"foo": {}}}}),
    schema_case("schema-embedding-unknown-int", {"defaults": {}, "keys": {"#embedding": {"foo": 5}}}),
    schema_case("schema-document-unknown-type", {"defaults": {}, "keys": {"#document": {"bar": {"x": 1}}}}),
    schema_case("schema-defaults-string-unknown-index", {"defaults": {"string": {"x": 5}}, "keys": {}}),
    schema_case(
        "schema-unknown-fields-every-level",
        {"defaults": {"int": {"int_inverted_index": {"enabled": False, "config": {}, "w": 1}, "q": [1]}},
         "keys": {"a": {"zz": 1, "int": {"int_inverted_index": index(False), "q": [1]}},
                  "#document": {"zz": 1, "string": {"fts_index": index(False), "q": [1]}}}},
    ),
    schema_case("schema-null-index-not-echoed", {"defaults": {"string": {"fts_index": None}},
                                                 "keys": {"a": {"string": {"fts_index": None}}}}),
    schema_case("schema-null-config-fields-not-echoed", sch(keys={"a": vec(False, source_key=None, hnsw=None)})),
    *[
        schema_case(f"schema-sparse-defaults-{case_id}", sch(defaults=sparse))
        for case_id, sparse in (
            ("legacy-ef", {"sparse_vector": {"sparse_vector_index": {
                "enabled": False, "config": {"embedding_function": {"type": "legacy", "x": 1}}}}}),
            ("known-ef-extra-field", {"sparse_vector": {"sparse_vector_index": {
                "enabled": False, "config": {"embedding_function": {**EF_OTHER, "q": 1}}}}}),
            ("bm25-source-key", {"sparse_vector": {"sparse_vector_index": {
                "enabled": False, "config": {"source_key": "a", "bm25": True}}}}),
            ("empty-config", {"sparse_vector": {"sparse_vector_index": {"enabled": False, "config": {}}}}),
        )
    ],
    schema_case("schema-sparse-key-legacy-ef", sch(keys={"a": {"sparse_vector": {"sparse_vector_index": {
        "enabled": False, "config": {"embedding_function": {"type": "legacy", "z": 2}}}}}})),
    schema_case("schema-embedding-legacy-ef-extra-field",
                sch(vec(embedding_function={"type": "legacy", "q": 1}))),
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
    # -- a schema that drives the collection, and one next to a configuration (schema_config) --------
    *[
        case(f"schema-config-{case_id}", post(C, {"name": "s_coll", **body}, save="s"), show())
        for case_id, body in (
            ("keys-space", {"schema": sch(vec(space="cosine"))}),
            ("keys-hnsw", {"schema": sch(vec(hnsw=HNSW))}),
            ("keys-ef", {"schema": sch(vec(space="ip", embedding_function=EF_OTHER))}),
            ("keys-disabled", {"schema": sch(vec(space="ip", enabled=False))}),
            ("keys-spann-ignored", {"schema": sch(vec(space="ip", spann={"search_nprobe": 64}))}),
            ("keys-empty-config", {"schema": sch(vec())}),
            ("keys-empty-config-client-config", {"configuration": CLIENT_CONFIG, "schema": sch(vec())}),
            ("defaults-only", {"schema": sch(defaults=dvec(space="cosine", embedding_function=EF_OTHER, hnsw={"ef_search": 55}))}),
            ("defaults-and-keys", {"schema": sch(vec(space="ip"), defaults=dvec(space="cosine"))}),
            ("metadata-keys-only", {"schema": sch(keys={"foo": {"string": {"string_inverted_index": index(False)}}})}),
            ("client-default", {"configuration": CLIENT_CONFIG, "schema": CLIENT_SCHEMA}),
            ("client-default-and-space", {"configuration": {"hnsw": {"space": "ip"}}, "schema": CLIENT_SCHEMA}),
            ("client-cosine", {"configuration": CLIENT_CONFIG, "schema": CLIENT_COSINE}),
            ("config-ef-dropped", {"configuration": {"embedding_function": EF_DEFAULT}, "schema": sch(vec(space="cosine"))}),
            ("config-defaults-explicit", {"configuration": {"hnsw": {"space": "l2", "ef_search": 100}}, "schema": sch(vec(space="ip"))}),
            ("config-spann-empty", {"configuration": {"spann": {}}, "schema": sch(vec(space="ip"))}),
            ("metadata-hnsw-default", {"metadata": {"hnsw:space": "l2"}, "schema": sch(vec(space="ip"))}),
            ("empty-schema-and-config", {"configuration": {"hnsw": {"space": "ip"}}, "schema": sch()}),
            ("empty-schema-and-metadata", {"metadata": {"hnsw:space": "ip"}, "schema": sch()}),
            ("keys-with-source-and-config", {"configuration": {"hnsw": {"space": "ip"}}, "schema": sch(vec(space="l2", source_key="#document"))}),
            ("unvalidated-hnsw", {"schema": sch(vec(hnsw={"ef_search": 0, "resize_factor": 0}))}),
        )
    ],
    *[
        schema_case_with(f"schema-config-{case_id}-400", body, 400)
        for case_id, body in (
            ("conflict-hnsw", {"configuration": {"hnsw": {"ef_search": 77}}, "schema": sch(vec(space="cosine"))}),
            ("conflict-spann", {"configuration": {"spann": {"space": "ip"}}, "schema": sch(vec(space="cosine"))}),
            ("conflict-ef", {"configuration": {"embedding_function": EF_OTHER}, "schema": sch(vec(embedding_function=EF_OTHER))}),
            ("conflict-metadata", {"metadata": {"hnsw:M": 8}, "schema": sch(vec(space="cosine"))}),
            ("conflict-metadata-keys", {"configuration": {"hnsw": {"space": "ip"}}, "schema": sch(keys={"foo": {"string": {"string_inverted_index": index(False)}}})}),
            ("conflict-space-without-source", {"configuration": {"hnsw": {"space": "ip"}}, "schema": sch(vec(space="l2"))}),
            ("conflict-empty-config", {"configuration": {"hnsw": {"space": "ip"}}, "schema": sch(vec())}),
            ("source-key", {"schema": sch(vec(space="ip", source_key="foo"))}),
            ("embedding-other-type", {"schema": sch(keys={"#embedding": {"string": {"string_inverted_index": index(False)}}})}),
            ("document-other-type", {"schema": sch(keys={"#document": {"int": {"int_inverted_index": index(True)}}})}),
        )
    ],
    case(
        "schema-config-update-follows",
        post(C, {"name": "s_coll", "schema": sch(vec(space="cosine", hnsw={"ef_search": 40}), defaults=dvec(space="ip"))}, save="s"),
        put(f"{C}/{{s}}", {"new_configuration": {"hnsw": {"ef_search": 77}}}, status=200),
        show(),
        put(f"{C}/{{s}}", {"new_configuration": {"embedding_function": EF_OTHER}}, status=200),
        show(),
    ),
    case(
        "schema-config-query-uses-schema-space",
        post(C, {"name": "s_coll", "configuration": CLIENT_CONFIG, "schema": CLIENT_COSINE}, save="s"),
        w("add", {"ids": ["a", "b"], "embeddings": [[1.0, 0.0], [0.0, 2.0]]}, 201),
        w("query", {"query_embeddings": [[1.0, 1.0]], "n_results": 2, "include": ["distances"]}, 200),
    ),
    # -- enums serde cannot parse: 400, not 422 (mockserver/serde_enum.py) ---------------------------
    *[
        case(f"enum-shape-{case_id}", post(C, {"name": "s_coll", **body}, status=status))
        for case_id, body, status in (
            ("cmek-empty-400", {"schema": {"defaults": {}, "keys": {}, "cmek": {}}}, 400),
            ("cmek-number-400", {"schema": {"defaults": {}, "keys": {}, "cmek": 5}}, 400),
            ("cmek-extra-key-400", {"schema": {"defaults": {}, "keys": {}, "cmek": {"gcp": "x", "b": 1}}}, 400),
            ("cmek-unknown-422", {"schema": {"defaults": {}, "keys": {}, "cmek": {"aws": "x"}}}, 422),
            ("cmek-unit-422", {"schema": {"defaults": {}, "keys": {}, "cmek": "gcp"}}, 422),
            ("space-number-400", {"configuration": {"hnsw": {"space": 5}}}, 400),
            ("space-empty-object-400", {"configuration": {"hnsw": {"space": {}}}}, 400),
            ("space-array-400", {"configuration": {"hnsw": {"space": ["l2"]}}}, 400),
            ("space-unknown-422", {"configuration": {"hnsw": {"space": "foo"}}}, 422),
            ("space-content-422", {"configuration": {"hnsw": {"space": {"ip": 1}}}}, 422),
            ("space-after-bad-name-422", {"name": 5, "configuration": {"hnsw": {"space": 5}}}, 422),
            ("space-variant-object", {"configuration": {"hnsw": {"space": {"cosine": None}}}}, 200),
        )
    ],
    *[
        case(f"enum-shape-include-{case_id}", s_coll(), w("get", {"include": include}, status))
        for case_id, include, status in (
            ("number-400", [5], 400),
            ("empty-object-400", [{}], 400),
            ("null-400", [None], 400),
            ("second-400", ["documents", True], 400),
            ("unknown-422", ["foo"], 422),
            ("variant-object", [{"documents": None}, "metadatas"], 200),
        )
    ],
    # -- filters on keys whose index a client schema disabled: 400 ----------------------------------
    *[
        case(
            f"index-disabled-{case_id}",
            s_coll(schema=INDEX_SCHEMA),
            w("add", {"ids": ["a", "b"], "embeddings": [[1.0], [2.0]], "documents": ["hello", "world"],
                      "metadatas": [{"foo": "x", "n": 1, "bar": 2, "s": "y"}, {"foo": 3, "n": 1.5}]}, 201),
            w(op, body, status),
        )
        for case_id, op, body, status in (
            ("key-str", "get", {"where": {"foo": "x"}}, 400),
            ("key-other-type-default", "get", {"where": {"foo": True}}, 200),
            ("key-in", "get", {"where": {"foo": {"$in": ["x"]}}}, 400),
            ("key-contains", "get", {"where": {"foo": {"$contains": "x"}}}, 400),
            ("defaults-int", "get", {"where": {"n": {"$gt": 0}}}, 400),
            ("defaults-int-float-value", "get", {"where": {"n": 1.5}}, 200),
            ("key-override-enabled", "get", {"where": {"bar": 2}}, 200),
            ("unknown-key-defaults", "get", {"where": {"zzz": 1}}, 400),
            ("first-in-or", "get", {"where": {"$or": [{"s": "y"}, {"foo": "x"}, {"n": 1}]}}, 400),
            ("query", "query", {"query_embeddings": [[1.0]], "where": {"foo": "x"}}, 400),
            ("delete", "delete", {"where": {"foo": "x"}}, 400),
            ("fts-contains", "get", {"where_document": {"$contains": "ell"}}, 400),
            ("fts-regex", "get", {"where_document": {"$regex": "h.*"}}, 400),
            ("fts-in-where", "get", {"where": {"#document": {"$contains": "ell"}}}, 400),
        )
    ],
]


# The validator's messages (`validate_schema`), where Chroma's answer does not depend on hash-map order.
_ON = {"enabled": True, "config": {}}
_SPARSE_ON = {"sparse_vector": {"sparse_vector_index": _ON}}
VALIDATOR_SCHEMAS = {
    "defaults-vector-index": {"defaults": {"float_list": {"vector_index": _ON}}, "keys": {}},
    "defaults-hnsw-and-spann": {
        "defaults": {"float_list": {"vector_index": {"enabled": False, "config": {"hnsw": {}, "spann": {}}}}},
        "keys": {},
    },
    "defaults-sparse-index": {"defaults": {"sparse_vector": {"sparse_vector_index": _ON}}, "keys": {}},
    "defaults-fts": {"defaults": {"string": {"fts_index": _ON}}, "keys": {}},
    "defaults-before-keys": {"defaults": {"string": {"fts_index": _ON}}, "keys": {"#x": {}}},
    "reserved-hash-key": {"defaults": {}, "keys": {"#x": {}}},
    "document-int": {"defaults": {}, "keys": {"#document": {"int": {"int_inverted_index": _ON}}}},
    "embedding-string": {
        "defaults": {},
        "keys": {"#embedding": {"string": {"fts_index": {"enabled": False, "config": {}}}}},
    },
    "vector-index-elsewhere": {"defaults": {}, "keys": {"a": {"float_list": {"vector_index": _ON}}}},
    "vector-source-key": {
        "defaults": {},
        "keys": {"a": {"float_list": {"vector_index": {"enabled": False, "config": {"source_key": "x"}}}}},
    },
    "sparse-source-key-without-ef": {
        "defaults": {},
        "keys": {"a": {"sparse_vector": {"sparse_vector_index": {"enabled": True, "config": {"source_key": "x"}}}}},
    },
    "sparse-source-key-hash": {
        "defaults": {},
        "keys": {"a": {"sparse_vector": {"sparse_vector_index": {"enabled": False, "config": {"source_key": "#x"}}}}},
    },
    "document-string-inverted": {"defaults": {}, "keys": {"#document": {"string": {"string_inverted_index": _ON}}}},
    "sparse-in-local": {"defaults": {}, "keys": {"a": _SPARSE_ON}},
    "reserved-function-id": {"defaults": {}, "keys": {}, "source_attached_function_id": "x"},
}
CASES += [
    case(f"schema-validator-{name}-400", post(C, {"name": "val_coll", "schema": schema}, status=400, message=True))
    for name, schema in VALIDATOR_SCHEMAS.items()
]
