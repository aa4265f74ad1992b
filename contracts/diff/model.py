"""Diff model: the frozen records passed between the diff stages plan -> replay -> compare -> report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where a sequence comes from, in the order they are replayed.
SOURCES = ("scenario", "catalogue", "generated")

#: How two answers to the same request can differ.
KINDS = (
    "status",  # the status code changed (200 vs 400)
    "error-type",  # same error status, another Chroma error name
    "message",  # same error, another message
    "field-missing",  # the candidate's body lacks a field the base has
    "field-added",  # the candidate's body has a field the base lacks
    "type-changed",  # same field, another JSON type (int vs float, list vs object, ...)
    "value-changed",  # same field and type, another value
    "length-changed",  # a list of another length (more or fewer records, ...)
    "no-response",  # one side answered, the other did not (timeout, connection dropped)
    "sequence",  # the sequence stopped or branched on one side only
)


@dataclass(frozen=True)
class DiffOptions:
    """Everything `contracts diff` was asked to do (CLI flags, or the Python API's arguments)."""

    base: str  # a URL, or `mock` / `mock:<profile>`
    candidate: str
    profile: str = "local"  # the mock profile for a side given as plain `mock`
    spec: Path | None = None
    token: str | None = None
    base_token: str | None = None
    candidate_token: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    max_examples: int = 5  # generated cases per operation and generation mode
    seed: int | None = None
    sources: tuple[str, ...] = SOURCES
    include_operations: tuple[str, ...] = ()
    exclude_operations: tuple[str, ...] = ()
    request_timeout: float = 10.0
    rate_limit: str | None = None
    allow_destructive: bool = False
    ignore_version: bool = False
    allow_file: Path | None = None
    report: Path | None = None
    junit: Path | None = None
    json: Path | None = None


@dataclass(frozen=True)
class Request:
    """One request of a sequence, as both sides are sent it: `$name` placeholders stand for each
    side's own values (sandbox tenant and databases, collections the sequence created)."""

    operation_id: str
    path: tuple[tuple[str, str], ...] = ()
    body: Any = None
    query: tuple[tuple[str, Any], ...] = ()
    capture: str | None = None  # store the response's `id` under this placeholder name

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.path if k not in ("tenant", "database")) or "-"


@dataclass(frozen=True)
class Answer:
    """One side's answer to one request, normalised for comparison, with what reproduces it."""

    status: int | None  # None: no response (timeout, connection error)
    body: Any  # parsed JSON after normalisation (or the raw text when it is not JSON)
    text: str  # the raw response text (clipped), for the report
    curl: str  # a command that sends this request to this side
    request: str  # the request as normalised (operation, path, body): equal on both sides
    error: str = ""  # the transport error, when there was no response

    @property
    def error_type(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), str):
            return str(self.body["error"])
        return None


@dataclass(frozen=True)
class Difference:
    """One way the candidate's answer differs from the base's."""

    kind: str
    path: str  # JSON path in the (normalised) body, e.g. `$.records{*}.metadata.k`; `$` for the status
    base: Any
    candidate: Any


@dataclass(frozen=True)
class CaseDiff:
    """One request of one sequence on both sides, and how the answers differ (empty: the same)."""

    source: str
    sequence: str
    step: int
    operation_id: str
    base: Answer
    candidate: Answer
    differences: tuple[Difference, ...]
    after_earlier_difference: bool  # an earlier step of the same sequence already differed


@dataclass(frozen=True)
class Finding:
    """Cases that differ for one reason (operation, kind, generalised path, statuses, error types)."""

    key: tuple[Any, ...]
    operation_id: str
    kind: str
    path: str
    base_status: int | None
    candidate_status: int | None
    base_error: str | None
    candidate_error: str | None
    count: int
    sources: tuple[str, ...]
    sequences: tuple[str, ...]  # the first few sequences it was seen in
    example: CaseDiff
    difference: Difference  # the example's difference of this kind
    follow_on: bool  # every occurrence came after an earlier difference in its sequence
    allowed_by: str | None = None  # the --allow entry that accepts it

    @property
    def summary(self) -> str:
        return describe(self.kind, self.path, self.difference, self.base_status, self.candidate_status)


def describe(kind: str, path: str, d: Difference, base_status: int | None, candidate_status: int | None) -> str:
    """One line: what changed, the way a platform team reads it."""
    if kind == "status":
        return f"status {_status(base_status)} -> {_status(candidate_status)}"
    if kind == "no-response":
        return f"answered on one side only ({_status(base_status)} -> {_status(candidate_status)})"
    if kind == "error-type":
        return f"error {d.base} -> {d.candidate} (status {_status(base_status)})"
    if kind == "field-missing":
        return f"`{path}` missing on the candidate"
    if kind == "field-added":
        return f"`{path}` new on the candidate"
    if kind == "sequence":
        return f"sequence: {d.base} / {d.candidate}"
    return f"{kind} at `{path}`: {_short(d.base)} -> {_short(d.candidate)}"


def _status(status: int | None) -> str:
    return "no response" if status is None else str(status)


def _short(value: Any, width: int = 80) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= width else text[: width - 3] + "..."


@dataclass(frozen=True)
class OperationDiff:
    """Per-operation totals for the summary table."""

    operation_id: str
    cases: int
    differing: int  # cases with at least one difference not allowed
    allowed: int  # cases whose every difference is allowed
    findings: int

    @property
    def verdict(self) -> str:
        if self.differing:
            return "CHANGED"
        if self.allowed:
            return "ALLOWED"
        return "SAME" if self.cases else "NOT RUN"


@dataclass(frozen=True)
class DiffResult:
    """The outcome of one diff: what was replayed, what changed, and whether an upgrade is invisible."""

    base: str
    candidate: str
    spec_source: str
    seed: int | None
    duration: float
    sandboxes: tuple[str, str]
    cases: int
    per_source: tuple[tuple[str, int], ...]
    operations: tuple[OperationDiff, ...]
    findings: tuple[Finding, ...]
    errors: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    unused_allow: tuple[str, ...] = ()

    @property
    def changes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.allowed_by is None)

    @property
    def allowed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.allowed_by is not None)

    @property
    def same(self) -> bool:
        return not self.changes and not self.errors
