"""Parity: hypothesis-generated `query` requests (vectors, n_results, where, where_document, ids), mock vs real.

The same 56 records (see `filter_data`) live in one collection per space (l2, cosine, ip) on
both servers, loaded once for the module; nothing writes afterwards.

How results are compared, per query vector (`compare_ranked`):
1. Same status and error type; on 200 the same `include`, the same fields set / null, one inner
   list per query vector, and the same number of results in each.
2. Distances position by position: both null, or both numbers with
   |real - mock| <= ATOL * (1 + scale) + RTOL * max(|real|, |mock|), RTOL = ATOL = 1e-5. `scale` is
   0 except for `ip`, where it is max_x sum_i |q_i x_i|: a float32 dot product is only accurate to
   a few ulps of its largest term, so 1 - q.x near 0 with big q is only that accurate (float32 sums
   in another order, by numpy and by hnswlib's SIMD code, differ by that much).
3. Ids by tie group: positions k and k+1 are in the same group when the two distances at k and
   k+1 are "close" (as above) on either server, or both null. Within a group the order is free (the
   server's order of ties is undefined, and a 1-ulp difference may swap near-ties), so each group
   is compared as a set, at the same positions on both sides. The last group is different when
   the list was cut by `n_results` (its length equals n_results): the tied group may go on past
   the cut, and the two servers may keep different members of it (HNSW picks any). There the
   mock's members that the real server did not return must each be in the real server's full
   ranking (the same query with n_results = all records) with a distance close to the group's.
   Null distances (a non-finite query, or float32 overflow) are one tie class: all-null results
   must only name records that the real server's full ranking also names.
4. Returned documents / metadatas / uris of every id equal the real server's stored record
   (fetched once per collection with `get`); so do the real server's embeddings, and the mock's
   within 1e-6 relative: a cosine collection on the real server returns every embedding through a
   lossy normalise / de-normalise round trip (x * (1 / (|x| + 1e-30)) * |x| in float32), which
   the mock does not copy; `test_stored_embeddings_parity` checks that exactly.

The real server uses HNSW (approximate), but with 56 records and ef_search 100 it is exact in
practice: no recall miss was seen in ~6,000 random examples, so none is tolerated here. (Where
every distance is null, its order is HNSW's traversal order, not storage order; that is a tie.)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .filter_data import EMBEDDINGS, IDS, MAX_EXAMPLES, N_RECORDS, SETTINGS, SPACES, Loaded, error_of, load, post_both
from .filter_strategies import where_documents, wheres
from .harness import Servers

RTOL = ATOL = 1e-5
FIELDS = ("documents", "metadatas", "embeddings", "uris")


@pytest.fixture(scope="module")
def loaded(parity_servers: Servers) -> Iterator[Loaded]:
    """The fixture collections on both servers, created once for this module."""
    yield load(parity_servers)
    parity_servers.dirty = True


Stored = dict[str, dict[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def stored(loaded: Loaded) -> Stored:
    """space -> id -> every field of the record as the real server's `get` returns it."""
    out: Stored = {}
    for space in SPACES:
        real, _ = post_both(loaded, space, "get", {"include": list(FIELDS)})
        assert real.status_code == 200, real.text
        body = real.json()
        assert body["ids"] == IDS
        out[space] = {rid: {f: body[f][k] for f in FIELDS} for k, rid in enumerate(body["ids"])}
    return out


# strategies ------------------------------------------------------------------------------------------
def _f32(bound: float) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, width=32, allow_nan=False, allow_infinity=False)


STORED = EMBEDDINGS.tolist()
vectors = st.one_of(
    st.just([0.0, 0.0, 0.0, 0.0]),  # zero vector
    st.lists(st.integers(-3, 3).map(float), min_size=4, max_size=4),  # on the integer grid: exact ties
    st.builds(lambda e, k: [k * v for v in e], st.sampled_from(STORED), st.sampled_from([1.0, 2.0, -1.0, 0.5])),
    st.lists(_f32(4), min_size=4, max_size=4),
    st.lists(_f32(1000), min_size=4, max_size=4),
    st.lists(st.sampled_from([0.0, 1.0, 1e-30, -1e-30, 1e-20, -3e-21, 1e-38, 1e-45]), min_size=4, max_size=4),
)
includes = st.lists(st.sampled_from(FIELDS), unique=True, max_size=2).map(lambda extra: ["distances", *extra])
id_lists = st.one_of(
    st.lists(st.sampled_from(IDS), max_size=12),  # existing ids (duplicates allowed)
    st.builds(
        lambda known, at: [*known[:at], "nope", *known[at:]],
        st.lists(st.sampled_from(IDS), max_size=3),
        st.integers(0, 3),
    ),  # an unknown id: 500 unless there is a filter
)


@st.composite
def query_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    space = draw(st.sampled_from(SPACES))
    body: dict[str, Any] = {
        "query_embeddings": draw(st.lists(vectors, min_size=1, max_size=3)),
        "include": draw(includes),
    }
    n_results = draw(st.one_of(st.none(), st.integers(0, N_RECORDS + 2)))  # None: the default (10)
    if n_results is not None:
        body["n_results"] = n_results
    for key, strategy in (("where", wheres(3)), ("where_document", where_documents(2)), ("ids", id_lists)):
        if draw(st.integers(0, 3)) == 0:
            body[key] = draw(strategy)
    return space, body


# comparison ------------------------------------------------------------------------------------------
def scale_of(space: str, query: list[float]) -> float:
    if space != "ip":
        return 0.0
    q = np.asarray(query, dtype=np.float64)
    with np.errstate(all="ignore"):
        terms = np.abs(EMBEDDINGS.astype(np.float64) * q[None, :]).sum(axis=1)
    value = float(np.max(terms))
    return value if math.isfinite(value) else 0.0


def close(a: float | None, b: float | None, scale: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= ATOL * (1.0 + scale) + RTOL * max(abs(a), abs(b))


def tie_groups(real_d: list[float | None], mock_d: list[float | None], scale: float) -> list[tuple[int, int]]:
    """[start, end) ranges of positions whose distances tie (within tolerance) on either side."""
    groups, start = [], 0
    for k in range(1, len(real_d)):
        if not (close(real_d[k - 1], real_d[k], scale) or close(mock_d[k - 1], mock_d[k], scale)):
            groups.append((start, k))
            start = k
    if real_d:
        groups.append((start, len(real_d)))
    return groups


class Comparison:
    def __init__(self, loaded: Loaded, stored: Stored, space: str, body: dict[str, Any]) -> None:
        self.loaded, self.stored, self.space, self.body = loaded, stored, space, body
        self.stats: Counter[str] = Counter()

    def where(self) -> str:
        return f"space={self.space} body={self.body}"

    def run(self) -> dict[str, Any] | None:
        """Compare; returns the real server's body on 200."""
        real, mock = post_both(self.loaded, self.space, "query", self.body)
        assert error_of(real) == error_of(mock), (
            f"{self.where()}\n real: {real.status_code} {real.text}\n mock: {mock.status_code} {mock.text}"
        )
        if real.status_code != 200:
            self.stats[f"error {real.status_code}"] += 1
            return None
        r, m = real.json(), mock.json()
        assert r["include"] == m["include"] == self.body["include"], self.where()
        for field in (*FIELDS, "distances"):
            assert (r[field] is None) == (m[field] is None), f"{self.where()}: {field} null on one side only"
        queries = self.body["query_embeddings"]
        assert len(r["ids"]) == len(m["ids"]) == len(queries), f"{self.where()}\n real: {r}\n mock: {m}"
        for j, query in enumerate(queries):
            self.compare_ranked(j, query, r, m)
        return r  # type: ignore[no-any-return]

    def compare_ranked(self, j: int, query: list[float], r: dict[str, Any], m: dict[str, Any]) -> None:
        real_ids, mock_ids = r["ids"][j], m["ids"][j]
        real_d, mock_d = r["distances"][j], m["distances"][j]
        where = f"{self.where()}, query {j}\n real: {list(zip(real_ids, real_d))}\n mock: {list(zip(mock_ids, mock_d))}"
        assert len(real_ids) == len(mock_ids) == len(real_d) == len(mock_d), f"lengths differ: {where}"
        assert len(set(mock_ids)) == len(mock_ids), f"duplicate ids in the mock's result: {where}"
        scale = scale_of(self.space, query)
        for k, (a, b) in enumerate(zip(real_d, mock_d)):
            assert close(a, b, scale), f"distance {k} differs: {where}"
        n_results = self.body.get("n_results", 10)
        for start, end in tie_groups(real_d, mock_d, scale):
            real_group, mock_group = set(real_ids[start:end]), set(mock_ids[start:end])
            if real_group == mock_group:
                continue
            at_cut = end == len(real_ids) == n_results
            assert at_cut, f"tie group [{start}, {end}) differs: {where}"
            self.stats["cut tie, different members"] += 1
            full = self.full_ranking(query)
            for rid in mock_group - real_group:
                assert rid in full, f"{rid} is not a candidate on the real server: {where}"
                assert close(full[rid], real_d[start], scale), (
                    f"{rid} is at distance {full[rid]} on the real server, not tied with the cut group: {where}"
                )
        self.stats["all null" if real_d and all(d is None for d in real_d) else "ranked"] += 1
        if len(real_ids) < n_results:
            self.stats["fewer than n_results"] += 1
        records = self.stored[self.space]
        for side, name in ((r, "real"), (m, "mock")):
            for field in FIELDS:
                if side[field] is not None:
                    for k, rid in enumerate(side["ids"][j]):
                        value, expected = side[field][j][k], records[rid][field]
                        if field == "embeddings" and name == "mock":
                            same = np.allclose(value, expected, rtol=1e-6, atol=0)
                        else:
                            same = value == expected
                        assert same, f"{name}: {field} of {rid} is {value}, stored {expected}: {where}"

    def full_ranking(self, query: list[float]) -> dict[str, float | None]:
        """The real server's distances for every candidate of this query (n_results = all records)."""
        body = {**self.body, "query_embeddings": [query], "n_results": N_RECORDS, "include": ["distances"]}
        real, _ = post_both(self.loaded, self.space, "query", body)
        assert real.status_code == 200, real.text
        result = real.json()
        return dict(zip(result["ids"][0], result["distances"][0]))


# tests ----------------------------------------------------------------------------------------------
def test_query_parity(loaded: Loaded, stored: Stored) -> None:
    stats: Counter[str] = Counter()

    @SETTINGS
    @given(query_bodies())
    @example(("l2", {"query_embeddings": [[0.0, 0.0, 0.0, 0.0]], "n_results": 5, "include": ["distances"]}))
    @example(("cosine", {"query_embeddings": [[0.0, 0.0, 0.0, 0.0]], "n_results": 5, "include": ["distances"]}))
    @example(("ip", {"query_embeddings": [[0.0, 0.0, 0.0, 0.0]], "include": ["distances"]}))
    @example(("cosine", {"query_embeddings": [[1e-30, 1e-30, 0.0, 0.0]], "n_results": 8, "include": ["distances"]}))
    @example(("l2", {"query_embeddings": [[1.0, 0.0, 0.0, 0.0]], "n_results": 0, "include": ["distances"]}))
    @example(("l2", {"query_embeddings": [[1.0, 0.0, 0.0, 0.0]], "ids": [], "include": ["distances"]}))
    @example(("ip", {"query_embeddings": [[1.0, 0.0, 0.0, 0.0]], "ids": ["r03", "nope"], "include": ["distances"]}))
    @example(
        (
            "l2",
            {
                "query_embeddings": [[1.0, 0.0, 0.0, 0.0], [2.0, -1.0, 0.0, 1.0]],
                "n_results": 7,
                "ids": ["r03", "nope", "r10", "r03"],
                "where": {"$and": []},
                "include": ["distances", "metadatas", "uris"],
            },
        )
    )
    def run(case: tuple[str, dict[str, Any]]) -> None:
        comparison = Comparison(loaded, stored, *case)
        comparison.run()
        stats.update(comparison.stats)

    run()
    print(f"query parity: {stats}")
    assert stats["ranked"] >= MAX_EXAMPLES, stats  # most examples rank real distances
    assert stats["fewer than n_results"] >= MAX_EXAMPLES // 15 and stats["error 500"] >= 1, stats


NON_FINITE = [
    [1e39, 0.0, 0.0, 0.0],  # beyond float32: inf
    [-1e39, 1.0, 1.0, 1.0],
    [1e39, -1e39, 0.0, 0.0],  # inf - inf: NaN
    [1e20, 0.0, 0.0, 0.0],  # finite, but l2 / cosine norms overflow float32
    [1e19, 0.0, 0.0, 0.0],  # l2: 1e38, just below the float32 maximum
    [1.5e19, 1e19, 0.0, 0.0],  # l2 overflows for some records only
    [1e38, 1e38, 0.0, 0.0],  # ip: 1 - q.x overflows to -inf for some records
]


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("vector", NON_FINITE, ids=[str(v[:2]) for v in NON_FINITE])
@pytest.mark.parametrize("n_results", [5, N_RECORDS])
def test_query_non_finite_parity(
    loaded: Loaded, stored: Stored, space: str, vector: list[float], n_results: int
) -> None:
    """Fixed non-finite / overflowing query vectors: null distances where the real server has them."""
    for extra in ({}, {"where": {"i": {"$gte": 0}}}):
        body = {"query_embeddings": [vector, [1.0, 0.0, 0.0, 0.0]], "n_results": n_results, "include": ["distances"]}
        real = Comparison(loaded, stored, space, {**body, **extra}).run()
        assert real is not None
        if max(abs(v) for v in vector) > 3.4e38:  # not a float32: every distance is null
            assert real["distances"][0] and all(d is None for d in real["distances"][0]), real
        assert all(d is not None for d in real["distances"][1]), real


@pytest.mark.parametrize("space", SPACES)
def test_stored_embeddings_parity(loaded: Loaded, space: str) -> None:
    """Every stored record, embeddings included, through `get` and through a `query` ranking all records."""
    body = {"include": list(FIELDS)}
    real, mock = post_both(loaded, space, "get", body)
    assert real.status_code == mock.status_code == 200
    r, m = real.json(), mock.json()
    for k, rid in enumerate(r["ids"]):
        assert m["ids"][k] == rid
        for field in FIELDS:
            assert m[field][k] == r[field][k], f"{space}: get {field} of {rid}: real {r[field][k]} mock {m[field][k]}"
    query = {"query_embeddings": [[1.0, 2.0, 3.0, 4.0]], "n_results": N_RECORDS, "include": ["embeddings"]}
    real, mock = post_both(loaded, space, "query", query)
    assert real.status_code == mock.status_code == 200
    by_id = [dict(zip(side.json()["ids"][0], side.json()["embeddings"][0])) for side in (real, mock)]
    assert by_id[0].keys() == by_id[1].keys() == set(IDS)
    for rid in IDS:
        assert by_id[1][rid] == by_id[0][rid], (
            f"{space}: query embedding of {rid}: real {by_id[0][rid]} mock {by_id[1][rid]}"
        )
