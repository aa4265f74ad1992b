"""Cases: adversarial bodies: deep nesting (serde_json's recursion limit), huge error bodies, wrong JSON types."""

from __future__ import annotations

from ..harness import C, Case, Step, case, coll, get, post, records, req

JSON = {"content-type": "application/json"}


def raw(op: str, body: str, status: int) -> Step:
    return records("n", op, raw=body.encode(), headers=JSON, status=status)


def arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def where_and(depth: int) -> str:
    clause = '{"a": 1}'
    for _ in range(depth):
        clause = '{"$and": [' + clause + ', {"b": 2}]}'
    return clause


def raw_create(body: str, status: int) -> Step:
    return post(C, raw=body.encode(), headers=JSON, status=status)


def nest_case(case_id: str, op: str, body: str, status: int) -> Case:
    return case(f"nesting-{case_id}", coll("n_coll", save="n"), raw(op, body, status))


CASES = [
    # a `where` 63 `$and`s deep nests 128 arrays and objects: serde_json's limit (400); 62 is fine
    nest_case("where-and-62", "get", '{"where": %s}' % where_and(62), 200),
    nest_case("where-and-63", "get", '{"where": %s}' % where_and(63), 400),
    nest_case("where-and-500", "get", '{"where": %s}' % where_and(500), 400),
    nest_case("where-arrays-126", "get", '{"where": %s}' % arrays(126), 400),  # "Invalid where clause"
    nest_case("where-arrays-127", "get", '{"where": %s}' % arrays(127), 400),  # recursion limit
    nest_case("where-objects-127", "get", '{"where": %s}' % objects(127), 400),
    nest_case("where-document-and-63", "get",
              '{"where_document": %s}' % where_and(63).replace('{"a": 1}', '{"$contains": "a"}')
              .replace('{"b": 2}', '{"$contains": "b"}'), 400),
    nest_case("unknown-field-127", "get", '{"zzz": %s}' % arrays(127), 400),
    nest_case("unknown-field-126", "get", '{"zzz": %s}' % arrays(126), 200),
    # a typed field meets the wrong type before the limit: 422
    *[nest_case(f"ids-{depth}", "get", '{"ids": %s}' % arrays(depth), 422) for depth in (126, 257, 2000)],
    nest_case("query-embeddings-300", "query", '{"query_embeddings": %s}' % arrays(300), 422),
    nest_case("include-300", "get", '{"include": %s}' % arrays(300), 400),  # an enum: "expected value"
    nest_case("embeddings-126", "add", '{"ids": ["a"], "embeddings": %s}' % arrays(126), 422),
    nest_case("embeddings-300", "add", '{"ids": ["a"], "embeddings": %s}' % arrays(300), 400),  # untagged enum
    nest_case("metadata-300", "add", '{"ids": ["a"], "embeddings": [[1.0]], "metadatas": [%s]}' % objects(300), 400),
    nest_case("where-then-bad-ids", "get", '{"where": %s, "ids": [1]}' % arrays(127), 400),
    nest_case("bad-ids-then-where", "get", '{"ids": [1], "where": %s}' % arrays(127), 422),
    case("nesting-collection-metadata-300", raw_create('{"name": "deep", "metadata": %s}' % objects(300), 400)),
    # huge bodies: the error is short (the body is not repeated)
    nest_case("array-body-get", "get", "[" + ",".join(["1"] * 100_000) + "]", 422),
    nest_case("many-wrong-ids", "get", '{"ids": [%s]}' % ",".join(["1"] * 100_000), 422),
    # paths: literal segments as written, parameters decoded (invalid UTF-8: 400)
    case("path-encoded-literal-404", get("/api/v2/%68eartbeat", status=404)),
    case("path-encoded-literal-end-404", get("/api/v2/heartbea%74", status=404)),
    case("path-encoded-parameter", get("/api/v2/tenants/default%5Ftenant", status=200)),
    case("path-invalid-utf8-collection", get(f"{C}/%FF%FE", status=400)),
    case("path-invalid-utf8-tenant", get("/api/v2/tenants/%FF%FE", status=400)),
    # bodies: UTF-8 without a byte order mark only
    *[
        case(f"body-{name}", post("/api/v2/tenants", raw=body, headers=JSON, status=400))
        for name, body in (
            ("utf8-bom", b'\xef\xbb\xbf{"name": "bom_tenant"}'),
            ("utf16", '{"name": "u16_tenant"}'.encode("utf-16")),
            ("utf16le", '{"name": "u16le_tenant"}'.encode("utf-16-le")),
            ("utf32", '{"name": "u32_tenant"}'.encode("utf-32")),
        )
    ],
    # collection metadata that real Chroma cannot store: no crash when the collection exists
    *[
        case(
            f"existing-collection-{case_id}",
            coll("e_coll"),
            post(C, {"name": "e_coll", "metadata": {"a": value}, "get_or_create": goc}, status=status),
        )
        for case_id, value, goc, status in (
            ("array-metadata-get-or-create", [1, 2], True, 200),
            ("array-metadata-409", [1, 2], False, 409),
            ("empty-array-metadata-get-or-create", [], True, 200),
            ("sparse-metadata-get-or-create", {"#type": "sparse_vector", "indices": [1], "values": [1.0]}, True, 200),
        )
    ],
    # the structs serde's derive also reads from an array, fields in declaration order
    *[
        case(f"sequence-form-{case_id}", coll("q_coll", save="q"),
             req(method, path, raw=body.encode(), headers=JSON, status=status))
        for case_id, method, path, body, status in (
            ("create-tenant", "POST", "/api/v2/tenants", '["seq_tenant"]', 200),
            ("create-tenant-empty-422", "POST", "/api/v2/tenants", "[]", 422),
            ("create-tenant-trailing-400", "POST", "/api/v2/tenants", '["seq_t2", "b"]', 400),
            ("create-database", "POST", "/api/v2/tenants/default_tenant/databases", '["seq_db"]', 200),
            ("update-tenant", "PATCH", "/api/v2/tenants/default_tenant", '["x"]', 200),
            ("create-collection-4", "POST", C, '["seq_c", null, null, {"k": 1}]', 200),
            ("create-collection-1-422", "POST", C, '["seq_c1"]', 422),
            ("update-collection", "PUT", f"{C}/{{q}}", '[null, {"m": 1}, null]', 200),
            ("update-collection-short-422", "PUT", f"{C}/{{q}}", "[null]", 422),
            ("add", "POST", f"{C}/{{q}}/add", '[["x1"], [[1.0, 2.0]], null, null, null]', 201),
            ("add-short-422", "POST", f"{C}/{{q}}/add", '[["x1"], [[1.0, 2.0]]]', 422),
            ("get-422", "POST", f"{C}/{{q}}/get", '[["x1"]]', 422),
            ("query-422", "POST", f"{C}/{{q}}/query", "[[[1.0]]]", 422),
        )
    ],
]
