"""Store: l2 / cosine / ip distances in float32, hand-computed and as observed on Chroma 1.5.9."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mockserver.store.distances import distances, json_distances, nearest, normalize, row_norms


def f32(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def one(space: str, query: list[float], row: list[float]) -> float:
    return float(distances(space, f32([row]), f32([query]))[0, 0])


def test_reference_examples_section_8() -> None:
    assert one("l2", [1, 1], [3, 4]) == 13.0  # squared, no root
    assert one("cosine", [1, 1], [3, 4]) == pytest.approx(0.010050476, abs=1e-7)  # 1 - 7 / (sqrt(2) * 5)
    assert one("ip", [1, 1], [3, 4]) == -6.0  # 1 - 7, may be negative


def test_reference_query_example_section_6_12() -> None:
    rows = f32([[1, 0], [0, 2], [3, 4]])
    assert distances("l2", rows, f32([[1, 1], [2, 0]])).tolist() == [[1.0, 2.0, 13.0], [1.0, 8.0, 17.0]]


def test_results_are_float32() -> None:
    out = distances("l2", f32([[0.4, 0.5, 0.6]]), f32([[0.1, 0.2, 0.3]]))
    assert out.dtype == np.float32
    assert out[0, 0] == np.float32(0.27)  # float64 would give 0.27000000000000007


# Values the real server returned for these vectors (float32, shortest representation).
OBSERVED = [
    ("l2", [0.1, 0.2, 0.3], [[0.4, 0.5, 0.6], [0.123456789, -7.5, 1e-3], [3, 4, 0]], [0.27, 59.379948, 22.94]),
    ("l2", [1, 1, 0], [[0.4, 0.5, 0.6], [0.123456789, -7.5, 1e-3], [3, 4, 0]], [0.97, 73.018326, 13.0]),
    (
        "cosine",
        [0.1, 0.2, 0.3],
        [[0.4, 0.5, 0.6], [0.123456789, -7.5, 1e-3], [3, 4, 0]],
        [0.025368214, 1.5299443, 0.41202533],
    ),
    ("cosine", [1, 1, 0], [[0.4, 0.5, 0.6], [0.123456789, -7.5, 1e-3], [3, 4, 0]], [0.2747593, 1.6953728, 0.010050476]),
    ("ip", [0.1, 0.2, 0.3], [[0.4, 0.5, 0.6], [0.123456789, -7.5, 1e-3], [3, 4, 0]], [0.68, 2.4873543, -0.100000024]),
    ("ip", [1, 1, 0], [[0.4, 0.5, 0.6], [0.123456789, -7.5, 1e-3], [3, 4, 0]], [0.100000024, 8.376543, -6.0]),
]


@pytest.mark.parametrize(("space", "query", "rows", "expected"), OBSERVED)
def test_matches_the_real_server_to_float32_rounding(
    space: str, query: list[float], rows: list[list[float]], expected: list[float]
) -> None:
    got = distances(space, f32(rows), f32([query]))[0]
    assert got.tolist() == pytest.approx(expected, rel=1e-6, abs=1e-7)


def test_cosine_zero_vector_gives_one_in_either_position() -> None:
    assert one("cosine", [0, 0], [3, 4]) == 1.0
    assert one("cosine", [1, 1], [0, 0]) == 1.0
    assert one("cosine", [0, 0], [0, 0]) == 1.0


def test_cosine_normalises_with_epsilon_like_chroma() -> None:
    # observed: q = [1e-30, 1e-30] underflows |q| to 0, so q / (0 + 1e-32) = [100, 100]
    assert one("cosine", [1e-30, 1e-30], [2, 0]) == pytest.approx(-99.0)
    assert one("cosine", [1e-30, 1e-30], [-2, 0]) == pytest.approx(101.0)
    # observed: |q| overflows to inf, the normalised query is 0 and every distance is 1.0
    assert one("cosine", [3e38, 0], [2, 0]) == 1.0
    assert one("cosine", [1e20, 1e20], [0, 1]) == 1.0
    assert normalize(f32([[3, 4]])).tolist() == [[pytest.approx(0.6), pytest.approx(0.8)]]


def test_float32_overflow_and_non_finite_queries() -> None:
    assert one("l2", [1e20, 1e20], [2, 0]) == math.inf
    assert one("ip", [3e38, 0], [2, 0]) == -math.inf  # 1 - 6e38
    assert one("ip", [3e38, 0], [1, 0]) == pytest.approx(-3e38, rel=1e-6)
    assert one("ip", [3e38, 0], [-2, 0]) == math.inf
    assert math.isnan(one("ip", [math.inf, 0], [0, 1]))  # 1 - (inf * 0)
    assert math.isnan(one("cosine", [math.inf, 0], [1, 0]))


def test_json_distances_turn_non_finite_into_none() -> None:
    finite = np.array([0.5, 1.0], dtype=np.float32)
    assert json_distances(finite) is finite
    assert json_distances(np.array([-np.inf, 1.5, np.nan, np.inf], dtype=np.float32)) == [None, 1.5, None, None]


@pytest.mark.parametrize("space", ["l2", "cosine", "ip"])
@pytest.mark.parametrize("subset", [False, True])
def test_nearest_equals_a_full_sort_of_exact_distances(space: str, subset: bool) -> None:
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((3000, 24)).astype(np.float32)
    matrix[100] = matrix[7]  # an exact tie
    matrix[200] = 0
    queries = rng.standard_normal((4, 24)).astype(np.float32)
    queries[1] = matrix[7]
    candidates = np.arange(0, 3000, 5 if subset else 1, dtype=np.int64)
    found = nearest(space, matrix, row_norms(space, matrix), queries, 25, candidates)
    exact = distances(space, matrix[candidates], queries)
    for j, result in enumerate(found):
        order = np.lexsort((candidates, exact[j]))[:25]
        assert result.rows.tolist() == candidates[order].tolist()
        assert result.distances.tolist() == exact[j][order].tolist()


def test_nearest_breaks_ties_by_storage_order() -> None:
    matrix = f32([[1, 0], [0, 1], [1, 0], [1, 0], [0, 1]])
    found = nearest("l2", matrix, row_norms("l2", matrix), f32([[1, 0], [0, 1]]), 2, np.arange(5, dtype=np.int64))
    assert found[0].rows.tolist() == [0, 2]
    assert found[1].rows.tolist() == [1, 4]


def test_nearest_non_finite_query_keeps_storage_order_with_nan() -> None:
    matrix = f32([[3, 4], [1, 0], [0, 2]])
    candidates = np.array([0, 1, 2], dtype=np.int64)
    found = nearest("l2", matrix, row_norms("l2", matrix), f32([[np.inf, 1], [1, 1]]), 2, candidates)
    assert found[0].rows.tolist() == [0, 1]
    assert np.isnan(found[0].distances).all()
    assert found[1].rows.tolist() == [1, 2]


def test_nearest_with_overflowing_distances_sorts_infinities_last() -> None:
    matrix = f32([[2, 0], [0, 1], [1, 0], [-2, 0], [0, 0]])
    found = nearest("ip", matrix, row_norms("ip", matrix), f32([[3e38, 0]]), 5, np.arange(5, dtype=np.int64))
    # observed order on the real server: a (-inf), c (-3e38), b (1), e (1), d (+inf)
    assert found[0].rows.tolist() == [0, 2, 1, 4, 3]
    assert json_distances(found[0].distances) == [None, pytest.approx(-3e38, rel=1e-6), 1.0, 1.0, None]


def test_nearest_edge_sizes() -> None:
    matrix = f32([[0, 0], [1, 1]])
    norms = row_norms("l2", matrix)
    assert [n.rows.tolist() for n in nearest("l2", matrix, norms, f32([[0, 0]]), 0, np.arange(2))] == [[]]
    assert [n.rows.tolist() for n in nearest("l2", matrix, norms, f32([[0, 0]]), 9, np.arange(2))] == [[0, 1]]
    assert [n.rows.tolist() for n in nearest("l2", matrix, norms, f32([[0, 0]]), 3, np.zeros(0, np.int64))] == [[]]
