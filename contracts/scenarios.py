"""Scenarios: scripted call sequences that check Chroma's semantics beyond the schema.

Each scenario runs in its own collection in the sandbox's scenario database and stops at the first
step that disagrees with Chroma's behaviour, reporting that step's operation. They run before the
generated phases, with fixed data, so they catch the same bug the same way on every run.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from contracts.checks import same_value
from contracts.model import Finding
from contracts.sandbox import Sandbox
from contracts.target import Caller, Reply

FAILURE = "ScenarioStepFailed"


class StepFailed(AssertionError):
    """A scenario step got an answer Chroma would not give."""

    def __init__(self, reply: Reply | None, operation_id: str, message: str) -> None:
        super().__init__(message)
        self.reply = reply
        self.operation_id = operation_id
        self.message = message


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    needs: tuple[str, ...]  # operationIds the scenario calls
    run: Callable[[Steps], None]


class StepCaller(Protocol):
    """What a scenario calls through: `Caller.call`, plus the operations this run selected."""

    operations: Mapping[str, tuple[str, str]]

    def call(self, operation_id: str, path: Mapping[str, str] | None = None, body: Any = None) -> Reply: ...


class Steps:
    """The calls a scenario makes, scoped to one fresh collection name, with assertions."""

    def __init__(self, caller: StepCaller, sandbox: Sandbox) -> None:
        self.caller = caller
        self.tenant = sandbox.tenant
        self.database = sandbox.scenario_database
        self.name = f"sc-{secrets.token_hex(6)}"

    def call(
        self, operation_id: str, body: Any = None, expect: int = 200, collection: str | None = None, **path: str
    ) -> Reply:
        params = {"tenant": self.tenant, "database": self.database, **path}
        if collection is not None:
            params["collection_id"] = collection
        reply = self.caller.call(operation_id, params, body)
        if reply.status != expect:
            raise StepFailed(
                reply, operation_id, f"{operation_id} answered {reply.status}, expected {expect}: {reply.text[:300]}"
            )
        return reply

    def create_collection(self) -> str:
        reply = self.call("create_collection", {"name": self.name})
        collection_id = reply.body.get("id") if isinstance(reply.body, dict) else None
        if not isinstance(collection_id, str):
            raise StepFailed(reply, "create_collection", f"create_collection returned no `id`: {reply.text[:300]}")
        return collection_id

    def get(self, collection: str, **body: Any) -> dict[str, Any]:
        body.setdefault("include", ["embeddings", "documents", "uris", "metadatas"])
        reply = self.call("collection_get", body, collection=collection)
        if not isinstance(reply.body, dict) or not isinstance(reply.body.get("ids"), list):
            raise StepFailed(reply, "collection_get", f"collection_get returned no `ids`: {reply.text[:300]}")
        result: dict[str, Any] = reply.body
        return result

    def count(self, collection: str) -> int:
        reply = self.call("collection_count", collection=collection)
        if not isinstance(reply.body, int):
            raise StepFailed(reply, "collection_count", f"collection_count returned {reply.text[:100]!r}")
        return reply.body


def ensure(condition: bool, operation_id: str, message: str) -> None:
    if not condition:
        raise StepFailed(None, operation_id, message)


def record(result: Mapping[str, Any], record_id: str) -> dict[str, Any]:
    """One record of a get result as {embedding, document, uri, metadata}, or {} when absent."""
    ids = result.get("ids") or []
    if record_id not in ids:
        return {}
    i = ids.index(record_id)

    def column(name: str) -> Any:
        values = result.get(name)
        return values[i] if isinstance(values, list) and i < len(values) else None

    return {
        "embedding": column("embeddings"),
        "document": column("documents"),
        "uri": column("uris"),
        "metadata": column("metadatas"),
    }


# the scenarios -----------------------------------------------------------------------------------
def get_returns_added(s: Steps) -> None:
    c = s.create_collection()
    s.call(
        "collection_add",
        {
            "ids": ["a", "b", "c"],
            "embeddings": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.5]],
            "documents": ["doc a", None, "doc c"],
            "metadatas": [{"k": 1, "s": "x"}, None, {"f": 2.5, "b": True}],
            "uris": [None, "uri-b", None],
        },
        expect=201,
        collection=c,
    )
    got = s.get(c)
    ensure(got["ids"] == ["a", "b", "c"], "collection_get", f"get after add returned ids {got['ids']}, expected a,b,c")
    a, b, c_ = record(got, "a"), record(got, "b"), record(got, "c")
    ensure(same_value(a["embedding"], [1.0, 2.0, 3.0]), "collection_add", f"embedding of a is {a['embedding']}")
    ensure(a["document"] == "doc a" and c_["document"] == "doc c", "collection_add", "documents not stored")
    ensure(b["document"] is None and b["uri"] == "uri-b", "collection_add", f"record b came back as {b}")
    ensure(same_value(a["metadata"], {"k": 1, "s": "x"}), "collection_add", f"metadata of a is {a['metadata']}")
    ensure(same_value(c_["metadata"], {"f": 2.5, "b": True}), "collection_add", f"metadata of c is {c_['metadata']}")


def update_visible(s: Steps) -> None:
    c = s.create_collection()
    s.call(
        "collection_add",
        {
            "ids": ["r1", "r2"],
            "embeddings": [[1.0, 0.0], [0.5, 0.5]],
            "documents": ["before", "untouched"],
            "metadatas": [{"a": 1, "b": "x"}, {"z": 0}],
        },
        expect=201,
        collection=c,
    )
    s.call(
        "collection_update",
        {"ids": ["r1"], "embeddings": [[0.0, 1.0]], "documents": ["after"], "metadatas": [{"b": None, "c": True}]},
        collection=c,
    )
    r1 = record(s.get(c, ids=["r1", "r2"]), "r1")
    ensure(r1.get("document") == "after", "collection_update", f"update of r1's document not visible: {r1}")
    ensure(
        same_value(r1.get("embedding"), [0.0, 1.0]), "collection_update", f"update of r1's embedding not visible: {r1}"
    )
    ensure(
        same_value(r1.get("metadata"), {"a": 1, "c": True}),
        "collection_update",
        f"update must merge metadata ({{a:1,b:'x'}} + {{b:null,c:true}} = {{a:1,c:true}}), got {r1.get('metadata')}",
    )
    r2 = record(s.get(c, ids=["r2"]), "r2")
    ensure(r2.get("document") == "untouched", "collection_update", f"update of r1 changed r2: {r2}")
    s.call("collection_update", {"ids": ["missing"], "documents": ["x"]}, collection=c)
    ensure(s.get(c, ids=["missing"])["ids"] == [], "collection_update", "update of a missing id created it")


def upsert_merges_metadata(s: Steps) -> None:
    c = s.create_collection()
    s.call("collection_add", {"ids": ["r1"], "embeddings": [[1.0]], "metadatas": [{"a": 4}]}, expect=201, collection=c)
    s.call("collection_upsert", {"ids": ["r1"], "embeddings": [[2.0]], "metadatas": [{"b": "added"}]}, collection=c)
    r1 = record(s.get(c, ids=["r1"]), "r1")
    ensure(
        same_value(r1.get("metadata"), {"a": 4, "b": "added"}),
        "collection_upsert",
        f"upsert must merge metadata ({{a:4}} + {{b:'added'}}), got {r1.get('metadata')}",
    )
    ensure(same_value(r1.get("embedding"), [2.0]), "collection_upsert", f"upsert must replace the embedding: {r1}")
    s.call("collection_upsert", {"ids": ["r1"], "embeddings": [[3.0]], "metadatas": [{"a": None}]}, collection=c)
    r1 = record(s.get(c, ids=["r1"]), "r1")
    ensure(
        same_value(r1.get("metadata"), {"b": "added"}),
        "collection_upsert",
        f"upsert with a:null must delete key a, got {r1.get('metadata')}",
    )
    s.call("collection_upsert", {"ids": ["new"], "embeddings": [[4.0]], "documents": ["fresh"]}, collection=c)
    new = record(s.get(c, ids=["new"]), "new")
    ensure(new.get("document") == "fresh", "collection_upsert", f"upsert of a new id must insert it, got {new}")


def count_equals_written(s: Steps) -> None:
    c = s.create_collection()
    vectors = [[float(i), 1.0] for i in range(4)]
    s.call("collection_add", {"ids": ["a", "b", "c", "d"], "embeddings": vectors}, expect=201, collection=c)
    n = s.count(c)
    ensure(n == 4, "collection_count", f"count is {n} after adding 4 records")
    s.call("collection_add", {"ids": ["d", "e"], "embeddings": [[9.0, 9.0], [5.0, 5.0]]}, expect=201, collection=c)
    n = s.count(c)
    ensure(n == 5, "collection_count", f"count is {n} after adding 1 new and 1 existing id to 4 records")
    s.call("collection_delete", {"ids": ["a"]}, collection=c)
    n = s.count(c)
    ensure(n == 4, "collection_count", f"count is {n} after deleting 1 of 5 records")
    ids = s.get(c, include=[])["ids"]
    ensure(sorted(ids) == ["b", "c", "d", "e"], "collection_get", f"get returns {ids} after the same writes")


def missing_collection_404(s: Steps) -> None:
    missing = str(uuid.uuid4())
    calls: list[tuple[str, Any]] = [
        ("collection_add", {"ids": ["x"], "embeddings": [[1.0]]}),
        ("collection_upsert", {"ids": ["x"], "embeddings": [[1.0]]}),
        ("collection_update", {"ids": ["x"], "documents": ["y"]}),
        ("collection_get", {}),
        ("collection_count", None),
        ("collection_delete", {"ids": ["x"]}),
        ("collection_query", {"query_embeddings": [[1.0]]}),
        ("update_collection", {"new_metadata": {"k": "v"}}),
        ("get_collection_by_id", None),
    ]
    for operation_id, body in calls:
        if operation_id in s.caller.operations:
            s.call(operation_id, body, expect=404, collection=missing)
    for operation_id in ("get_collection", "delete_collection"):
        if operation_id in s.caller.operations:
            s.call(operation_id, expect=404, collection=f"{s.name}-missing")


def deleted_collection_404(s: Steps) -> None:
    c = s.create_collection()
    s.call("collection_add", {"ids": ["a"], "embeddings": [[1.0]]}, expect=201, collection=c)
    s.call("delete_collection", collection=s.name)
    s.call("get_collection", expect=404, collection=s.name)
    s.call("get_collection_by_id", expect=404, collection=c)
    s.call("collection_count", expect=404, collection=c)
    s.call("collection_get", {}, expect=404, collection=c)
    s.call("collection_add", {"ids": ["b"], "embeddings": [[1.0]]}, expect=404, collection=c)
    listed = s.call("list_collections").body
    names = [item.get("name") for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []
    ensure(s.name not in names, "list_collections", f"deleted collection {s.name!r} is still listed")


def database_lifecycle(s: Steps) -> None:
    database = f"{s.name}-db"
    s.call("create_database", {"name": database})
    s.call("create_database", {"name": database}, expect=409)
    got = s.call("get_database", database=database).body
    ensure(
        isinstance(got, dict) and got.get("name") == database and got.get("tenant") == s.tenant,
        "get_database",
        f"get_database returned {got}",
    )
    s.call("create_collection", {"name": "inside"}, database=database)
    s.call("delete_database", database=database)
    s.call("get_database", expect=404, database=database)
    s.call("get_collection", expect=404, database=database, collection="inside")


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("get_returns_added", "add then get returns the records as written, in insertion order",
             ("create_collection", "collection_add", "collection_get"), get_returns_added),
    Scenario("update_visible", "an update is visible to the next get and merges metadata",
             ("create_collection", "collection_add", "collection_update", "collection_get"), update_visible),
    Scenario("upsert_merges_metadata", "upsert merges metadata, null deletes a key, new ids are inserted",
             ("create_collection", "collection_add", "collection_upsert", "collection_get"), upsert_merges_metadata),
    Scenario("count_equals_written", "count equals the records written (existing ids skipped, deletes counted)",
             ("create_collection", "collection_add", "collection_count", "collection_delete", "collection_get"),
             count_equals_written),
    Scenario("missing_collection_404", "record and collection operations on a missing collection answer 404",
             ("collection_add",), missing_collection_404),
    Scenario("deleted_collection_404", "a deleted collection answers 404 afterwards and is not listed",
             ("create_collection", "collection_add", "delete_collection", "get_collection", "get_collection_by_id",
              "collection_count", "collection_get", "list_collections"), deleted_collection_404),
    Scenario("database_lifecycle", "a database can be created once, read, and deleted with its collections",
             ("create_database", "get_database", "create_collection", "delete_database", "get_collection"),
             database_lifecycle),
)  # fmt: skip


@dataclass(frozen=True)
class ScenarioOutcome:
    name: str
    status: str  # "passed" | "failed" | "skipped"
    calls: int
    finding: Finding | None = None
    note: str = ""
    per_operation: tuple[tuple[str, int], ...] = ()


def run_scenarios(caller: Caller, sandbox: Sandbox, operations: Mapping[str, tuple[str, str]]) -> list[ScenarioOutcome]:
    """Run every scenario whose operations are all selected; one outcome per scenario."""
    outcomes: list[ScenarioOutcome] = []
    for scenario in SCENARIOS:
        missing = [op for op in scenario.needs if op not in operations]
        if missing:
            outcomes.append(ScenarioOutcome(scenario.name, "skipped", 0, note=f"needs {', '.join(missing)}"))
            continue
        counting = _CountingCaller(caller, operations)
        steps = Steps(counting, sandbox)
        try:
            scenario.run(steps)
        except StepFailed as failed:
            finding = _finding(scenario, failed, operations)
            outcomes.append(
                ScenarioOutcome(scenario.name, "failed", counting.calls, finding, per_operation=counting.tally())
            )
            continue
        except Exception as exc:  # noqa: BLE001 - a network error or a crash: still a failure of that scenario
            crashed = StepFailed(None, counting.last_operation, f"{type(exc).__name__}: {exc}")
            finding = _finding(scenario, crashed, operations)
            outcomes.append(
                ScenarioOutcome(scenario.name, "failed", counting.calls, finding, per_operation=counting.tally())
            )
            continue
        outcomes.append(ScenarioOutcome(scenario.name, "passed", counting.calls, per_operation=counting.tally()))
    return outcomes


def _finding(scenario: Scenario, failed: StepFailed, operations: Mapping[str, tuple[str, str]]) -> Finding:
    method, path = operations.get(failed.operation_id, ("", ""))
    return Finding(
        operation_id=failed.operation_id,
        method=method,
        path=path,
        check=f"scenario:{scenario.name}",
        failure=FAILURE,
        title=f"Scenario `{scenario.name}` failed at {failed.operation_id}: {scenario.summary}",
        message=failed.message,
        status_code=failed.reply.status if failed.reply is not None else None,
        phase="scenario",
        reproduction=failed.reply.curl if failed.reply is not None else "",
        response=failed.reply.text[:600] if failed.reply is not None else "",
        request=failed.reply.request if failed.reply is not None else None,
    )


class _CountingCaller:
    """A Caller that counts calls and remembers the last operation (for crash attribution)."""

    def __init__(self, inner: Caller, operations: Mapping[str, tuple[str, str]]) -> None:
        self.inner = inner
        self.calls = 0
        self.per_operation: dict[str, int] = {}
        self.last_operation = "-"
        self.operations = operations

    def call(self, operation_id: str, path: Mapping[str, str] | None = None, body: Any = None) -> Reply:
        self.calls += 1
        self.per_operation[operation_id] = self.per_operation.get(operation_id, 0) + 1
        self.last_operation = operation_id
        return self.inner.call(operation_id, path, body)

    def tally(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.per_operation.items()))
