"""Routes: the route table compiled from the spec's paths; `match` gives FULL, PATH_ONLY (405) or NONE (404).

Pure: no I/O. The table is a segment trie, so a literal segment (`by-id`) wins over a template
segment (`{collection_id}`), as in Chroma's axum router.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from mockserver.api.spec import Operation, Spec


class Hit(enum.Enum):
    NONE = "none"  # unknown path: 404, empty body
    PATH_ONLY = "path_only"  # known path, wrong method: 405 with Allow
    FULL = "full"


@dataclass(frozen=True)
class RouteMatch:
    hit: Hit
    operation: Operation | None = None
    params: dict[str, str] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    #: a path parameter whose percent-decoding is not UTF-8 (Chroma: 400 "Invalid URL: ...")
    invalid_param: str | None = None


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    operations: dict[str, Operation] = field(default_factory=dict)


class RouteTable:
    """All operations of one spec, indexed by path segments."""

    def __init__(self, spec: Spec) -> None:
        self.root = _Node()
        #: operation id -> its path parameter names, in path order
        self.param_names: dict[str, tuple[str, ...]] = {}
        #: raw path -> the trie walk's result: clients repeat their paths (bounded; cleared when full)
        self._walks: dict[str, tuple[_Node, tuple[str, ...]] | None] = {}
        for op in spec.operations:
            self._add(op)
            self.param_names[op.operation_id] = tuple(
                s[1:-1] for s in op.path.strip("/").split("/") if s.startswith("{")
            )

    def _add(self, op: Operation) -> None:
        node = self.root
        for segment in op.path.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                if node.param is None:
                    node.param = (name, _Node())
                elif node.param[0] != name:
                    # Two templates naming the same position differently: keep one trie node and
                    # remember the name per operation by re-reading the template at match time.
                    pass
                node = node.param[1]
            else:
                node = node.literals.setdefault(segment, _Node())
        node.operations[op.method] = op

    def match(self, method: str, raw_path: str) -> RouteMatch:
        """Match a raw (still percent-encoded) path as axum's router does: literal segments as
        written (`/api/v2/%68eartbeat` is no heartbeat), path parameters percent-decoded after
        matching (invalid UTF-8 there: `invalid_param`)."""
        if not raw_path.startswith("/"):
            return RouteMatch(Hit.NONE)
        try:
            found = self._walks[raw_path]
        except KeyError:
            walked = _walk(self.root, raw_path[1:].split("/"), 0, [])
            found = None if walked is None else (walked[0], tuple(walked[1]))
            if len(self._walks) >= _WALKS_KEPT:
                self._walks.clear()
            self._walks[raw_path] = found
        if found is None:
            return RouteMatch(Hit.NONE)
        node, values = found
        op = node.operations.get(method)
        if op is None and method == "HEAD":
            op = node.operations.get("GET")
        if op is None:
            methods = set(node.operations)
            if "GET" in methods:
                methods.add("HEAD")
            return RouteMatch(Hit.PATH_ONLY, allow=tuple(sorted(methods)))
        names = self.param_names[op.operation_id]
        params, invalid = {}, None
        for name, value in zip(names, values):
            try:
                params[name] = unquote_to_bytes(value).decode("utf-8") if "%" in value else value
            except UnicodeDecodeError:
                params[name], invalid = value, invalid or name
        return RouteMatch(Hit.FULL, op, params, invalid_param=invalid)


_WALKS_KEPT = 4096


def _walk(node: _Node, segments: list[str], i: int, values: list[str]) -> tuple[_Node, list[str]] | None:
    if i == len(segments):
        return (node, values) if node.operations else None
    segment = segments[i]
    child = node.literals.get(segment)
    if child is not None:
        found = _walk(child, segments, i + 1, values)
        if found is not None:
            return found
    if node.param is not None and (segment != "" or i < len(segments) - 1):  # axum: empty inside, not last
        return _walk(node.param[1], segments, i + 1, values + [segment])
    return None
