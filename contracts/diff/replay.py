"""Diff replay: the plan (scenarios, catalogue, generated cases) replayed on both sides, each in its own thread.

Both sides get exactly the same sequences in the same order; a side never waits for the other, so
a slow deployment does not slow the fast one down, and each side's progress is its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from contracts.diff.model import Answer, Request
from contracts.diff.sides import Side
from contracts.sandbox import SandboxError
from contracts.scenarios import Scenario, StepFailed, Steps
from contracts.model import SentRequest
from contracts.target import Reply


@dataclass(frozen=True)
class Sequence:
    """Requests replayed in order on both sides: fixed steps, or a scripted scenario."""

    source: str
    name: str
    steps: tuple[Request, ...] = ()
    scenario: Scenario | None = None


@dataclass
class SequenceRun:
    """What one side answered to one sequence (and why it stopped early, if it did)."""

    answers: list[Answer] = field(default_factory=list)
    stopped: str = ""


class Progress(Protocol):
    def started(self, source: str, total: int) -> None: ...

    def advanced(self, source: str, role: str, done: int, total: int) -> None: ...

    def finished(self, source: str, seconds: float, calls: Mapping[str, int]) -> None: ...


class NullProgress:
    def started(self, source: str, total: int) -> None:
        pass

    def advanced(self, source: str, role: str, done: int, total: int) -> None:
        pass

    def finished(self, source: str, seconds: float, calls: Mapping[str, int]) -> None:
        pass


def replay(
    source: str, sequences: list[Sequence], sides: tuple[Side, Side], progress: Progress
) -> tuple[dict[str, SequenceRun], dict[str, SequenceRun]]:
    """Run `sequences` on both sides concurrently; the answers of each side by sequence name."""
    progress.started(source, len(sequences))
    began = time.monotonic()
    before = {side.spec.role: side.calls for side in sides}

    def work(side: Side) -> dict[str, SequenceRun]:
        runs: dict[str, SequenceRun] = {}
        for done, sequence in enumerate(sequences, 1):
            runs[sequence.name] = run_sequence(side, sequence)
            progress.advanced(source, side.spec.role, done, len(sequences))
        return runs

    base, candidate = in_parallel(sides, work)
    progress.finished(source, time.monotonic() - began, {s.spec.role: s.calls - before[s.spec.role] for s in sides})
    return base, candidate


def run_sequence(side: Side, sequence: Sequence) -> SequenceRun:
    run = SequenceRun()
    if sequence.scenario is not None:
        _run_scenario(side, sequence.scenario, run)
        return run
    for request in sequence.steps:
        run.answers.append(side.send(request))
    return run


class _Recorder:
    """The scenarios' caller: each call goes through the side (sandbox guard, rate limit) and is recorded."""

    def __init__(self, side: Side, operations: Mapping[str, tuple[str, str]], run: SequenceRun) -> None:
        self.side = side
        self.operations = operations
        self.run = run

    def call(self, operation_id: str, path: Mapping[str, str] | None = None, body: Any = None) -> Reply:
        sent = self.side.call(operation_id, dict(path or {}), body)
        self.run.answers.append(sent.answer)
        if sent.reply is not None:
            return sent.reply
        method, template = self.operations.get(operation_id, ("GET", ""))
        try:
            url = self.side.target.base_url + template.format(**dict(path or {}))
        except (KeyError, IndexError):
            url = self.side.target.base_url + template
        request = SentRequest(method, url, (), orjson.dumps(body) if body is not None else None)
        return Reply(operation_id, 0, None, sent.answer.text, request)  # no answer: the scenario sees status 0


def _run_scenario(side: Side, scenario: Scenario, run: SequenceRun) -> None:
    every = side.target.operation_ids()
    operations = {op: every[op] for op in side.selected} if side.selected is not None else every
    steps = Steps(_Recorder(side, operations, run), side.sandbox)
    steps.name = f"sc-{scenario.name}"  # the same name on both sides (each in its own sandbox)
    try:
        scenario.run(steps)
    except StepFailed as failed:
        run.stopped = side.normaliser.text(f"stopped at {failed.operation_id}: {failed.message}")[:300]
    except SandboxError:
        raise
    except Exception as exc:  # noqa: BLE001 - a crash of the scenario ends this sequence on this side only
        run.stopped = side.normaliser.text(f"stopped: {type(exc).__name__}: {exc}")[:300]


def in_parallel(sides: tuple[Side, Side], action: Callable[[Side], Any]) -> list[Any]:
    """`action` on both sides at once (sandbox set-up and tear-down); exceptions re-raised."""
    out: list[Any] = [None, None]
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            out[n] = action(sides[n])
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return out
