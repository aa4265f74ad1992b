"""Cases: collections (reference section 5): names, create, lookups, list, count, delete."""

from __future__ import annotations

from ..harness import C, Case, D, add, case, coll, get, post, records, req

DBS = "/api/v2/tenants/default_tenant/databases"
OTHER = f"{DBS}/other_db/collections"
UNKNOWN_UUID = "3f2b5a4e-8c1d-4e6f-9a7b-1c2d3e4f5a6b"


def name_case(case_id: str, name: object, status: int) -> Case:
    return case(case_id, post(C, {"name": name}, status=status))


CASES = [
    # -- names (5.2) --------------------------------------------------------------------------------
    name_case("coll-name-ok", "c_basic", 200),
    name_case("coll-name-3", "abc", 200),
    name_case("coll-name-2-400", "ab", 400),
    name_case("coll-name-empty-400", "", 400),
    name_case("coll-name-512", "c" * 512, 200),
    name_case("coll-name-513-400", "c" * 513, 400),
    name_case("coll-name-start-dash-400", "-abc", 400),
    name_case("coll-name-end-dot-400", "abc.", 400),
    name_case("coll-name-inner-dash-dot-underscore", "a-b.c_d", 200),
    name_case("coll-name-space-400", "a b c", 400),
    name_case("coll-name-unicode-400", "abcé", 400),
    name_case("coll-name-double-dot-400", "a..b", 400),
    name_case("coll-name-ipv4-400", "127.0.0.1", 400),
    name_case("coll-name-ipv4-b-400", "1.2.3.4", 400),
    name_case("coll-name-not-ip", "999.1.1.1", 200),
    name_case("coll-name-ipv4-leading-zero", "01.2.3.4", 200),
    name_case("coll-name-ipv4-short", "1.2.3", 200),
    name_case("coll-name-colon-400", "a:b:c", 400),
    name_case("coll-name-wrong-type-422", 12345, 422),
    name_case("coll-name-null-422", None, 422),
    case("coll-name-missing-422", post(C, {"metadata": {"a": 1}}, status=422)),
    case(
        "coll-name-case-sensitive",
        coll("CaseTest"),
        coll("casetest"),
        get(f"{C}/CaseTest", status=200),
        get(f"{C}/casetest", status=200),
        get(f"{C}/CASETEST", status=404),
    ),
    name_case("coll-name-topology", "topo+name", 200),
    name_case("coll-name-topology-short-part-400", "abc+de", 400),
    name_case("coll-name-topology-short-first-400", "ab+cdef", 400),
    name_case("coll-name-topology-two-plus-400", "abc+def+ghi", 400),
    name_case("coll-name-topology-empty-part-400", "+abc", 400),
    name_case("coll-name-topology-ip-400", "abc+1.2.3.4", 400),
    name_case("coll-name-topology-double-dot-400", "a..b+abc", 400),
    name_case("coll-name-topology-512", "x" * 508 + "+abc", 200),
    name_case("coll-name-topology-513-400", "x" * 509 + "+abc", 400),
    name_case("coll-name-topology-long-bad-part-400", "ab+" + "c" * 600, 400),
    case(
        "coll-name-topology-get-delete",
        coll("abc+def", save="topo"),
        get(f"{C}/abc+def", status=200),
        get(f"{C}/abc%2Bdef", status=200),
        req("DELETE", f"{C}/abc+def", status=200),
    ),
    # -- create (5.3) -------------------------------------------------------------------------------
    case("coll-create-duplicate-409", coll("dup"), post(C, {"name": "dup"}, status=409)),
    # Chroma reads the configuration (and hnsw:* metadata) before it validates the fields
    case(
        "coll-config-conflict-before-name-400",
        post(
            C,
            {"name": "a", "configuration": {"hnsw": {"space": "l2"}, "spann": {"space": "l2"}}},
            status=400,
            message=True,
        ),
    ),
    case(
        "coll-hnsw-metadata-before-name-400",
        post(C, {"name": "a", "metadata": {"hnsw:space": "bogus"}}, status=400, message=True),
    ),
    case(
        "coll-schema-reserved-field-400",
        post(
            C,
            {"name": "abcq", "schema": {"defaults": {}, "keys": {}, "source_attached_function_id": "x"}},
            status=400,
            message=True,
        ),
    ),
    case(
        "coll-create-same-name-other-db",
        post(f"{DBS}", {"name": "other_db"}),
        coll("same"),
        post(OTHER, {"name": "same"}, status=200),
        get(f"{OTHER}/same", status=200),
        get(f"{C}/same", status=200),
    ),
    case("coll-create-missing-db-400", post(f"{DBS}/nope_db/collections", {"name": "x_c"}, status=400)),
    case(
        "coll-create-missing-tenant-400",
        post("/api/v2/tenants/ghost/databases/default_database/collections", {"name": "x_c"}, status=400),
    ),
    case("coll-create-short-db-400", post(f"{DBS}/ab/collections", {"name": "x_c"}, status=400)),
    case("coll-create-bad-name-before-missing-db", post(f"{DBS}/nope_db/collections", {"name": "ab"}, status=400)),
    case("coll-get-or-create-new", post(C, {"name": "goc", "get_or_create": True}, save="goc", status=200)),
    case(
        "coll-get-or-create-existing-unchanged",
        coll("goc", metadata={"a": 1}),
        post(
            C,
            {
                "name": "goc",
                "get_or_create": True,
                "metadata": {"b": 2},
                "configuration": {"hnsw": {"space": "cosine"}},
            },
            save="goc2",
            status=200,
        ),
        get(f"{C}/goc", status=200),
    ),
    case("coll-get-or-create-false-409", coll("goc"), post(C, {"name": "goc", "get_or_create": False}, status=409)),
    case("coll-get-or-create-null-422", post(C, {"name": "goc", "get_or_create": None}, status=422)),
    case("coll-get-or-create-string-422", post(C, {"name": "goc", "get_or_create": "yes"}, status=422)),
    case("coll-create-extra-field", post(C, {"name": "extra_c", "foo": 1}, save="e", status=200)),
    case(
        "coll-create-null-optionals",
        post(C, {"name": "nulls", "metadata": None, "configuration": None, "schema": None}, save="n", status=200),
    ),
    # -- metadata on create (5.3) -------------------------------------------------------------------
    case(
        "coll-meta-scalars",
        coll(
            "m_coll",
            metadata={
                "s": "x",
                "i": 2,
                "f": 2.5,
                "b": True,
                "big": 2**63,
                "neg": -(2**63),
                "e": "",
                "u": "ü",
                "z": 0.0,
            },
        ),
    ),
    case("coll-meta-float-int-distinct", coll("m_coll", metadata={"i": 2, "f": 2.0, "tiny": 1e-300, "exp": 1e20})),
    case("coll-meta-empty-400", post(C, {"name": "m_coll", "metadata": {}}, status=400)),
    case("coll-meta-hash-key-400", post(C, {"name": "m_coll", "metadata": {"#x": 1}}, status=400)),
    case("coll-meta-dollar-key-400", post(C, {"name": "m_coll", "metadata": {"$x": 1}}, status=400)),
    case("coll-meta-empty-key-400", post(C, {"name": "m_coll", "metadata": {"": 1}}, status=400)),
    case(
        "coll-meta-chroma-key", post(C, {"name": "m_coll", "metadata": {"chroma:document": "d", "a": 1}}, save="m_coll")
    ),
    case("coll-meta-null-value-422", post(C, {"name": "m_coll", "metadata": {"a": None}}, status=422)),
    case("coll-meta-object-value-422", post(C, {"name": "m_coll", "metadata": {"a": {"b": 1}}})),
    case("coll-meta-not-object-422", post(C, {"name": "m_coll", "metadata": [1]}, status=422)),
    case(
        "coll-meta-array-drops-connection",
        post(C, {"name": "m_coll", "metadata": {"a": [1, 2]}}),
        get(f"{C}/m_coll", status=404),
    ),
    case("coll-meta-empty-array-drops-connection", post(C, {"name": "m_coll", "metadata": {"a": []}})),
    case(
        "coll-meta-sparse-drops-connection",
        post(C, {"name": "m_coll", "metadata": {"a": {"indices": [0], "values": [1.0]}}}),
    ),
    case("coll-meta-bad-key-before-array", post(C, {"name": "m_coll", "metadata": {"#x": [1]}})),
    # A sparse vector of the wrong shape is a 400 (Chroma validates it before anything crashes).
    case(
        "coll-meta-sparse-length-mismatch-400",
        post(C, {"name": "m_coll", "metadata": {"s": {"indices": [1, 2], "values": [0.5]}}}, status=400),
        get(f"{C}/m_coll", status=404),
    ),
    case(
        "coll-meta-sparse-tokens-length-400",
        post(
            C,
            {"name": "m_coll", "metadata": {"s": {"indices": [1], "values": [0.5], "tokens": ["a", "b"]}}},
            status=400,
        ),
    ),
    case(
        "coll-meta-sparse-unsorted-400",
        post(C, {"name": "m_coll", "metadata": {"s": {"indices": [2, 1], "values": [0.5, 0.1]}}}, status=400),
    ),
    case(
        "coll-meta-array-then-bad-sparse-400",
        post(C, {"name": "m_coll", "metadata": {"a": [1], "s": {"indices": [], "values": [0.5]}}}, status=400),
    ),
    case("coll-meta-bad-name-before-meta", post(C, {"name": "ab", "metadata": {}}, status=400)),
    # -- get by name / by id (5.4, 5.5) -------------------------------------------------------------
    case("coll-get-by-name", coll("byname"), get(f"{C}/byname", status=200)),
    case("coll-get-by-name-percent-encoded", coll("by-name.x"), get(f"{C}/by%2Dname%2Ex", status=200)),
    case("coll-get-by-name-missing-404", get(f"{C}/missing", status=404)),
    case("coll-get-by-name-uuid-404", coll("byname"), get(f"{C}/{{byname}}", status=404)),
    case(
        "coll-get-by-name-other-db-404",
        post(DBS, {"name": "other_db"}),
        coll("byname"),
        get(f"{OTHER}/byname", status=404),
    ),
    case("coll-get-by-name-short-db-400", get(f"{DBS}/ab/collections/x_c", status=400)),
    case("coll-get-by-name-missing-db-404", get(f"{DBS}/nope_db/collections/x_c", status=404)),
    case("coll-get-by-name-bad-name-404", get(f"{C}/a..b", status=404)),
    case("coll-get-by-id", coll("byid"), get(f"{C}/by-id/{{byid}}", status=200)),
    case("coll-get-by-id-uppercase", coll("byid"), get(f"{C}/by-id/{UNKNOWN_UUID.upper()}", status=404)),
    case("coll-get-by-id-missing-404", get(f"{C}/by-id/{UNKNOWN_UUID}", status=404)),
    case("coll-get-by-id-bad-uuid-400", get(f"{C}/by-id/not-a-uuid", status=400)),
    case("coll-get-by-id-simple-uuid", get(f"{C}/by-id/{UNKNOWN_UUID.replace('-', '')}")),
    case("coll-get-by-id-braced-uuid", get(f"{C}/by-id/%7B{UNKNOWN_UUID}%7D")),
    case("coll-get-by-id-urn-uuid", get(f"{C}/by-id/urn:uuid:{UNKNOWN_UUID}")),
    case(
        "coll-get-by-id-other-db-404",
        post(DBS, {"name": "other_db"}),
        coll("byid"),
        get(f"{OTHER}/by-id/{{byid}}", status=404),
    ),
    case(
        "coll-get-by-id-other-tenant-404",
        coll("byid"),
        get("/api/v2/tenants/other/databases/default_database/collections/by-id/{byid}", status=404),
    ),
    case("coll-get-by-id-short-db-400", get(f"{DBS}/ab/collections/by-id/{UNKNOWN_UUID}", status=400)),
    case("coll-named-by-id", coll("by-id"), get(f"{C}/by-id", status=200)),
    case("coll-by-id-empty-segment-404", get(f"{C}/by-id/", status=404)),
    # -- CRN (5.10) ---------------------------------------------------------------------------------
    case("crn-malformed-400", get("/api/v2/collections/abc", status=400)),
    case("crn-empty-part-400", get("/api/v2/collections/a::c", status=400)),
    case("crn-four-parts-400", get("/api/v2/collections/a:b:c:d", status=400)),
    case(
        "crn-well-formed-drops-connection",
        coll("crn_c"),
        get("/api/v2/collections/default_tenant:default_database:crn_c"),
    ),
    case("crn-well-formed-missing-drops-connection", get("/api/v2/collections/x:y:z")),
    # -- list and count (5.6, 5.7) ------------------------------------------------------------------
    case("coll-list-empty", get(C, status=200)),
    case(
        "coll-list-sorted-by-id",
        coll("l_one"),
        coll("l_two"),
        coll("l_three"),
        coll("l_four"),
        get(C, status=200, sorted_by_id=True),
    ),
    case("coll-list-limit-0", coll("l_one"), get(f"{C}?limit=0", status=200)),
    case(
        "coll-list-limit-offset",
        coll("l_one"),
        get(f"{C}?limit=1", status=200),
        get(f"{C}?offset=1", status=200),
        get(f"{C}?limit=1&offset=0", status=200),
        get(f"{C}?limit=4294967295", status=200),
        note="one collection only: each server orders by its own random ids, so partial pages of more differ",
    ),
    case("coll-list-missing-db", get(f"{DBS}/nope_db/collections", status=200)),
    case("coll-list-missing-tenant", get("/api/v2/tenants/ghost/databases/ghost_db/collections", status=200)),
    case("coll-list-short-db-400", get(f"{DBS}/ab/collections", status=400)),
    case("coll-list-limit-negative-400", get(f"{C}?limit=-1", status=400)),
    case("coll-list-offset-abc-400", get(f"{C}?offset=abc", status=400)),
    case(
        "coll-list-scoped",
        post(DBS, {"name": "other_db"}),
        coll("mine"),
        post(OTHER, {"name": "theirs"}),
        get(C, status=200),
        get(OTHER, status=200),
    ),
    case("coll-count", coll("k_one"), coll("k_two"), get(f"{D}/collections_count", status=200)),
    case("coll-count-empty", get(f"{D}/collections_count", status=200)),
    case("coll-count-missing-db", get(f"{DBS}/nope_db/collections_count", status=200)),
    case("coll-count-short-db-400", get(f"{DBS}/ab/collections_count", status=400)),
    # -- delete (5.9) -------------------------------------------------------------------------------
    case(
        "coll-delete",
        coll("gone"),
        add("gone", {"ids": ["a"], "embeddings": [[1.0]]}, status=201),
        req("DELETE", f"{C}/gone", status=200),
        get(f"{C}/gone", status=404),
        get(f"{C}/{{gone}}/count", status=404),
        records("gone", "get", {}, status=404),
        req("DELETE", f"{C}/gone", status=404),
    ),
    case(
        "coll-delete-recreate-empty",
        coll("again"),
        add("again", {"ids": ["a"], "embeddings": [[1.0]]}),
        req("DELETE", f"{C}/again", status=200),
        coll("again", save="again2"),
        get(f"{C}/{{again2}}/count"),
    ),
    case("coll-delete-by-uuid-404", coll("gone"), req("DELETE", f"{C}/{{gone}}", status=404)),
    case("coll-delete-missing-404", req("DELETE", f"{C}/nope", status=404)),
    case(
        "coll-delete-other-db-404",
        post(DBS, {"name": "other_db"}),
        coll("gone"),
        req("DELETE", f"{OTHER}/gone", status=404),
        get(f"{C}/gone", status=200),
    ),
    case("coll-delete-short-db-400", req("DELETE", f"{DBS}/ab/collections/x_c", status=400)),
]
