"""Store: distance functions (l2, cosine, ip) in float32 as Chroma's local HNSW computes them, and top-k.

- `l2`: squared Euclidean distance, sum((q - x)^2), no square root;
- `ip`: 1 - q.x (can be negative);
- `cosine`: 1 - qn.xn with v_n = v / (|v| + 1e-32), all in float32, so a zero vector gives 1.0, an
  underflowing norm scales the vector up (q = [1e-30, 1e-30] against x = [2, 0] gives -99.0, as
  the real server does) and an overflowing norm makes the vector 0 (distance 1.0).

Everything is float32, so values equal Chroma's up to float32 rounding; float32 overflow gives
inf (reported as null by the server), a NaN stays NaN. `nearest` is the fast path for large
collections: one BLAS pass computes an approximate distance per candidate (l2 via
|x|^2 - 2 q.x + |q|^2), the k best plus every row within a rounding margin of the k-th are
recomputed exactly, and those are ordered by (distance, row) so ties keep storage order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mockserver.store.records import FloatMatrix, RowArray

SPACES = ("l2", "cosine", "ip")
FloatArray = npt.NDArray[np.float32]
COSINE_EPSILON = np.float32(1e-32)
_EPS32 = float(np.finfo(np.float32).eps)
_CHUNK = 8192


def normalize(matrix: FloatMatrix) -> FloatMatrix:
    """Rows scaled by 1 / (|row| + 1e-32), in float32 (Chroma normalises this way for cosine)."""
    with np.errstate(all="ignore"):
        norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix, dtype=np.float32))
        out: FloatMatrix = (matrix / (norms + COSINE_EPSILON)[:, None]).astype(np.float32, copy=False)
    return out


def distances(space: str, matrix: FloatMatrix, queries: FloatMatrix) -> FloatMatrix:
    """Exact distances, shape (n_queries, n_rows), float32; a row's value never depends on the
    other rows (no BLAS blocking), so the same pair always gives the same float32."""
    if space not in SPACES:
        raise ValueError(f"unknown distance space {space!r}")
    matrix = np.asarray(matrix, dtype=np.float32)
    queries = np.asarray(queries, dtype=np.float32)
    out = np.empty((len(queries), len(matrix)), dtype=np.float32)
    with np.errstate(all="ignore"):
        if space == "cosine":
            queries = normalize(queries)
        for start in range(0, len(matrix), _CHUNK):
            rows = matrix[start : start + _CHUNK]
            if space == "cosine":
                rows = normalize(rows)
            for j, query in enumerate(queries):
                if space == "l2":
                    diff = rows - query
                    out[j, start : start + _CHUNK] = np.einsum("ij,ij->i", diff, diff, dtype=np.float32)
                else:
                    out[j, start : start + _CHUNK] = np.float32(1) - np.einsum("ij,j->i", rows, query, dtype=np.float32)
    return out


def row_norms(space: str, matrix: FloatMatrix) -> FloatArray:
    """What `nearest` needs per stored row: |x| + 1e-32 for cosine, |x|^2 for l2 and ip."""
    with np.errstate(all="ignore"):
        squares: FloatArray = np.einsum("ij,ij->i", matrix, matrix, dtype=np.float32)
        if space == "cosine":
            norms: FloatArray = (np.sqrt(squares) + COSINE_EPSILON).astype(np.float32)
            return norms
        return squares


@dataclass(frozen=True)
class Neighbours:
    """One query's result: table rows nearest first, and their float32 distances."""

    rows: RowArray
    distances: FloatArray


def nearest(
    space: str, matrix: FloatMatrix, norms: FloatArray, queries: FloatMatrix, k: int | Sequence[int], candidates: RowArray
) -> list[Neighbours]:
    """The `k` candidate rows nearest to each query (`matrix` and `norms` indexed by row); `k` may
    be given per query, so that several requests share one pass over the matrix."""
    queries = np.asarray(queries, dtype=np.float32)
    ks = [min(k, len(candidates))] * len(queries) if isinstance(k, int) else [min(n, len(candidates)) for n in k]
    empty = Neighbours(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    results: list[Neighbours] = [
        Neighbours(candidates[:n].copy(), np.full(n, np.nan, dtype=np.float32)) if n > 0 else empty for n in ks
    ]  # a non-finite query: every distance is NaN and Chroma keeps storage order
    todo = np.flatnonzero(np.isfinite(queries).all(axis=1) & (np.array(ks, dtype=np.int64) > 0))
    if len(todo) == 0:
        return results
    gather = len(candidates) * 3 < len(matrix)
    sub = matrix[candidates] if gather else matrix
    sub_norms = norms[candidates] if gather else norms
    approx = _approximate(space, sub, sub_norms, queries[todo])
    if not gather and len(candidates) != len(matrix):
        approx = approx[:, candidates]
    with np.errstate(all="ignore"):
        biggest = float(np.max(sub_norms)) if space != "cosine" else 0.0
    for position, j in enumerate(todo.tolist()):
        margin = _margin(space, matrix.shape[1], queries[j], biggest)
        results[j] = _select(space, matrix, candidates, queries[j], approx[position], ks[j], margin)
    return results


def _approximate(space: str, matrix: FloatMatrix, norms: FloatArray, queries: FloatMatrix) -> FloatMatrix:
    """All distances from one matrix product; close to, but not exactly, the float32 values."""
    with np.errstate(all="ignore"):
        if space == "cosine":
            dots = _dots(matrix, normalize(queries))
            return (np.float32(1) - dots / norms[:, None]).T.astype(np.float32, copy=False)
        dots = _dots(matrix, queries)
        if space == "ip":
            return (np.float32(1) - dots).T.astype(np.float32, copy=False)
        squares = np.einsum("ij,ij->i", queries, queries, dtype=np.float32)
        l2: FloatMatrix = (norms[None, :] - np.float32(2) * dots.T + squares[:, None]).astype(np.float32, copy=False)
        return l2


#: from this many query vectors on, one matrix-matrix product beats one matrix-vector product per
#: vector (OpenBLAS sgemm packs the matrix first: slower for 2-4 vectors, 2-3x faster for 8-16)
GEMM_FROM = 8


def _dots(matrix: FloatMatrix, queries: FloatMatrix) -> FloatMatrix:
    """`matrix @ queries.T`: for a few queries one gemv each (BLAS streams the matrix once per
    query; gemm with a one-column operand takes a path several times slower), for many one gemm."""
    if len(queries) >= GEMM_FROM:
        return matrix @ np.ascontiguousarray(queries.T)
    return np.stack([matrix @ np.ascontiguousarray(q) for q in queries], axis=1)


def _margin(space: str, dimension: int, query: FloatArray, biggest: float) -> float:
    """A bound on |approximate - exact| (float32 rounding of dot products over `dimension` terms)."""
    rounding = 2 * (dimension + 4) * _EPS32
    if space == "cosine":
        return 2 * rounding
    q2 = float(np.dot(query.astype(np.float64), query.astype(np.float64)))
    if space == "ip":
        return rounding * (float(np.sqrt(q2 * biggest)) + 1.0)
    return rounding * (q2 + biggest + 1.0)


def _select(
    space: str, matrix: FloatMatrix, candidates: RowArray, query: FloatArray, approx: FloatArray, k: int, margin: float
) -> Neighbours:
    approx = np.array(approx, dtype=np.float32)
    bad = ~np.isfinite(approx)
    if bad.any():  # overflow in the shortcut: recompute those exactly
        approx[bad] = distances(space, matrix[candidates[bad]], query[None, :])[0]
    if k < len(approx):
        kth = np.partition(approx, k - 1)[k - 1]
        if np.isfinite(kth):
            picked = np.flatnonzero(approx <= kth + np.float32(margin))
        else:
            picked = np.arange(len(approx))
    else:
        picked = np.arange(len(approx))
    rows = candidates[picked]
    exact = distances(space, matrix[rows], query[None, :])[0]
    order = np.lexsort((rows, exact))[:k]  # by distance (NaN last), then storage order
    return Neighbours(rows[order], exact[order])


def json_distances(values: FloatArray) -> FloatArray | list[float | None]:
    """Distances as sent: the float32 array if all finite, else a list with None for inf / NaN."""
    if np.isfinite(values).all():
        return values
    return [float(v) if np.isfinite(v) else None for v in values.tolist()]
