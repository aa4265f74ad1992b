"""Diff engine: sides up, the plan replayed on both, answers compared and grouped into findings, sides down."""

from __future__ import annotations

import secrets
import time
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from contracts.diff.allow import AllowList, load_allow
from contracts.diff.catalogue import catalogue
from contracts.diff.compare import compare, general_path
from contracts.diff.generated import generate
from contracts.diff.model import Answer, CaseDiff, Difference, DiffOptions, DiffResult, Finding, OperationDiff
from contracts.diff.replay import NullProgress, Progress, Sequence, SequenceRun, in_parallel, replay
from contracts.diff.sides import Side, parse_side
from contracts.model import RunOptions
from contracts.sandbox import SandboxError, TargetUnreachable
from contracts.scenarios import SCENARIOS
from contracts.target import deselected

EXAMPLE_SEQUENCES = 5
_NOT_SENT = "not sent: the sequence stopped earlier on this side"


def run_diff(
    options: DiffOptions,
    base_app: Any | None = None,
    candidate_app: Any | None = None,
    progress: Progress | None = None,
) -> DiffResult:
    """Replay the same sequences on `options.base` and `options.candidate`, and report what differs."""
    progress = progress or NullProgress()
    started = time.monotonic()
    allow = load_allow(options.allow_file)
    sides = (
        Side(parse_side("base", options.base, options.profile), options, base_app),
        Side(parse_side("candidate", options.candidate, options.profile), options, candidate_app),
    )
    selection = RunOptions(include_operations=options.include_operations,
                           exclude_operations=options.exclude_operations,
                           allow_destructive=options.allow_destructive)  # fmt: skip
    every = sides[0].target.operation_ids()
    skipped = set(deselected(sides[0].target, selection))
    operations = [op for op in every if op not in skipped and op in sides[1].target.operation_ids()]
    for side in sides:
        side.selected = tuple(operations)
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
    errors: list[str] = []
    notes = [f"sandboxes: base tenant {sides[0].sandbox.tenant!r}, candidate tenant {sides[1].sandbox.tenant!r}"]
    for side in sides:
        if side.target.app is not None:
            notes.append(f"the {side.spec.role} is an in-process mock: its curl commands name {side.target.replay_url}; "
                         "start `mockserver serve` there to reproduce")  # fmt: skip
    if "reset" not in operations:
        notes.append("reset is never called without --allow-destructive")
    cases: list[CaseDiff] = []
    per_source: Counter[str] = Counter()
    try:
        in_parallel(sides, Side.open)
    except TargetUnreachable:
        raise
    except SandboxError as exc:
        errors.append(f"sandbox setup failed: {exc}")
    if not errors:
        try:
            for source, sequences in plan(options, sides, operations, seed):
                base_runs, candidate_runs = replay(source, sequences, sides, progress)
                for sequence in sequences:
                    found = compare_runs(sequence, base_runs[sequence.name], candidate_runs[sequence.name])
                    per_source[source] += len(found)
                    cases.extend(found)
        finally:
            try:
                for side_notes in in_parallel(sides, Side.close):
                    notes.extend(dict.fromkeys(side_notes))
            except Exception as exc:  # noqa: BLE001 - teardown must not hide the diff
                errors.append(f"sandbox teardown failed: {type(exc).__name__}: {exc}")
    findings = group(cases, allow)
    used = {f.allowed_by for f in findings}
    return DiffResult(
        base=sides[0].label, candidate=sides[1].label, spec_source=sides[0].target.spec_source, seed=seed,
        duration=time.monotonic() - started, sandboxes=(sides[0].sandbox.tenant, sides[1].sandbox.tenant),
        cases=len(cases), per_source=tuple(per_source.items()), operations=operation_stats(operations, cases, findings),
        findings=findings, errors=tuple(errors), notes=tuple(dict.fromkeys(notes)),
        unused_allow=tuple(e.id for e in allow.entries if e.id not in used),
    )  # fmt: skip


def plan(
    options: DiffOptions, sides: tuple[Side, Side], operations: list[str], seed: int
) -> list[tuple[str, list[Sequence]]]:
    """The sequences of each selected source, in replay order; only those whose operations are all selected."""
    selected = set(operations)
    out: list[tuple[str, list[Sequence]]] = []
    if "scenario" in options.sources:
        scenarios = [Sequence("scenario", s.name, scenario=s) for s in SCENARIOS if set(s.needs) <= selected]
        out.append(("scenario", scenarios))
    if "catalogue" in options.sources:
        entries = [Sequence("catalogue", name, steps) for name, steps in catalogue().items()
                   if {r.operation_id for r in steps} <= selected]  # fmt: skip
        out.append(("catalogue", entries))
    if "generated" in options.sources:
        generated: list[Sequence] = []
        can_fixture = {"create_collection", "collection_add"} <= selected
        for op in generate(sides[0].target.document, operations, options.max_examples, seed):
            if can_fixture:
                generated.append(Sequence("generated", f"{op.operation_id}/fixture", op.fixture))
            generated.extend(Sequence("generated", f"{op.operation_id}#{n}", (r,)) for n, r in enumerate(op.cases))
        out.append(("generated", generated))
    return out


def compare_runs(sequence: Sequence, base: SequenceRun, candidate: SequenceRun) -> list[CaseDiff]:
    """One CaseDiff per step either side sent; a branch or early stop on one side is a `sequence` difference."""
    found: list[CaseDiff] = []
    earlier = False
    for step in range(max(len(base.answers), len(candidate.answers))):
        b = base.answers[step] if step < len(base.answers) else None
        c = candidate.answers[step] if step < len(candidate.answers) else None
        shown = b or c
        assert shown is not None
        operation_id = _operation(shown)
        if b is None or c is None or b.request != c.request:
            b = b or _absent(shown, base.stopped)
            c = c or _absent(shown, candidate.stopped)
            what = Difference("sequence", "$", base.stopped or _sent(b), candidate.stopped or _sent(c))
            found.append(CaseDiff(sequence.source, sequence.name, step, operation_id, b, c, (what,), earlier))
            break
        differences = compare(operation_id, b, c)
        found.append(CaseDiff(sequence.source, sequence.name, step, operation_id, b, c, differences, earlier))
        earlier = earlier or bool(differences)
    else:
        if base.stopped != candidate.stopped and not earlier and found:
            last = found[-1]
            what = Difference("sequence", "$", base.stopped or "completed", candidate.stopped or "completed")
            found.append(CaseDiff(sequence.source, sequence.name, last.step, last.operation_id, last.base,
                                  last.candidate, (what,), earlier))  # fmt: skip
    return found


def _operation(answer: Answer) -> str:
    return answer.request.split('"operation": "', 1)[-1].split('"', 1)[0]


def _absent(other: Answer, stopped: str) -> Answer:
    return Answer(None, None, "", "", "", stopped or _NOT_SENT)


def _sent(answer: Answer) -> str:
    return answer.request or answer.error


def finding_key(case: CaseDiff, d: Difference) -> tuple[Any, ...]:
    """What makes two differences the same finding: operation, kind, grouped path, statuses, error types."""
    return (case.operation_id, d.kind, general_path(case.operation_id, d.path), case.base.status,
            case.candidate.status, case.base.error_type, case.candidate.error_type)  # fmt: skip


def group(cases: list[CaseDiff], allow: AllowList) -> tuple[Finding, ...]:
    """Differences that share an operation, kind, grouped path, statuses and error types are one finding."""
    members: defaultdict[tuple[Any, ...], list[tuple[CaseDiff, Difference]]] = defaultdict(list)
    for case in cases:
        for difference in case.differences:
            members[finding_key(case, difference)].append((case, difference))
    findings: list[Finding] = []
    for key, seen in members.items():
        example, difference = next(((c, d) for c, d in seen if not c.after_earlier_difference), seen[0])
        finding = Finding(
            key=key, operation_id=key[0], kind=key[1], path=key[2], base_status=key[3], candidate_status=key[4],
            base_error=key[5], candidate_error=key[6], count=len(seen),
            sources=tuple(dict.fromkeys(c.source for c, _ in seen)),
            sequences=tuple(dict.fromkeys(c.sequence for c, _ in seen))[:EXAMPLE_SEQUENCES],
            example=example, difference=difference, follow_on=all(c.after_earlier_difference for c, _ in seen),
        )  # fmt: skip
        entry = allow.match(finding)
        findings.append(finding if entry is None else replace(finding, allowed_by=entry.id))
    findings.sort(key=lambda f: (f.allowed_by is not None, f.follow_on, f.operation_id, -f.count))
    return tuple(findings)


def operation_stats(
    operations: list[str], cases: list[CaseDiff], findings: tuple[Finding, ...]
) -> tuple[OperationDiff, ...]:
    allowed_keys = {f.key for f in findings if f.allowed_by is not None}
    totals: Counter[str] = Counter()
    differing: Counter[str] = Counter()
    allowed: Counter[str] = Counter()
    for case in cases:
        totals[case.operation_id] += 1
        keys = [finding_key(case, d) for d in case.differences]
        if any(k not in allowed_keys for k in keys):
            differing[case.operation_id] += 1
        elif keys:
            allowed[case.operation_id] += 1
    per_operation = Counter(f.operation_id for f in findings)
    names = list(dict.fromkeys([*operations, *totals]))
    return tuple(OperationDiff(op, totals[op], differing[op], allowed[op], per_operation[op]) for op in names)
