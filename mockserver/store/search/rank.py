"""Search: the rank algebra: each expression evaluates to a domain (support rows -> f32 score, default).

As Chroma's worker (`rust/worker/src/execution/operators/rank.rs`): a `$knn` leaf's support is its
candidates and its default the leaf's `default`; `$val` has no support; a binary operation merges
two domains (union when both have defaults, the side without a default decides the support when
one has, the intersection when neither has); n-ary operations fold from a constant (0, 1, f32::MIN,
f32::MAX). Arithmetic is float32 and never raises: ln(0) = -inf, x/0 = inf or NaN; max/min ignore a
NaN operand (Rust's f32::max). Only the final support is a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import numpy.typing as npt

from mockserver.store.search.model import Binary, Knn, Nary, Rank, Unary, Val

F32 = np.float32
Scores = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int64]
_F32_MIN, _F32_MAX = F32(np.finfo(np.float32).min), F32(np.finfo(np.float32).max)


@dataclass(frozen=True)
class Domain:
    rows: Rows  # ascending, unique
    scores: Scores  # aligned with rows
    default: np.float32 | None


_BINARY: dict[str, Callable[[Scores, Scores], Scores]] = {
    "$sum": np.add,
    "$mul": np.multiply,
    "$max": np.fmax,
    "$min": np.fmin,
    "$sub": np.subtract,
    "$div": np.divide,
}
_UNARY: dict[str, Callable[[Scores], Scores]] = {"$abs": np.abs, "$exp": np.exp, "$log": np.log}
_FOLD_START = {"$sum": F32(0), "$mul": F32(1), "$max": _F32_MIN, "$min": _F32_MAX}
_EMPTY_ROWS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float32)


def evaluate(rank: Rank, leaves: dict[int, Domain]) -> Domain:
    """The domain of `rank`; `leaves` maps id() of each Knn node to its evaluated candidates."""
    with np.errstate(all="ignore"):
        return _eval(rank, leaves)


def _eval(rank: Rank, leaves: dict[int, Domain]) -> Domain:
    if isinstance(rank, Knn):
        return leaves[id(rank)]
    if isinstance(rank, Val):
        return Domain(_EMPTY_ROWS, _EMPTY_SCORES, F32(rank.value))
    if isinstance(rank, Unary):
        inner = _eval(rank.child, leaves)
        fn = _UNARY[rank.op]
        default = None if inner.default is None else F32(fn(np.array([inner.default], dtype=np.float32))[0])
        return Domain(inner.rows, fn(inner.scores).astype(np.float32), default)
    if isinstance(rank, Binary):
        return merge(rank.op, _eval(rank.left, leaves), _eval(rank.right, leaves))
    domain = Domain(_EMPTY_ROWS, _EMPTY_SCORES, _FOLD_START[rank.op])
    for item in rank.items:
        domain = merge(rank.op, domain, _eval(item, leaves))
    return domain


def _values_at(domain: Domain, rows: Rows) -> Scores:
    """The domain's score for each of `rows` (its default where a row is outside its support)."""
    out = np.full(len(rows), np.nan if domain.default is None else domain.default, dtype=np.float32)
    if len(domain.rows):
        at = np.searchsorted(domain.rows, rows)
        at_clipped = np.minimum(at, len(domain.rows) - 1)
        inside = domain.rows[at_clipped] == rows
        out[inside] = domain.scores[at_clipped[inside]]
    return out


def merge(op: str, left: Domain, right: Domain) -> Domain:
    """One binary operation on two domains (`merge` in Chroma's rank operator)."""
    if left.default is not None and right.default is not None:
        rows = np.union1d(left.rows, right.rows)
    elif left.default is not None:
        rows = right.rows
    elif right.default is not None:
        rows = left.rows
    else:
        rows = np.intersect1d(left.rows, right.rows, assume_unique=True)
    fn = _BINARY[op]
    with np.errstate(all="ignore"):
        scores = fn(_values_at(left, rows), _values_at(right, rows)).astype(np.float32)
        default = None
        if left.default is not None and right.default is not None:
            pair = fn(np.array([left.default], dtype=np.float32), np.array([right.default], dtype=np.float32))
            default = F32(pair[0])
    return Domain(rows.astype(np.int64, copy=False), scores, default)


def total_order_key(scores: Scores) -> npt.NDArray[np.int32]:
    """Integers ordered as IEEE-754 `total_cmp` orders the floats (-NaN < -inf < ... < inf < NaN)."""
    bits = np.ascontiguousarray(scores, dtype=np.float32).view(np.int32)
    key: npt.NDArray[np.int32] = bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))
    return key


def ranked(domain: Domain) -> tuple[Rows, Scores]:
    """The support sorted by score (total order), ties by row (storage order)."""
    order = np.lexsort((domain.rows, total_order_key(domain.scores)))
    return domain.rows[order], domain.scores[order]
