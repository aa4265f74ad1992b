"""Journal: the bounded, thread-safe record of the requests the mock answered (server-control layer).

`MockApp` records one `JournalEntry` per request it answers (admin requests under `/__mock/` are not
recorded). Tests read it back with `entries()` / `calls()` / `last()` and assert with
`assert_called()` / `assert_not_called()`, which raise `AssertionError` listing what was recorded.
The oldest entries are dropped once `maxlen` is reached; `Journal(maxlen=0)` records nothing.
Each entry gets a sequence number (`seq`, from 1, never reused, not even after `clear()`): a reader
polling for new entries passes the last one it saw as `since` (the dashboard does).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import orjson

from mockserver.control.patterns import path_matcher

DEFAULT_MAXLEN = 1000
#: Bodies kept at most, in bytes over all entries: older entries go first, so a stream of bulk
#: `add` requests cannot hold gigabytes (the newest entry is always kept).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Characters of the request body `repr()` shows per entry.
PREVIEW_CHARS = 80


@dataclass(frozen=True)
class JournalEntry:
    """One answered request. Bodies are parsed JSON (None when absent or not JSON)."""

    operation_id: str | None  # None: no spec operation matched (404/405, /api/v1, /openapi.json ...)
    method: str
    path: str  # as sent, without the query string
    status: int
    request_body: Any
    response_body: Any
    duration_ms: float
    time: float  # wall-clock start, seconds since the epoch
    query: str = ""  # the raw query string, "" when none
    fault: str | None = None  # "rule <id>" or "prefer" when the answer was injected
    exception: str | None = None  # traceback of a mock bug that was answered as a 500
    seq: int = 0  # the journal's sequence number (0: not recorded)
    #: the bodies as they crossed the wire, when recorded raw (for `writable`)
    raw_bodies: tuple[bytes, bytes] | None = field(default=None, compare=False, repr=False)

    def to_json(self, bodies: bool = True) -> dict[str, Any]:
        """The entry as JSON; `bodies=False` leaves the request and response bodies out."""
        if not bodies:
            return {k: v for k, v in self.to_json().items() if k not in ("request_body", "response_body")}
        return {
            "seq": self.seq,
            "operation_id": self.operation_id,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "request_body": self.request_body,
            "response_body": self.response_body,
            "duration_ms": self.duration_ms,
            "time": self.time,
            "fault": self.fault,
            "exception": self.exception,
        }

    def describe(self, preview: int = 0) -> str:
        """One readable line: `POST /api/v2/... -> 201 (collection_add)`, then the start of the
        request body when `preview` > 0 (at most that many characters)."""
        target = self.path + (f"?{self.query}" if self.query else "")
        line = f"{self.method} {target} -> {self.status} ({self.operation_id or 'no operation'})"
        if self.fault:
            line += f" [fault: {self.fault}]"
        if preview and self.request_body is not None:
            line += " " + _preview(self.request_body, preview)
        return line

    def __repr__(self) -> str:
        return f"<JournalEntry {self.describe(preview=PREVIEW_CHARS)}>"

    @property
    def embeddings(self) -> list[list[float] | None] | None:
        """The embeddings the request sent (`embeddings`, or a query's `query_embeddings`) as lists of
        floats, base64 ones (what chromadb's clients send) decoded; None when it sent none."""
        body = self.request_body
        if not isinstance(body, dict):
            return None
        sent = body.get("embeddings", body.get("query_embeddings"))
        if not isinstance(sent, list):
            return None
        from mockserver.store.embeddings import decode

        return [None if v is None else [float(x) for x in v] for v in decode(sent) or []]


_Row = tuple[Any, ...]  # a JournalEntry's fields but seq in order, then `raw` (bodies still JSON bytes), then seq


class Journal:
    """A deque of the last `maxlen` entries behind one lock.

    The server records with `record_raw`: a tuple append holding the request and response bodies
    as the bytes that crossed the wire. Nothing is parsed, converted or copied per request, and the
    journal keeps one bytes object per body alive rather than a tree of Python objects (measured:
    keeping the parsed bodies of 1000 `update` requests costs more than parsing them when read).
    Readers get `JournalEntry` objects whose bodies are parsed then.
    """

    def __init__(self, maxlen: int = DEFAULT_MAXLEN, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if maxlen < 0:
            raise ValueError("maxlen must be >= 0")
        self.maxlen = maxlen
        self.max_bytes = max_bytes
        self.enabled = maxlen > 0
        self._entries: deque[_Row] = deque()
        self._lock = threading.Lock()
        self._dropped = 0
        self._bytes = 0
        self._seq = 0  # the last sequence number given

    # recording ----------------------------------------------------------------------------
    def record(self, entry: JournalEntry) -> None:
        """Record an entry whose bodies are parsed already (NumPy arrays allowed in the response)."""
        self._append((*(getattr(entry, name) for name in _ROW_FIELDS), False))

    def record_raw(
        self,
        operation_id: str | None,
        method: str,
        path: str,
        status: int,
        request_body: bytes,
        response_body: bytes,
        duration_ms: float,
        time: float,
        query: str = "",
        fault: str | None = None,
        exception: str | None = None,
    ) -> None:
        """Record a request with its bodies as raw JSON bytes (b"" for none); they are parsed when read."""
        if not self.enabled:
            return
        row = (
            operation_id,
            method,
            path,
            status,
            request_body,
            response_body,
            duration_ms,
            time,
            query,
            fault,
            exception,
            True,
        )
        self._append(row)

    def _append(self, row: _Row) -> None:
        if not self.enabled:
            return
        size = _body_bytes(row)
        with self._lock:
            self._seq += 1
            self._entries.append((*row, self._seq))
            self._bytes += size
            while len(self._entries) > self.maxlen or (self._bytes > self.max_bytes and len(self._entries) > 1):
                self._bytes -= _body_bytes(self._entries.popleft())
                self._dropped += 1

    def clear(self) -> int:
        """Forget every entry; return how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            self._dropped = 0
            self._bytes = 0
            return count

    # reading ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<Journal: {self._summary(preview=PREVIEW_CHARS)}>"

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest entry ever recorded (0: none yet); a cursor for `since`."""
        return self._seq

    def get(self, seq: int) -> JournalEntry | None:
        """The entry with this sequence number, None when it was dropped, cleared or never recorded."""
        with self._lock:
            if not self._entries:
                return None
            index = seq - self._entries[0][-1]
            row = self._entries[index] if 0 <= index < len(self._entries) else None
        return None if row is None else _entry(row)

    @property
    def dropped(self) -> int:
        """How many entries were dropped because the journal was full (since the last clear)."""
        return self._dropped

    def entries(
        self,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        since: int | None = None,
        bodies: bool = True,
    ) -> list[JournalEntry]:
        """Entries oldest first, filtered; `path` is exact or a pattern (see `mockserver.control.patterns`).

        `limit` keeps the most recent `limit` matching entries; `since` only the entries recorded after
        the one with that sequence number (the older ones are not even looked at). `bodies=False`
        leaves the bodies unparsed (None), for a listing.
        """
        with self._lock:
            skip = 0
            if since is not None and self._entries:
                skip = min(max(0, since - self._entries[0][-1] + 1), len(self._entries))
            snapshot = list(islice(self._entries, skip, None)) if skip else list(self._entries)
        wanted_method = method.upper() if method is not None else None
        matches_path = path_matcher(path) if path is not None else None
        rows = [
            r
            for r in snapshot
            if (operation_id is None or r[0] == operation_id)
            and (wanted_method is None or r[1] == wanted_method)
            and (status is None or r[3] == status)
            and (matches_path is None or matches_path(r[2]))
        ]
        if limit is not None:
            rows = rows[-limit:] if limit > 0 else []
        return [_entry(r, bodies) for r in rows]

    def calls(self, operation_id: str) -> list[JournalEntry]:
        """Every recorded request of one operation, oldest first."""
        return self.entries(operation_id=operation_id)

    def operations(self) -> list[str | None]:
        """The operation ids in the order they were answered (handy to assert on a sequence)."""
        return [e.operation_id for e in self.entries()]

    def last(self, operation_id: str | None = None) -> JournalEntry:
        """The most recent entry (of one operation); AssertionError when there is none."""
        __tracebackhide__ = True  # pytest: point failures at the test, not at the journal
        found = self.entries(operation_id=operation_id)
        if not found:
            what = f"a {operation_id} request" if operation_id else "any request"
            raise AssertionError(f"expected {what} to have been recorded, but none was.\n{self._summary()}")
        return found[-1]

    # assertions ---------------------------------------------------------------------------
    def assert_called(self, operation_id: str, times: int | None = None, **filters: Any) -> list[JournalEntry]:
        """Assert that `operation_id` was answered (exactly `times` times when given); return the calls.

        Extra keyword filters (`method`, `path`, `status`) narrow the calls counted.
        """
        __tracebackhide__ = True
        found = self.entries(operation_id=operation_id, **filters)
        narrowed = "".join(f", {k}={v!r}" for k, v in sorted(filters.items()))
        if times is None and not found:
            raise AssertionError(
                f"expected {operation_id}{narrowed} to be called, but it never was.\n{self._summary()}"
            )
        if times is not None and len(found) != times:
            raise AssertionError(
                f"expected {operation_id}{narrowed} to be called {_times(times)}, "
                f"but it was called {_times(len(found))}.\n{self._summary()}"
            )
        return found

    def assert_not_called(self, operation_id: str, **filters: Any) -> None:
        __tracebackhide__ = True
        self.assert_called(operation_id, 0, **filters)

    def _summary(self, last: int = 20, preview: int = 0) -> str:
        entries = self.entries()
        if not entries:
            return "The journal is empty." if self.enabled else "The journal is disabled (maxlen=0)."
        shown = entries[-last:]
        head = f"Requests recorded ({len(entries)}"
        head += f", last {len(shown)} shown):" if len(shown) < len(entries) else "):"
        return "\n".join([head, *(f"  {e.describe(preview)}" for e in shown)])


_ROW_FIELDS = tuple(name for name in JournalEntry.__dataclass_fields__ if name not in ("seq", "raw_bodies"))


def _entry(row: _Row, bodies: bool = True) -> JournalEntry:
    *fields, raw, seq = row
    raw_bodies = None
    if not bodies:
        fields[4] = fields[5] = None
    elif raw:
        raw_bodies = (fields[4], fields[5])
        fields[4], fields[5] = _loads(fields[4]), _loads(fields[5])
    else:
        fields[5] = plain(fields[5])
    return JournalEntry(**dict(zip(_ROW_FIELDS, fields)), seq=seq, raw_bodies=raw_bodies)


#: the key of the object that stands for a body too deeply nested to be written back as JSON
TOO_DEEP = "$mock_unwritable_body"


def writable(entry: JournalEntry) -> dict[str, Any]:
    """`entry.to_json()` where each body orjson cannot write (JSON nested deeper than its 254 levels;
    requests may nest deeper) is `{"$mock_unwritable_body": <the body's JSON text>}`: the journal
    always serialises. Only called once writing the whole answer has failed."""
    out = entry.to_json()
    for index, key in enumerate(("request_body", "response_body")):
        try:
            orjson.dumps(out[key], option=orjson.OPT_SERIALIZE_NUMPY)
        except orjson.JSONEncodeError:
            raw = entry.raw_bodies[index] if entry.raw_bodies is not None else None
            out[key] = {TOO_DEEP: raw.decode("utf-8", "replace") if raw is not None else None}
    return out


def _body_bytes(row: _Row) -> int:
    """Bytes a row keeps alive: its raw bodies (rows recorded parsed count as 0)."""
    return sum(len(body) for body in (row[4], row[5]) if isinstance(body, bytes))


def _loads(body: bytes) -> Any:
    """Parsed JSON, or None for an empty or non-JSON body."""
    if not body:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _preview(body: Any, limit: int) -> str:
    """Compact JSON of a body, cut to `limit` characters (long embeddings included)."""
    text = orjson.dumps(body, default=str, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def plain(body: Any) -> Any:
    """A reply body with NumPy arrays (embeddings, distances) turned into lists, so entries hold JSON only.

    Only the top-level values of an object are looked at: that is where `serialize` puts arrays.
    """
    if type(body) is not dict:
        return body
    for value in body.values():
        if hasattr(value, "tolist") or (type(value) is list and value and hasattr(value[0], "tolist")):
            return {k: _tolist(v) for k, v in body.items()}
    return body


def _tolist(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if type(value) is list and value and hasattr(value[0], "tolist"):
        return [v.tolist() if hasattr(v, "tolist") else v for v in value]
    return value
