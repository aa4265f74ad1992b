"""Checks: our registry of Chroma-specific response checks, run beside schemathesis' built-in ones.

Each check is `(ctx, response, case) -> bool | None` and raises a typed `Failure` subclass; the
schemathesis convention is kept: a truthy return means "did not apply". Checks that need a
follow-up request (read-your-writes, ...) use the `Caller` bound to the run, and only run when
the run is single-worker, where no other generated call can interleave with the follow-up.
"""

from __future__ import annotations

import base64
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import schemathesis
from schemathesis.core.failures import Failure, Severity

from contracts.sandbox import RUN_MARKER

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

    from contracts.target import Caller

CheckFunction = Callable[["CheckContext", "Response", "Case[Any]"], "bool | None"]
CHECKS: dict[str, CheckFunction] = {}

ERROR_NAMES: dict[int, frozenset[str]] = {
    400: frozenset({"InvalidArgumentError"}),
    404: frozenset({"NotFoundError"}),
    410: frozenset({"Unimplemented"}),
    500: frozenset({"InternalError", "ChromaError", "VersionMismatchError"}),
}
WRITES = ("collection_add", "collection_upsert", "collection_update")


def check(fn: CheckFunction) -> CheckFunction:
    """Add a check to our registry (installed into schemathesis by `install`)."""
    CHECKS[fn.__name__] = fn
    return fn


# typed failures ----------------------------------------------------------------------------------
class ChromaFailure(Failure):
    """Base of our failures; `checks` names the check that raises it, as schemathesis' do."""

    code: ClassVar[str] = "CH900"

    def __init__(self, *, operation: str | None, message: str, case_id: str | None = None) -> None:
        super().__init__(operation=operation, message=message, case_id=case_id, severity=self.default_severity)

    default_severity: ClassVar[Severity] = Severity.HIGH


class MalformedErrorBody(ChromaFailure):
    code = "CH101"
    checks = ("chroma_error_body",)
    kind_title = "Error response is not Chroma's {error, message}"
    default_severity = Severity.MEDIUM


class WriteNotVisible(ChromaFailure):
    code = "CH301"
    checks = ("write_visible",)
    kind_title = "A successful write is not visible to the next get"


class DeletedCollectionStillThere(ChromaFailure):
    code = "CH302"
    checks = ("deleted_collection_gone",)
    kind_title = "A deleted collection is still answered"


class CountDisagreesWithGet(ChromaFailure):
    code = "CH303"
    checks = ("count_matches_get",)
    kind_title = "count disagrees with the records get returns"


# run binding -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    caller: Caller
    follow_up: bool  # follow-up requests allowed (single worker)
    verified: Counter[str] = field(default_factory=Counter)  # check name -> responses it verified

    def passed(self, check_name: str) -> None:
        with _INSTALL_LOCK:
            self.verified[check_name] += 1


_BINDINGS: dict[str, Binding] = {}
_INSTALL_LOCK = threading.Lock()
_installed = False


def bind(run_id: str, caller: Caller, follow_up: bool) -> None:
    _BINDINGS[run_id] = Binding(caller, follow_up)


def unbind(run_id: str) -> Counter[str]:
    """Forget a run; returns how many responses each follow-up check verified in it."""
    binding = _BINDINGS.pop(run_id, None)
    return binding.verified if binding is not None else Counter()


def install() -> None:
    """Register our checks with schemathesis (once per process; they no-op outside our runs)."""
    global _installed
    with _INSTALL_LOCK:
        if not _installed:
            for fn in CHECKS.values():
                schemathesis.check(fn)
            _installed = True


def _binding(case: Case[Any]) -> Binding | None:
    run_id = case.operation.schema.raw_schema.get(RUN_MARKER)
    return _BINDINGS.get(run_id) if isinstance(run_id, str) else None


def operation_id(case: Case[Any]) -> str:
    return str(case.operation.definition.raw.get("operationId", case.operation.label))


# checks ------------------------------------------------------------------------------------------
@check
def chroma_error_body(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """4xx/5xx with a body: `{"error": str, "message": str}`, with Chroma's error name for the status."""
    if _binding(case) is None or response.status_code < 400 or not response.content:
        return True
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str) or not isinstance(body.get("message"), str):
        raise MalformedErrorBody(
            operation=case.operation.label,
            message=f"{response.status_code} body is not {{error: str, message: str}}: {response.content[:200]!r}",
        )
    allowed = ERROR_NAMES.get(response.status_code, frozenset({"ChromaError"}))
    if body["error"] not in allowed:
        raise MalformedErrorBody(
            operation=case.operation.label,
            message=f"{response.status_code} has error name {body['error']!r}; Chroma uses {sorted(allowed)}",
        )
    return None


@check
def write_visible(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After a 2xx add/upsert/update, a get of the written ids shows what was written."""
    binding = _binding(case)
    op = operation_id(case)
    if binding is None or not binding.follow_up or op not in WRITES or response.status_code not in (200, 201):
        return True
    body: Any = case.body
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list) or not body["ids"]:
        return True
    expected = expected_records(op, body)
    ids = list(dict.fromkeys(str(i) for i in body["ids"]))
    include = ["embeddings", "documents", "uris", "metadatas"]
    reply = binding.caller.call("collection_get", _path(case), {"ids": ids, "include": include})
    if reply.status != 200 or not isinstance(reply.body, dict):
        raise WriteNotVisible(
            operation=case.operation.label,
            message=f"{op} answered {response.status_code}, then collection_get of the same ids answered "
            f"{reply.status}: {reply.text[:200]}",
        )
    problems = compare_records(expected, reply.body)
    if problems:
        raise WriteNotVisible(
            operation=case.operation.label,
            message=f"{op} answered {response.status_code}, but collection_get shows otherwise:\n  "
            + "\n  ".join(problems[:5])
            + f"\nFollow-up: {reply.curl}",
        )
    binding.passed("write_visible")
    return None


@check
def deleted_collection_gone(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """After delete_collection answers 200, get_collection of that name answers 404."""
    binding = _binding(case)
    if binding is None or not binding.follow_up or operation_id(case) != "delete_collection":
        return True
    if response.status_code != 200:
        return True
    reply = binding.caller.call("get_collection", _path(case))
    if reply.status != 404:
        raise DeletedCollectionStillThere(
            operation=case.operation.label,
            message=f"delete_collection answered 200, then get_collection answered {reply.status}, expected 404"
            f"\nFollow-up: {reply.curl}",
        )
    binding.passed("deleted_collection_gone")
    return None


@check
def count_matches_get(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """collection_count equals the number of ids collection_get returns (a count that reads the index
    only, `read_level=index_only` on Chroma Cloud, leaves out writes not compacted yet: not compared)."""
    binding = _binding(case)
    if binding is None or not binding.follow_up or operation_id(case) != "collection_count":
        return True
    if (case.query or {}).get("read_level") not in (None, "index_and_wal"):
        return True
    if response.status_code != 200:
        return True
    try:
        counted = response.json()
    except ValueError:
        return True  # response_schema_conformance reports it
    reply = binding.caller.call("collection_get", _path(case), {"include": []})
    if reply.status != 200 or not isinstance(reply.body, dict) or not isinstance(reply.body.get("ids"), list):
        return True
    if counted != len(reply.body["ids"]):
        raise CountDisagreesWithGet(
            operation=case.operation.label,
            message=f"collection_count answered {counted!r}, collection_get returns {len(reply.body['ids'])} ids"
            f"\nFollow-up: {reply.curl}",
        )
    binding.passed("count_matches_get")
    return None


def _path(case: Case[Any]) -> dict[str, str]:
    return {k: str(v) for k, v in (case.path_parameters or {}).items()}


# expected state of a write -----------------------------------------------------------------------
UNKNOWN: Any = object()


@dataclass
class Expected:
    """What a get must show for one id after a write, as far as the write alone decides it."""

    must_exist: bool
    embedding: Any = UNKNOWN  # list of float32, or UNKNOWN
    document: Any = UNKNOWN
    uri: Any = UNKNOWN
    metadata: dict[str, Any] | None = None  # key -> value, or REMOVED

    def __post_init__(self) -> None:
        if self.metadata is None:
            self.metadata = {}


REMOVED: Any = object()


def expected_records(operation: str, body: dict[str, Any]) -> dict[str, Expected]:
    """Replay a write's entries in order (Chroma applies a batch as a log) into per-id expectations.

    add: only existence (an existing id is silently kept). upsert and update: the last non-null
    embedding/document/uri wins, and metadata merges key by key (null or [] removes the key).
    update of an id that does not exist is a no-op, so its ids need not exist.
    """
    expected: dict[str, Expected] = {}
    columns = {name: body.get(name) for name in ("embeddings", "documents", "uris", "metadatas")}
    for index, record_id in enumerate(body["ids"]):
        entry = expected.setdefault(str(record_id), Expected(must_exist=operation != "collection_update"))
        if operation == "collection_add":
            continue
        embedding = _at(columns["embeddings"], index)
        if embedding is not None:
            entry.embedding = _decode_embedding(embedding)
        document = _at(columns["documents"], index)
        if isinstance(document, str):
            entry.document = document
        uri = _at(columns["uris"], index)
        if isinstance(uri, str):
            entry.uri = uri
        metadata = _at(columns["metadatas"], index)
        if isinstance(metadata, dict):
            assert entry.metadata is not None
            for key, value in metadata.items():
                if key.startswith("chroma:"):
                    if key == "chroma:document":
                        entry.document = UNKNOWN
                    continue
                if value is None or value == []:
                    entry.metadata[key] = REMOVED
                elif isinstance(value, dict):
                    entry.metadata.pop(key, None)  # sparse vector: not checked
                else:
                    entry.metadata[key] = value
    return expected


def compare_records(expected: dict[str, Expected], got: dict[str, Any]) -> list[str]:
    ids = got.get("ids") or []
    columns = {name: got.get(name) for name in ("embeddings", "documents", "uris", "metadatas")}
    position = {record_id: i for i, record_id in enumerate(ids)}
    problems: list[str] = []
    for record_id, want in expected.items():
        i = position.get(record_id)
        if i is None:
            if want.must_exist:
                problems.append(f"id {record_id!r} was written but get does not return it")
            continue
        if want.embedding is not UNKNOWN:
            have = _at(columns["embeddings"], i)
            if have is None or not _same_vector(want.embedding, have):
                problems.append(f"id {record_id!r}: embedding {_short(have)} != written {_short(want.embedding)}")
        for name, column in (("document", "documents"), ("uri", "uris")):
            value = getattr(want, name)
            if value is not UNKNOWN and _at(columns[column], i) != value:
                problems.append(f"id {record_id!r}: {name} {_at(columns[column], i)!r} != written {value!r}")
        metadata = _at(columns["metadatas"], i) or {}
        for key, value in (want.metadata or {}).items():
            if value is REMOVED:
                if key in metadata:
                    problems.append(f"id {record_id!r}: metadata key {key!r} was set to null but is still there")
            elif key not in metadata or not same_value(metadata[key], value):
                problems.append(
                    f"id {record_id!r}: metadata[{key!r}] = {metadata.get(key, '<missing>')!r} != written {value!r}"
                )
    return problems


def _at(column: Any, index: int) -> Any:
    if isinstance(column, list) and index < len(column):
        return column[index]
    return None


def _decode_embedding(value: Any) -> Any:
    if isinstance(value, str):
        raw = base64.b64decode(value)
        return list(struct.unpack(f"<{len(raw) // 4}f", raw))
    return value


def _same_vector(want: Any, have: Any) -> bool:
    try:
        a = np.asarray(want, dtype=np.float32)
        b = np.asarray(have, dtype=np.float32)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.array_equal(a, b))


def same_value(have: Any, want: Any) -> bool:
    """JSON equality with bools kept apart from numbers (Chroma stores them as different types)."""
    if isinstance(have, bool) or isinstance(want, bool):
        return type(have) is type(want) and have == want
    if isinstance(have, int) and isinstance(want, int):
        return have == want
    if isinstance(have, (int, float)) and isinstance(want, (int, float)):
        return float(have) == float(want)
    if isinstance(have, list) and isinstance(want, list):
        return len(have) == len(want) and all(same_value(h, w) for h, w in zip(have, want))
    if isinstance(have, dict) and isinstance(want, dict):
        return have.keys() == want.keys() and all(same_value(have[k], want[k]) for k in have)
    return bool(have == want)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
