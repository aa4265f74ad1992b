"""Cases: tenants (reference section 3) and databases (section 4), including query-string errors."""

from __future__ import annotations

from ..harness import C, Step, add, case, get, post, req

TN = "/api/v2/tenants"
DBS = f"{TN}/default_tenant/databases"


def tenant(name: object, status: int | None = 200) -> Step:
    return post(TN, {"name": name}, status=status)


def database(name: object, tenant_name: str = "default_tenant", status: int | None = 200) -> Step:
    return post(f"{TN}/{tenant_name}/databases", {"name": name}, status=status)


def three_dbs() -> list[Step]:
    return [database("db_b"), database("db_c"), database("db_a")]


CASES = [
    # -- tenants (3) --------------------------------------------------------------------------------
    case("tenant-create-get", tenant("semref_tenant"), get(f"{TN}/semref_tenant", status=200)),
    case("tenant-get-default", get(f"{TN}/default_tenant", status=200)),
    case("tenant-get-missing-404", get(f"{TN}/nope_tenant", status=404)),
    case("tenant-get-short-name-404", get(f"{TN}/ab", status=404)),
    case("tenant-create-duplicate-409", tenant("dup_tenant"), tenant("dup_tenant", 409)),
    case("tenant-create-default-409", tenant("default_tenant", 409)),
    case("tenant-name-too-short-400", tenant("ab", 400)),
    case("tenant-name-empty-400", tenant("", 400)),
    case("tenant-name-3-chars", tenant("abc"), get(f"{TN}/abc", status=200)),
    case("tenant-name-space", tenant("x y"), get(f"{TN}/x%20y", status=200)),
    case("tenant-name-unicode", tenant("ténant-ü"), get(f"{TN}/t%C3%A9nant-%C3%BC", status=200)),
    case("tenant-name-unicode-short-400", tenant("éé", 400), note="2 characters (4 bytes): characters count"),
    case("tenant-name-unicode-3-chars", tenant("ééé"), get(f"{TN}/%C3%A9%C3%A9%C3%A9", status=200)),
    case("tenant-name-long", tenant("t" * 600), get(f"{TN}/{'t' * 600}", status=200)),
    case("tenant-name-dots-and-symbols", tenant("a..b$#!"), get(f"{TN}/a..b$%23!", status=200)),
    case("tenant-name-ip", tenant("127.0.0.1", 200)),
    case("tenant-name-slash", tenant("a/b/c"), get(f"{TN}/a%2Fb%2Fc", status=200), get(f"{TN}/a/b/c", status=404)),
    case("tenant-name-percent", tenant("50%off"), get(f"{TN}/50%25off", status=200)),
    case("tenant-name-wrong-type-422", tenant(["x"], 422)),
    case(
        "tenant-update-noop",
        tenant("upd_t"),
        req("PATCH", f"{TN}/upd_t", {"resource_name": "rn"}, status=200),
        get(f"{TN}/upd_t", status=200),
    ),
    case("tenant-update-missing-tenant-200", req("PATCH", f"{TN}/nope_t", {"resource_name": "rn"}, status=200)),
    case("tenant-update-missing-field-422", req("PATCH", f"{TN}/default_tenant", {}, status=422)),
    case("tenant-update-null-422", req("PATCH", f"{TN}/default_tenant", {"resource_name": None}, status=422)),
    case("tenant-update-bad-json-400", req("PATCH", f"{TN}/default_tenant", raw=b"{", status=400)),
    # -- databases (4) ------------------------------------------------------------------------------
    case("database-create-get", database("semref_db"), get(f"{DBS}/semref_db", status=200)),
    case("database-get-default", get(f"{DBS}/default_database", status=200)),
    case("database-create-duplicate-409", database("dup_db"), database("dup_db", status=409)),
    case("database-create-default-409", database("default_database", status=409)),
    case(
        "database-same-name-other-tenant",
        tenant("other_t"),
        database("shared_db"),
        database("shared_db", "other_t"),
        get(f"{TN}/other_t/databases/shared_db", status=200),
        get(f"{DBS}/shared_db", status=200),
    ),
    case("database-name-short-400", database("ab", status=400)),
    case("database-name-bad-start-400", database("_abc", status=400)),
    case("database-name-bad-end-400", database("abc-", status=400)),
    case("database-name-bad-char-400", database("ab cd", status=400)),
    case("database-name-double-dot-400", database("a..b", status=400)),
    case("database-name-ip-400", database("127.0.0.1", status=400)),
    case("database-name-not-ip", database("999.1.1.1", status=200)),
    case("database-name-513-400", database("d" * 513, status=400)),
    case("database-name-512", database("d" * 512, status=200)),
    case("database-name-wrong-type-422", database(3, status=422)),
    case("database-name-topology", database("abc+def"), get(f"{DBS}/abc+def", status=200)),
    case("database-name-topology-bad-part-400", database("abc+de", status=400)),
    case(
        "database-missing-tenant-created",
        database("orphan_db", "ghost_tenant"),
        get(f"{TN}/ghost_tenant", status=404),
        get(f"{TN}/ghost_tenant/databases/orphan_db", status=200),
        get(f"{TN}/ghost_tenant/databases", status=200),
    ),
    case("database-get-missing-404", get(f"{DBS}/nope_db", status=404)),
    case("database-get-missing-tenant-404", get(f"{TN}/ghost/databases/default_database", status=404)),
    case("database-get-short-400", get(f"{DBS}/ab", status=400)),
    case("database-get-bad-chars-404", get(f"{DBS}/a..b", status=404)),
    case("database-get-unicode-short", get(f"{DBS}/%C3%A9%C3%A9", status=404), note="4 bytes, 2 characters"),
    case(
        "database-delete",
        database("del_db"),
        req("DELETE", f"{DBS}/del_db", status=200),
        get(f"{DBS}/del_db", status=404),
        req("DELETE", f"{DBS}/del_db", status=404),
    ),
    case("database-delete-missing-404", req("DELETE", f"{DBS}/nope_db", status=404)),
    case("database-delete-short-404", req("DELETE", f"{DBS}/ab", status=404)),
    case(
        "database-delete-cascades",
        database("casc_db"),
        post(f"{DBS}/casc_db/collections", {"name": "casc_c"}, save="cc", status=200),
        add("cc", {"ids": ["a"], "embeddings": [[1.0, 2.0]]}, status=201),
        req("DELETE", f"{DBS}/casc_db", status=200),
        get(f"{DBS}/casc_db/collections/casc_c", status=404),
        get(f"{DBS}/casc_db/collections/{{cc}}/count"),
        database("casc_db"),
        get(f"{DBS}/casc_db/collections", status=200),
        get(f"{DBS}/casc_db/collections_count", status=200),
        get(f"{DBS}/casc_db/collections/casc_c", status=404),
    ),
    case(
        "database-delete-other-db-untouched",
        database("keep_db"),
        database("drop_db"),
        post(f"{DBS}/keep_db/collections", {"name": "same"}, save="k", status=200),
        post(f"{DBS}/drop_db/collections", {"name": "same"}, save="d", status=200),
        req("DELETE", f"{DBS}/drop_db", status=200),
        get(f"{DBS}/keep_db/collections/same", status=200),
        get(f"{DBS}/keep_db/collections/{{k}}/count", status=200),
    ),
    case("database-list-default", get(DBS, status=200)),
    case("database-list-ordered-by-name", *three_dbs(), get(DBS, status=200)),
    case("database-list-limit", *three_dbs(), get(f"{DBS}?limit=2", status=200)),
    case("database-list-offset", *three_dbs(), get(f"{DBS}?offset=1", status=200)),
    case("database-list-limit-offset", *three_dbs(), get(f"{DBS}?limit=2&offset=1", status=200)),
    case("database-list-limit-0", *three_dbs(), get(f"{DBS}?limit=0", status=200)),
    case("database-list-offset-past-end", *three_dbs(), get(f"{DBS}?offset=10", status=200)),
    case("database-list-missing-tenant", get(f"{TN}/ghost/databases", status=200)),
    case(
        "database-list-other-tenant-only",
        tenant("lt_t"),
        database("only_db", "lt_t"),
        get(f"{TN}/lt_t/databases", status=200),
    ),
    case("database-list-limit-negative-400", get(f"{DBS}?limit=-1", status=400)),
    case("database-list-limit-abc-400", get(f"{DBS}?limit=abc", status=400)),
    case("database-list-offset-abc-400", get(f"{DBS}?offset=x", status=400)),
    case("database-list-limit-empty-400", get(f"{DBS}?limit=", status=400)),
    case("database-list-limit-float-400", get(f"{DBS}?limit=1.5", status=400)),
    case("database-list-limit-encoded-plus", *three_dbs(), get(f"{DBS}?limit=%2B1", status=200)),
    case("database-list-limit-raw-plus-400", get(f"{DBS}?limit=+1", status=400), note="+ in a query is a space"),
    case("database-list-limit-leading-zero", *three_dbs(), get(f"{DBS}?limit=01", status=200)),
    case("database-list-limit-no-value-400", get(f"{DBS}?limit", status=400)),
    case("database-list-limit-u32-max", get(f"{DBS}?limit=4294967295", status=200)),
    case("database-list-param-case-sensitive", *three_dbs(), get(f"{DBS}?Limit=1", status=200)),
    case("database-list-limit-huge-400", get(f"{DBS}?limit=99999999999", status=400)),
    case("database-list-unknown-param-ignored", get(f"{DBS}?foo=bar", status=200)),
    case("database-list-repeated-param", *three_dbs(), get(f"{DBS}?limit=1&limit=2", status=400)),
    case("database-list-repeated-unknown-param", get(f"{DBS}?foo=1&foo=2", status=200)),
    # the pairs are read in order: the first bad one (or the first repeated name) is reported
    *(
        case(f"database-list-query-order-{n}-400", get(f"{DBS}?{query}", status=400, message=True))
        for n, query in enumerate(
            ["offset=x&limit=y", "limit=y&offset=x", "limit=1&limit=x", "limit=x&limit=1", "offset=-1&limit=2&offset=1"]
        )
    ),
    case("collection-list-query-order-400", get(f"{C}?offset=false&limit=-1", status=400, message=True)),
    case(
        "database-create-bad-json-400", post(DBS, raw=b"nope", headers={"content-type": "application/json"}, status=400)
    ),
    case("database-create-missing-name-422", post(DBS, {}, status=422)),
]
