"""Store: one collection's records, in storage order, with embeddings in a float32 matrix.

Rows are appended and never reordered, so ascending row number is Chroma's storage order
(internal row id). A delete marks the row dead; a re-add of the same id appends a new row.
Embeddings live in one contiguous float32 matrix grown by doubling; documents and uris are plain
Python lists indexed by row. Metadata is kept compact, as a values tuple per row plus the row's
key tuple, interned per table (records mostly share one set of keys): about a third of the memory
of a dict per row. `metadata(row)` gives a fresh dict. `version` increases with every mutation so
that derived indexes (see `filters`) can be cached safely.
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
        self._keys: list[tuple[str, ...] | None] = []  # per row: the metadata's keys (None: no metadata)
        self._values: list[tuple[Any, ...] | None] = []  # per row: the values, in the order of its keys
        self._shapes: dict[tuple[str, ...], tuple[str, ...]] = {}  # interned key tuples
        self.alive = np.zeros(_INITIAL_CAPACITY, dtype=bool)
        self.vectors: FloatMatrix | None = None  # (capacity, dimension) once a dimension is known
        self.n_rows = 0
        self.version = 0

    def copy(self) -> RecordTable:
        """An independent copy (for store snapshots): new lists; the per-row tuples and strings are
        immutable and shared; the embedding matrix is shared read-only and copied on the first write
        to either table (restoring a 5,000 x 384 snapshot then costs no 8 MB copy)."""
        other = RecordTable.__new__(RecordTable)
        other.row_of = dict(self.row_of)
        other.ids = list(self.ids)
        other.documents = list(self.documents)
        other.uris = list(self.uris)
        other._keys = list(self._keys)
        other._values = list(self._values)
        other._shapes = dict(self._shapes)
        other.alive = self.alive.copy()
        if self.vectors is not None:
            self.vectors.flags.writeable = False
        other.vectors = self.vectors
        other.n_rows = self.n_rows
        other.version = self.version
        return other

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

    def metadata(self, row: int) -> Metadata | None:
        """The row's metadata as a new dict (None when the record has none)."""
        keys = self._keys[row]
        if keys is None:
            return None
        values = self._values[row]
        assert values is not None
        return dict(zip(keys, values, strict=True))

    def metadata_items(self, rows: list[int]) -> list[tuple[tuple[str, ...], tuple[Any, ...]] | None]:
        """Per row, its metadata as stored: (keys, values), the key tuple shared by rows with the same
        keys (None: no metadata). For reading many rows at once without a dict per row first."""
        keys, values = self._keys, self._values
        return [None if (k := keys[r]) is None else (k, values[r]) for r in rows]  # type: ignore[misc]

    def metadata_values(self, key: str) -> list[Any]:
        """One key's value for rows 0..n_rows-1 (None where a row lacks it), for the filter columns."""
        position: dict[tuple[str, ...] | None, int] = {None: -1}
        for shape in self._shapes.values():
            position[shape] = shape.index(key) if key in shape else -1
        return [
            None if (at := position[keys]) < 0 else values[at]  # type: ignore[index]
            for keys, values in zip(self._keys[: self.n_rows], self._values[: self.n_rows], strict=True)
        ]

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
        self._own_vectors()
        assert self.vectors is not None
        self.vectors[row] = vector
        self.alive[row] = True
        self.ids.append(record_id)
        self.documents.append(document)
        self.uris.append(uri)
        self._keys.append(None)
        self._values.append(None)
        self._store_metadata(row, metadata)
        self.row_of[record_id] = row
        self.n_rows += 1
        self.version += 1
        return row

    def set_vector(self, row: int, vector: FloatMatrix) -> None:
        self._own_vectors()
        assert self.vectors is not None
        self.vectors[row] = vector
        self.version += 1

    def set_metadata(self, row: int, metadata: Metadata | None) -> None:
        self._store_metadata(row, metadata)
        self.version += 1

    def touch(self) -> None:
        """Record that a row's document, uri or metadata was changed in place."""
        self.version += 1

    def delete_rows(self, rows: RowArray) -> None:
        for row in rows.tolist():
            if self.alive[row]:
                self.alive[row] = False
                del self.row_of[self.ids[row]]
                self._keys[row] = self._values[row] = None
                self.documents[row] = None
                self.uris[row] = None
        self.version += 1
        if self.n_rows > 64 and len(self.row_of) * 2 < self.n_rows:
            self._compact()

    # ---- internals -----------------------------------------------------------------------
    def _store_metadata(self, row: int, metadata: Metadata | None) -> None:
        if metadata is None:
            self._keys[row] = self._values[row] = None
            return
        keys = tuple(metadata)
        self._keys[row] = self._shapes.setdefault(keys, keys)
        self._values[row] = tuple(metadata.values())

    def _own_vectors(self) -> None:
        """Copy a matrix shared with a snapshot (read-only) before writing to it."""
        if self.vectors is not None and not self.vectors.flags.writeable:
            self.vectors = self.vectors.copy()

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
        self._keys = [self._keys[r] for r in keep_list]
        self._values = [self._values[r] for r in keep_list]
        self._shapes = {shape: shape for shape in self._keys if shape is not None}
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
