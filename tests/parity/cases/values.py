"""Cases: embedding encodings and metadata values of record writes (reference 6.2, 6.3)."""

from __future__ import annotations

import base64

from ..harness import case, getall, records
from .writes import b64, c, dims, meta_case, seeded, w

CASES = [
    # -- base64 embeddings (6.3) --------------------------------------------------------------------
    case(
        "b64-add", c(), w("add", {"ids": ["x", "y"], "embeddings": [b64(0.5, -1.25), b64(1.0, 2.0)]}, 201), getall("w")
    ),
    case("b64-invalid-400", c(), w("add", {"ids": ["x"], "embeddings": ["!!!!"]}, 400), dims()),
    case("b64-no-padding", c(), w("add", {"ids": ["x"], "embeddings": ["AAAAPw"]})),
    case("b64-urlsafe-alphabet", c(), w("add", {"ids": ["x"], "embeddings": ["AAAA-_-_"]})),
    case("b64-byte-length-400", c(), w("add", {"ids": ["x"], "embeddings": [base64.b64encode(b"abc").decode()]}, 400)),
    case("b64-nan-400", c(), w("add", {"ids": ["x"], "embeddings": [b64(1.0, float("nan"))]}, 400)),
    # the batch's own dimensions are compared before the collection's
    *(
        case(f"dimension-{op}-{name}-400", c(), w("add", {"ids": ["a"], "embeddings": [[1.0, 2.0, 3.0]]}, 201),
             records("w", op, {"ids": ["b", "c"], "embeddings": vectors}, 400, message=True))
        for op in ("add", "upsert", "update")
        for name, vectors in (("short-then-right", [[1, 2], [1, 2, 3]]), ("both-short", [[1, 2], [1, 2]]), ("short-then-long", [[1, 2], [1, 2, 3, 4]]))
    ),
    # add and upsert check the whole batch for an empty vector first; update checks each vector in turn
    *(
        case(
            f"embeddings-{op}-{name}-400",
            c(),
            records("w", op, {"ids": ["x", "y"], "embeddings": vectors}, 400, message=True),
        )
        for op in ("add", "upsert", "update")
        for name, vectors in (("overflow-then-empty", [[1e39], []]), ("empty-then-overflow", [[], [1e39]]))
    ),
    case("b64-inf-400", c(), w("add", {"ids": ["x"], "embeddings": [b64(float("inf"))]}, 400)),
    case("b64-empty-string-400", c(), w("add", {"ids": ["x"], "embeddings": [""]}, 400), dims()),
    case("b64-mixed-with-floats-422", c(), w("add", {"ids": ["x", "y"], "embeddings": [b64(1.0), [1.0]]}, 422)),
    case(
        "b64-dimension",
        c(),
        w("add", {"ids": ["x"], "embeddings": [b64(1.0, 2.0, 3.0)]}),
        dims(),
        w("add", {"ids": ["y"], "embeddings": [[1.0, 2.0]]}, 400),
    ),
    case(
        "b64-upsert",
        *seeded(),
        w("upsert", {"ids": ["a", "n"], "embeddings": [b64(5.0, 6.0), b64(7.0, 8.0)]}, 200),
        getall("w"),
    ),
    case(
        "b64-update-with-null",
        *seeded(),
        w("update", {"ids": ["a", "b"], "embeddings": [None, b64(5.5, 6.5)]}, 200),
        getall("w"),
    ),
    case("b64-whitespace", c(), w("add", {"ids": ["x"], "embeddings": [" " + b64(1.0)]})),
    # -- metadata values (6.2) ----------------------------------------------------------------------
    meta_case("meta-scalars-add", "add", {"b": True, "i": 2, "f": 2.0, "s": "", "u": "ü", "neg": -7, "z": 0.5}),
    meta_case(
        "meta-int-above-i64-add",
        "add",
        {"big": 9223372036854775808, "max": 9223372036854775807, "min": -9223372036854775808},
    ),
    meta_case("meta-int-below-i64-add", "add", {"small": -9223372036854775809}),
    meta_case("meta-arrays-add", "add", {"ai": [1, 2, 3], "as": ["x", "y"], "ab": [True, False], "af": [1.5, 2.5]}),
    meta_case("meta-mixed-number-arrays-add", "add", {"m1": [1.5, 2], "m2": [1, 2.5]}),
    meta_case("meta-array-big-int-add", "add", {"m": [1, 9223372036854775808]}),
    meta_case("meta-empty-array-add", "add", {"e": [], "k": 1}),
    meta_case("meta-only-empty-array-add", "add", {"e": []}),
    meta_case("meta-mixed-array-422", "add", {"m": [1, "x"]}, 422),
    meta_case("meta-bool-int-array-422", "add", {"m": [True, 1]}, 422),
    meta_case("meta-nested-array-422", "add", {"m": [[1]]}, 422),
    meta_case("meta-null-in-array-422", "add", {"m": [None]}, 422),
    meta_case("meta-object-422", "add", {"m": {"b": 1}}, 422),
    meta_case("meta-null-add-422", "add", {"m": None}, 422),
    meta_case("meta-empty-key-400", "add", {"": 1}, 400),
    meta_case("meta-hash-key-400", "add", {"#x": 1}, 400),
    meta_case("meta-dollar-key-400", "add", {"$x": 1}, 400),
    meta_case("meta-sparse-501", "add", {"sv": {"indices": [0, 2], "values": [1.0, 2.0]}}, 501),
    meta_case("meta-sparse-typed-501", "add", {"sv": {"#type": "sparse_vector", "indices": [1], "values": [0.5]}}, 501),
    meta_case("meta-sparse-dup-indices-400", "add", {"sv": {"indices": [1, 1], "values": [0.5, 0.5]}}, 400),
    meta_case("meta-sparse-length-mismatch-400", "add", {"sv": {"indices": [1, 2], "values": [0.5]}}, 400),
    meta_case("meta-sparse-unsorted-400", "add", {"sv": {"indices": [2, 1], "values": [0.5, 0.5]}}, 400),
    meta_case("meta-sparse-empty-501", "add", {"sv": {"indices": [], "values": []}}, 501),
    meta_case("meta-sparse-int-values-501", "add", {"sv": {"indices": [0], "values": [1]}}, 501),
    meta_case("meta-sparse-negative-index-422", "add", {"sv": {"indices": [-1], "values": [1.0]}}, 422),
    meta_case("meta-sparse-index-over-u32-422", "add", {"sv": {"indices": [4294967296], "values": [1.0]}}, 422),
    meta_case("meta-sparse-missing-values-422", "add", {"sv": {"indices": [0]}}, 422),
    meta_case(
        "meta-sparse-other-type-tag-422", "add", {"sv": {"#type": "other", "indices": [0], "values": [1.0]}}, 422
    ),
    meta_case("meta-sparse-extra-field-501", "add", {"sv": {"indices": [0], "values": [1.0], "extra": 1}}, 501),
    meta_case(
        "meta-sparse-tokens-501", "add", {"sv": {"indices": [0, 1], "values": [1.0, 2.0], "tokens": ["a", "b"]}}, 501
    ),
    meta_case(
        "meta-sparse-tokens-length-400", "add", {"sv": {"indices": [0, 1], "values": [1.0, 2.0], "tokens": ["a"]}}, 400
    ),
    meta_case("meta-sparse-upsert-501", "upsert", {"sv": {"indices": [0], "values": [1.0]}}, 501),
    meta_case("meta-sparse-update-501", "update", {"sv": {"indices": [0], "values": [1.0]}}, 501),
    meta_case("meta-null-upsert-existing", "upsert", {"k": None, "t": 1}),
    meta_case("meta-arrays-update", "update", {"k": [1, 2], "s": []}),
    meta_case("meta-mixed-array-update-422", "update", {"m": ["x", 1]}, 422),
    meta_case("meta-int-above-i64-update", "update", {"k": 18446744073709551616}),
    meta_case("meta-float-exponent-update", "update", {"k": 1e300, "s": -1e-300}),
    case(
        "meta-sparse-after-length-error",
        *seeded(),
        w(
            "add",
            {"ids": ["n", "m"], "embeddings": [[1.0, 1.0]], "metadatas": [{"sv": {"indices": [0], "values": [1.0]}}]},
            400,
        ),
    ),
    case(
        "meta-bad-key-index",
        *seeded(),
        w("add", {"ids": ["n", "m"], "embeddings": [[1.0, 1.0]] * 2, "metadatas": [{"ok": 1}, {"$bad": 1}]}, 400),
    ),
    case(
        "meta-bad-key-before-dimension",
        *seeded(),
        w("add", {"ids": ["n"], "embeddings": [[1.0]], "metadatas": [{"#bad": 1}]}, 400),
    ),
    case(
        "meta-nan-embedding-before-bad-key",
        c(),
        w("add", {"ids": ["n"], "embeddings": [[1e39]], "metadatas": [{"#bad": 1}]}, 400),
        dims(),
    ),
]
