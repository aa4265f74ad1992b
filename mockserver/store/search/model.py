"""Search: the parsed request (frozen values between parse, checks and the engine)."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.store.filters import Where

#: `select` keys with a meaning of their own; any other string is a metadata field name (even "#id")
DOCUMENT, EMBEDDING, METADATA, SCORE = "#document", "#embedding", "#metadata", "#score"
SPECIAL_KEYS = (DOCUMENT, EMBEDDING, METADATA, SCORE)
READ_LEVELS = ("index_and_wal", "index_only", "index_and_bounded_wal")


@dataclass(frozen=True)
class SparseQuery:
    indices: tuple[int, ...]
    values: tuple[float, ...]
    tokens: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Knn:
    """A `$knn` leaf: the `limit` nearest records (among the filtered ones) to `query`."""

    query: tuple[float, ...] | SparseQuery
    key: str = EMBEDDING
    limit: int = 16
    default: float | None = None
    return_rank: bool = False


@dataclass(frozen=True)
class Val:
    value: float


@dataclass(frozen=True)
class Nary:
    """`$sum`, `$mul`, `$max` or `$min` over a list of expressions."""

    op: str
    items: tuple[Rank, ...]


@dataclass(frozen=True)
class Binary:
    """`$sub` or `$div`."""

    op: str
    left: Rank
    right: Rank


@dataclass(frozen=True)
class Unary:
    """`$abs`, `$exp` or `$log`."""

    op: str
    child: Rank


Rank = Knn | Val | Nary | Binary | Unary


@dataclass(frozen=True)
class Aggregate:
    kind: str  # "$min_k" | "$max_k"
    keys: tuple[str, ...]
    k: int


@dataclass(frozen=True)
class GroupBy:
    keys: tuple[str, ...] = ()
    aggregate: Aggregate | None = None

    @property
    def active(self) -> bool:
        return bool(self.keys) and self.aggregate is not None


@dataclass(frozen=True)
class SearchPlan:
    """One search payload."""

    filter: Where | None = None
    rank: Rank | None = None
    group_by: GroupBy = GroupBy()
    offset: int = 0
    limit: int | None = None
    #: the select keys, deduplicated and in Chroma's `Key` order (see `select_order`)
    select: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchRequest:
    searches: tuple[SearchPlan, ...]
    read_level: str = "index_and_wal"


def select_order(keys: list[str]) -> tuple[str, ...]:
    """Chroma's derived `Ord` on `Key`: #document, #embedding, #metadata, #score, then fields by bytes."""
    unique = set(keys)
    special = tuple(k for k in SPECIAL_KEYS if k in unique)
    fields = sorted((k for k in unique if k not in SPECIAL_KEYS), key=lambda k: k.encode("utf-8"))
    return special + tuple(fields)


def knn_leaves(rank: Rank | None) -> list[Knn]:
    """Every `$knn` of a rank expression, depth first, left to right (the order Chroma runs them)."""
    if rank is None or isinstance(rank, Val):
        return []
    if isinstance(rank, Knn):
        return [rank]
    if isinstance(rank, Nary):
        return [leaf for item in rank.items for leaf in knn_leaves(item)]
    if isinstance(rank, Binary):
        return knn_leaves(rank.left) + knn_leaves(rank.right)
    return knn_leaves(rank.child)
