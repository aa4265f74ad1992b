"""Cases: record writes: add, upsert, update (reference 6.1, 6.4-6.7): columns, ids, dimensions, batches."""

from __future__ import annotations

import base64
import struct

from ..harness import C, Case, Step, add, case, coll, get, getall, post, records

UNKNOWN_UUID = "3f2b5a4e-8c1d-4e6f-9a7b-1c2d3e4f5a6b"


def b64(*values: float) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


def c() -> Step:
    return coll("w_coll", save="w")


def seeded() -> list[Step]:
    """A collection with three 2-d records a, b, c."""
    return [
        c(),
        add(
            "w",
            {
                "ids": ["a", "b", "c"],
                "embeddings": [[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]],
                "documents": ["A", None, "C"],
                "uris": [None, "ub", None],
                "metadatas": [{"k": 1, "s": "x"}, None, {"k": 3}],
            },
            status=201,
        ),
    ]


def dims() -> Step:
    return get(f"{C}/w_coll", status=200)


def w(op: str, body: object, status: int | None = None) -> Step:
    return records("w", op, body, status=status)


def meta_case(case_id: str, op: str, metadata: object, status: int | None = None) -> Case:
    """One write of a record with this metadata on a seeded collection, then every record."""
    body = {"ids": ["a"], "embeddings": [[9.0, 9.0]], "metadatas": [metadata]}
    if op == "update":
        body = {"ids": ["a"], "metadatas": [metadata]}
    if op == "add":
        body = {"ids": ["n"], "embeddings": [[9.0, 9.0]], "metadatas": [metadata]}
    return case(case_id, *seeded(), w(op, body, status), getall("w"))


CASES = [
    # -- add (6.5) ----------------------------------------------------------------------------------
    case("add-basic", *seeded(), getall("w"), dims()),
    case("add-returns-201", c(), w("add", {"ids": ["x"], "embeddings": [[1.0]]}, 201)),
    case(
        "add-existing-id-noop",
        *seeded(),
        w("add", {"ids": ["a"], "embeddings": [[7.0, 7.0]], "documents": ["new"]}, 201),
        getall("w"),
    ),
    case(
        "add-duplicate-in-batch-first-wins",
        c(),
        w("add", {"ids": ["x", "x"], "embeddings": [[1.0], [2.0]], "documents": ["first", "second"]}, 201),
        getall("w"),
    ),
    case("add-empty-batch", c(), w("add", {"ids": [], "embeddings": []}, 201), dims()),
    case("add-missing-embeddings-422", c(), w("add", {"ids": ["x"]}, 422)),
    case("add-null-embeddings-422", c(), w("add", {"ids": ["x"], "embeddings": None}, 422)),
    case("add-null-embedding-entry-422", c(), w("add", {"ids": ["x"], "embeddings": [None]}, 422)),
    case("add-missing-ids-422", c(), w("add", {"embeddings": [[1.0]]}, 422)),
    case("add-id-wrong-type-422", c(), w("add", {"ids": [1], "embeddings": [[1.0]]}, 422)),
    case("add-empty-id-400", c(), w("add", {"ids": [""], "embeddings": [[1.0]]}, 400), dims()),
    case(
        "add-odd-ids",
        c(),
        w("add", {"ids": ["with space", "ünï", "x" * 2000, "#id", "$id"], "embeddings": [[1.0]] * 5}, 201),
        getall("w"),
    ),
    case("add-length-mismatch-embeddings-400", c(), w("add", {"ids": ["x", "y"], "embeddings": [[1.0]]}, 400), dims()),
    case(
        "add-length-mismatch-documents-400",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[1.0]], "documents": ["a", "b"]}, 400),
    ),
    case("add-length-mismatch-uris-400", c(), w("add", {"ids": ["x"], "embeddings": [[1.0]], "uris": []}, 400)),
    case(
        "add-length-mismatch-metadatas-400",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[1.0]], "metadatas": [None, None]}, 400),
    ),
    case(
        "add-mismatch-fixes-dimension",
        c(),
        w("add", {"ids": ["x", "y"], "embeddings": [[1.0, 2.0]]}, 400),
        dims(),
        w("add", {"ids": ["z"], "embeddings": [[1.0]]}, 400),
    ),
    case("add-empty-id-fixes-dimension", c(), w("add", {"ids": [""], "embeddings": [[1.0, 2.0, 3.0]]}, 400), dims()),
    case(
        "add-inconsistent-dims-400", c(), w("add", {"ids": ["x", "y"], "embeddings": [[1.0, 2.0], [1.0]]}, 400), dims()
    ),
    case("add-dimension-mismatch-400", *seeded(), w("add", {"ids": ["x"], "embeddings": [[1.0, 2.0, 3.0]]}, 400)),
    case("add-empty-vector-400", c(), w("add", {"ids": ["x"], "embeddings": [[]]}, 400), dims()),
    case("add-f32-overflow-400", c(), w("add", {"ids": ["x"], "embeddings": [[1e39]]}, 400), dims()),
    case("add-negative-overflow-400", c(), w("add", {"ids": ["x"], "embeddings": [[1.0, -1e39]]}, 400)),
    case(
        "add-nan-literal-400",
        c(),
        post(
            f"{C}/{{w}}/add",
            raw=b'{"ids":["x"],"embeddings":[[NaN]]}',
            headers={"content-type": "application/json"},
            status=400,
        ),
    ),
    case(
        "add-f32-rounding",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[0.123456789, 16777217, 1e-50, -0.0, 3]]}),
        getall("w"),
    ),
    case(
        "add-f32-subnormal-and-max",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[1e-40, 3.4028234e38, 1.17549435e-38]]}),
        getall("w"),
    ),
    case("add-int-embeddings", c(), w("add", {"ids": ["x"], "embeddings": [[1, 2, -3]]}), getall("w")),
    case("add-embedding-string-in-array-422", c(), w("add", {"ids": ["x"], "embeddings": [["1"]]}, 422)),
    case("add-document-wrong-type-422", c(), w("add", {"ids": ["x"], "embeddings": [[1.0]], "documents": [5]}, 422)),
    case(
        "add-documents-null",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[1.0]], "documents": None, "uris": None, "metadatas": None}, 201),
        getall("w"),
    ),
    case(
        "add-uri-only-metadata-empty-object",
        c(),
        w(
            "add",
            {
                "ids": ["x", "y", "z"],
                "embeddings": [[1.0]] * 3,
                "uris": ["u", None, "u2"],
                "documents": [None, "d", None],
                "metadatas": [None, None, {}],
            },
        ),
        getall("w"),
    ),
    case(
        "add-empty-metadata-stored-null",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[1.0]], "metadatas": [{}]}),
        getall("w"),
    ),
    case(
        "add-chroma-document-key",
        c(),
        w(
            "add",
            {
                "ids": ["x", "y"],
                "embeddings": [[1.0]] * 2,
                "documents": ["real", None],
                "metadatas": [{"chroma:document": "sneaky"}, {"chroma:document": "only", "k": 1}],
            },
        ),
        getall("w"),
    ),
    case(
        "add-chroma-uri-key",
        c(),
        w(
            "add",
            {
                "ids": ["x", "y", "z"],
                "embeddings": [[1.0]] * 3,
                "uris": ["real", None, "r2"],
                "documents": [None, "doc", None],
                "metadatas": [
                    {"chroma:uri": "meta"},
                    {"chroma:uri": "m2", "chroma:document": "md"},
                    {"chroma:uri": "m3", "k": 1},
                ],
            },
        ),
        getall("w"),
        w(
            "update",
            {"ids": ["x", "y"], "uris": ["new", None], "metadatas": [{"chroma:uri": "mx"}, {"chroma:uri": "my"}]},
        ),
        getall("w"),
    ),
    case(
        "add-chroma-other-key-hidden",
        c(),
        w(
            "add",
            {
                "ids": ["x", "y"],
                "embeddings": [[1.0]] * 2,
                "metadatas": [{"chroma:foo": 1}, {"chroma:uri": "u", "a": 1}],
            },
        ),
        getall("w"),
    ),
    # Not here: `chroma:document` with a non-string value. It kills the real server's compactor, and
    # every later write or read answers 500 "Error sending message to compactor", even after a reset.
    case("add-other-fields-wrong-type-422", c(), w("add", {"ids": ["x"], "embeddings": [[1.0]], "uris": [1]}, 422)),
    case(
        "add-missing-collection-404", post(f"{C}/{UNKNOWN_UUID}/add", {"ids": ["x"], "embeddings": [[1.0]]}, status=404)
    ),
    case("add-bad-uuid-400", post(f"{C}/not-a-uuid/add", {"ids": ["x"], "embeddings": [[1.0]]}, status=400)),
    case("add-by-name-400", c(), post(f"{C}/w_coll/add", {"ids": ["x"], "embeddings": [[1.0]]}, status=400)),
    case(
        "add-short-db-400",
        c(),
        post(
            "/api/v2/tenants/default_tenant/databases/ab/collections/{w}/add",
            {"ids": ["x"], "embeddings": [[1.0]]},
            status=400,
        ),
    ),
    case(
        "add-ignores-path-tenant-db",
        c(),
        post(
            "/api/v2/tenants/ghost/databases/ghost_db/collections/{w}/add",
            {"ids": ["x"], "embeddings": [[1.0]]},
            status=201,
        ),
        getall("w"),
    ),
    case("add-bad-body-before-404", post(f"{C}/{UNKNOWN_UUID}/add", {"ids": ["x"]}, status=422)),
    case(
        "add-bad-json-before-bad-uuid",
        post(f"{C}/not-a-uuid/add", raw=b"{", headers={"content-type": "application/json"}, status=400),
    ),
    case("add-404-before-empty-id", post(f"{C}/{UNKNOWN_UUID}/add", {"ids": [""], "embeddings": [[]]}, status=404)),
    case(
        "add-batch-over-advisory-limit",
        c(),
        w("add", {"ids": [f"id{i}" for i in range(5470)], "embeddings": [[float(i)] for i in range(5470)]}, 201),
        get(f"{C}/{{w}}/count", status=200),
    ),
    # -- upsert (6.6) -------------------------------------------------------------------------------
    case(
        "upsert-insert-and-merge",
        *seeded(),
        w(
            "upsert",
            {
                "ids": ["a", "n"],
                "embeddings": [[5.0, 5.0], [6.0, 6.0]],
                "documents": [None, "N"],
                "metadatas": [{"b": "added"}, {"x": 1, "gone": None}],
            },
            200,
        ),
        getall("w"),
    ),
    case(
        "upsert-null-key-deletes",
        *seeded(),
        w("upsert", {"ids": ["a"], "embeddings": [[1.0, 1.0]], "metadatas": [{"k": None}]}, 200),
        getall("w"),
    ),
    case(
        "upsert-replaces-document-and-uri",
        *seeded(),
        w(
            "upsert",
            {"ids": ["a", "b"], "embeddings": [[1.0, 1.0]] * 2, "documents": ["A2", None], "uris": ["ua", None]},
            200,
        ),
        getall("w"),
    ),
    case(
        "upsert-duplicates-applied-in-order",
        c(),
        w(
            "upsert",
            {
                "ids": ["x", "x"],
                "embeddings": [[1.0], [2.0]],
                "documents": ["first", "second"],
                "metadatas": [{"a": 1}, {"b": 2}],
            },
            200,
        ),
        getall("w"),
    ),
    case("upsert-missing-embeddings-422", *seeded(), w("upsert", {"ids": ["a"], "documents": ["x"]}, 422)),
    case("upsert-null-embedding-entry-422", *seeded(), w("upsert", {"ids": ["a"], "embeddings": [None]}, 422)),
    case("upsert-empty-batch", c(), w("upsert", {"ids": [], "embeddings": []}, 200)),
    case("upsert-fixes-dimension", c(), w("upsert", {"ids": ["x"], "embeddings": [[1.0, 2.0, 3.0]]}), dims()),
    case("upsert-dimension-mismatch-400", *seeded(), w("upsert", {"ids": ["a"], "embeddings": [[1.0]]}, 400)),
    case(
        "upsert-length-mismatch-400",
        *seeded(),
        w("upsert", {"ids": ["a", "b"], "embeddings": [[1.0, 1.0]] * 2, "metadatas": [None]}, 400),
        getall("w"),
    ),
    case(
        "upsert-empty-metadata-keeps",
        *seeded(),
        w("upsert", {"ids": ["a"], "embeddings": [[1.0, 1.0]], "metadatas": [{}]}),
        getall("w"),
    ),
    case(
        "upsert-chroma-document",
        *seeded(),
        w(
            "upsert",
            {
                "ids": ["a", "n"],
                "embeddings": [[1.0, 1.0]] * 2,
                "metadatas": [{"chroma:document": "s1"}, {"chroma:document": "s2"}],
            },
        ),
        getall("w"),
    ),
    case(
        "upsert-keeps-position",
        *seeded(),
        w("upsert", {"ids": ["a"], "embeddings": [[0.0, 0.0]]}),
        getall("w", ["documents"]),
    ),
    case(
        "upsert-missing-collection-404",
        post(f"{C}/{UNKNOWN_UUID}/upsert", {"ids": ["x"], "embeddings": [[1.0]]}, status=404),
    ),
    case("upsert-bad-uuid-400", post(f"{C}/nope/upsert", {"ids": ["x"], "embeddings": [[1.0]]}, status=400)),
    # -- update (6.7) -------------------------------------------------------------------------------
    case(
        "update-merge-rules",
        *seeded(),
        w("update", {"ids": ["a"], "metadatas": [{"s": None, "c": True}]}, 200),
        getall("w"),
    ),
    case("update-empty-metadata-unchanged", *seeded(), w("update", {"ids": ["a"], "metadatas": [{}]}), getall("w")),
    case(
        "update-null-metadata-entry-unchanged", *seeded(), w("update", {"ids": ["a"], "metadatas": [None]}), getall("w")
    ),
    case("update-ids-only-noop", *seeded(), w("update", {"ids": ["a"]}, 200), getall("w")),
    case(
        "update-all-null-columns",
        *seeded(),
        w("update", {"ids": ["a"], "embeddings": None, "documents": None, "uris": None, "metadatas": None}, 200),
        getall("w"),
    ),
    case(
        "update-null-entries-unchanged",
        *seeded(),
        w(
            "update",
            {
                "ids": ["a", "b"],
                "embeddings": [None, [8.0, 8.0]],
                "documents": ["A2", None],
                "uris": [None, "ub2"],
                "metadatas": [None, {"new": 1}],
            },
            200,
        ),
        getall("w"),
    ),
    case("update-missing-id-noop", *seeded(), w("update", {"ids": ["zz"], "documents": ["x"]}, 200), getall("w")),
    case(
        "update-missing-id-fixes-dimension",
        c(),
        w("update", {"ids": ["zz"], "embeddings": [[1.0, 2.0, 3.0, 4.0]]}, 200),
        dims(),
        w("add", {"ids": ["x"], "embeddings": [[1.0]]}, 400),
    ),
    case("update-dimension-mismatch-400", *seeded(), w("update", {"ids": ["a"], "embeddings": [[1.0]]}, 400)),
    case("update-length-mismatch-400", *seeded(), w("update", {"ids": ["a"], "documents": ["x", "y"]}, 400)),
    case("update-bad-key-400", *seeded(), w("update", {"ids": ["a"], "metadatas": [{"#k": 1}]}, 400), getall("w")),
    case("update-empty-vector-400", *seeded(), w("update", {"ids": ["a"], "embeddings": [[]]}, 400)),
    case("update-nan-400", *seeded(), w("update", {"ids": ["a"], "embeddings": [[1e39, 1.0]]}, 400)),
    case(
        "update-duplicates-in-order",
        *seeded(),
        w("update", {"ids": ["a", "a"], "metadatas": [{"p": 1}, {"q": 2}], "documents": ["one", "two"]}),
        getall("w"),
    ),
    case("update-empty-batch", c(), w("update", {"ids": []}, 200)),
    case("update-empty-id-400", *seeded(), w("update", {"ids": [""]}, 400)),
    case(
        "update-keeps-position", *seeded(), w("update", {"ids": ["a"], "documents": ["A3"]}), getall("w", ["documents"])
    ),
    case(
        "update-uri-only-record",
        c(),
        w("add", {"ids": ["x"], "embeddings": [[1.0]], "uris": ["u"], "metadatas": [{"a": 1}]}),
        w("update", {"ids": ["x"], "metadatas": [{"a": None}]}),
        getall("w"),
    ),
    case(
        "update-remove-last-key-null", *seeded(), w("update", {"ids": ["c"], "metadatas": [{"k": None}]}), getall("w")
    ),
    case(
        "update-chroma-document",
        *seeded(),
        w("update", {"ids": ["a"], "metadatas": [{"chroma:document": "via"}]}),
        getall("w"),
    ),
    case("update-embeddings-wrong-shape-422", *seeded(), w("update", {"ids": ["a"], "embeddings": [1.0]}, 422)),
    case("update-missing-ids-422", *seeded(), w("update", {"documents": ["x"]}, 422)),
    case("update-missing-collection-404", post(f"{C}/{UNKNOWN_UUID}/update", {"ids": ["x"]}, status=404)),
    case("update-bad-uuid-400", post(f"{C}/nope/update", {"ids": ["x"]}, status=400)),
]
