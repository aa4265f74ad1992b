"""Search engine units: the rank algebra (reference 2.5 worked examples), ordering, group_by, caps, parse errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mockserver.errors import InvalidArgument, Unimplemented, Unprocessable
from mockserver.store import RecordBatch, Store
from mockserver.store.profile import CLOUD, LOCAL, profile_named
from mockserver.store.search import parse_request
from mockserver.store.search.model import Knn, Nary, Val
from mockserver.store.search.rank import Domain, evaluate, merge, ranked, total_order_key

DB = "default_database"


def domain(scores: dict[int, float], default: float | None = None) -> Domain:
    rows = np.array(sorted(scores), dtype=np.int64)
    values = np.array([scores[r] for r in sorted(scores)], dtype=np.float32)
    return Domain(rows, values, None if default is None else np.float32(default))


def as_dict(d: Domain) -> dict[int, float]:
    return {int(r): float(s) for r, s in zip(d.rows, d.scores, strict=True)}


def test_sum_of_default_less_leaves_is_the_intersection() -> None:
    a, b = Knn((0.0,)), Knn((1.0,))
    out = evaluate(Nary("$sum", (a, b)), {id(a): domain({1: 0.8, 2: 0.6}), id(b): domain({1: 0.4, 3: 0.2})})
    assert as_dict(out) == {1: pytest.approx(1.2)} and out.default is None


def test_weighted_sum_with_defaults_is_the_union() -> None:
    a, b = Knn((0.0,), default=0.0), Knn((1.0,), default=0.0)
    rank = Nary("$sum", (Nary("$mul", (a, Val(0.7))), Nary("$mul", (b, Val(0.3)))))
    out = evaluate(rank, {id(a): domain({1: 1.0, 2: 0.5}, 0.0), id(b): domain({1: 0.2, 3: 0.8}, 0.0)})
    assert as_dict(out) == {1: pytest.approx(0.76), 2: pytest.approx(0.35), 3: pytest.approx(0.24)}
    assert [int(r) for r in ranked(out)[0]] == [3, 2, 1]


def test_merge_table() -> None:
    left, right = domain({1: 1.0, 2: 2.0}, 5.0), domain({2: 10.0, 3: 20.0})
    assert as_dict(merge("$sum", left, right)) == {2: 12.0, 3: 25.0}  # right has no default: its support
    assert as_dict(merge("$sum", right, left)) == {2: 12.0, 3: 25.0}
    both = merge("$sub", domain({1: 1.0}, 0.0), domain({2: 2.0}, 1.0))
    assert as_dict(both) == {1: 0.0, 2: -2.0} and both.default == -1.0


def test_constants_alone_return_no_records_and_float32_arithmetic() -> None:
    assert len(evaluate(Val(1.0), {}).rows) == 0 and len(evaluate(Nary("$sum", ()), {}).rows) == 0
    knn = Knn((0.0,))
    out = evaluate(Nary("$sum", (knn, Val(0.1))), {id(knn): domain({0: 0.2})})
    assert out.scores.dtype == np.float32 and out.scores[0] == np.float32(0.2) + np.float32(0.1)


def test_max_min_ignore_nan_and_total_order() -> None:
    values = np.array([np.nan, 1.0, -np.inf, np.inf, -np.nan, 0.0, -0.0], dtype=np.float32)
    order = np.argsort(total_order_key(values), kind="stable").tolist()
    assert order == [4, 2, 6, 5, 1, 3, 0]
    nan = domain({0: float("nan")})
    assert as_dict(merge("$max", nan, domain({0: 2.0}))) == {0: 2.0}


@pytest.fixture
def store() -> Store:
    s = Store(profile_named("cloud", result_cap=3))
    c = s.create_collection("default_tenant", DB, "ccc")
    s.add(DB, c.id, RecordBatch(
        ids=["a", "b", "c", "d", "e"],
        embeddings=[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [2.0, 0.0]],
        documents=None, uris=None,
        metadatas=[{"g": 1, "p": 3}, {"g": 1, "p": 5}, {"g": 1.0}, {"g": "x", "p": 1}, None],
    ))  # fmt: skip
    return s


def search(store: Store, *payloads: dict[str, Any]) -> dict[str, Any]:
    (collection,) = store.collections.by_id.values()
    return store.search(DB, collection.id, parse_request({"searches": list(payloads)}))


def test_ties_in_insertion_order_and_cap(store: Store) -> None:
    found = search(store, {"rank": {"$knn": {"query": [1, 0]}}, "select": {"keys": ["#score"]}})
    assert found["ids"] == [["a", "b", "d"]]  # three tied at 0.0 in insertion order; capped at 3
    assert search(store, {"limit": {"limit": 10}})["ids"] == [["a", "b", "c"]]
    assert search(store, {"limit": {"offset": 4}})["ids"] == [["e"]]


def test_non_finite_scores_are_null(store: Store) -> None:
    found = search(store, {"rank": {"$log": {"$sub": {"left": {"$knn": {"query": [1, 0]}}, "right": {"$val": 1}}}},
                           "select": {"keys": ["#score"]}})  # fmt: skip
    assert found["scores"][0][:1] == [None]  # ln(-1) = NaN or ln(0 - 1) ... all non-finite here


def test_group_by_types_apart_and_max_k(store: Store) -> None:
    payload = {
        "rank": {"$knn": {"query": [1, 0], "limit": 10}},
        "group_by": {"keys": ["g"], "aggregate": {"$max_k": {"keys": ["p"], "k": 1}}},
        "select": {"keys": ["p"]},
    }
    found = search(store, payload)
    # groups: g=1 (a, b: p 5 wins), g="x" (d), g=null (e), g=1.0 (c): b, d, c by score then row... capped to 3
    assert found["ids"] == [["b", "d", "e"]]


def test_local_profile_validates_then_refuses() -> None:
    s = Store(LOCAL)
    c = s.create_collection("default_tenant", DB, "ccc")
    with pytest.raises(Unimplemented, match="not implemented for local executor"):
        s.search(DB, c.id, parse_request({"searches": [{"filter": None, "rank": None}]}))
    with pytest.raises(InvalidArgument, match="group_by requires rank"):
        s.search(DB, c.id, parse_request({"searches": [{"group_by": {"keys": ["g"], "aggregate": {"$min_k": {"keys": ["#score"], "k": 1}}}}]}))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"searches": [{"rank": {"$foo": 1}}]}, "searches[0].rank: unknown variant `$foo`"),
        ({"searches": [{"rank": {"$knn": {}}}]}, "searches[0].rank.$knn: missing field `query`"),
        ({"searches": [{"limit": {"limit": -1}}]}, "searches[0].limit.limit: invalid value: integer `-1`, expected u32"),
        ({"searches": [{"select": None}]}, "searches[0].select: invalid type: null, expected struct Select"),
        ({"searches": [{"rank": {"$sum": [{"$knn": {"query": "x"}}]}}]}, "untagged enum QueryVector"),
    ],
)
def test_parse_errors_are_serde_422s(body: dict[str, Any], message: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        parse_request(body)
    assert message in caught.value.message


def test_empty_collection_without_dimension_returns_nothing() -> None:
    s = Store(CLOUD)
    c = s.create_collection("default_tenant", DB, "ccc")
    found = s.search(DB, c.id, parse_request({"searches": [{"rank": {"$knn": {"query": [1]}}}, {}]}))
    assert found["ids"] == [[], []]
