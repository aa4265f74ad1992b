"""Run: sandbox up, scenarios, schemathesis' generated phases, sandbox down; findings classified.

Known drift is taken out of schemathesis' way as it happens (a `filter_failure` hook), so a known
disagreement never stops Hypothesis from exploring an operation; anything else is left to
schemathesis (shrinking, deduplication) and read back from its events as typed data.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any, Protocol

from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.hooks import HookContext

from contracts import checks
from contracts.drift import DriftList, load_drift
from contracts.exampledb import example_database, replay_note
from contracts.findings import (
    case_phase,
    check_name,
    clip,
    finding_from_failure,
    group,
    operation_id_of,
    operation_stats,
)
from contracts.model import GENERATED_PHASES, Classified, Finding, RunOptions, RunResult
from contracts.reproduce import MOCK_REPLAY_HINT
from contracts.sandbox import RUN_MARKER, Guard, Sandbox, SandboxError, TargetUnreachable
from contracts.scenarios import run_scenarios
from contracts.target import Caller, Target, build_schema, deselected, open_target, selected_operations

STATEFUL_STEPS = 10
POSITIVE_CASE = "Invalid component: positive test case"


class Progress(Protocol):
    """Where a run reports what it is doing (the CLI prints it; the Python API may ignore it)."""

    def phase_started(self, phase: str) -> None: ...

    def tick(self, phase: str, operation_id: str, cases: int, new: int, drift: int) -> None: ...

    def phase_finished(self, phase: str, cases: int, seconds: float) -> None: ...

    def note(self, text: str) -> None: ...


class NullProgress:
    def phase_started(self, phase: str) -> None:
        pass

    def tick(self, phase: str, operation_id: str, cases: int, new: int, drift: int) -> None:
        pass

    def phase_finished(self, phase: str, cases: int, seconds: float) -> None:
        pass

    def note(self, text: str) -> None:
        pass


def make_config(
    options: RunOptions, sandbox: Sandbox, target: Target, skipped: tuple[str, ...] = ()
) -> SchemathesisConfig:
    """The schemathesis configuration of a run (no schemathesis.toml is read: runs are reproducible)."""
    headers = dict(target.headers)
    data: dict[str, Any] = {
        "workers": options.workers,
        "request-timeout": options.request_timeout,
        "generation": {"max-examples": options.max_examples, "no-shrink": not options.shrink},
        "phases": {phase: {"enabled": phase in options.phases} for phase in GENERATED_PHASES},
        "warnings": False,
        **sandbox.config_overrides(),
    }
    if skipped:
        data["operations"].append({"include-operation-id": list(skipped), "enabled": False})
    # Chains follow our links overlay only: schemathesis' inferred links guess at names and ids.
    # Positive data only in stateful chains: a link's fixed body would otherwise replace a negative
    # body and schemathesis would still expect a rejection. Negative data is the other phases' job.
    data["phases"]["stateful"].update(
        {
            "inference": {"algorithms": ["location-headers"]},
            "max-steps": STATEFUL_STEPS,
            "generation": {"mode": "positive"},
        }
    )
    if options.hypothesis_db is None:
        data["generation"]["database"] = "none"  # else Hypothesis' default settings carry it (exampledb)
    if options.seed is not None:
        data["seed"] = options.seed
    if options.rate_limit:
        data["rate-limit"] = options.rate_limit
    if target.token_scheme and options.token:
        headers.pop("x-chroma-token", None)
        data["auth"] = {"openapi": {target.token_scheme: {"api_key": options.token}}}
    if headers:
        data["headers"] = headers
    return SchemathesisConfig.from_dict(data)


class Collector:
    """Findings from all threads: known drift (from the filter hook) and new ones (from events)."""

    def __init__(self, drift: DriftList, strict: bool, target: Target | None = None) -> None:
        self.drift = drift
        self.strict = strict
        self.urls = (target.base_url, target.replay_url) if target is not None else ("", "")
        self.headers = dict(target.headers) if target is not None else {}
        self.items: list[Classified] = []
        self.drift_by_operation: Counter[str] = Counter()
        self.cases: Counter[str] = Counter()
        self.artifacts = 0  # failures schemathesis itself says are not failures
        self._lock = threading.Lock()

    def add(self, classified: Classified) -> None:
        with self._lock:
            self.items.append(classified)
            if classified.drift_id is not None:
                self.drift_by_operation[classified.finding.operation_id] += 1

    def classify(self, finding: Finding) -> Classified:
        return self.drift.classify(finding, self.strict)

    def filter_failure(self, context: HookContext, failure: Any, case: Any, response: Any) -> bool:
        """schemathesis hook: drop (and record) failures that are known drift; keep the rest."""
        if type(failure).__name__ == "AcceptedNegativeData" and POSITIVE_CASE in str(failure.message):
            # schemathesis' own verdict: a stateful link filled the body, the case is valid after all.
            with self._lock:
                self.artifacts += 1
            return False
        finding = finding_from_failure(
            failure, case, response, check_name(failure), case_phase(case), self.urls, self.headers
        )
        classified = self.classify(finding)
        if classified.drift_id is None:
            return True
        self.add(classified)
        return False


def run(options: RunOptions, app: Any | None = None, progress: Progress | None = None) -> RunResult:
    """Run the contract tests described by `options` (against `app` in-process when given)."""
    progress = progress or NullProgress()
    started = time.monotonic()
    drift = load_drift(options.drift_file, options.profile if options.mock else "local")
    target = open_target(options, app)
    sandbox = Sandbox.new()
    run_id = uuid.uuid4().hex
    target = Target(
        target.label, target.base_url, target.app, {**target.document, RUN_MARKER: run_id},
        target.spec_source, target.headers, target.token_scheme,
    )  # fmt: skip
    skipped = deselected(target, options)
    config = make_config(options, sandbox, target, skipped)
    schema = build_schema(target, config)
    operations = selected_operations(schema, skipped)
    caller = Caller(schema, target, options.request_timeout)
    collector = Collector(drift, options.strict, target)
    guard = Guard(sandbox, run_id, options.allow_destructive)
    errors: list[str] = []
    notes: list[str] = [f"sandbox: tenant {sandbox.tenant!r}, databases {', '.join(sandbox.databases)}"]
    guard.install(caller)
    checks.install()
    checks.bind(run_id, caller, follow_up=options.workers == 1)
    schema.hooks.register_hook_with_name(collector.filter_failure, "filter_failure")
    try:
        progress.phase_started("setup")
        began = time.monotonic()
        sandbox.create(caller)
        progress.phase_finished("setup", 1 + len(sandbox.databases), time.monotonic() - began)
    except TargetUnreachable:
        checks.unbind(run_id)
        guard.uninstall()
        raise
    except SandboxError as exc:
        errors.append(f"sandbox setup failed: {exc}")
    try:
        if not errors and options.scenarios:
            _run_scenarios(caller, sandbox, operations, collector, progress)
        if not errors and options.phases:
            with example_database(options.hypothesis_db) as database:
                errors.extend(_run_engine(schema, operations, collector, progress, options.workers > 1, notes))
            replayed = replay_note(database)
            if replayed:
                progress.note(replayed)
                notes.append(replayed)
    finally:
        verified = checks.unbind(run_id)
        guard.uninstall()
        if verified:
            counts = ", ".join(f"{name} {count}" for name, count in sorted(verified.items()))
            notes.append(f"follow-up checks verified: {counts}")
        elif options.workers > 1:
            notes.append("follow-up checks (write_visible, count_matches_get, ...) are off with --workers > 1")
        if collector.artifacts:
            notes.append(
                f"{collector.artifacts} negative_data_rejection failure(s) ignored: schemathesis marked a link-filled "
                "stateful case negative but reports it as a positive test case"
            )
        if guard.recreated:
            notes.append(f"the sandbox was re-created {guard.recreated} time(s) after a reset or its deletion")
        try:
            notes.extend(sandbox.remove(caller))
        except Exception as exc:  # noqa: BLE001 - teardown must not hide the run's result
            errors.append(f"sandbox teardown failed: {type(exc).__name__}: {exc}")
    used = {item.drift_id for item in collector.items if item.drift_id}
    issues = group(collector.items)
    return RunResult(
        target=target.label,
        spec_source=target.spec_source,
        sandbox=sandbox.tenant,
        strict=options.strict,
        seed=config.seed,
        duration=time.monotonic() - started,
        cases=sum(collector.cases.values()),
        operations=operation_stats(operations, collector.cases, issues),
        issues=issues,
        errors=tuple(errors),
        unused_drift=tuple(entry.id for entry in drift.entries if entry.id not in used),
        notes=tuple(notes),
        sandbox_databases=sandbox.databases,
        replay_hint=MOCK_REPLAY_HINT if target.app is not None else "",
    )


def _run_scenarios(
    caller: Caller,
    sandbox: Sandbox,
    operations: dict[str, tuple[str, str]],
    collector: Collector,
    progress: Progress,
) -> None:
    progress.phase_started("scenario")
    began = time.monotonic()
    total = 0
    for outcome in run_scenarios(caller, sandbox, operations):
        total += outcome.calls
        for operation_id, calls in outcome.per_operation:
            collector.cases[operation_id] += calls
        new = drifted = 0
        if outcome.finding is not None:
            classified = collector.classify(outcome.finding)
            collector.add(classified)
            new, drifted = (0, 1) if classified.drift_id else (1, 0)
        if outcome.status == "skipped":
            progress.note(f"scenario {outcome.name} skipped: {outcome.note}")
        progress.tick("scenario", outcome.name, outcome.calls, new, drifted)
    progress.phase_finished("scenario", total, time.monotonic() - began)


def _run_engine(
    schema: Any,
    operations: dict[str, tuple[str, str]],
    collector: Collector,
    progress: Progress,
    concurrent: bool,
    notes: list[str],
) -> list[str]:
    """Drive schemathesis' engine and turn its events into findings; returns harness errors."""
    errors: list[str] = []
    phase_cases: Counter[str] = Counter()
    phase_began: dict[str, float] = {}
    by_label = {f"{method} {path}": op_id for op_id, (method, path) in operations.items()}
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted) and event.phase.name.value in GENERATED_PHASES:
            phase_began[event.phase.name.value] = time.monotonic()
            progress.phase_started(event.phase.name.value)
        elif isinstance(event, events.PhaseFinished) and event.phase.name.value in phase_began:
            name = event.phase.name.value
            progress.phase_finished(name, phase_cases[name], time.monotonic() - phase_began.pop(name))
        elif isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            phase = event.phase.value
            before = dict(collector.drift_by_operation)
            per_operation, new = _absorb(event, phase, collector)
            for operation_id, cases in per_operation.items():
                phase_cases[phase] += cases
                collector.cases[operation_id] += cases
                drifted = collector.drift_by_operation[operation_id] - before.get(operation_id, 0)
                progress.tick(phase, operation_id, cases, new.get(operation_id, 0), drifted)
        elif isinstance(event, events.NonFatalError) and type(event.value).__name__ == "NoLinksFound":
            progress.note("stateful phase skipped: no links between the selected operations")
        elif isinstance(event, events.NonFatalError) and _is_flaky(event.value) and concurrent:
            causes = "; ".join(f"{type(e).__name__}: {str(e)[:120]}" for e in getattr(event.value, "exceptions", ()))
            note = (
                f"{event.label}: a failure did not reproduce with concurrent workers (shared server state, or "
                f"CPython 3.11's thread-unsafe ast module): {causes}"
            )
            progress.note(note)
            notes.append(note)
        elif isinstance(event, events.NonFatalError):
            operation_id = by_label.get(event.label, "-")
            method, path = operations.get(operation_id, ("", event.label))
            finding = Finding(
                operation_id=operation_id, method=method, path=path, check="error",
                failure=type(event.value).__name__, title=f"Error while testing {event.label}",
                message=clip(str(event.value)), status_code=None,
                phase=event.phase.value if event.phase is not None else "-",
            )  # fmt: skip
            collector.add(collector.classify(finding))
        elif isinstance(event, events.FatalError):
            errors.append(f"schemathesis stopped: {type(event.exception).__name__}: {event.exception}")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                finding = finding_from_failure(failure, None, None, check_name(failure), "after-run")
                collector.add(collector.classify(finding))
    return errors


def _is_flaky(error: BaseException) -> bool:
    """Hypothesis' "failed on the first run but now succeeds" (hypothesis.errors.FlakyFailure)."""
    return any(cls.__name__ in ("Flaky", "FlakyFailure") for cls in type(error).__mro__)


def _absorb(event: events.ScenarioFinished, phase: str, collector: Collector) -> tuple[Counter[str], Counter[str]]:
    """Count the cases of one finished scenario and collect its (new) failures."""
    recorder = event.recorder
    cases: Counter[str] = Counter()
    new: Counter[str] = Counter()
    for case_id in recorder.interactions:  # requests sent, answered or not (a dropped connection counts)
        node = recorder.cases.get(case_id)
        if node is not None:
            cases[operation_id_of(node.value)] += 1
    for case_id, check_nodes in recorder.checks.items():
        for check_node in check_nodes:
            info = check_node.failure_info
            if info is None:
                continue
            failing_id = info.failure.case_id or case_id
            case_node = recorder.cases.get(failing_id) or recorder.cases.get(case_id)
            failing = recorder.interactions.get(failing_id)
            response = failing.response if failing is not None else None
            case = case_node.value if case_node is not None else None
            finding = finding_from_failure(
                info.failure, case, response, check_node.name, phase, collector.urls, collector.headers
            )
            classified = collector.classify(finding)
            collector.add(classified)
            if classified.counts_as_failure:
                new[finding.operation_id] += 1
    return cases, new
