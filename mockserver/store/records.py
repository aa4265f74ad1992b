"""Store: one collection's records, in storage order, with embeddings in a float32 matrix.

Rows are appended and never reordered, so ascending row number is Chroma's storage order
(internal row id). A delete marks the row dead; a re-add of the same id appends a new row.
Embeddings live in one contiguous float32 matrix grown by doubling; metadata, documents and uris
are plain Python lists indexed by row. `version` increases with every mutation so that derived
indexes (see `filters`) can be cached safely.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Metadata = dict[str, Any]
FloatMatrix = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.int64]

_INITIAL_CAPACITY = 16


class RecordTable:
    """Parallel per-row arrays; `row_of` maps a live id to its row."""

    def __init__(self) -> None:
        self.row_of: dict[str, int] = {}
        self.ids: list[str] = []
        self.documents: list[str | None] = []
        self.uris: list[str | None] = []
        self.metadatas: list[Metadata | None] = []
        self.alive = np.zeros(_INITIAL_CAPACITY, dtype=bool)
        self.vectors: FloatMatrix | None = None  # (capacity, dimension) once a dimension is known
        self.n_rows = 0
        self.version = 0

    # ---- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.row_of)

    def live_rows(self) -> RowArray:
        """Row numbers of live records, ascending (= storage order)."""
        if len(self.row_of) == self.n_rows:
            return np.arange(self.n_rows, dtype=np.int64)
        return np.flatnonzero(self.alive[: self.n_rows]).astype(np.int64)

    def rows_for_ids(self, ids: list[str]) -> RowArray:
        """Rows of the given ids that exist, deduplicated, in storage order."""
        found = {self.row_of[i] for i in ids if i in self.row_of}
        return np.array(sorted(found), dtype=np.int64)

    def embedding(self, row: int) -> FloatMatrix:
        assert self.vectors is not None
        vector: FloatMatrix = self.vectors[row]
        return vector

    # ---- writing -------------------------------------------------------------------------
    def ensure_dimension(self, dimension: int) -> None:
        if self.vectors is None:
            self.vectors = np.zeros((len(self.alive), dimension), dtype=np.float32)

    def append(
        self,
        record_id: str,
        vector: FloatMatrix,
        document: str | None,
        uri: str | None,
        metadata: Metadata | None,
    ) -> int:
        row = self.n_rows
        if row == len(self.alive):
            self._grow()
        assert self.vectors is not None
        self.vectors[row] = vector
        self.alive[row] = True
        self.ids.append(record_id)
        self.documents.append(document)
        self.uris.append(uri)
        self.metadatas.append(metadata)
        self.row_of[record_id] = row
        self.n_rows += 1
        self.version += 1
        return row

    def set_vector(self, row: int, vector: FloatMatrix) -> None:
        assert self.vectors is not None
        self.vectors[row] = vector
        self.version += 1

    def touch(self) -> None:
        """Record that a row's document, uri or metadata was changed in place."""
        self.version += 1

    def delete_rows(self, rows: RowArray) -> None:
        for row in rows.tolist():
            if self.alive[row]:
                self.alive[row] = False
                del self.row_of[self.ids[row]]
                self.metadatas[row] = None
                self.documents[row] = None
                self.uris[row] = None
        self.version += 1
        if self.n_rows > 64 and len(self.row_of) * 2 < self.n_rows:
            self._compact()

    # ---- internals -----------------------------------------------------------------------
    def _grow(self) -> None:
        capacity = max(_INITIAL_CAPACITY, len(self.alive) * 2)
        alive = np.zeros(capacity, dtype=bool)
        alive[: self.n_rows] = self.alive[: self.n_rows]
        self.alive = alive
        if self.vectors is not None:
            vectors = np.zeros((capacity, self.vectors.shape[1]), dtype=np.float32)
            vectors[: self.n_rows] = self.vectors[: self.n_rows]
            self.vectors = vectors

    def _compact(self) -> None:
        """Drop dead rows; storage order is kept because live rows keep their relative order."""
        keep = self.live_rows()
        keep_list = keep.tolist()
        self.ids = [self.ids[r] for r in keep_list]
        self.documents = [self.documents[r] for r in keep_list]
        self.uris = [self.uris[r] for r in keep_list]
        self.metadatas = [self.metadatas[r] for r in keep_list]
        if self.vectors is not None:
            self.vectors = np.ascontiguousarray(self.vectors[keep])
            capacity = max(_INITIAL_CAPACITY, len(keep))
            if self.vectors.shape[0] < capacity:
                grown = np.zeros((capacity, self.vectors.shape[1]), dtype=np.float32)
                grown[: len(keep)] = self.vectors
                self.vectors = grown
        self.n_rows = len(keep_list)
        self.alive = np.zeros(max(_INITIAL_CAPACITY, self.n_rows), dtype=bool)
        self.alive[: self.n_rows] = True
        self.row_of = {rid: row for row, rid in enumerate(self.ids)}
        self.version += 1
