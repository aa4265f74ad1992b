"""Cases: `POST .../search` request checks (reference cloud 2.11): everything `chroma run` validates before its 501.

The same cases run against the cloud profile in `tests/parity/test_search_cloud.py`: every case
whose last step is an error must give the same status and error type there (501s excepted).
"""

from __future__ import annotations

from typing import Any

from ..harness import C, Step, case, coll, post, records
from .reads import UNKNOWN_UUID, r, seeded

KNN = {"$knn": {"query": [1.0, 0.5]}}
SPARSE = {"$knn": {"query": {"indices": [1, 2], "values": [1.0, 2.0]}, "key": "sp"}}
AGG = {"$min_k": {"keys": ["#score"], "k": 1}}


def s(*payloads: Any, status: int | None = None, **extra: Any) -> Step:
    return r("search", {"searches": list(payloads), **extra}, status)


CASES = [
    case("search-python-defaults-501", *seeded(), s({"filter": None, "rank": None, "group_by": {}, "limit": {"offset": 0}, "select": {"keys": []}}, status=501, read_level="index_and_wal")),
    case("search-js-defaults-501", *seeded(), s({"limit": {"offset": 0, "limit": 3}, "select": {"keys": ["#id"]}}, status=501)),
    case("search-full-501", *seeded(), s({"filter": {"k": {"$gte": 1}}, "rank": {"$sum": [KNN, {"$val": 1}]}, "group_by": {"keys": ["k"], "aggregate": AGG}, "limit": {"offset": 1, "limit": 2}, "select": {"keys": ["#score", "#document", "k"]}}, status=501)),
    case("search-rank-tree-501", *seeded(), s({"rank": {"$mul": [{"$val": -1}, {"$div": {"left": {"$val": 1}, "right": {"$sum": [{"$val": 60}, {"$knn": {"query": [1, 2], "return_rank": True, "limit": 3, "default": 1000}}]}}}]}}, {"rank": {"$abs": {"$exp": {"$log": {"$sub": {"left": KNN, "right": {"$val": 0.5}}}}}}}, {"rank": {"$max": [KNN, {"$min": []}]}}, status=501)),
    case("search-id-filter-501", *seeded(), s({"filter": {"$or": [{"#id": {"$in": ["a"]}}, {"#id": "b"}, {"#document": {"$contains": "A"}}]}}, status=501)),
    case("search-id-gt-501", *seeded(), s({"filter": {"#id": {"$gt": 1}}}, status=501)),
    case("search-dense-other-key-501", *seeded(), s({"rank": {"$knn": {"query": [1, 2], "key": "foo"}}}, status=501)),
    case("search-limit-zero-501", *seeded(), s({"limit": {"limit": 0}, "rank": {"$knn": {"query": [1, 2], "limit": 0}}}, status=501)),
    case("search-unknown-fields-501", *seeded(), s({"bogus": 1, "rank": {"$knn": {"query": [1, 2], "extra": True}}}, status=501)),
    case("search-knn-missing-query-422", *seeded(), s({"rank": {"$knn": {}}}, status=422)),
    case("search-knn-bad-query-422", *seeded(), s({"rank": {"$knn": {"query": "text"}}}, status=422)),
    case("search-knn-dense-type-422", *seeded(), s({"rank": {"$knn": {"query": {"#type": "dense", "indices": [1], "values": [1]}}}}, status=422)),
    case("search-knn-negative-limit-422", *seeded(), s({"rank": {"$knn": {"query": [1, 2], "limit": -1}}}, status=422)),
    case("search-knn-bool-default-422", *seeded(), s({"rank": {"$knn": {"query": [1, 2], "default": True}}}, status=422)),
    case("search-unknown-rank-op-422", *seeded(), s({"rank": {"$rrf": [KNN]}}, status=422)),
    case("search-rank-two-keys-400", *seeded(), s({"rank": {"$knn": {"query": [1]}, "$val": 1}}, status=400)),
    # serde reads an externally tagged enum by its first key, then the variant's content, then fails on a second key
    case("search-rank-unknown-first-key-422", *seeded(), s({"rank": {"zz": 1, "$val": 1}}, status=422)),
    case("search-rank-bad-content-before-second-key-422", *seeded(), s({"rank": {"$val": "x", "zz": 1}}, status=422)),
    case("search-rank-knn-missing-query-before-second-key-422", *seeded(), s({"rank": {"$knn": {"queryx": [1.0]}, "b": 1}}, status=422)),
    case("search-nested-unknown-first-key-422", *seeded(), s({"rank": {"$sum": [{"$val": 1}, {"q": 1, "$val": 2}]}}, status=422)),
    case("search-rank-number-400", *seeded(), s({"rank": 1}, status=400)),
    case("search-rank-array-400", *seeded(), s({"rank": [1]}, status=400)),
    case("search-rank-bool-400", *seeded(), s({"rank": True}, status=400)),
    case("search-rank-unknown-string-422", *seeded(), s({"rank": "abc"}, status=422)),
    case("search-rank-struct-variant-string-422", *seeded(), s({"rank": "$knn"}, status=422)),
    case("search-rank-newtype-variant-string-422", *seeded(), s({"rank": "$val"}, status=422)),
    case("search-aggregate-unknown-first-key-422", *seeded(), s({"group_by": {"aggregate": {"zz": AGG["$min_k"], "x": 1}}}, status=422)),
    case("search-aggregate-number-400", *seeded(), s({"group_by": {"aggregate": 1}}, status=400)),
    # serde's 400s say where it stopped: the value, the `}` of `{}`, or the end of the variant before a second key
    *(
        case(f"search-syntax-where-{n}-400", *seeded(), records("r", "search", body, 400, message=True))
        for n, body in enumerate([
            {"searches": [{"rank": 1}]},
            {"searches": [{"rank": {}}]},
            {"searches": [{"rank": {"$val": 1, "zz": 1}}]},
            {"searches": [{"rank": {"$sum": [{"$val": 1}, {}]}}]},
            {"searches": [{"rank": {"$sub": {"left": 1}}}]},
            {"searches": [{"rank": KNN}, {"group_by": {"aggregate": {"$min_k": {"keys": ["a"], "k": 1}, "x": 1}}}]},
            {"searches": [{"rank": {"$abs": {"$knn": {"query": [1.0]}, "b": {"c": [1, 2]}}}}]},
        ])
    ),
    # fields are read in document order: the first bad one decides between 400 and 422
    case("search-rank-before-filter-400", *seeded(), s({"rank": {}, "filter": {"a": []}}, status=400)),
    case("search-filter-before-rank-422", *seeded(), s({"filter": {"a": []}, "rank": {}}, status=422)),
    case("search-limit-before-rank-422", *seeded(), s({"limit": {"limit": "x"}, "rank": {}}, status=422)),
    case("search-rank-before-limit-400", *seeded(), s({"rank": {}, "limit": {"limit": "x"}}, status=400)),
    case("search-second-payload-422", *seeded(), s({"rank": KNN}, {"rank": {"zz": 1}}, status=422)),
    case("search-nested-unknown-op-422", *seeded(), s({"rank": {"$sum": [KNN, {"$pow": 2}]}}, status=422)),
    case("search-sub-missing-right-422", *seeded(), s({"rank": {"$sub": {"left": KNN}}}, status=422)),
    case("search-val-string-422", *seeded(), s({"rank": {"$val": "1"}}, status=422)),
    case("search-bad-where-422", *seeded(), s({"filter": {"a": {"$bad": 1}}}, status=422)),
    case("search-bad-regex-422", *seeded(), s({"filter": {"#document": {"$regex": "("}}}, status=422)),
    case("search-group-by-null-422", *seeded(), s({"group_by": None}, status=422)),
    case("search-limit-null-422", *seeded(), s({"limit": None}, status=422)),
    case("search-select-null-422", *seeded(), s({"select": None}, status=422)),
    case("search-offset-negative-422", *seeded(), s({"limit": {"offset": -1}}, status=422)),
    case("search-aggregate-unknown-422", *seeded(), s({"group_by": {"keys": ["k"], "aggregate": {"$top_k": {"keys": ["#score"], "k": 1}}}}, status=422)),
    case("search-read-level-bogus-422", *seeded(), s(status=422, read_level="bogus")),
    case("search-group-by-keys-only-400", *seeded(), s({"group_by": {"keys": ["k"]}}, status=400)),
    case("search-group-by-aggregate-only-400", *seeded(), s({"rank": KNN, "group_by": {"aggregate": AGG}}, status=400)),
    case("search-group-by-score-key-400", *seeded(), s({"rank": KNN, "group_by": {"keys": ["#score"], "aggregate": AGG}}, status=400)),
    case("search-aggregate-keys-empty-400", *seeded(), s({"rank": KNN, "group_by": {"keys": ["k"], "aggregate": {"$max_k": {"keys": [], "k": 1}}}}, status=400)),
    case("search-aggregate-k-zero-400", *seeded(), s({"rank": KNN, "group_by": {"keys": ["k"], "aggregate": {"$max_k": {"keys": ["k"], "k": 0}}}}, status=400)),
    case("search-aggregate-document-400", *seeded(), s({"rank": KNN, "group_by": {"keys": ["k"], "aggregate": {"$max_k": {"keys": ["#document"], "k": 1}}}}, status=400)),
    case("search-group-by-without-rank-400", *seeded(), s({"group_by": {"keys": ["k"], "aggregate": AGG}}, status=400)),
    case("search-sparse-unsorted-400", *seeded(), s({"rank": {"$knn": {"query": {"indices": [2, 1], "values": [1, 2]}}}}, status=400)),
    case("search-sparse-lengths-400", *seeded(), s({"rank": {"$knn": {"query": {"indices": [1, 2], "values": [1]}}}}, status=400)),
    case("search-sparse-tokens-400", *seeded(), s({"rank": {"$knn": {"query": {"indices": [1], "values": [1], "tokens": ["a", "b"]}}}}, status=400)),
    case("search-sparse-not-indexed-400", *seeded(), s({"rank": SPARSE}, status=400)),
    case("search-sparse-embedding-key-400", *seeded(), s({"rank": {"$knn": {"query": {"indices": [1], "values": [1.0]}}}}, status=400)),
    case("search-document-eq-400", *seeded(), s({"filter": {"#document": "A"}}, status=400)),
    case("search-two-payload-errors-400", *seeded(), s({"group_by": {"keys": ["k"]}}, {"group_by": {"keys": ["k"], "aggregate": AGG}}, status=400)),
    case("search-missing-collection-validation-404", post(f"{C}/{UNKNOWN_UUID}/search", {"searches": [{"group_by": {"keys": ["k"]}}]}, status=404)),
    case("search-bad-db-400", post("/api/v2/tenants/default_tenant/databases/ab/collections/nope/search", {"searches": []}, status=400)),
    case("search-parse-before-404-422", post(f"{C}/{UNKNOWN_UUID}/search", {"searches": [{"rank": {"$foo": 1}}]}, status=422)),
    case("search-fts-off-400", coll("f_coll", save="f", schema={"defaults": {}, "keys": {"#document": {"string": {"fts_index": {"enabled": False, "config": {}}}}}}), post(f"{C}/{{f}}/search", {"searches": [{"filter": {"#document": {"$contains": "x"}}}]}, status=400)),
    # a sparse index's source_key (the schema validator runs before the local "sparse not enabled" refusal)
    case("schema-sparse-source-key-400", post(C, {"name": "s_coll", "schema": {"defaults": {}, "keys": {"sp": {"sparse_vector": {"sparse_vector_index": {"enabled": True, "config": {"source_key": "#embedding", "embedding_function": {"type": "unknown"}}}}}}}}, status=400)),
]  # fmt: skip

# serde's exact words and position for malformed search bodies: objects and arrays (serde's derive
# also reads a struct from an array), enums as strings, maps and other values, checked word for word
SEARCH_MESSAGE_BODIES = [
    '{"searches":[{"select":[]}]}',
    '{"searches":[{"select":[["#id"]]}]}',
    '{"searches":[{"select":[["#id"],1]}]}',
    '{"searches":[{"select":[1]}]}',
    '{"searches":[{"limit":[]}]}',
    '{"searches":[{"limit":[1,2]}]}',
    '{"searches":[{"limit":[1,2,3]}]}',
    '{"searches":[{"limit":["x"]}]}',
    '{"searches":[{"group_by":[]}]}',
    '{"searches":[{"group_by":[["a"]]}]}',
    '{"searches":[{"rank":{"$knn":[[1.0]]}}]}',
    '{"searches":[{"rank":{"$knn":[]}}]}',
    '{"searches":[{"rank":{"$knn":[[1.0],"k",3,1.0,true,5]}}]}',
    '{"searches":[{"rank":{"$sub":[{"$val":1},{"$val":2}]}}]}',
    '{"searches":[{"rank":{"$sub":[{"$val":1},{"$val":2},3]}}]}',
    '{"searches":[{"rank":{"$div":[{"$val":1}]}}]}',
    '{"searches":[{"group_by":{"keys":["a"],"aggregate":{"$min_k":[]}}}]}',
    '{"searches":[{"filter":[]}]}',
    '{"searches":[[1]]}',
    '{"searches":[[null,1]]}',
    '{"searches":[[null,null,1]]}',
    '{"searches":[[null,null,null,1]]}',
    '{"searches":[[{},{},{},{},{}]]}',
    '{"searches":[[]]}',
    '{"searches":[{"limit":[1,"x"]}]}',
    '{"searches":[{"group_by":[1]}]}',
    '{"searches":[{"group_by":[[],1]}]}',
    '{"searches":[{"rank":{"$knn":[[1.0],1]}}]}',
    '{"searches":[{"rank":{"$knn":[[1.0],"k","x"]}}]}',
    '{"searches":[{"rank":{"$knn":[[1.0],"k",3,"x"]}}]}',
    '{"searches":[{"rank":{"$knn":[[1.0],"k",3,null,1]}}]}',
    '{"searches":[{"group_by":{"keys":["a"],"aggregate":{"$max_k":[["#score"]]}}}]}',
    '{"searches":[{"group_by":{"keys":["a"],"aggregate":{"$max_k":[["#score"],1,2]}}}]}',
    '{"searches":[{"rank":{"$knn":5}}]}',
    '{"searches":[{"rank":{"$sub":5}}]}',
    '{"searches":[{"rank":{"$div":"x"}}]}',
    '{"searches":[{"group_by":{"keys":["a"],"aggregate":{"$min_k":5}}}]}',
    '{"searches":[{"group_by":5}]}',
    '{"searches":[{"limit":"x"}]}',
    '{"searches":[{"select":5}]}',
    '{"searches":[{"rank":{"$knn":{}}}]}',
    '{"searches":[{"rank":{"$sub":{}}}]}',
    '{"searches":[{"group_by":{"keys":["a"],"aggregate":{"$min_k":{}}}}]}',
    '{"searches":[{"rank":"abc"}]}',
    '{"searches":[{"rank":"$knn"}]}',
    '{"searches":[{"rank":"$val"}]}',
    '{"searches":[{"rank": "$val" }]}',
    '{"searches":[{"rank":{"zz":1,"$val":1}}]}',
    '{"searches":[{"rank":{ "zz" : 1}}]}',
    '{"searches":[{"rank":{"$val":"x","zz":1}}]}',
    '{"searches":[{"filter":1}]}',
    '{"searches":[{"filter":"x"}]}',
    '{"searches":[{"filter":[1]}]}',
    '{"searches":[{"filter":{"a":[]}}]}',
    '{"searches":[{"filter":{"a":{"$eq":[1]}}} ]}',
    '{"searches":[{"rank":{"$knn":{"queryx":[1.0]}}}]}',
    '{"searches":[{"rank":{"$knn":{"queryx":[1.0]} }}]}',
    '{"searches":[{"rank":{"$knn":{"query":[1.0],"key":3}}}]}',
    '{"searches":[{"rank":{"$knn":{"query":"x"}}}]}',
    '{"searches":[{"rank":{"$knn":{"query":{"a":1}}}}]}',
    '{"searches":[{"rank":{"$knn":{"query":[1.0],"limit":-1}}}]}',
    '{"searches":[{"rank":{"$knn":{"query":[1.0],"limit":{}}}}]}',
    '{"searches":[{"rank":{"$knn":{"query":[1.0],"return_rank":1}}}]}',
    '{"searches":[{"rank":{"$sum":1}}]}',
    '{"searches":[{"rank":{"$sum":{}}}]}',
    '{"searches":[{"rank":{"$sub":{"left":{"$val":1}}}}]}',
    '{"searches":[{"rank":{"$sub":[]}}]}',
    '{"searches":[{"group_by":{"aggregate":{"zz":{}}}}]}',
    '{"searches":[{"group_by":{"keys":5}}]}',
    '{"searches":[{"group_by":{"keys":[5]}}]}',
    '{"searches":[{"group_by":{"aggregate":{"$min_k":{"keys":["a"]}}}}]}',
    '{"searches":[{"limit":{"limit":"x"}}]}',
    '{"searches":[{"limit":{"offset":1.5}}]}',
    '{"searches":[{"limit":5}]}',
    '{"searches":[{"select":{"keys":[1]}}]}',
    '{"searches":[{"select":[]}]}',
    '{"searches":[5]}',
    '{"searches":5}',
    '{"searches":{}}',
    '{"searches":[],"read_level":"zz"}',
    '{"searches":[],"read_level":{"zz":null}}',
    '{"searches":[],"read_level":{"index_only":5}}',
    '{"searches":[],"read_level":{"index_only":{}}}',
    '{"searches":[{"rank":{"$val":1e999}}]}',
    '{"searches":[{"rank":{"$val":true}}]}',
    '{"searches":[{"rank":{"$val":[1]}}]}',
]
CASES += [
    case(
        f"search-serde-message-{n}",
        *seeded(),
        records("r", "search", raw=body.encode(), headers={"content-type": "application/json"}, message=True),
    )
    for n, body in enumerate(SEARCH_MESSAGE_BODIES)
]
