"""Search: sparse `$knn` scoring over sparse vectors kept in record metadata (reference 2.4.2).

Score = 1 - sum over shared indices of q_t * d_t, in float32 (lower is better). Records without a
sparse vector at the key, or sharing no index with the query, are not candidates (a compacted
index's behaviour). With `"bm25": true` in the key's sparse index config, each query value is first
scaled by idf(t) = ln(1 + (n - n_t + 0.5) / (n_t + 0.5)), n = the records the read sees, n_t = those
whose vector at the key holds t.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mockserver.errors import InvalidArgument
from mockserver.store.records import RecordTable, RowArray
from mockserver.store.search.checks import sparse_index_config
from mockserver.store.search.model import SparseQuery
from mockserver.store.search.rank import Scores, total_order_key


class SparseScorer:
    def __init__(self, table: RecordTable, visible: RowArray, key: str, schema: dict[str, Any] | None) -> None:
        self.table, self.visible, self.key = table, visible, key
        config = sparse_index_config(schema, key) or {}
        self.bm25 = config.get("bm25") is True

    def _vector(self, row: int) -> dict[int, float] | None:
        metadata = self.table.metadata(row)
        value = None if metadata is None else metadata.get(self.key)
        if not isinstance(value, dict):
            return None
        return dict(zip(value.get("indices", []), value.get("values", []), strict=False))

    def _weights(self, query: SparseQuery) -> list[np.float32]:
        values = [np.float32(v) for v in query.values]
        if not self.bm25:
            return values
        if query.tokens is not None and len(query.tokens) != len(query.indices):
            raise InvalidArgument(
                f"Query tokens length ({len(query.tokens)}) does not match query indices length ({len(query.indices)})"
            )
        n = len(self.visible)
        counts = dict.fromkeys(query.indices, 0)
        for row in self.visible.tolist():
            vector = self._vector(row)
            for t in (t for t in query.indices if vector is not None and t in vector):
                counts[t] += 1
        return [
            np.float32(v * np.float32(math.log1p((n - counts[t] + 0.5) / (counts[t] + 0.5))))
            for t, v in zip(query.indices, values, strict=True)
        ]

    def top(self, query: SparseQuery, rows: RowArray, limit: int) -> tuple[RowArray, Scores]:
        """The `limit` best candidates among `rows`: (rows, scores) by score then storage order."""
        weights = self._weights(query)
        found: list[int] = []
        scores: list[np.float32] = []
        with np.errstate(all="ignore"):
            for row in rows.tolist():
                vector = self._vector(row)
                if not vector:
                    continue
                total, shared = np.float32(0), False
                for t, w in zip(query.indices, weights, strict=True):
                    if t in vector:
                        total = np.float32(total + np.float32(w * np.float32(vector[t])))
                        shared = True
                if shared:
                    found.append(row)
                    scores.append(np.float32(np.float32(1) - total))
        found_rows = np.array(found, dtype=np.int64)
        values = np.array(scores, dtype=np.float32)
        order = np.lexsort((found_rows, total_order_key(values)))[:limit]
        return found_rows[order], values[order]
