"""Cases: get, count, delete, ordering (reference 6.8, 6.9, 6.11), trivial query/search, local stubs (5.10)."""

from __future__ import annotations

from urllib.parse import quote

from ..harness import C, Step, case, coll, get, getall, post, records, req

UNKNOWN_UUID = "3f2b5a4e-8c1d-4e6f-9a7b-1c2d3e4f5a6b"
DBS = "/api/v2/tenants/default_tenant/databases"
ALL_INCLUDE = ["documents", "metadatas", "embeddings", "uris"]


def seeded() -> list[Step]:
    return [
        coll("r_coll", save="r"),
        records(
            "r",
            "add",
            {
                "ids": ["a", "b", "c", "d"],
                "embeddings": [[1.0, 0.0], [0.0, 2.0], [3.0, 4.0], [0.5, 0.25]],
                "documents": ["A", None, "C", "D"],
                "uris": [None, "ub", None, None],
                "metadatas": [{"k": 1}, None, {"k": 3, "s": "x"}, {"k": 4}],
            },
            status=201,
        ),
    ]


def r(op: str, body: object = None, status: int | None = None) -> Step:
    return records("r", op, {} if body is None else body, status=status)


def count(status: int | None = 200) -> Step:
    return get(f"{C}/{{r}}/count", status=status)


CASES = [
    # -- get (6.11) ---------------------------------------------------------------------------------
    case("get-all-default-include", *seeded(), r("get")),
    case("get-all-fields", *seeded(), getall("r")),
    case("get-empty-collection", coll("r_coll", save="r"), r("get"), getall("r")),
    case("get-include-embeddings-only", *seeded(), r("get", {"include": ["embeddings"]})),
    case("get-include-empty", *seeded(), r("get", {"include": []})),
    case("get-include-distances-ignored", *seeded(), r("get", {"include": ["distances", "uris"]})),
    case("get-include-duplicates-echoed", *seeded(), r("get", {"include": ["uris", "documents", "uris"]})),
    case("get-include-null-422", *seeded(), r("get", {"include": None}, 422)),
    case("get-include-unknown-422", *seeded(), r("get", {"include": ["bogus"]}, 422)),
    case("get-include-data-422", *seeded(), r("get", {"include": ["data"]}, 422)),
    case("get-include-string-422", *seeded(), r("get", {"include": "documents"}, 422)),
    case("get-include-empty-result", *seeded(), r("get", {"ids": ["zz"], "include": ALL_INCLUDE})),
    case("get-ids-storage-order", *seeded(), r("get", {"ids": ["d", "a", "zzz", "c", "d"]})),
    case("get-ids-empty", *seeded(), r("get", {"ids": []})),
    case("get-ids-null", *seeded(), r("get", {"ids": None})),
    case("get-ids-wrong-type-422", *seeded(), r("get", {"ids": "a"}, 422)),
    case(
        "get-limit-offset",
        *seeded(),
        r("get", {"limit": 2}),
        r("get", {"offset": 1}),
        r("get", {"limit": 2, "offset": 1}),
        r("get", {"limit": 0}),
        r("get", {"offset": 10}),
        r("get", {"limit": None, "offset": None}),
    ),
    case("get-limit-with-ids", *seeded(), r("get", {"ids": ["c", "b", "a"], "limit": 1, "offset": 1})),
    case("get-limit-negative-422", *seeded(), r("get", {"limit": -1}, 422)),
    case("get-offset-negative-422", *seeded(), r("get", {"offset": -1}, 422)),
    case("get-limit-float-422", *seeded(), r("get", {"limit": 1.5}, 422)),
    case("get-limit-u32-max", *seeded(), r("get", {"limit": 4294967295})),
    case("get-limit-over-u32-422", *seeded(), r("get", {"limit": 4294967296}, 422)),
    case("get-where-trivial", *seeded(), r("get", {"where": {"k": 3}})),
    case("get-where-empty-400", *seeded(), r("get", {"where": {}}, 400)),
    case("get-where-document-trivial", *seeded(), r("get", {"where_document": {"$contains": "C"}})),
    case("get-missing-collection-404", post(f"{C}/{UNKNOWN_UUID}/get", {}, status=404)),
    case("get-bad-uuid-400", post(f"{C}/nope/get", {}, status=400)),
    case("get-bad-body-422", *seeded(), r("get", [], 422)),
    case(
        "get-empty-body-400",
        *seeded(),
        post(f"{C}/{{r}}/get", raw=b"", headers={"content-type": "application/json"}, status=400),
    ),
    case("get-404-before-where-400", post(f"{C}/{UNKNOWN_UUID}/get", {"where": {}}, status=404)),
    case(
        "get-ignores-path-tenant-db",
        *seeded(),
        post("/api/v2/tenants/x/databases/yyy/collections/{r}/get", {}, status=200),
    ),
    # -- ordering (6.11) ----------------------------------------------------------------------------
    case(
        "order-after-delete-and-readd",
        coll("r_coll", save="r"),
        r("add", {"ids": ["a", "b", "c"], "embeddings": [[1.0], [2.0], [3.0]]}, 201),
        r("delete", {"ids": ["a"]}),
        r("add", {"ids": ["a"], "embeddings": [[4.0]]}, 201),
        r("upsert", {"ids": ["b", "d"], "embeddings": [[5.0], [6.0]]}),
        r("update", {"ids": ["c"], "embeddings": [[7.0]]}),
        r("get", {"include": ["embeddings"]}),
    ),
    case(
        "order-readd-after-delete-fresh-record",
        *seeded(),
        r("delete", {"ids": ["c"]}),
        r("add", {"ids": ["c"], "embeddings": [[9.0, 9.0]]}, 201),
        getall("r"),
    ),
    case(
        "order-many-deletes",
        coll("r_coll", save="r"),
        r("add", {"ids": [f"i{n:03d}" for n in range(150)], "embeddings": [[float(n)] for n in range(150)]}, 201),
        r("delete", {"ids": [f"i{n:03d}" for n in range(0, 150, 3)]}),
        r("add", {"ids": ["i000", "i003"], "embeddings": [[1000.0], [1003.0]]}, 201),
        r("get", {"offset": 95, "include": ["embeddings"]}),
        count(),
    ),
    # -- count (6.9) --------------------------------------------------------------------------------
    case("count-basic", *seeded(), count()),
    case("count-empty", coll("r_coll", save="r"), count()),
    case(
        "count-read-levels",
        *seeded(),
        get(f"{C}/{{r}}/count?read_level=index_only", status=200),
        get(f"{C}/{{r}}/count?read_level=index_and_wal", status=200),
        get(f"{C}/{{r}}/count?read_level=index_and_bounded_wal", status=200),
    ),
    case("count-read-level-bogus-400", *seeded(), get(f"{C}/{{r}}/count?read_level=bogus", status=400)),
    case("count-read-level-camel-400", *seeded(), get(f"{C}/{{r}}/count?read_level=IndexAndWal", status=400)),
    case("count-missing-404", get(f"{C}/{UNKNOWN_UUID}/count", status=404)),
    case("count-bad-uuid-400", get(f"{C}/nope/count", status=400)),
    case("count-short-db-400", *seeded(), get(f"{DBS}/ab/collections/{{r}}/count", status=400)),
    case("count-bogus-level-before-404", get(f"{C}/{UNKNOWN_UUID}/count?read_level=bogus", status=400)),
    # -- delete (6.8) -------------------------------------------------------------------------------
    case("delete-ids-counts-sent", *seeded(), r("delete", {"ids": ["a", "zz", "zz"]}), count(), r("get")),
    case("delete-empty-body-noop", *seeded(), r("delete", {}), r("delete", {"ids": None}), count()),
    case("delete-empty-ids-400", *seeded(), r("delete", {"ids": []}, 400)),
    case("delete-limit-without-where-400", *seeded(), r("delete", {"ids": ["a"], "limit": 1}, 400), count()),
    case("delete-limit-only-400", *seeded(), r("delete", {"limit": 1}, 400)),
    case("delete-where-empty-400", *seeded(), r("delete", {"where": {}}, 400)),
    case("delete-where-trivial", *seeded(), r("delete", {"where": {"k": 1}}), count()),
    case(
        "delete-all-keeps-dimension",
        *seeded(),
        r("delete", {"ids": ["a", "b", "c", "d"]}),
        count(),
        get(f"{C}/r_coll", status=200),
        r("add", {"ids": ["x"], "embeddings": [[1.0]]}, 400),
    ),
    case("delete-twice", *seeded(), r("delete", {"ids": ["a"]}), r("delete", {"ids": ["a"]}), count()),
    case("delete-ids-wrong-type-422", *seeded(), r("delete", {"ids": [1]}, 422)),
    case("delete-limit-negative-422", *seeded(), r("delete", {"limit": -1}, 422)),
    case("delete-missing-404", post(f"{C}/{UNKNOWN_UUID}/delete", {"ids": ["a"]}, status=404)),
    case("delete-bad-uuid-400", post(f"{C}/nope/delete", {"ids": ["a"]}, status=400)),
    case(
        "delete-missing-body-400",
        *seeded(),
        post(f"{C}/{{r}}/delete", raw=b"", headers={"content-type": "application/json"}, status=400),
    ),
    # -- query and search, trivially (6.12, 6.10) ---------------------------------------------------
    case("query-empty-collection", coll("r_coll", save="r"), r("query", {"query_embeddings": [[1.0, 2.0]]})),
    case("query-no-embeddings", *seeded(), r("query", {"query_embeddings": []})),
    case(
        "query-query-string-ignored",  # the spec declares limit/offset; the server reads no query string
        *seeded(),
        *(
            post(f"{C}/{{r}}/query?{q}", {"query_embeddings": [[1.0, 2.0]], "n_results": 3}, status=200)
            for q in ("limit=1", "limit=x", "limit=-3603839010690&offset=-219675", "offset=1&offset=2")
        ),
    ),
    case("query-missing-embeddings-422", *seeded(), r("query", {}, 422)),
    case("query-base64-422", *seeded(), r("query", {"query_embeddings": ["AAAAPwAAoL8="]}, 422)),
    case("query-missing-404", post(f"{C}/{UNKNOWN_UUID}/query", {"query_embeddings": [[1.0]]}, status=404)),
    case("query-bad-uuid-400", post(f"{C}/nope/query", {"query_embeddings": [[1.0]]}, status=400)),
    case(
        "query-n-results-negative-422", *seeded(), r("query", {"query_embeddings": [[1.0, 1.0]], "n_results": -1}, 422)
    ),
    case("search-missing-searches-422", *seeded(), r("search", {}, 422)),
    case("search-empty-501", *seeded(), r("search", {"searches": []}, 501)),
    case("search-camel-read-level-422", *seeded(), r("search", {"searches": [], "read_level": "IndexAndWal"}, 422)),
    case("search-read-level-ok-501", *seeded(), r("search", {"searches": [{}], "read_level": "index_only"}, 501)),
    case("search-missing-404", post(f"{C}/{UNKNOWN_UUID}/search", {"searches": []}, status=404)),
    case("search-bad-uuid-400", post(f"{C}/nope/search", {"searches": []}, status=400)),
    # -- local stubs (5.10) -------------------------------------------------------------------------
    case("fork-501", *seeded(), r("fork", {"new_name": "forked"}, 501)),
    case("fork-missing-name-422", *seeded(), r("fork", {}, 422)),
    case("fork-missing-collection-404", post(f"{C}/{UNKNOWN_UUID}/fork", {"new_name": "forked"}, status=404)),
    case("fork-bad-uuid-400", post(f"{C}/nope/fork", {"new_name": "forked"}, status=400)),
    case("fork-bad-name", *seeded(), r("fork", {"new_name": "ab"})),
    case("fork-count-501", *seeded(), get(f"{C}/{{r}}/fork_count", status=501)),
    case("fork-count-missing-404", get(f"{C}/{UNKNOWN_UUID}/fork_count", status=404)),
    case("fork-count-bad-uuid-400", get(f"{C}/nope/fork_count", status=400)),
    case("indexing-status-500", *seeded(), get(f"{C}/{{r}}/indexing_status", status=500)),
    case("indexing-status-missing-404", get(f"{C}/{UNKNOWN_UUID}/indexing_status", status=404)),
    case("indexing-status-bad-uuid-400", get(f"{C}/nope/indexing_status", status=400)),
    case(
        "attach-function-501",
        *seeded(),
        r("functions/attach", {"name": "fn", "function_id": "f", "output_collection": "out_c", "params": {}}, 501),
    ),
    case("attach-function-empty-body", *seeded(), r("functions/attach", {})),
    case(
        "attach-function-missing-collection-501",
        post(
            f"{C}/{UNKNOWN_UUID}/functions/attach",
            {"name": "fn", "function_id": "f", "output_collection": "out_c"},
            status=501,
        ),
    ),
    case(
        "attach-function-bad-uuid-400",
        post(
            f"{C}/nope/functions/attach", {"name": "fn", "function_id": "f", "output_collection": "out_c"}, status=400
        ),
    ),
    case("get-attached-function-404", *seeded(), get(f"{C}/{{r}}/functions/fn", status=404)),
    case("get-attached-function-missing-collection-404", get(f"{C}/{UNKNOWN_UUID}/functions/fn", status=404)),
    case("get-attached-function-bad-uuid-400", get(f"{C}/nope/functions/fn", status=400)),
    case("detach-function-501", *seeded(), r("attached_functions/fn/detach", {"delete_output": True}, 501)),
    case("detach-function-empty-body", *seeded(), r("attached_functions/fn/detach", {})),
    case(
        "detach-function-missing-collection-501",
        post(f"{C}/{UNKNOWN_UUID}/attached_functions/fn/detach", {}, status=501),
    ),
    case("detach-function-bad-uuid-400", post(f"{C}/nope/attached_functions/fn/detach", {}, status=400)),
    # the collection id is read by Rust's uuid crate, whose reason is in the message; the database first
    *(
        case(f"function-uuid-{n}-{kind}-400", step(f"{C}/{quote(bad, safe='')}", status=400, message=True))
        for n, bad in enumerate(
            [
                "x",
                "1234",
                "0000000-00000-0000-0000-000000000000",
                "00000000-0000-0000-0000",
                "{0000000g-0000-0000-0000-000000000000}",
                "urn:uuid:00000000-0000-0000-0000-0000000000",
                "0€",
                "+" + "0" * 31,
                "\x11x",
                "\U000a24aa",
                "\u0301a",
                '"',
                "\u00ad",
                "\U00014219",  # assigned in Unicode 16: printable to Rust
            ]  # the last ones: escaped as Rust's {:?} does
        )
        for kind, step in (
            (
                "attach",
                lambda p, **o: post(
                    p + "/functions/attach", {"name": "fn", "function_id": "f", "output_collection": "o"}, **o
                ),
            ),
            ("get", lambda p, **o: get(p + "/functions/fn", **o)),
            ("detach", lambda p, **o: post(p + "/attached_functions/fn/detach", {}, **o)),
        )
    ),
    *(
        case(
            f"function-multi-region-{db}-{n}-400",
            step(f"/api/v2/tenants/default_tenant/databases/{db}/collections/x", status=400, message=True),
        )
        for db in ("ab%2Bcd", "abc%2B", "a%2B")
        for n, step in enumerate(
            (
                lambda p, **o: post(
                    p + "/functions/attach", {"name": "fn", "function_id": "f", "output_collection": "o"}, **o
                ),
                lambda p, **o: get(p + "/functions/fn", **o),
                lambda p, **o: post(p + "/attached_functions/fn/detach", {}, **o),
            )
        )
    ),
    case(
        "function-short-database-before-uuid-400",
        get("/api/v2/tenants/default_tenant/databases/ab/collections/x/functions/fn", status=400, message=True),
    ),
    case(
        "function-short-database-400",
        post(
            f"/api/v2/tenants/default_tenant/databases/ab/collections/{UNKNOWN_UUID}/attached_functions/fn/detach",
            {},
            status=400,
            message=True,
        ),
    ),
    case(
        "coll-misplaced-hyphens-400", get(f"{C}/0000000-00000-0000-0000-000000000000/count", status=400, message=True)
    ),
    case("coll-underscore-uuid-400", get(f"{C}/0000_0000000000000000000000000000/count", status=400, message=True)),
    case("coll-braced-uuid-404", get(f"{C}/%7B{UNKNOWN_UUID}%7D/count", status=404, message=True)),
    case("stub-post-wrong-method-405", *seeded(), req("GET", f"{C}/{{r}}/fork", status=405)),
    # serde's derive also reads these structs from an array: elements in field order, then missing or extra ones
    *(
        case(f"sequence-body-{op.replace('/', '-')}-{n}", *seeded(), records("r", op, body, status=None))
        for op, bodies in (
            (
                "functions/attach",
                [[], ["fn"], ["fn", "f", "out"], ["fn", "f", "out", {}, 1], [1], ["fn", "f", 1], [1, 2, 3, 4, 5]],
            ),
            ("fork", [[], ["newname"], ["newname", 1], [1], [1, 2]]),
            ("search", [[], [[]], [[], "index_only"], [[], "index_only", 1], [5], [[{"rank": {}}], 1]]),
            ("attached_functions/fn/detach", [[], [True], [False, 1], ["x"], [None], ["x", 1]]),
        )
        for n, body in enumerate(bodies)
    ),
    *(
        case(
            f"search-read-level-{n}",
            *seeded(),
            records("r", "search", {"searches": [], "read_level": level}, message=True),
        )
        for n, level in enumerate(
            [
                5,
                True,
                [],
                {},
                "zz",
                {"zz": None},
                {"index_only": None},
                {"index_only": 5},
                {"index_only": None, "x": 1},
                None,
            ]
        )
    ),
]
