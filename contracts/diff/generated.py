"""Diff generation: schemathesis-generated cases, generated once from the spec and replayed on both sides.

For every selected operation Hypothesis draws `max_examples` positive and `max_examples` negative
cases (schemathesis' strategies, a fixed seed), before anything is sent. Each case becomes a
`Request` whose tenant is the side's sandbox tenant and whose database and collection are a
fixture collection (`gen-<operation>`, a few records, created first on both sides), so the cases
exercise real state; every other negative case keeps its generated collection and database, so
malformed path values are compared too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from contracts.diff.catalogue import DB, SEED
from contracts.diff.model import Request
from contracts.target import JsonObject

BY_NAME = frozenset({"get_collection", "delete_collection"})  # their {collection_id} is a collection's name
FIXTURE = "$gen"


@dataclass(frozen=True)
class GeneratedOperation:
    """The fixture sequence of one operation and the cases generated for it."""

    operation_id: str
    fixture: tuple[Request, ...]
    cases: tuple[Request, ...]


def generate(
    document: JsonObject, operations: Iterable[str], max_examples: int, seed_value: int
) -> list[GeneratedOperation]:
    """Generate every operation's cases (positive, then negative), deduplicated, in a reproducible order."""
    schema = schemathesis.openapi.from_dict(document)
    found: list[GeneratedOperation] = []
    for operation_id in operations:
        operation = schema.find_operation_by_id(operation_id)
        requests: dict[str, Request] = {}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for n, case in enumerate(_draw(operation, mode, max_examples, seed_value)):
                request = to_request(operation_id, case, keep_generated=mode is GenerationMode.NEGATIVE and n % 2 == 1)
                if request is not None:
                    requests.setdefault(json.dumps(_key(request), sort_keys=True, default=repr), request)
        found.append(GeneratedOperation(operation_id, fixture(operation_id), tuple(requests.values())))
    return found


def _draw(operation: Any, mode: GenerationMode, max_examples: int, seed_value: int) -> list[Any]:
    drawn: list[Any] = []
    if max_examples <= 0:
        return drawn

    @seed(seed_value)
    @settings(max_examples=max_examples, database=None, deadline=None, derandomize=False, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(operation.as_strategy(generation_mode=mode))
    def collect(case: Any) -> None:
        if len(drawn) < max_examples:
            drawn.append(case)

    try:
        collect()
    except Unsatisfiable:  # nothing to negate (no parameters, no body): no negative cases
        pass
    return drawn


def fixture(operation_id: str) -> tuple[Request, ...]:
    """A collection with the catalogue's seed records for the operation's cases; its id is `$gen`."""
    name = f"gen-{operation_id}"
    create = Request("create_collection", DB, {"name": name}, capture=FIXTURE[1:])
    return (create, Request("collection_add", (*DB, ("collection_id", FIXTURE)), SEED))


def to_request(operation_id: str, case: Any, keep_generated: bool) -> Request | None:
    """The generated case with the sandbox's placeholders; None for a body that is not JSON."""
    path: dict[str, str] = {k: str(v) for k, v in (case.path_parameters or {}).items()}
    for name in ("tenant", "tenant_name"):
        if name in path:
            path[name] = "$tenant"
    if "database" in path and not keep_generated:
        path["database"] = "$scratch_database" if operation_id == "delete_database" else "$database"
    if "collection_id" in path and not keep_generated:
        path["collection_id"] = f"gen-{operation_id}" if operation_id in BY_NAME else FIXTURE
    body = None if type(case.body).__name__ == "NotSet" else case.body
    if body is not None:
        if case.media_type and "json" not in case.media_type:
            return None
        try:
            json.dumps(body)
        except (TypeError, ValueError):
            return None
    if operation_id == "create_tenant" and isinstance(body, dict) and isinstance(body.get("name"), str):
        body = {**body, "name": f"$tenant-{body['name']}"}
    query = tuple((k, v) for k, v in (case.query or {}).items())
    return Request(operation_id, tuple(sorted(path.items())), body, query)


def _key(request: Request) -> list[Any]:
    return [request.operation_id, request.path, request.body, [list(q) for q in request.query]]
