"""Store: the cloud profile's write-ahead log and compaction (reference cloud 2.10, 4.3).

In a distributed deployment a write is acknowledged once it is in the collection's log; a
compactor later folds the log into the index, and each compaction raises the collection's
`version` and moves its `log_position`. Reads at `index_and_wal` (the default) see every
acknowledged write, reads at `index_only` only the index.

Here the live `RecordTable` of a collection is always the index-and-WAL state. A `Wal` keeps the
writes not yet compacted (each write's store function and arguments, its op count, its time) and
a shadow collection holding the index state: compacting replays the due writes on the shadow, in
order, so the index is exactly the state after the first `num_indexed_ops` operations (a delete by
`where` matches on the shadow what it matched live, because the shadow has seen the same writes).

Compaction is lazy and deterministic: a write is due `delay` seconds after it was acknowledged, and
due writes are compacted when the store is next used (before the request is answered), so a client
polling `version` sees it rise after about `delay` seconds, without a background thread. `force`
compacts everything at once (admin API `POST /__mock/compact`, `chroma_mock.compact()`).
Ops are counted as Chroma counts them: one per record id of an add/upsert/update, one per given id
of a delete by ids, one per matched record of a delete by filter.
"""

from __future__ import annotations

import copy
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from mockserver.store.records import RecordTable

#: a `mockserver.store.collections.Collection` (not imported: collections imports this module)
Collection = Any
Apply = Callable[..., Any]  # a `mockserver.store.writes` function: (collection, *args)


@dataclass(frozen=True)
class Entry:
    apply: Apply
    args: tuple[Any, ...]
    ops: int
    at: float  # time.monotonic() when acknowledged


@dataclass
class Wal:
    """One collection's log position, version and the writes not compacted yet."""

    index: Collection  # the compacted state (same settings, its own records)
    pending: deque[Entry] = field(default_factory=deque)
    total_ops: int = 0
    indexed_ops: int = 0
    version: int = 0

    @classmethod
    def for_collection(cls, collection: Collection) -> Wal:
        """A log whose index is the collection as it is now (sharing its records until either is written)."""
        index = collection.shadow(metadata_types={key: list(kinds) for key, kinds in collection.metadata_types.items()})
        index.shared_records = collection.shared_records = True
        return cls(index)

    def append(self, apply: Apply, args: tuple[Any, ...], ops: int, now: float | None = None) -> None:
        self.pending.append(Entry(apply, args, ops, time.monotonic() if now is None else now))
        self.total_ops += ops

    def due(self, delay: float, now: float | None = None) -> bool:
        return bool(self.pending) and self.pending[0].at + delay <= (time.monotonic() if now is None else now)

    def compact(self, delay: float | None = None, now: float | None = None) -> bool:
        """Fold the due writes (all of them when `delay` is None) into the index: one compaction,
        one `version` step. Returns whether anything was compacted."""
        now = time.monotonic() if now is None else now
        done = False
        while self.pending and (delay is None or self.pending[0].at + delay <= now):
            own_records(self.index)  # a fork's index starts shared with its source's
            entry = self.pending.popleft()
            entry.apply(self.index, *entry.args)
            self.indexed_ops += entry.ops
            done = True
        if done:
            self.version += 1
        return done

    def status(self) -> dict[str, Any]:
        """The `indexing_status` body."""
        total, indexed = self.total_ops, self.indexed_ops
        progress = 1.0 if total == 0 else float(indexed) / float(total)
        import numpy as np

        return {
            "op_indexing_progress": np.float32(progress),
            "num_unindexed_ops": total - indexed,
            "num_indexed_ops": indexed,
            "total_ops": total,
        }

    def bounded(self, limit: int) -> Collection | None:
        """`index_and_bounded_wal`: the index plus the first writes of the log while they hold at most
        `limit` ops in all (whole writes only). None: that is the whole log (read the live records)."""
        taken, ops = [], 0
        for entry in self.pending:
            if ops + entry.ops > limit:
                break
            taken.append(entry)
            ops += entry.ops
        if len(taken) == len(self.pending):
            return None
        if not taken:
            return self.index
        view = self.index.shadow(_table=copy.deepcopy(self.index._table), metadata_types={})
        for entry in taken:
            entry.apply(view, *entry.args)
        return view


def read_view(collection: Collection, read_level: str | None, bounded_limit: int) -> Collection:
    """The collection state a read at `read_level` sees (the live one without a log)."""
    wal = collection.wal
    if wal is None or read_level in (None, "index_and_wal") or not wal.pending:
        return collection
    if read_level == "index_only":
        return wal.index
    view = wal.bounded(bounded_limit)
    return collection if view is None else view


def clone_table(table: RecordTable) -> RecordTable:
    """An independent copy of a record table (rows, ids, metadata, the embedding matrix)."""
    clone = copy.copy(table)
    clone.row_of = dict(table.row_of)
    clone.ids, clone.documents, clone.uris = list(table.ids), list(table.documents), list(table.uris)
    clone._keys, clone._values, clone._shapes = list(table._keys), list(table._values), dict(table._shapes)
    clone.alive = table.alive.copy()
    clone.vectors = None if table.vectors is None else table.vectors.copy()
    return clone


def own_records(collection: Collection) -> None:
    """Before a write: a collection whose records are shared (with a fork, or with its log's index)
    takes its own copy."""
    if collection.shared_records and collection._table is not None:
        collection._table = clone_table(collection._table)
    collection.shared_records = False
