"""Store: columnar metadata index for filters, built per key on first use and cached per table version.

`column(table, key)` turns one metadata key into numpy arrays over all rows of a RecordTable:
ints (int64), floats (float64), strings (int32 codes into a per-key dictionary) and bools (int8),
each with a presence mask, plus the array values for `$contains`. A filter then compares whole
columns at once. Columns are rebuilt after any mutation (the table's `version` changes); the keys
`chroma:document` and `chroma:uri` read the table's documents and uris, which is where Chroma
keeps them (in metadata under those keys).
"""

from __future__ import annotations

import bisect
import itertools
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from mockserver.store.records import RecordTable

BoolArray = npt.NDArray[np.bool_]
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
DOCUMENT_KEY, URI_KEY = "chroma:document", "chroma:uri"


def kind_of(value: object) -> str:
    """The column a scalar lives in: "bool", "int", "float" or "str" ("" for anything else)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if I64_MIN <= value <= I64_MAX else "float"
    if isinstance(value, float):
        return "float"
    return "str" if isinstance(value, str) else ""


@dataclass
class Column:
    """One metadata key over rows 0..n-1 of a table (scalar values by type, arrays apart)."""

    ints: npt.NDArray[np.int64]
    int_mask: BoolArray
    floats: npt.NDArray[np.float64]
    float_mask: BoolArray
    str_codes: npt.NDArray[np.int32]  # -1: no string value
    str_lookup: dict[str, int]
    bools: npt.NDArray[np.int8]  # -1: no bool value, else 0 / 1
    array_rows: list[int]  # rows holding a non-empty array value ...
    array_values: list[list[Any]]  # ... and those values
    _found: dict[tuple[str, object], npt.NDArray[np.int64]] = field(default_factory=dict, repr=False)

    def str_code(self, value: str) -> int:
        return self.str_lookup.get(value, -2)  # -2 never occurs in str_codes

    def rows_containing(self, kind: str, value: object) -> npt.NDArray[np.int64]:
        """Rows whose array value is of this element kind and has an element equal to `value`."""
        found = self._found.get((kind, value))
        if found is None:
            pairs = zip(self.array_rows, self.array_values, strict=True)
            if kind == "str":  # only a string equals a string, and arrays are homogeneous
                rows = [row for row, elements in pairs if value in elements]
            else:  # 2 == 2.0 == True: the array's own type decides
                rows = [row for row, elements in pairs if value in elements and _array_kind(elements) == kind]
            found = self._found[(kind, value)] = np.array(rows, dtype=np.int64)
        return found


def _array_kind(values: list[Any]) -> str:
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = kinds.pop()
        return {str: "str", bool: "bool", int: "int", float: "float"}.get(kind, "")
    return "float" if kinds <= {int, float} else ""


def build_column(values: list[Any]) -> Column:
    """Sort one key's per-row values (None: absent) into typed arrays, one numpy pass per type."""
    n = len(values)
    types: npt.NDArray[np.object_] = np.fromiter(map(type, values), dtype=object, count=n)
    objects: npt.NDArray[np.object_] = np.fromiter(values, dtype=object, count=n)
    ints, int_mask = np.zeros(n, np.int64), np.zeros(n, bool)
    floats, float_mask = np.zeros(n, np.float64), np.zeros(n, bool)
    codes, bools = np.full(n, -1, np.int32), np.full(n, -1, np.int8)
    lookup: dict[str, int] = {}
    array_rows: list[int] = []
    array_values: list[list[Any]] = []
    for kind in set(types.tolist()) - {type(None)}:
        rows = np.flatnonzero(types == kind)
        if kind is str:
            strings = objects[rows].tolist()
            lookup = dict.fromkeys(strings, 0)
            for code, key in enumerate(lookup):
                lookup[key] = code
            codes[rows] = np.fromiter(map(lookup.__getitem__, strings), np.int32, len(rows))
        elif kind is float:
            floats[rows], float_mask[rows] = objects[rows].astype(np.float64), True
        elif kind is bool:
            bools[rows] = objects[rows].astype(np.int8)
        elif kind is int:
            try:
                ints[rows], int_mask[rows] = objects[rows].astype(np.int64), True
            except OverflowError:  # beyond i64: Chroma stores these as floats
                small = [r for r in rows.tolist() if I64_MIN <= values[r] <= I64_MAX]
                big = [r for r in rows.tolist() if not I64_MIN <= values[r] <= I64_MAX]
                ints[small], int_mask[small] = [values[r] for r in small], True
                floats[big], float_mask[big] = [float(values[r]) for r in big], True
        elif kind is list:  # parallel lists, not tuples: 100k new tuples would wake the GC
            array_rows = [row for row in rows.tolist() if values[row]]
            array_values = [values[row] for row in array_rows]
    return Column(ints, int_mask, floats, float_mask, codes, lookup, bools, array_rows, array_values)


class DocumentText:
    """All documents of a table joined into one string, for fast substring search."""

    def __init__(self, documents: list[str | None]) -> None:
        self.n = len(documents)
        self.has_document = np.fromiter((d is not None for d in documents), dtype=bool, count=self.n)
        texts = [d or "" for d in documents]
        self.text = "".join(texts)
        self.starts = list(itertools.accumulate(map(len, texts), initial=0))  # n + 1 offsets

    def containing(self, needle: str) -> BoolArray:
        """Rows whose document contains `needle` (case-sensitive substring)."""
        if not needle:
            return self.has_document.copy()
        hit = np.zeros(self.n, dtype=bool)
        find, starts, size, pos = self.text.find, self.starts, len(needle), 0
        while (found := find(needle, pos)) >= 0:
            row = bisect.bisect_right(starts, found) - 1
            if found + size <= starts[row + 1]:
                hit[row] = True
            pos = starts[row + 1]  # the next document (a match crossing a boundary is not a match)
        return hit


@dataclass
class _TableColumns:
    version: int
    columns: dict[str, Column]
    documents: DocumentText | None = None


_CACHE: weakref.WeakKeyDictionary[RecordTable, _TableColumns] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def column(table: RecordTable, key: str) -> Column:
    """The column for `key`, from the cache when the table has not changed since it was built."""
    version = table.version
    with _LOCK:
        cached = _CACHE.get(table)
        if cached is not None and cached.version == version and key in cached.columns:
            return cached.columns[key]
    n = table.n_rows
    if key == DOCUMENT_KEY:
        values: list[Any] = table.documents[:n]
    elif key == URI_KEY:
        values = table.uris[:n]
    else:
        values = table.metadata_values(key)
    built = build_column(values)
    with _LOCK:
        cached = _CACHE.get(table)
        if cached is None or cached.version != version:
            cached = _CACHE[table] = _TableColumns(version, {})
        cached.columns[key] = built
    return built


def document_text(table: RecordTable) -> DocumentText:
    """The table's documents joined for substring search, cached like the columns."""
    version = table.version
    with _LOCK:
        cached = _CACHE.get(table)
        if cached is not None and cached.version == version and cached.documents is not None:
            return cached.documents
    built = DocumentText(table.documents[: table.n_rows])
    with _LOCK:
        cached = _CACHE.get(table)
        if cached is None or cached.version != version:
            cached = _CACHE[table] = _TableColumns(version, {})
        cached.documents = built
    return built
