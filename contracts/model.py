"""Model: the frozen records passed between the stages target -> run -> drift -> report."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: Phases of a run, in the order they happen. `scenario` are our scripted semantic sequences;
#: `setup`/`teardown` are the sandbox calls; the rest are schemathesis phases.
PHASES = ("setup", "scenario", "examples", "coverage", "fuzzing", "stateful", "teardown")
GENERATED_PHASES = ("examples", "coverage", "fuzzing", "stateful")


def default_hypothesis_db() -> Path:
    """Where Hypothesis keeps its example database (and caches): the user's cache directory, never the cwd."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "chroma-mockserver" / "hypothesis"


@dataclass(frozen=True)
class RunOptions:
    """Everything `contracts run` was asked to do (CLI flags, or the Python API's arguments)."""

    url: str | None = None
    mock: bool = False
    profile: str = "local"  # the in-process mock's profile (--mock --profile cloud)
    spec: Path | None = None
    spec_from_target: bool = False
    token: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    max_examples: int = 25
    workers: int = 1
    seed: int | None = None
    include_operations: tuple[str, ...] = ()
    exclude_operations: tuple[str, ...] = ()
    request_timeout: float = 10.0
    rate_limit: str | None = None
    strict: bool = False
    allow_destructive: bool = False
    phases: tuple[str, ...] = GENERATED_PHASES
    scenarios: bool = True
    drift_file: Path | None = None
    shrink: bool = False
    junit: Path | None = None
    report: Path | None = None
    #: Hypothesis' directory (example database, caches); None: no example database (nothing replayed)
    hypothesis_db: Path | None = field(default_factory=default_hypothesis_db)


@dataclass(frozen=True)
class SentRequest:
    """The exact request behind a finding (secret headers masked): what a reproduction replays."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    masked: tuple[str, ...] = ()  # names of headers whose value was replaced (secrets)


@dataclass(frozen=True)
class Finding:
    """One failed check on one response (or one request that got no response)."""

    operation_id: str  # operationId, or "-" when not tied to an operation
    method: str
    path: str  # the path template from the spec
    check: str  # check name: a schemathesis check, one of ours, or "scenario:<name>" / "network_error"
    failure: str  # failure type name, e.g. "UndefinedStatusCode"
    title: str
    message: str
    status_code: int | None
    phase: str
    reproduction: str = ""  # a curl command, when one can be built (the report renders `request` in full)
    response: str = ""  # the start of the response body (drift matchers may look at it)
    request: SentRequest | None = None  # the request that failed, when there was one

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        """Findings with the same key are the same problem seen again (counted, shown once)."""
        return (self.operation_id, self.check, self.failure, self.status_code)


@dataclass(frozen=True)
class Classified:
    """A finding and the known-drift entry that explains it (None: new, i.e. a real failure)."""

    finding: Finding
    drift_id: str | None
    category: str | None
    counts_as_failure: bool  # new findings always; known drift too under --strict


@dataclass(frozen=True)
class Issue:
    """Classified findings grouped by `Finding.key`: what the report shows, once, with a count."""

    first: Classified
    count: int
    phases: tuple[str, ...]

    @property
    def finding(self) -> Finding:
        return self.first.finding


@dataclass(frozen=True)
class OperationStats:
    """Per-operation totals for the summary table."""

    operation_id: str
    method: str
    path: str
    cases: int
    new: int  # distinct new problems
    drift: int  # distinct known-drift problems

    @property
    def verdict(self) -> str:
        if self.new:
            return "FAIL"
        if self.drift:
            return "DRIFT"
        return "PASS" if self.cases else "NOT RUN"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run: what was tested, what failed, and whether the run passes."""

    target: str
    spec_source: str
    sandbox: str
    strict: bool
    seed: int | None
    duration: float
    cases: int
    operations: tuple[OperationStats, ...]
    issues: tuple[Issue, ...]
    errors: tuple[str, ...]  # harness-level errors (setup failed, engine crashed, ...)
    unused_drift: tuple[str, ...]  # drift ids that matched nothing in this run
    notes: tuple[str, ...] = field(default_factory=tuple)
    sandbox_databases: tuple[str, ...] = ()  # the databases the run created in its sandbox tenant
    replay_hint: str = ""  # what a user does before replaying a reproduction (e.g. start the mock)

    @property
    def failures(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.first.counts_as_failure)

    @property
    def known_drift(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.first.drift_id is not None)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.errors

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.duration if self.duration > 0 else 0.0
