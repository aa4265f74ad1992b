"""Cases: system endpoints (reference section 2) and cross-cutting HTTP behaviour (section 1)."""

from __future__ import annotations

from ..harness import C, D, case, coll, get, post, put, req

JSON = {"content-type": "application/json"}

CASES = [
    # -- system endpoints (2) ---------------------------------------------------------------------
    case("heartbeat", get("/api/v2/heartbeat", status=200)),
    case("heartbeat-alias-api-v2", get("/api/v2", status=200)),
    case("docs-redirect", get("/docs", status=303)),
    case("docs-unknown-file-404", get("/docs/index.j2", status=404)),
    case("docs-post-405", post("/docs/", status=405)),
    case("version", get("/api/v2/version", status=200)),
    case("healthcheck", get("/api/v2/healthcheck", status=200)),
    case("pre-flight-checks", get("/api/v2/pre-flight-checks", status=200)),
    case("auth-identity", get("/api/v2/auth/identity", status=200)),
    case(
        "auth-identity-ignores-headers",
        get("/api/v2/auth/identity", headers={"x-chroma-token": "abc", "authorization": "Bearer x"}, status=200),
    ),
    case(
        "reset-wipes-everything",
        post("/api/v2/tenants", {"name": "t_reset"}, status=200),
        post("/api/v2/tenants/t_reset/databases", {"name": "db_reset"}, status=200),
        coll("c_reset"),
        post("/api/v2/reset", status=200),
        get("/api/v2/tenants/t_reset", status=404),
        get(f"{C}/c_reset", status=404),
        get("/api/v2/tenants/default_tenant/databases", status=200),
        get("/api/v2/tenants/default_tenant", status=200),
    ),
    case("reset-with-json-body", post("/api/v2/reset", {"anything": 1}, status=200)),
    # -- cross-cutting: routing (1.1) ---------------------------------------------------------------
    case("route-root-404", get("/", status=404)),
    case("route-unknown-404", get("/api/v2/nonexistent", status=404)),
    case("route-trailing-slash-404", get("/api/v2/heartbeat/", status=404)),
    case("route-trailing-slash-collections-404", get(f"{C}/", status=404)),
    case("route-double-slash-404", get("/api/v2//heartbeat", status=404)),
    case("route-wrong-method-tenant-405", req("DELETE", "/api/v2/tenants/x", status=405)),
    case("route-wrong-method-heartbeat-405", post("/api/v2/heartbeat", status=405)),
    case("route-options-405", req("OPTIONS", "/api/v2/heartbeat", status=405)),
    case("route-list-tenants-405", get("/api/v2/tenants", status=405)),
    case("route-wrong-method-collections-405", req("PATCH", C, status=405)),
    case("route-wrong-method-record-405", get(f"{C}/00000000-0000-0000-0000-000000000001/add", status=405)),
    case("route-put-database-405", put(f"{D}", {"name": "x"}, status=405)),
    case("route-v1-410", get("/api/v1/heartbeat", status=410)),
    case("route-v1-collections-410", req("PUT", "/api/v1/collections/x", status=410)),
    case("route-v1-head-410", req("HEAD", "/api/v1/heartbeat", status=410)),
    case("route-v1-delete-410", req("DELETE", "/api/v1/tenants/x", status=410)),
    case("route-v1-post-405", post("/api/v1/collections", {"name": "x"}, status=405)),
    case("route-v1-bare-404", get("/api/v1", status=404)),
    case("route-v1-slash-404", get("/api/v1/", status=404)),
    case("route-v1-deep-410", req("PATCH", "/api/v1/a/b/c/", status=410)),
    case("head-heartbeat", req("HEAD", "/api/v2/heartbeat", status=200)),
    case("head-version", req("HEAD", "/api/v2/version", status=200)),
    case("head-tenant", req("HEAD", "/api/v2/tenants/default_tenant", status=200)),
    case("head-missing-tenant", req("HEAD", "/api/v2/tenants/nope", status=404)),
    case("head-list-collections", req("HEAD", C, status=200)),
    case("head-unknown-404", req("HEAD", "/api/v2/nonexistent", status=404)),
    case("head-on-post-only-route-405", req("HEAD", "/api/v2/tenants", status=405)),
    case("head-on-record-route-405", req("HEAD", f"{C}/00000000-0000-0000-0000-000000000001/get", status=405)),
    case(
        "openapi-json-served",
        get("/openapi.json", status=200, ignore=("x-codeSamples",)),
        note="openapi.yaml is the server's document with the x-codeSamples removed",
    ),
    # -- cross-cutting: bodies (1.1) ----------------------------------------------------------------
    case(
        "body-over-40-mib-413",
        req("POST", "/api/v2/tenants", raw=b" " * (40 * 1024 * 1024 + 1), headers=JSON, status=413),
    ),
    case(
        "body-exactly-40-mib",
        req(
            "POST",
            "/api/v2/tenants",
            raw=b'{"name":"big_body"}' + b" " * (40 * 1024 * 1024 - 19),
            headers=JSON,
            status=200,
        ),
    ),
    case("body-not-json-400", req("POST", "/api/v2/tenants", raw=b"{not json", headers=JSON, status=400)),
    case("body-empty-400", req("POST", "/api/v2/tenants", raw=b"", headers=JSON, status=400)),
    case("body-empty-no-content-type-400", req("POST", "/api/v2/tenants", raw=b"", status=400)),
    case("body-whitespace-400", req("POST", "/api/v2/tenants", raw=b"   ", headers=JSON, status=400)),
    case(
        "body-trailing-garbage-400", req("POST", "/api/v2/tenants", raw=b'{"name":"abc"} x', headers=JSON, status=400)
    ),
    case("body-nan-literal-400", req("POST", "/api/v2/tenants", raw=b'{"name":NaN}', headers=JSON, status=400)),
    case("body-missing-field-422", post("/api/v2/tenants", {}, status=422)),
    case("body-wrong-type-422", post("/api/v2/tenants", {"name": 5}, status=422)),
    case("body-null-field-422", post("/api/v2/tenants", {"name": None}, status=422)),
    case("body-array-422", post("/api/v2/tenants", [], status=422)),
    case("body-json-string-422", post("/api/v2/tenants", "abc", status=422)),
    case(
        "body-extra-fields-ignored",
        post("/api/v2/tenants", {"name": "extra_t", "extra": 1, "more": {"x": [1]}}, status=200),
        get("/api/v2/tenants/extra_t", status=200),
    ),
    case(
        "content-type-text-plain-415",
        req("POST", "/api/v2/tenants", raw=b'{"name":"abc"}', headers={"content-type": "text/plain"}, status=415),
    ),
    case(
        "content-type-form-415",
        req(
            "POST",
            "/api/v2/tenants",
            raw=b"name=abc",
            headers={"content-type": "application/x-www-form-urlencoded"},
            status=415,
        ),
    ),
    case(
        "content-type-absent-accepted",
        req("POST", "/api/v2/tenants", raw=b'{"name":"ct_absent"}', status=200),
        get("/api/v2/tenants/ct_absent", status=200),
    ),
    case(
        "content-type-charset-accepted",
        req(
            "POST",
            "/api/v2/tenants",
            raw=b'{"name":"ct_charset"}',
            headers={"content-type": "application/json; charset=utf-8"},
            status=200,
        ),
    ),
    case(
        "content-type-uppercase",
        req("POST", "/api/v2/tenants", raw=b'{"name":"ct_upper"}', headers={"content-type": "APPLICATION/JSON"}),
    ),
    case(
        "content-type-json-suffix",
        req(
            "POST", "/api/v2/tenants", raw=b'{"name":"ct_suffix"}', headers={"content-type": "application/vnd.api+json"}
        ),
    ),
    *[
        case(
            f"content-type-{label}",
            req("POST", "/api/v2/tenants", raw=b'{"name":"ct_%d"}' % i, headers={"content-type": value}, status=status),
        )
        for i, (label, value, status) in enumerate(
            [
                ("json-patch", "application/json-patch+json", 200),
                ("json-plus-xml", "application/json+xml", 200),
                ("text-json-415", "text/json", 415),
                ("jsonx-415", "application/jsonx", 415),
                ("empty-subtype-415", "application/+json", 415),
                ("suffix-not-last-415", "application/x+json+xml", 415),
                ("trailing-semicolon", "application/json;", 200),
                ("quoted-param", 'application/json; charset="utf-8"', 200),
                ("two-params", "application/json;a=b;c=d", 200),
                ("param-without-value-415", "application/json; foo", 415),
                ("space-before-semicolon-415", "application/json ;charset=utf-8", 415),
                ("list-415", "application/json, text/plain", 415),
                ("wildcard-415", "*/*", 415),
                ("empty-415", "", 415),
            ]
        )
    ],
    case(
        "content-type-415-before-parse",
        req("POST", "/api/v2/tenants", raw=b"{bad", headers={"content-type": "text/plain"}, status=415),
    ),
    case(
        "content-type-on-get-ignored",
        req("GET", "/api/v2/heartbeat", raw=b"junk", headers={"content-type": "text/plain"}, status=200),
    ),
    case("reset-with-text-body", req("POST", "/api/v2/reset", raw=b"x", headers={"content-type": "text/plain"})),
    case(
        "body-invalid-utf8-400",
        req("POST", "/api/v2/tenants", raw=b'{"name":"\xff\xfe"}', headers=JSON, status=400),
    ),
    case("query-string-on-heartbeat-ignored", get("/api/v2/heartbeat?x=1&limit=-1", status=200)),
]
