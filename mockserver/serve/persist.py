"""Persist: `--state-file` durability: an SQLite log of every acknowledged write, compacted into snapshot tables.

Design (write-through operation log + incremental snapshot, in one SQLite file):

- Hook. `MockApp.persistence` is None unless `--state-file` is given, and then a request pays one
  `is None` test. With it, the app runs handlers through `Persistence.apply` and then awaits
  `Persistence.durable()`. For a mutating operation (`oplog.RECORDED`) `apply` holds the store lock,
  runs the handler and, if it succeeded, inserts one `log` row (see `mockserver.serve.oplog`: operation,
  path params, the ids the store picked, the body as the API accepted it), so the log order is the order in
  which the store applied the writes. `durable()` commits before the response is sent: every write
  a client saw acknowledged is committed. It is a group commit: the first waiter yields once to the
  event loop, lets the requests that are ready log theirs, and commits them all at once. Reads pay
  one dict lookup.
- Failed writes change nothing, except Chroma's one side effect: the first embeddings fix a
  collection's dimension even when the request then fails; that is logged as a `_dimension` row.
- Snapshot. Tables `tenants`, `databases`, `collections` (every field of a `Collection` but its
  records, as JSON: fields added to the store later persist too, as long as they are JSON values)
  and `records` (chunks of 2048 records in storage order: ids, documents, uris and metadatas as
  JSON arrays, embeddings as one float32 blob) hold the state as of the last compaction.
  Compaction runs at start-up after the log is replayed, after `COMPACT_EVERY_ROWS` rows or
  `COMPACT_EVERY_BYTES` of log, on `checkpoint()` and on `close()`. In one transaction it rewrites
  the catalog tables, rewrites the records of the collections whose `RecordTable` changed since the
  last compaction (object identity + `version`), drops those of collections that are gone, and
  empties the log. Writes wait while it runs (about 0.15 s for a changed 10,000 x 384 collection).
- Start-up (`Persistence.open`) loads the snapshot into the store, replays the log (`oplog.replay`,
  the Store's methods with the logged ids), then compacts.
- Out-of-band changes (admin reset/import, seed loading, `--reload` of the seed) are not logged:
  whoever makes them calls `checkpoint()`, which snapshots the whole current state.

What can be lost. The journal is WAL with `synchronous=NORMAL`: a commit is in the WAL file (handed
to the OS) before the response goes out. So a `kill -9` of the server at any moment loses nothing
that was acknowledged: a restart restores a prefix of the writes in the order the store applied
them, holding every acknowledged one (and possibly writes that were committed but whose response
never left). An OS crash or power cut can also lose the commits since the last WAL checkpoint
(SQLite's default: every 1000 pages, about 4 MB of log), never more, and the file still loads: SQLite
recovers to a committed transaction. `Persistence(..., synchronous="FULL")` fsyncs every commit
(no loss on power cut either, but writes several times slower). The file is opened in exclusive
locking mode, so a second server on the same file fails at start instead of corrupting it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from mockserver.api.handlers import Context, Reply
from mockserver.api.validate import ValidRequest, parse_json
from mockserver.errors import Internal, MockError
from mockserver.serve.collection_json import cloud_fields, collection_from_json, collection_json, restore_cloud
from mockserver.serve.oplog import RAW_BODIES, RECORD_WRITES, RECORDED, logged_collection, replay
from mockserver.store import Store
from mockserver.store.records import RecordTable

log = logging.getLogger("mockserver")

FORMAT = "1"
#: Compact once the log holds this many rows or bytes (the environment variables tune it, e.g. in tests).
COMPACT_EVERY_ROWS = int(os.environ.get("MOCKSERVER_COMPACT_EVERY_ROWS", "5000"))
CHUNK_RECORDS = 2048  # records per row of the `records` table
COMPACT_EVERY_BYTES = int(os.environ.get("MOCKSERVER_COMPACT_EVERY_BYTES", str(64 * 1024 * 1024)))

Handler = Callable[[Context, ValidRequest], Reply]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS databases (tenant TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (tenant, name));
CREATE TABLE IF NOT EXISTS collections (
    pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, database TEXT NOT NULL,
    name TEXT NOT NULL, fields TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    collection_id TEXT NOT NULL, chunk INTEGER NOT NULL, ids TEXT NOT NULL, vectors BLOB NOT NULL,
    documents TEXT NOT NULL, uris TEXT NOT NULL, metadatas TEXT NOT NULL, PRIMARY KEY (collection_id, chunk));
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, op TEXT NOT NULL, args BLOB NOT NULL, body BLOB NOT NULL);
"""


class StateFileError(RuntimeError):
    """The state file cannot be used (locked by another server, unknown format, unreadable)."""


def _dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError:  # integers beyond 64 bits (accepted by the validator's fallback parser)
        return json.dumps(value).encode()


def _loads(data: bytes) -> Any:
    """What `_dumps` wrote, exactly (orjson; the stdlib for integers beyond 64 bits)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


# the state file ------------------------------------------------------------------------------------
class Persistence:
    """One open state file bound to one store. Every database access happens under `store.lock`."""

    def __init__(self, path: str | Path, store: Store, synchronous: str = "NORMAL") -> None:
        self.path = Path(path)
        self.store = store
        self.broken: str | None = None
        self.closed = False
        self.fresh = True  # no state in the file before this run
        self.replayed = 0
        self._log_rows = 0
        self._log_bytes = 0
        self._saved: dict[str, tuple[RecordTable, int]] = {}  # collection id -> (table, version) in the snapshot
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0.2)
        except sqlite3.Error as exc:
            raise StateFileError(f"state file {self.path} cannot be opened: {exc}") from None
        try:
            self.db.execute("PRAGMA locking_mode=EXCLUSIVE")
            mode = self.db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                self.db.close()
                raise StateFileError(f"state file {self.path}: cannot use WAL journal mode (got {mode})")
            self.db.execute(f"PRAGMA synchronous={'FULL' if synchronous.upper() == 'FULL' else 'NORMAL'}")
            self.db.execute("BEGIN IMMEDIATE")  # takes the exclusive lock now, not at the first write
            self.db.executescript(_SCHEMA)  # commits
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if "locked" in str(exc):
                raise StateFileError(f"state file {self.path} is in use by another process") from None
            raise StateFileError(f"state file {self.path} is not a usable SQLite file: {exc}") from None

    @classmethod
    def open(cls, path: str | Path, store: Store, synchronous: str = "NORMAL") -> Persistence:
        """Open (or create) the state file and load what it holds into `store`."""
        persistence = cls(path, store, synchronous)
        try:
            persistence.load()
        except StateFileError:
            persistence.db.close()
            raise
        except Exception as exc:  # noqa: BLE001 - truncated, foreign tables, rows not ours: one clean line
            persistence.db.close()
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())
            raise StateFileError(f"state file {persistence.path} is damaged and cannot be loaded ({detail})") from None
        except BaseException:
            persistence.db.close()
            raise
        return persistence

    # the request path ------------------------------------------------------------------------------
    def apply(self, handler: Handler, context: Context, request: ValidRequest, body: bytes) -> Reply:
        """Run `handler`; log a mutating operation that succeeded (`body`: the raw request body).

        The log row joins the open transaction: the caller must `await durable()` (or call
        `commit()`) before it acknowledges the write.
        """
        op = request.operation.operation_id
        extra = RECORDED.get(op)
        if extra is None:
            return handler(context, request)
        with self.store.lock:
            if self.broken is not None or self.closed:
                problem = self.broken or "closed"
                raise Internal(f"chroma-mockserver: the state file cannot be written ({problem}); restart the server")
            undimensioned = None
            if op in RECORD_WRITES:
                undimensioned = logged_collection(self.store, request)
                if undimensioned is not None and undimensioned.dimension is not None:
                    undimensioned = None
            try:
                reply = handler(context, request)
            except MockError:
                if undimensioned is not None and undimensioned.dimension is not None:
                    self._append("_dimension", {"x": {"id": undimensioned.id, "dimension": undimensioned.dimension}}, b"")
                    self.commit()
                raise
            args = {"p": request.params, "x": extra(self.store, request, reply)}
            if op not in RAW_BODIES:  # what the validator accepted, not what the client wrote
                args["a"], body = 1, _dumps(request.body)
            self._append(op, args, body)
            return reply

    def _append(self, op: str, args: dict[str, Any], body: bytes) -> None:
        payload = _dumps(args)
        try:
            if not self.db.in_transaction:
                self.db.execute("BEGIN")
            self.db.execute("INSERT INTO log (op, args, body) VALUES (?, ?, ?)", (op, payload, body))
        except sqlite3.Error as exc:
            raise self._broke("write", exc) from None
        self._log_rows += 1
        self._log_bytes += len(payload) + len(body)

    async def durable(self) -> None:
        """Return once every logged write is committed. Group commit: the first waiter lets the
        requests that are ready run (and log theirs) before it commits once for all of them."""
        if not self.db.in_transaction:
            return
        await asyncio.sleep(0)
        self.commit()

    def commit(self) -> None:
        """Commit the logged writes (if any), then compact when the log has grown past its bounds."""
        with self.store.lock:
            if self.db.in_transaction:
                try:
                    self.db.execute("COMMIT")
                except sqlite3.Error as exc:
                    raise self._broke("commit", exc) from None
            if self._log_rows >= COMPACT_EVERY_ROWS or self._log_bytes >= COMPACT_EVERY_BYTES:
                self.compact()

    def _broke(self, what: str, exc: sqlite3.Error) -> Internal:
        """From now on every write is refused: the store holds changes the file may not have."""
        self.broken = str(exc)
        log.error("state file %s: %s failed: %s", self.path, what, exc)
        return Internal(f"chroma-mockserver: writing the state file failed: {exc}")

    # start-up ------------------------------------------------------------------------------------
    def load(self) -> None:
        """Rebuild the store from the snapshot tables, replay the log, compact (the cloud log, then the file)."""
        with self.store.lock:
            meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format", FORMAT) != FORMAT:
                raise StateFileError(f"state file {self.path} has format {meta['format']}; this version reads {FORMAT}")
            self.store.reset()
            self._saved = {}
            if "snapshot" in meta:
                self.fresh = False
                self._load_snapshot()
            for seq, op, args, body in self.db.execute("SELECT seq, op, args, body FROM log ORDER BY seq").fetchall():
                self.fresh = False
                args = orjson.loads(args)
                if args.get("a"):  # the body as the API accepted it, serialised by `_dumps`
                    data = _loads(body) or {}
                else:  # a raw request body: parsed as the request was
                    data = parse_json(body) if body else {}
                try:
                    replay(self.store, op, args, data)
                except MockError as exc:
                    log.warning("state file %s: log entry %d (%s) no longer applies: %s", self.path, seq, op, exc.message)
                self.replayed += 1
            self.store.compact()  # cloud profile: the replayed writes come back indexed, as a snapshot's do
            self.compact()

    def _load_snapshot(self) -> None:
        catalog, collections = self.store.catalog, self.store.collections
        catalog.tenants = {name for (name,) in self.db.execute("SELECT name FROM tenants")}
        catalog.databases = {}
        for tenant, name, db_id in self.db.execute("SELECT tenant, name, id FROM databases ORDER BY rowid"):
            catalog.create_database(tenant, name, db_id)
        rows = self.db.execute("SELECT id, tenant, database, name, fields FROM collections ORDER BY pos").fetchall()
        cloud: dict[str, dict[str, Any]] = {}
        for cid, tenant, database, name, fields_json in rows:
            data = orjson.loads(fields_json)
            if "_cloud" in data:
                cloud[cid] = data.pop("_cloud")
            collection = collection_from_json(data)
            table = collection.records
            if collection.dimension is not None:
                table.ensure_dimension(collection.dimension)
            chunks = self.db.execute(
                "SELECT ids, vectors, documents, uris, metadatas FROM records WHERE collection_id = ? ORDER BY chunk", (cid,)
            )
            for ids, vectors, documents, uris, metadatas in chunks:
                ids, documents, uris, metadatas = (orjson.loads(c) for c in (ids, documents, uris, metadatas))
                matrix = np.frombuffer(vectors, dtype="<f4").reshape(len(ids), -1)
                for i, rid in enumerate(ids):
                    table.append(rid, matrix[i], documents[i], uris[i], metadatas[i])
            collections.by_id[cid] = collection
            collections.by_name[(tenant, database, name)] = collection
            self._saved[cid] = (table, table.version)
        restore_cloud(collections, cloud)

    # snapshots -----------------------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Snapshot the whole current state now (after changes that bypass `apply`)."""
        self.compact()

    def compact(self) -> None:
        with self.store.lock:
            try:
                self._compact()
            except sqlite3.Error as exc:
                raise self._broke("snapshot", exc) from None

    def _compact(self) -> None:
        db, catalog, by_id = self.db, self.store.catalog, self.store.collections.by_id
        saved: dict[str, tuple[RecordTable, int]] = {}
        cloud = cloud_fields(self.store.collections)
        if db.in_transaction:
            db.execute("COMMIT")  # logged writes first: the snapshot includes them anyway
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM tenants")
            db.executemany("INSERT INTO tenants (name) VALUES (?)", [(t,) for t in sorted(catalog.tenants)])
            db.execute("DELETE FROM databases")
            db.executemany(
                "INSERT INTO databases (tenant, name, id) VALUES (?, ?, ?)",
                [(d.tenant, d.name, d.id) for d in catalog.databases.values()],
            )
            db.execute("DELETE FROM collections")
            db.executemany(
                "INSERT INTO collections (pos, id, tenant, database, name, fields) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (pos, c.id, c.tenant, c.database, c.name, _dumps(collection_json(c, cloud.get(c.id))).decode())
                    for pos, c in enumerate(by_id.values())
                ],
            )
            for cid in self._saved.keys() - by_id.keys():
                db.execute("DELETE FROM records WHERE collection_id = ?", (cid,))
            for cid, collection in by_id.items():
                table = collection.records
                before = self._saved.get(cid)
                if before is None or before[0] is not table or before[1] != table.version:
                    if before is not None:
                        db.execute("DELETE FROM records WHERE collection_id = ?", (cid,))
                    db.executemany(
                        "INSERT INTO records (collection_id, chunk, ids, vectors, documents, uris, metadatas) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        _record_rows(cid, table),
                    )
                saved[cid] = (table, table.version)
            db.execute("DELETE FROM log")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?), ('snapshot', '1')", (FORMAT,))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._saved = saved
        self._log_rows = self._log_bytes = 0

    def close(self) -> None:
        """Compact and close (clean shutdown; idempotent): the file is then one self-contained SQLite file."""
        with self.store.lock:
            if self.closed:
                return
            self.closed = True
            try:
                if self.broken is None:
                    self._compact()
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.error("state file %s: closing failed: %s", self.path, exc)
            finally:
                self.db.close()


def _record_rows(cid: str, table: RecordTable) -> list[tuple[Any, ...]]:
    """A collection's live records in storage order, as chunks of CHUNK_RECORDS (columns as JSON, vectors as float32)."""
    rows = table.live_rows()
    out = []
    for chunk, start in enumerate(range(0, rows.size, CHUNK_RECORDS)):
        part = rows[start : start + CHUNK_RECORDS]
        listed = part.tolist()
        assert table.vectors is not None
        out.append(
            (
                cid,
                chunk,
                _dumps([table.ids[r] for r in listed]).decode(),
                np.ascontiguousarray(table.vectors[part], dtype="<f4").tobytes(),
                _dumps([table.documents[r] for r in listed]).decode(),
                _dumps([table.uris[r] for r in listed]).decode(),
                _dumps([table.metadata(r) for r in listed]).decode(),
            )
        )
    return out
