"""Store: the cloud profile's attached functions (reference cloud 4.4; Chroma 1.5.9's sysdb `task.go`).

A collection may have one attached function (`record_counter` or `statistics`). Attaching it
creates its output collection at once (a default HNSW schema carrying `source_attached_function_id`),
in the input's database; re-attaching the same function (name, function, output collection) is
idempotent (`created: false`); anything else while one is attached is refused. Detaching removes it
(and, with `delete_output`, its output collection); deleting the output collection detaches it too.
Forks do not inherit it.

Execution: after each compaction of the input collection, `record_counter` upserts the record
`function_output` with metadata `{"total_count": <records in the index>}` into the output collection.
`statistics` attaches, but what it computes was not researched: it writes nothing (README).
The checks run in the sysdb's order: an attached function already there (idempotent, or 409), the
function's name (404 `function not found`), the input collection (404), attaching to an output
collection, `params` (400 unless empty), then the output collection's name (409).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from mockserver.errors import AlreadyExists, Internal, InvalidArgument, NotFound
from mockserver.store import writes
from mockserver.store.batch import RecordBatch
from mockserver.store.collections import Collection, Collections
from mockserver.store.configuration import Configuration

#: the functions a deployment registers (`FUNCTION_RECORD_COUNTER_NAME`, `FUNCTION_STATISTICS_NAME`)
FUNCTIONS = ("record_counter", "statistics")
OUTPUT_RECORD = "function_output"
#: `min_records_for_invocation` the frontend passes (its default)
MIN_RECORDS_FOR_INVOCATION = 100


@dataclass(frozen=True)
class AttachedFunction:
    id: str
    name: str
    function_name: str
    input_collection_id: str
    output_collection: str
    output_collection_id: str
    tenant: str
    database: str

    def info(self) -> dict[str, Any]:
        """`AttachedFunctionInfo` (the attach answer)."""
        return {"id": self.id, "name": self.name, "function_name": self.function_name}

    def body(self, database_id: str) -> dict[str, Any]:
        """`AttachedFunctionApiResponse` (the get answer)."""
        return {
            "id": self.id,
            "name": self.name,
            "function_name": self.function_name,
            "input_collection_id": self.input_collection_id,
            "output_collection": self.output_collection,
            "output_collection_id": self.output_collection_id,
            "params": "{}",
            "tenant_id": self.tenant,
            "database_id": database_id,
            "completion_offset": 0,
            "min_records_for_invocation": MIN_RECORDS_FOR_INVOCATION,
        }


def attached(collection: Collection) -> AttachedFunction | None:
    found: AttachedFunction | None = getattr(collection, "attached_function", None)
    return found


def attach(
    collections: Collections,
    database: str,
    collection_id: str,
    name: str,
    function: str,
    output: str,
    params: Any,
    ids: tuple[str, str] | None = None,
) -> tuple[AttachedFunction, bool]:
    """Attach `function` to the collection as `name`, writing to `output` (a new collection)."""
    if not name:
        raise InvalidArgument("Validation error: name: length must be at least 1")
    if params is not None and not isinstance(params, dict):
        raise InvalidArgument("params must be a json object")
    source = collections.by_uuid(database, collection_id)
    current = attached(source)
    if current is not None and current.output_collection_id not in collections.by_id:
        current = None  # its output collection was deleted: that detached it
    if current is not None:
        if (current.name, current.function_name, current.output_collection) == (name, function, output):
            return current, False
        raise AlreadyExists(
            f"collection already has an attached function: name={current.name}, "
            f"function={current.function_name}, output_collection={current.output_collection}"
        )
    if function not in FUNCTIONS:
        raise NotFound("function not found")
    if source.configuration.source_attached_function_id is not None:
        raise Internal("cannot attach function to an output collection")
    if params:
        raise InvalidArgument("params must be empty - no functions currently accept parameters")
    if (source.tenant, source.database, output) in collections.by_name:
        raise AlreadyExists(f"Output collection [{output}] already exists")
    function_id, output_id = ids if ids is not None else (str(uuid.uuid4()), None)
    made = collections.create(source.tenant, source.database, output, None, None, None, False, output_id)
    # the output collection has the default HNSW schema whatever the deployment's default index
    made.configuration = replace(Configuration(), source_attached_function_id=function_id)
    fn = AttachedFunction(function_id, name, function, source.id, output, made.id, source.tenant, source.database)
    source.attached_function = fn
    return fn, True


def get(collections: Collections, database: str, collection_id: str, name: str) -> AttachedFunction:
    fn = attached(collections.by_uuid(database, collection_id))
    if fn is None or fn.name != name or fn.output_collection_id not in collections.by_id:
        raise NotFound("Attached Function not found")
    return fn


def detach(collections: Collections, database: str, collection_id: str, name: str, delete_output: bool) -> None:
    source = collections.by_uuid(database, collection_id)
    fn = attached(source)
    if fn is None or fn.name != name:
        raise NotFound(f" Attached Function with ID [{name}] does not exist")
    source.attached_function = None
    output = collections.by_id.get(fn.output_collection_id)
    if delete_output and output is not None:
        collections.delete(output.tenant, output.database, output.name)


def after_compaction(collections: Collections, collection: Collection) -> None:
    """Run the collection's attached function on its compacted state (`Collections.settle` calls this)."""
    fn = attached(collection)
    if fn is None or fn.function_name != "record_counter" or collection.wal is None:
        return
    output = collections.by_id.get(fn.output_collection_id)
    if output is None:
        return
    count = len(collection.wal.index.records.ids)
    batch = RecordBatch([OUTPUT_RECORD], [[0.0]], None, None, [{"total_count": count}])
    if output.shared_records:
        from mockserver.store.compaction import own_records

        own_records(output)
    writes.upsert(output, batch)
    if output.wal is not None:
        output.wal.append(writes.upsert, (batch,), 1)
