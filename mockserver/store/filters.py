"""Store: `where` / `where_document` filters: Chroma 1.5.9's grammar, parsed to an AST, run on columns.

Parsing follows `rust/types/src/where_parsing.rs` as observed on the real server: every malformed
clause is 400 "Invalid where clause" / "Invalid where document clause", a `$regex` is compiled
(and can fail) while parsing, in document order. Only after both filters parsed, each comparison is
checked against the collection's schema: a key and value type whose inverted index is off (always
`#document` as a string), or document search with full-text search off, is a 400 (use
`parse_filters` to get that order).

Evaluation copies the local SQLite segment, including its quirks:
- int and float values are compared across types: an int bound `i` is compared with int values
  as `i` and with float values as `float(i)`; a float bound `f` with float values as `f` and with
  int values as `int(f)` truncated toward zero and saturated (Rust `f as i64`), which is
  chroma-core/chroma#7491 (`{"n": 2.5}` matches an int 2; `{"n": {"$lt": 2.5}}` does not);
- bools are never numbers; `$eq`/`$in` never match arrays; `$contains` matches arrays only,
  element type must match exactly (int 2 is not in [2.0]);
- `$ne`, `$nin`, `$not_contains`, `$not_regex` are complements of the positive form, so records
  without the key (or without a document) match them;
- document `$contains` is a case-sensitive substring test, `$regex` a Rust-regex search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mockserver.errors import Internal, InvalidArgument
from mockserver.store.filter_index import I64_MAX, I64_MIN, BoolArray, Column, column, document_text, kind_of
from mockserver.store.records import RecordTable, RowArray
from mockserver.store.rust_regex import RustRegex, compile_rust_regex

Scalar = bool | int | float | str
CompareOp = Literal["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"]
WHERE_ERROR = "Invalid where clause"
DOCUMENT_ERROR = "Invalid where document clause"
NOT_INDEXED = "Cannot filter using metadata key '{key}' with type '{kind}' because indexing is disabled"
DOCUMENT_KEY_ERROR = NOT_INDEXED.format(key="#document", kind="Str")
_KIND_NAMES = {"str": "Str", "int": "Int", "float": "Float", "bool": "Bool"}
FTS_DISABLED = "Cannot filter using full-text search because FTS indexing is disabled"
REGEX_TOO_LARGE = "Error executing plan: Internal error: error returned from database: (code: 1043) constraint failed"
_U64_MAX = 2**64 - 1
_ORDERING = ("$gt", "$gte", "$lt", "$lte")


@dataclass(frozen=True)
class And:
    children: tuple[Where, ...]  # empty: matches every record


@dataclass(frozen=True)
class Or:
    children: tuple[Where, ...]  # empty: matches no record


@dataclass(frozen=True)
class Compare:
    """A scalar comparison on one metadata key (`$ne` is the complement of `$eq`)."""

    key: str
    op: CompareOp
    value: Scalar


@dataclass(frozen=True)
class InSet:
    """`$in` / `$nin`; `kind` is the list's type, set by its first element."""

    key: str
    negate: bool
    kind: Literal["str", "bool", "int", "float"]
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Contains:
    """`$contains` / `$not_contains` on a metadata key: membership in an array value."""

    key: str
    negate: bool
    value: Scalar


@dataclass(frozen=True)
class DocContains:
    text: str
    negate: bool


@dataclass(frozen=True)
class DocRegex:
    pattern: str
    negate: bool
    regex: RustRegex = field(compare=False, repr=False)


Where = And | Or | Compare | InSet | Contains | DocContains | DocRegex
WhereDocument = Where  # built only from And, Or, DocContains and DocRegex


# ---- parsing ------------------------------------------------------------------------------------
#: (metadata key, value kind "str" / "int" / "float" / "bool") -> whether its inverted index is on;
#: ("#document", "fts") -> whether full-text search (document `$contains` / `$regex`) is on
Indexed = Callable[[str, str], bool]


def default_indexed(key: str, kind: str) -> bool:
    """The default schema: every key indexed but `#document` as a string (that is full-text search)."""
    return not (key == "#document" and kind == "str")


FTS = "fts"


def parse_filters(
    where: object, where_document: object, indexed: Indexed = default_indexed
) -> tuple[Where | None, WhereDocument | None]:
    """Both filters of a request (None / JSON null: absent), errors in the real server's order:
    each parsed, then the metadata keys `where` filters on checked against the `indexed` schema."""
    where_node = None if where is None else _parse_where(where)
    document_node = None if where_document is None else parse_where_document(where_document)
    for node in (where_node, document_node):
        if node is not None:
            _check_indexed(node, indexed)
    return where_node, document_node


def parse_where(raw: object) -> Where:
    """A `where` filter; raises InvalidArgument with Chroma's message."""
    node = _parse_where(raw)
    _check_indexed(node, default_indexed)
    return node


def parse_where_document(raw: object) -> WhereDocument:
    """A `where_document` filter; raises InvalidArgument with Chroma's message."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise InvalidArgument(DOCUMENT_ERROR)
    ((key, value),) = raw.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list):
            raise InvalidArgument(DOCUMENT_ERROR)
        children = tuple(parse_where_document(child) for child in value)
        return And(children) if key == "$and" else Or(children)
    if not isinstance(value, str):
        raise InvalidArgument(DOCUMENT_ERROR)
    node = _document_node(key, value)
    if node is None:
        raise InvalidArgument(DOCUMENT_ERROR)
    return node


def _document_node(op: str, text: str) -> DocContains | DocRegex | None:
    if op in ("$contains", "$not_contains"):
        return DocContains(text, op == "$not_contains")
    if op in ("$regex", "$not_regex"):
        return DocRegex(text, op == "$not_regex", compile_rust_regex(text))
    return None


def _invalid() -> InvalidArgument:
    return InvalidArgument(WHERE_ERROR)


def _number(value: object) -> tuple[str, Scalar]:
    """serde_json's view of a JSON number: ("int", i64), ("u64", n) or ("float", f64)."""
    if isinstance(value, float):
        return "float", value
    assert isinstance(value, int) and not isinstance(value, bool)
    if I64_MIN <= value <= I64_MAX:
        return "int", value
    if 0 < value <= _U64_MAX:
        return "u64", value
    try:
        return "float", float(value)
    except OverflowError:
        raise _invalid() from None


def _scalar(value: object) -> Scalar:
    """A comparison operand (string, bool, i64 or f64); u64-only numbers and the rest are invalid."""
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)):
        kind, number = _number(value)
        if kind != "u64":
            return number
    raise _invalid()


def _parse_where(raw: object) -> Where:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _invalid()
    ((key, value),) = raw.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list):
            raise _invalid()
        children = tuple(_parse_where(child) for child in value)
        return And(children) if key == "$and" else Or(children)
    if not isinstance(key, str) or key.startswith("$"):
        raise _invalid()
    if not isinstance(value, dict):
        return Compare(key, "$eq", _scalar(value))
    if len(value) != 1:
        raise _invalid()
    ((op, operand),) = value.items()
    if isinstance(operand, list):
        return _parse_set(key, op, operand)
    scalar = _scalar(operand)
    if op in ("$contains", "$not_contains", "$regex", "$not_regex") and key == "#document":
        node = _document_node(op, scalar) if isinstance(scalar, str) else None
        if node is None:
            raise _invalid()
        return node
    if op in ("$eq", "$ne"):
        return Compare(key, op, scalar)
    if op in ("$contains", "$not_contains"):
        return Contains(key, op == "$not_contains", scalar)
    if op in _ORDERING and not isinstance(scalar, (str, bool)):
        return Compare(key, op, scalar)
    raise _invalid()


def _parse_set(key: str, op: str, operand: list[object]) -> InSet:
    if op not in ("$in", "$nin") or not operand:
        raise _invalid()
    negate, first = op == "$nin", operand[0]
    if isinstance(first, str):
        if not all(isinstance(v, str) for v in operand):
            raise _invalid()
        return InSet(key, negate, "str", tuple(v for v in operand if isinstance(v, str)))
    if isinstance(first, bool):
        if not all(isinstance(v, bool) for v in operand):
            raise _invalid()
        return InSet(key, negate, "bool", tuple(v for v in operand if isinstance(v, bool)))
    if not isinstance(first, (int, float)) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in operand
    ):
        raise _invalid()
    numbers = [_number(v) for v in operand]
    if numbers[0][0] == "float":  # every number converts to f64
        return InSet(key, negate, "float", tuple(float(v) for v in operand))  # type: ignore[arg-type]
    if numbers[0][0] == "int" and all(kind == "int" for kind, _ in numbers):
        return InSet(key, negate, "int", tuple(n for _, n in numbers))
    raise _invalid()


def _check_indexed(node: Where, indexed: Indexed) -> None:
    """400 for the first comparison (in document order) on a key and type whose index is off."""
    if isinstance(node, (And, Or)):
        for child in node.children:
            _check_indexed(child, indexed)
    elif isinstance(node, (Compare, InSet, Contains)):
        kind = node.kind if isinstance(node, InSet) else kind_of(node.value)
        if kind and not indexed(node.key, kind):
            raise InvalidArgument(NOT_INDEXED.format(key=node.key, kind=_KIND_NAMES[kind]))
    elif isinstance(node, (DocContains, DocRegex)) and not indexed("#document", FTS):
        raise InvalidArgument(FTS_DISABLED)


# ---- evaluation ---------------------------------------------------------------------------------
def select(table: RecordTable, rows: RowArray, where: Where | None, where_document: WhereDocument | None) -> RowArray:
    """The rows (ascending, a subset of `rows`) matching `where` AND `where_document`."""
    nodes = [node for node in (where, where_document) if node is not None]
    if not nodes or len(rows) == 0:
        return rows
    evaluator = _Evaluator(table, rows)
    mask = evaluator.eval(nodes[0])
    for node in nodes[1:]:
        mask &= evaluator.eval(node)
    return rows[mask]


def saturating_i64(value: float) -> int:
    """Rust's `value as i64`: truncation toward zero, saturating, NaN -> 0."""
    if np.isnan(value):
        return 0
    if value >= 9.223372036854775807e18:
        return I64_MAX
    if value <= -9.223372036854775808e18:
        return I64_MIN
    return int(value)


def _ordered(values: npt.NDArray[Any], op: str, bound: float) -> BoolArray:
    result = {
        "$eq": np.equal, "$gt": np.greater, "$gte": np.greater_equal, "$lt": np.less, "$lte": np.less_equal,
    }[op](values, bound)  # fmt: skip
    assert isinstance(result, np.ndarray)
    return result


class _Evaluator:
    """Evaluates filter nodes as boolean masks aligned with `rows`."""

    def __init__(self, table: RecordTable, rows: RowArray) -> None:
        self.table, self.rows = table, rows
        self._documents: list[str | None] | None = None

    def documents(self) -> list[str | None]:
        if self._documents is None:
            docs = self.table.documents
            self._documents = [docs[r] for r in self.rows.tolist()]
        return self._documents

    def eval(self, node: Where) -> BoolArray:
        if isinstance(node, And):
            mask = np.ones(len(self.rows), dtype=bool)
            for child in node.children:
                mask &= self.eval(child)
            return mask
        if isinstance(node, Or):
            mask = np.zeros(len(self.rows), dtype=bool)
            for child in node.children:
                mask |= self.eval(child)
            return mask
        if isinstance(node, Compare):
            hit = self._compare(column(self.table, node.key), "$eq" if node.op == "$ne" else node.op, node.value)
            return ~hit if node.op == "$ne" else hit
        if isinstance(node, InSet):
            hit = self._in(column(self.table, node.key), node)
        elif isinstance(node, Contains):
            found = column(self.table, node.key).rows_containing(kind_of(node.value), node.value)
            hit = np.isin(self.rows, found, assume_unique=False)
        elif isinstance(node, DocContains):
            hit = document_text(self.table).containing(node.text)[self.rows]
        else:
            hit = self._regex(node)
        return ~hit if node.negate else hit

    def _compare(self, col: Column, op: str, value: Scalar) -> BoolArray:
        rows = self.rows
        hit: BoolArray
        if isinstance(value, str):
            hit = col.str_codes[rows] == col.str_code(value)
            return hit
        if isinstance(value, bool):
            hit = col.bools[rows] == int(value)
            return hit
        int_bound, float_bound = (value, float(value)) if isinstance(value, int) else (saturating_i64(value), value)
        ints = col.int_mask[rows] & _ordered(col.ints[rows], op, int_bound)
        return ints | (col.float_mask[rows] & _ordered(col.floats[rows], op, float_bound))

    def _in(self, col: Column, node: InSet) -> BoolArray:
        rows = self.rows
        if node.kind == "str":
            codes = [col.str_code(v) for v in node.values if isinstance(v, str)]
            return np.isin(col.str_codes[rows], codes)
        if node.kind == "bool":
            return np.isin(col.bools[rows], [int(v) for v in node.values])
        numbers = [float(v) for v in node.values]
        if node.kind == "int":
            int_bounds = [int(v) for v in node.values]
        else:
            int_bounds = [saturating_i64(v) for v in numbers]
        ints = col.int_mask[rows] & np.isin(col.ints[rows], np.array(int_bounds, dtype=np.int64))
        return ints | (col.float_mask[rows] & np.isin(col.floats[rows], np.array(numbers, dtype=np.float64)))

    def _regex(self, node: DocRegex) -> BoolArray:
        if node.regex.too_large and any(d is not None for d in self.table.documents):
            raise Internal(REGEX_TOO_LARGE)
        docs = self.documents()
        return np.fromiter(node.regex.search_all(docs), dtype=bool, count=len(docs))


# ---- for search (mockserver.store.search): its filter is parsed with the body, checked against the schema later
parse_where_unchecked = _parse_where
check_indexed = _check_indexed
