"""Search: a search `filter` on records: the where grammar of get/query plus the `#id` key (the record id)."""

from __future__ import annotations

import numpy as np

from mockserver.store.filter_index import BoolArray
from mockserver.store.filters import And, Compare, Contains, InSet, Or, Where, select
from mockserver.store.records import RecordTable, RowArray

ID_KEY = "#id"


def _mentions_id(node: Where) -> bool:
    if isinstance(node, (And, Or)):
        return any(_mentions_id(child) for child in node.children)
    return isinstance(node, (Compare, InSet, Contains)) and node.key == ID_KEY


def search_rows(table: RecordTable, rows: RowArray, node: Where) -> RowArray:
    """The rows (ascending, a subset of `rows`) matching `node`."""
    if not _mentions_id(node):
        return select(table, rows, node, None)
    kept: RowArray = rows[_mask(table, rows, node)]
    return kept


def _mask(table: RecordTable, rows: RowArray, node: Where) -> BoolArray:
    if isinstance(node, And):
        mask = np.ones(len(rows), dtype=bool)
        for child in node.children:
            mask &= _mask(table, rows, child)
        return mask
    if isinstance(node, Or):
        mask = np.zeros(len(rows), dtype=bool)
        for child in node.children:
            mask |= _mask(table, rows, child)
        return mask
    if isinstance(node, (Compare, InSet, Contains)) and node.key == ID_KEY:
        ids = [table.ids[r] for r in rows.tolist()]
        if isinstance(node, Compare):
            if node.op in ("$eq", "$ne"):
                hit = np.fromiter((i == node.value for i in ids), dtype=bool, count=len(ids))
                return ~hit if node.op == "$ne" else hit
            return np.zeros(len(rows), dtype=bool)  # ids are strings: no ordering comparison holds
        if isinstance(node, InSet):
            wanted = set(node.values)
            hit = np.fromiter((i in wanted for i in ids), dtype=bool, count=len(ids))
            return ~hit if node.negate else hit
        hit = np.zeros(len(rows), dtype=bool)  # an id is not an array
        return ~hit if node.negate else hit
    kept = select(table, rows, node, None)
    return np.isin(rows, kept, assume_unique=True)
