"""Cases: collection update (5.8), configuration, legacy `hnsw:*` metadata, schema and spann (5.3)."""

from __future__ import annotations

from typing import Any

from ..harness import C, Step, add, case, coll, get, post, put

DBS = "/api/v2/tenants/default_tenant/databases"
UNKNOWN_UUID = "3f2b5a4e-8c1d-4e6f-9a7b-1c2d3e4f5a6b"
EF_KNOWN = {"type": "known", "name": "default", "config": {"model": "m", "dims": [1, 2], "nested": {"a": None}}}


def upd(body: object, status: int | None = 200, cid: str = "u") -> Step:
    return put(f"{C}/{{{cid}}}", body, status=status)


def show(name: str = "u_coll") -> Step:
    return get(f"{C}/{name}", status=200)


def u(**create: Any) -> Step:
    return coll("u_coll", save="u", **create)


CASES = [
    # -- update_collection (5.8) --------------------------------------------------------------------
    case("cupd-empty-noop", u(metadata={"a": 1}), upd({}), show()),
    case(
        "cupd-all-null-noop",
        u(metadata={"a": 1}),
        upd({"new_name": None, "new_metadata": None, "new_configuration": None}),
        show(),
    ),
    case("cupd-rename", u(), upd({"new_name": "renamed"}), get(f"{C}/u_coll", status=404), show("renamed")),
    case("cupd-rename-same-name", u(), upd({"new_name": "u_coll"}), show()),
    case("cupd-rename-conflict-500", u(), coll("taken"), upd({"new_name": "taken"}, 500), show(), show("taken")),
    case(
        "cupd-rename-other-db-name-free",
        post(DBS, {"name": "other_db"}),
        post(f"{DBS}/other_db/collections", {"name": "taken"}),
        u(),
        upd({"new_name": "taken"}),
        show("taken"),
    ),
    case(
        "cupd-rename-invalid-400",
        u(),
        upd({"new_name": "ab"}, 400),
        upd({"new_name": "a..b"}, 400),
        upd({"new_name": "10.0.0.1"}, 400),
        show(),
    ),
    case("cupd-rename-wrong-type-422", u(), upd({"new_name": 5}, 422)),
    case("cupd-metadata-replaces", u(metadata={"a": 1, "b": "x"}), upd({"new_metadata": {"c": True}}), show()),
    case("cupd-metadata-null-unchanged", u(metadata={"a": 1}), upd({"new_metadata": None}), show()),
    case("cupd-metadata-empty-400", u(metadata={"a": 1}), upd({"new_metadata": {}}, 400), show()),
    case("cupd-metadata-null-value-dropped", u(metadata={"a": 1}), upd({"new_metadata": {"a": None, "b": 2}}), show()),
    case("cupd-metadata-only-nulls-becomes-null", u(metadata={"a": 1}), upd({"new_metadata": {"a": None}}), show()),
    case("cupd-metadata-bad-key-400", u(metadata={"a": 1}), upd({"new_metadata": {"$a": 1}}, 400), show()),
    case("cupd-metadata-hash-key-400", u(), upd({"new_metadata": {"#a": 1}}, 400)),
    case("cupd-metadata-wrong-shape-422", u(), upd({"new_metadata": [1]}, 422)),
    case("cupd-metadata-array-drops-connection", u(metadata={"a": 1}), upd({"new_metadata": {"a": [1]}}, None), show()),
    case(
        "cupd-metadata-sparse-length-mismatch-400",
        u(metadata={"a": 1}),
        upd({"new_metadata": {"s": {"indices": [1], "values": [0.5, 0.2]}}}, 400),
        show(),
    ),
    case(
        "cupd-metadata-hnsw-keys-do-not-change-config",
        u(),
        upd({"new_metadata": {"hnsw:space": "cosine", "hnsw:M": 5}}),
        show(),
    ),
    case(
        "cupd-metadata-and-name-together",
        u(metadata={"a": 1}),
        upd({"new_name": "both", "new_metadata": {"z": 0}}),
        show("both"),
    ),
    case(
        "cupd-bad-name-with-metadata-nothing-applied",
        u(metadata={"a": 1}),
        upd({"new_name": "ab", "new_metadata": {"z": 0}}, 400),
        show(),
    ),
    case(
        "cupd-conflict-with-metadata",
        u(metadata={"a": 1}),
        coll("taken"),
        upd({"new_name": "taken", "new_metadata": {"z": 0}}, 500),
        show(),
    ),
    case("cupd-missing-404", put(f"{C}/{UNKNOWN_UUID}", {"new_name": "xyz"}, status=404)),
    case("cupd-bad-uuid-400", put(f"{C}/not-a-uuid", {"new_name": "xyz"}, status=400)),
    case("cupd-by-name-400", u(), put(f"{C}/u_coll", {"new_name": "xyz"}, status=400)),
    case("cupd-bad-uuid-before-body-422", put(f"{C}/not-a-uuid", {"new_name": 5})),
    case(
        "cupd-empty-body-400", u(), put(f"{C}/{{u}}", raw=b"", headers={"content-type": "application/json"}, status=400)
    ),
    case(
        "cupd-bad-json-400", u(), put(f"{C}/{{u}}", raw=b"{", headers={"content-type": "application/json"}, status=400)
    ),
    case(
        "cupd-ignores-path-tenant-db",
        u(),
        put("/api/v2/tenants/ghost/databases/ghost_db/collections/{u}", {"new_name": "moved_name"}, status=200),
        show("moved_name"),
    ),
    case("cupd-short-db-400", u(), put(f"{DBS}/ab/collections/{{u}}", {"new_name": "xyz"}, status=400)),
    case(
        "cupd-keeps-dimension-and-records",
        u(),
        add("u", {"ids": ["a"], "embeddings": [[1.0, 2.0]]}),
        upd({"new_name": "kept"}),
        show("kept"),
        get(f"{C}/{{u}}/count", status=200),
    ),
    # -- update configuration (5.8) ----------------------------------------------------------------
    case(
        "cupd-config-hnsw",
        u(),
        upd(
            {
                "new_configuration": {
                    "hnsw": {
                        "ef_search": 55,
                        "max_neighbors": 8,
                        "num_threads": 3,
                        "resize_factor": 2,
                        "sync_threshold": 500,
                        "batch_size": 50,
                    }
                }
            }
        ),
        show(),
    ),
    case("cupd-config-hnsw-space-422", u(), upd({"new_configuration": {"hnsw": {"space": "cosine"}}}, 422), show()),
    case(
        "cupd-config-hnsw-ef-construction-422", u(), upd({"new_configuration": {"hnsw": {"ef_construction": 5}}}, 422)
    ),
    case("cupd-config-hnsw-null-fields", u(), upd({"new_configuration": {"hnsw": {"ef_search": None}}}), show()),
    case("cupd-config-hnsw-negative-422", u(), upd({"new_configuration": {"hnsw": {"ef_search": -1}}}, 422)),
    case("cupd-config-hnsw-zero", u(), upd({"new_configuration": {"hnsw": {"ef_search": 0}}}), show()),
    case(
        "cupd-config-spann-ignored",
        u(),
        upd({"new_configuration": {"spann": {"ef_search": 9, "search_nprobe": 3}}}),
        show(),
    ),
    case(
        "cupd-config-both-400",
        u(),
        upd({"new_configuration": {"hnsw": {"ef_search": 9}, "spann": {"ef_search": 9}}}, 400),
        show(),
    ),
    case("cupd-config-empty", u(), upd({"new_configuration": {}}), show()),
    case("cupd-config-ef", u(), upd({"new_configuration": {"embedding_function": EF_KNOWN}}), show()),
    case(
        "cupd-config-ef-replaces",
        u(configuration={"embedding_function": {"type": "legacy"}}),
        upd({"new_configuration": {"embedding_function": {"type": "unknown"}}}),
        show(),
    ),
    case(
        "cupd-config-ef-null",
        u(configuration={"embedding_function": {"type": "legacy"}}),
        upd({"new_configuration": {"embedding_function": None}}),
        show(),
    ),
    case(
        "cupd-config-ef-bad-type-422", u(), upd({"new_configuration": {"embedding_function": {"type": "bogus"}}}, 422)
    ),
    case("cupd-config-unknown-field", u(), upd({"new_configuration": {"whatever": 1}})),
    case(
        "cupd-config-and-metadata",
        u(metadata={"a": 1}),
        upd({"new_metadata": {"b": 2}, "new_configuration": {"hnsw": {"ef_search": 7}}}),
        show(),
    ),
    # -- configuration on create (5.3) -------------------------------------------------------------
    case("cfg-default", u(), show()),
    case("cfg-empty-object", u(configuration={}), show()),
    case(
        "cfg-hnsw-full",
        u(
            configuration={
                "hnsw": {
                    "space": "ip",
                    "ef_construction": 7,
                    "ef_search": 8,
                    "max_neighbors": 9,
                    "resize_factor": 1.5,
                    "sync_threshold": 10,
                    "num_threads": 1,
                    "batch_size": 11,
                }
            }
        ),
        show(),
    ),
    case("cfg-hnsw-cosine", u(configuration={"hnsw": {"space": "cosine"}})),
    case("cfg-hnsw-zero", u(configuration={"hnsw": {"ef_construction": 0, "ef_search": 0, "resize_factor": -1.0}})),
    case(
        "cfg-hnsw-negative-422", post(C, {"name": "u_coll", "configuration": {"hnsw": {"ef_search": -5}}}, status=422)
    ),
    case(
        "cfg-hnsw-unknown-space-422",
        post(C, {"name": "u_coll", "configuration": {"hnsw": {"space": "bogus"}}}, status=422),
    ),
    case("cfg-hnsw-unknown-field-422", post(C, {"name": "u_coll", "configuration": {"hnsw": {"foo": 1}}}, status=422)),
    case("cfg-hnsw-float-for-int-422", post(C, {"name": "u_coll", "configuration": {"hnsw": {"ef_search": 1.5}}})),
    case("cfg-hnsw-int-resize-factor", u(configuration={"hnsw": {"resize_factor": 2}})),
    case("cfg-spann-becomes-hnsw", u(configuration={"spann": {"space": "cosine", "search_nprobe": 4}}), show()),
    case("cfg-spann-no-space", u(configuration={"spann": {"search_nprobe": 4}})),
    case("cfg-hnsw-and-spann-400", post(C, {"name": "u_coll", "configuration": {"hnsw": {}, "spann": {}}}, status=400)),
    case("cfg-ef-legacy", u(configuration={"embedding_function": {"type": "legacy"}}), show()),
    case("cfg-ef-known", u(configuration={"embedding_function": EF_KNOWN}), show()),
    case("cfg-ef-unknown", u(configuration={"embedding_function": {"type": "unknown"}})),
    # serde keeps only the fields of the embedding function's variant
    case("cfg-ef-legacy-extra-field", u(configuration={"embedding_function": {"type": "legacy", "x": 1}}), show()),
    case("cfg-ef-unknown-extra-field", u(configuration={"embedding_function": {"type": "unknown", "x": 1}}), show()),
    case("cfg-ef-known-extra-field", u(configuration={"embedding_function": {**EF_KNOWN, "x": 1}}), show()),
    case(
        "cupd-config-ef-extra-field",
        u(),
        upd({"new_configuration": {"embedding_function": {"type": "legacy", "x": 1}}}),
        show(),
    ),
    case(
        "cfg-ef-bad-type-422",
        post(C, {"name": "u_coll", "configuration": {"embedding_function": {"type": "x"}}}, status=422),
    ),
    case(
        "cfg-ef-known-missing-name-422",
        post(C, {"name": "u_coll", "configuration": {"embedding_function": {"type": "known"}}}),
    ),
    case("cfg-unknown-field", u(configuration={"foo": 1})),
    case("cfg-wrong-shape-422", post(C, {"name": "u_coll", "configuration": [1]}, status=422)),
    # -- legacy hnsw:* metadata (5.3) --------------------------------------------------------------
    case("cfg-legacy-space", u(metadata={"hnsw:space": "cosine"}), show()),
    case(
        "cfg-legacy-all", u(metadata={"hnsw:space": "ip", "hnsw:M": 4, "hnsw:construction_ef": 5, "hnsw:search_ef": 6})
    ),
    case(
        "cfg-legacy-more",
        u(
            metadata={
                "hnsw:num_threads": 3,
                "hnsw:resize_factor": 1.7,
                "hnsw:batch_size": 20,
                "hnsw:sync_threshold": 30,
            }
        ),
    ),
    case("cfg-legacy-bogus-space-400", post(C, {"name": "u_coll", "metadata": {"hnsw:space": "bogus"}}, status=400)),
    case("cfg-legacy-wrong-type", post(C, {"name": "u_coll", "metadata": {"hnsw:M": "many"}})),
    case("cfg-legacy-float-for-int", post(C, {"name": "u_coll", "metadata": {"hnsw:M": 4.0}})),
    case("cfg-legacy-int-resize", post(C, {"name": "u_coll", "metadata": {"hnsw:resize_factor": 2}})),
    case("cfg-legacy-unknown-key-400", post(C, {"name": "u_coll", "metadata": {"hnsw:foo": 1}}, status=400)),
    case("cfg-legacy-negative-400", post(C, {"name": "u_coll", "metadata": {"hnsw:M": -1}}, status=400)),
    case("cfg-legacy-bool-400", post(C, {"name": "u_coll", "metadata": {"hnsw:M": True}}, status=400)),
    case("cfg-legacy-other-prefix-ignored", u(metadata={"HNSW:space": "x", "hnswx": 1})),
    case("cfg-legacy-unknown-key-with-spann", u(metadata={"hnsw:foo": 1}, configuration={"spann": {}})),
    case(
        "cfg-legacy-unknown-key-with-hnsw-config-400",
        post(
            C, {"name": "u_coll", "metadata": {"hnsw:foo": 1}, "configuration": {"hnsw": {"ef_search": 5}}}, status=400
        ),
    ),
    case(
        "cfg-legacy-with-default-valued-hnsw",
        u(
            metadata={"hnsw:space": "cosine", "hnsw:search_ef": 9},
            configuration={"hnsw": {"ef_search": 100, "space": "l2"}},
        ),
    ),
    case(
        "cfg-legacy-with-hnsw-num-threads",
        u(metadata={"hnsw:space": "cosine"}, configuration={"hnsw": {"num_threads": 3}}),
    ),
    case(
        "cfg-legacy-with-ef",
        u(metadata={"hnsw:space": "cosine"}, configuration={"embedding_function": {"type": "legacy"}}),
    ),
    case("cupd-metadata-hnsw-unknown-key", u(), upd({"new_metadata": {"hnsw:foo": 1, "hnsw:M": "x"}}), show()),
    case(
        "cfg-legacy-config-wins",
        u(metadata={"hnsw:space": "cosine", "hnsw:search_ef": 9}, configuration={"hnsw": {"space": "ip"}}),
        show(),
    ),
    case("cfg-legacy-with-spann", u(metadata={"hnsw:space": "cosine"}, configuration={"spann": {"space": "ip"}})),
    case("cfg-legacy-with-empty-config", u(metadata={"hnsw:space": "cosine"}, configuration={})),
    # -- schema (5.3) -------------------------------------------------------------------------------
    case("schema-minimal", u(schema={"defaults": {}, "keys": {}}), show()),
    case("schema-missing-defaults-422", post(C, {"name": "u_coll", "schema": {"keys": {}}}, status=422)),
    case("schema-missing-keys", post(C, {"name": "u_coll", "schema": {"defaults": {}}})),
    case(
        "schema-disable-key-index",
        u(
            schema={
                "defaults": {},
                "keys": {"foo": {"string": {"string_inverted_index": {"enabled": False, "config": {}}}}},
            }
        ),
        show(),
    ),
    case(
        "schema-hash-key-400", post(C, {"name": "u_coll", "schema": {"defaults": {}, "keys": {"#foo": {}}}}, status=400)
    ),
    case(
        "schema-vector-in-defaults-400",
        post(
            C,
            {
                "name": "u_coll",
                "schema": {"defaults": {"float_list": {"vector_index": {"enabled": True, "config": {}}}}, "keys": {}},
            },
            status=400,
        ),
    ),
    case(
        "schema-fts-in-defaults-400",
        post(
            C,
            {
                "name": "u_coll",
                "schema": {"defaults": {"string": {"fts_index": {"enabled": True, "config": {}}}}, "keys": {}},
            },
            status=400,
        ),
    ),
    case(
        "schema-sparse-key",
        post(
            C,
            {
                "name": "u_coll",
                "schema": {
                    "defaults": {},
                    "keys": {"sp": {"sparse_vector": {"sparse_vector_index": {"enabled": True, "config": {}}}}},
                },
            },
        ),
    ),
    case(
        "schema-with-configuration",
        post(
            C,
            {"name": "u_coll", "schema": {"defaults": {}, "keys": {}}, "configuration": {"hnsw": {"space": "cosine"}}},
        ),
    ),
    case(
        "schema-document-key",
        post(
            C,
            {
                "name": "u_coll",
                "schema": {
                    "defaults": {},
                    "keys": {"#document": {"string": {"fts_index": {"enabled": False, "config": {}}}}},
                },
            },
        ),
    ),
    case("schema-wrong-shape-422", post(C, {"name": "u_coll", "schema": [1]}, status=422)),
]

# serde stops at an unknown hnsw / spann field (422) when it comes before a malformed `space` (400)
CASES += [
    case(f"cfg-unknown-field-then-bad-space-{n}", post(C, {"name": "abc", "configuration": config}, status=status))
    for n, (config, status) in enumerate([
        ({"spann": {"zz": 1, "space": 5}}, 422),
        ({"hnsw": {"zz": 1, "space": 5}}, 422),
        ({"spann": {"space": 5, "zz": 1}}, 400),
        ({"hnsw": {"ef_construction": 56}, "spann": {"qq": 1, "space": 3}}, 422),
    ])
]
