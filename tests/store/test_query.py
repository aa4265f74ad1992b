"""Store: run_query follows Chroma 1.5.9's query semantics (reference section 6.12, observed)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mockserver.errors import Internal, InvalidArgument
from mockserver.store.distances import GEMM_FROM, distances
from mockserver.store.filters import parse_where, parse_where_document
from mockserver.store.query import INCONSISTENT, UNKNOWN_ID, QueryArgs, QueryResult, run_queries, run_query
from mockserver.store.records import RecordTable


def table_of(vectors: dict[str, list[float]], metadatas: dict[str, dict[str, Any]] | None = None) -> RecordTable:
    table = RecordTable()
    table.ensure_dimension(len(next(iter(vectors.values()))))
    for record_id, vector in vectors.items():
        metadata = (metadatas or {}).get(record_id)
        table.append(record_id, np.array(vector, dtype=np.float32), f"doc {record_id}", None, metadata)
    return table


def query(table: RecordTable, queries: list[list[float]], n: int = 10, space: str = "l2", **kw: Any) -> QueryResult:
    dimension = None if table.vectors is None else table.vectors.shape[1]
    where = parse_where(kw["where"]) if "where" in kw else None
    document = parse_where_document(kw["where_document"]) if "where_document" in kw else None
    return run_query(table, space, dimension, queries, n, kw.get("ids"), where, document)


def ids(table: RecordTable, result: QueryResult) -> list[list[str]]:
    return [[table.ids[r] for r in rows.tolist()] for rows in result.rows]


def plain(result: QueryResult) -> list[list[float | None]]:
    return [list(d) if isinstance(d, list) else d.tolist() for d in result.distances]


ABC = {"a": [1.0, 0.0], "b": [0.0, 2.0], "c": [3.0, 4.0]}
TIES = {"a": [3.0, 4.0], "b": [1.0, 0.0], "c": [0.0, 2.0], "d": [1.0, 0.0], "e": [0.0, 0.0]}


def test_reference_example() -> None:
    table = table_of(ABC)
    result = query(table, [[1, 1], [2, 0]])
    assert ids(table, result) == [["a", "b", "c"], ["a", "b", "c"]]
    assert plain(result) == [[1.0, 2.0, 13.0], [1.0, 8.0, 17.0]]
    assert all(isinstance(d, np.ndarray) and d.dtype == np.float32 for d in result.distances)


def test_ties_keep_storage_order() -> None:
    table = table_of(TIES)
    result = query(table, [[1, 1], [2, 0]])  # observed on the real server
    assert ids(table, result) == [["b", "d", "c", "e", "a"], ["b", "d", "e", "c", "a"]]
    assert plain(result) == [[1.0, 1.0, 2.0, 2.0, 13.0], [1.0, 1.0, 4.0, 8.0, 17.0]]
    assert ids(table, query(table, [[1, 0]], n=3)) == [["b", "d", "e"]]


def test_dimension_errors_in_the_servers_order() -> None:
    table = table_of(ABC)
    cases: list[tuple[list[list[float]], str]] = [
        ([[1, 0, 0]], "Collection expecting embedding with dimension of 2, got 3"),
        ([[]], "Collection expecting embedding with dimension of 2, got 0"),
        ([[1, 0], [1]], INCONSISTENT),
        ([[1, 0, 0], [1]], INCONSISTENT),
        ([[1], [1, 0]], INCONSISTENT),
    ]
    for queries, message in cases:
        with pytest.raises(InvalidArgument) as raised:
            query(table, queries, ids=["unknown"])
        assert raised.value.message == message


def test_collection_without_dimension_returns_empty_per_query() -> None:
    table = RecordTable()
    result = run_query(table, "l2", None, [[1, 0], [5, 5]], 10, ["unknown"], None, None)
    assert [r.tolist() for r in result.rows] == [[], []]
    assert plain(result) == [[], []]
    assert run_query(table, "l2", None, [[1, 0, 0, 0]], 10, None, None, None).rows[0].tolist() == []
    assert run_query(table, "l2", None, [], 10, ["unknown"], None, None) == QueryResult((), ())
    with pytest.raises(InvalidArgument, match=INCONSISTENT):
        run_query(table, "l2", None, [[1, 0], [1]], 10, None, None, None)


def test_emptied_collection_keeps_dimension_checks() -> None:
    table = table_of(ABC)
    table.delete_rows(table.live_rows())
    assert ids(table, query(table, [[1, 0]])) == [[]]
    with pytest.raises(InvalidArgument, match="dimension of 2, got 3"):
        query(table, [[1, 0, 0]])
    with pytest.raises(Internal, match=UNKNOWN_ID):
        query(table, [[1, 0]], ids=["a"])


def test_unknown_ids_are_500_only_without_filters() -> None:
    table = table_of(ABC, {"a": {"x": 1}, "b": {"x": 2}})
    calls: list[dict[str, Any]] = [{"ids": ["zz"]}, {"ids": ["a", "zz"], "n": 1}, {"ids": ["zz"], "n": 0}]
    for kw in calls:
        with pytest.raises(Internal) as raised:
            query(table, [[1, 0]], **kw)
        assert raised.value.message == UNKNOWN_ID
    with pytest.raises(Internal):
        query(table, [], ids=["zz"])  # even without query vectors
    assert ids(table, query(table, [[1, 0]], ids=["a", "zz"], where={"x": 1})) == [["a"]]
    assert ids(table, query(table, [[1, 0]], ids=["zz"], where={"$and": []})) == [[]]
    assert ids(table, query(table, [[1, 0]], ids=["c", "zz"], where_document={"$contains": "doc"})) == [["c"]]
    assert ids(table, query(table, [[1, 0]], ids=["b", "zz"], where={"x": 2})) == [["b"]]


def test_ids_restrict_and_deduplicate() -> None:
    table = table_of(TIES)
    assert ids(table, query(table, [[1, 0]], ids=["d", "b", "e"])) == [["b", "d", "e"]]
    assert ids(table, query(table, [[1, 0]], ids=["b", "b"])) == [["b"]]
    assert ids(table, query(table, [[1, 0]], ids=[])) == [[]]


def test_filters_are_applied_before_the_search() -> None:
    table = table_of(TIES, {"a": {"g": 1}, "c": {"g": 1}, "e": {"g": 2}})
    assert ids(table, query(table, [[1, 0]], n=2, where={"g": 1})) == [["c", "a"]]
    assert ids(table, query(table, [[1, 0]], n=2, where={"g": {"$ne": 1}})) == [["b", "d"]]
    assert ids(table, query(table, [[0, 0]], where_document={"$contains": "doc e"})) == [["e"]]
    assert ids(table, query(table, [[1, 0]], where={"g": 3})) == [[]]


def test_n_results_zero_and_no_queries() -> None:
    table = table_of(ABC)
    assert ids(table, query(table, [[1, 0], [0, 1]], n=0)) == [[], []]
    assert query(table, []) == QueryResult((), ())


def test_non_finite_query_returns_storage_order_with_null_distances() -> None:
    table = table_of(TIES)
    result = query(table, [[1e39, 1], [1, 1]])  # 1e39 overflows float32 to inf
    assert ids(table, result)[0] == ["a", "b", "c", "d", "e"]
    assert result.distances[0] == [None] * 5
    assert ids(table, result)[1] == ["b", "d", "c", "e", "a"]
    assert ids(table, query(table, [[-1e39, 1e39]], n=2)) == [["a", "b"]]


def test_overflowing_distances_are_null_and_keep_their_order() -> None:
    table = table_of({"a": [2, 0], "b": [0, 1], "c": [1, 0], "d": [-2, 0], "e": [0, 0]})
    assert plain(query(table, [[1e20, 1e20]])) == [[None] * 5]  # l2 overflows for every row
    assert ids(table, query(table, [[1e20, 1e20]])) == [["a", "b", "c", "d", "e"]]
    result = query(table, [[3e38, 0]], space="ip")
    assert ids(table, result) == [["a", "c", "b", "e", "d"]]  # observed: -inf, -3e38, 1, 1, +inf
    assert plain(result) == [[None, pytest.approx(-3e38, rel=1e-6), 1.0, 1.0, None]]


def test_cosine_and_ip_spaces() -> None:
    table = table_of({"a": [2, 0], "b": [0, 1], "c": [1, 0], "d": [-2, 0], "e": [0, 0]})
    cosine = query(table, [[1, 1]], space="cosine")  # observed
    assert ids(table, cosine) == [["a", "b", "c", "e", "d"]]
    assert plain(cosine)[0] == pytest.approx([0.29289323, 0.29289323, 0.29289323, 1.0, 1.7071068])
    ip = query(table, [[1, 1]], space="ip")
    assert ids(table, ip) == [["a", "b", "c", "e", "d"]]
    assert plain(ip) == [[-1.0, 0.0, 0.0, 1.0, 3.0]]


def test_deleted_and_readded_records() -> None:
    table = table_of(TIES)
    table.delete_rows(table.rows_for_ids(["b"]))
    assert ids(table, query(table, [[1, 0]], n=2)) == [["d", "e"]]
    table.append("b", np.array([1, 0], dtype=np.float32), None, None, None)
    assert ids(table, query(table, [[1, 0]], n=2)) == [["d", "b"]]  # re-added: now after d


@pytest.mark.parametrize("space", ["l2", "cosine", "ip"])
@pytest.mark.parametrize("share", [1, 50, 100])
def test_large_tables_match_brute_force(space: str, share: int) -> None:
    rng = np.random.default_rng(11)
    table = RecordTable()
    table.ensure_dimension(32)
    vectors = rng.standard_normal((4000, 32)).astype(np.float32)
    for i, vector in enumerate(vectors):
        table.append(f"r{i}", vector, None, None, {"k": i % 100})
    queries = rng.standard_normal((3, 32)).astype(np.float32)
    where = {"k": {"$lt": share}}
    result = query(table, queries.tolist(), n=15, space=space, where=where)
    rows = np.flatnonzero(np.arange(4000) % 100 < share)
    exact = distances(space, vectors[rows], queries)
    for j in range(3):
        order = np.lexsort((rows, exact[j]))[:15]
        assert result.rows[j].tolist() == rows[order].tolist()
        assert plain(result)[j] == exact[j][order].tolist()


def test_run_queries_answers_each_as_if_alone_sharing_one_pass() -> None:
    rng = np.random.default_rng(3)
    vectors = {f"r{i}": rng.random(8).tolist() for i in range(300)}
    metadatas = {f"r{i}": {"i": i} for i in range(300)}
    table = table_of(vectors, metadatas)
    queries = [rng.random(8).tolist() for _ in range(12)]
    batch = [QueryArgs([q], n) for q, n in zip(queries, [1, 5, 10, 300, 0, 7, 3, 3, 2, 9, 4, 6], strict=True)]
    batch += [
        QueryArgs([queries[0], queries[1]], 4),  # two vectors in one request
        QueryArgs([queries[2]], 5, where=parse_where({"i": {"$lt": 50}})),  # filtered: its own pass
        QueryArgs([queries[3]], 5, ids=["r1", "r2", "r7"]),
        QueryArgs([[1.0, 2.0]], 5),  # wrong dimension: refused, the others still answered
        QueryArgs([queries[4]], 5, ids=["nope"]),  # unknown id without a filter: the server's 500
        QueryArgs([[np.inf] + queries[5][1:]], 3),  # non-finite: storage order, null distances
    ]
    together = run_queries(table, "l2", 8, batch)
    for args, answer in zip(batch, together, strict=True):
        try:
            alone = run_query(table, "l2", 8, args.query_embeddings, args.n_results, args.ids, args.where, args.where_document)
        except (InvalidArgument, Internal) as error:
            assert type(answer) is type(error) and str(answer) == str(error)
            continue
        assert isinstance(answer, QueryResult)
        assert ids(table, answer) == ids(table, alone)
        assert plain(answer) == plain(alone)
    assert len(ids(table, together[3])[0]) == 300 and ids(table, together[4]) == [[]]


@pytest.mark.parametrize("space", ["l2", "cosine", "ip"])
def test_many_query_vectors_take_the_gemm_path_with_the_same_results(space: str) -> None:
    rng = np.random.default_rng(5)
    table = table_of({f"r{i}": rng.random(16).tolist() for i in range(500)})
    queries = [rng.random(16).tolist() for _ in range(GEMM_FROM + 3)]
    batched = query(table, queries, n=10, space=space)
    for j, q in enumerate(queries):
        alone = query(table, [q], n=10, space=space)
        assert ids(table, alone)[0] == ids(table, batched)[j]
        assert plain(alone)[0] == plain(batched)[j]
