"""Search: `group_by` with `$min_k` / `$max_k` on a ranked list (reference 2.7, `ranked_group_by.rs`).

Groups are the tuples of the records' values for the group keys (a missing key is null, and values
of different types, `1` and `1.0` included, are different groups). Inside a group the records are
sorted by the aggregate keys (`#score` or metadata fields; null first; `$max_k` descending), stably,
and the first `k` kept; the survivors are sorted by score again (ties: storage order).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mockserver.store.records import RecordTable, RowArray
from mockserver.store.search.model import SCORE, GroupBy
from mockserver.store.search.rank import Scores, total_order_key

#: Chroma's order of metadata value types (`MetadataValue`'s Ord): bool < int < float < str < sparse < arrays
_TYPE_RANK = {bool: 0, int: 1, float: 2, str: 3, dict: 4}
_ARRAY_RANK = {bool: 5, int: 6, float: 7, str: 8}


def _typed(value: Any) -> tuple[Any, ...]:
    """A sortable, hashable form that keeps types apart (None sorts first)."""
    if value is None:
        return (-1,)
    if isinstance(value, list):
        kind = type(value[0]) if value else bool
        return (_ARRAY_RANK.get(kind, 9), tuple(value))
    if isinstance(value, dict):
        return (4, tuple(value.get("indices", [])), tuple(value.get("values", [])))
    return (_TYPE_RANK.get(type(value), 9), value)


def group(table: RecordTable, rows: RowArray, scores: Scores, group_by: GroupBy) -> tuple[RowArray, Scores]:
    aggregate = group_by.aggregate
    assert aggregate is not None
    score_keys = total_order_key(scores).tolist()
    groups: dict[tuple[Any, ...], list[int]] = {}
    metadatas = [table.metadata(r) or {} for r in rows.tolist()]
    for position, metadata in enumerate(metadatas):
        groups.setdefault(tuple(_typed(metadata.get(k)) for k in group_by.keys), []).append(position)

    def sort_key(position: int) -> tuple[Any, ...]:
        return tuple(
            (0, score_keys[position]) if k == SCORE else _typed(metadatas[position].get(k)) for k in aggregate.keys
        )

    kept: list[int] = []
    for members in groups.values():
        members.sort(key=sort_key, reverse=aggregate.kind == "$max_k")
        kept.extend(members[: aggregate.k])
    kept.sort()  # positions in the ranked list: score order, then storage order
    at = np.array(kept, dtype=np.int64)
    return rows[at], scores[at]
