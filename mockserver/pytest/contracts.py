"""Pytest contracts (plugin stage): `pytest --contracts-url URL` runs the contract suite as pytest items.

There is one item per operation of the spec (`contracts::create_collection`, ...), plus `contracts::run`
for harness errors and for findings tied to no operation; `-m chroma_contracts` selects them. The
suite (`contracts.run.run`, the same run as `contracts run --url URL`, with `--contracts-args` for
its other flags) runs once, when the first of these items runs. Then:

- each item fails with its operation's new problems (not on the known-drift list), written as text:
  check, status, message and a curl to reproduce, never a Python traceback;
- known drift passes, and is attached to the item's report as a "known drift" section;
- an operation no case reached is skipped.
"""

from __future__ import annotations

import importlib
import shlex
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from contracts.model import Issue, RunOptions, RunResult

MARKER = "chroma_contracts"
RUN_ITEM = "run"
_RESULT = pytest.StashKey["RunResult | BaseException"]()


class ContractFailure(AssertionError):
    """New contract problems of one operation (the text is the readable report)."""


def run_options(config: pytest.Config, url: str) -> RunOptions:
    """`contracts run --url URL <--contracts-args>`, parsed by the contracts CLI itself."""
    try:
        from contracts.cli import options_from, parser
    except ImportError as exc:
        raise pytest.UsageError(
            f"--contracts-url needs the contracts harness (pip install 'chroma-mockserver[contracts]'): {exc}"
        ) from exc
    extra = shlex.split(config.getoption("contracts_args") or "")
    try:
        return options_from(parser().parse_args(["run", "--url", url, *extra]))
    except SystemExit as exc:  # argparse printed why
        raise pytest.UsageError(f"--contracts-args {shlex.join(extra)!r}: not valid `contracts run` flags") from exc


def contract_items(session: pytest.Session, url: str) -> list[pytest.Item]:
    """The items `--contracts-url` adds, reported as collected so pytest counts them."""
    from mockserver.api.spec import load_spec

    options = run_options(session.config, url)
    listed = [op.operation_id for op in load_spec(options.spec).operations]
    if options.include_operations:
        listed = [op for op in listed if op in options.include_operations]
    listed = [op for op in listed if op not in options.exclude_operations]
    suite = ContractSuite.from_parent(session, name="contracts", nodeid="contracts")
    suite.options, suite.operations = options, frozenset(listed)
    xdist = session.config.pluginmanager.hasplugin("xdist")
    items: list[pytest.Item] = []
    for name in [*listed, RUN_ITEM]:
        item = ContractItem.from_parent(suite, name=name)
        item.add_marker(MARKER)
        if xdist:  # with --dist loadgroup, one worker runs the whole suite
            item.add_marker(pytest.mark.xdist_group("chroma-contracts"))
        items.append(item)
    report = pytest.CollectReport(suite.nodeid, "passed", None, list[pytest.Item | pytest.Collector](items))
    session.ihook.pytest_collectreport(report=report)
    return items


class ContractSuite(pytest.Collector):
    """The parent of the contract items; built by `contract_items`, never collected from a file."""

    options: RunOptions
    operations: frozenset[str] = frozenset()

    def collect(self) -> list[pytest.Item]:
        return []

    def result(self) -> RunResult:
        """Run the suite once per session (per xdist worker); every item reads the same result."""
        cached = self.config.stash.get(_RESULT, None)
        if cached is None:
            try:
                cached = importlib.import_module("contracts.run").run(self.options)
            except BaseException as exc:  # noqa: BLE001 -- remembered, re-raised by every item
                cached = exc
            self.config.stash[_RESULT] = cached
        if isinstance(cached, BaseException):
            raise cached
        result: RunResult = cached
        return result


class ContractItem(pytest.Item):
    """The contract verdict for one operation (or, for `contracts::run`, for the run as a whole)."""

    def runtest(self) -> None:
        suite = self.parent
        assert isinstance(suite, ContractSuite)
        if self.name == RUN_ITEM:
            result = suite.result()  # a crash of the harness shows here, with its traceback
        else:
            try:
                result = suite.result()
            except Exception as exc:
                raise ContractFailure(
                    f"the contract run did not finish: {type(exc).__name__}: {exc} (traceback under contracts::run)"
                ) from exc
        if self.name == RUN_ITEM:
            from contracts.report import summary

            self.add_report_section("call", "contracts summary", summary(result))
            problems = [f"harness error: {error}" for error in result.errors]
            issues = [i for i in result.issues if i.finding.operation_id not in suite.operations]
        else:
            problems = []
            issues = [i for i in result.issues if i.finding.operation_id == self.name]
        drift = [i for i in issues if not i.first.counts_as_failure]
        if drift:
            self.add_report_section("call", "known drift", "\n\n".join(describe(i) for i in drift))
        new = [i for i in issues if i.first.counts_as_failure]
        if problems or new:
            header = f"{len(problems) + len(new)} contract problem(s) on {self.name} against {result.target}"
            raise ContractFailure("\n\n".join([header, *problems, *(describe(i) for i in new)]))
        stats = {s.operation_id: s for s in result.operations}.get(self.name)
        if stats is not None and stats.cases == 0 and not issues:
            pytest.skip(f"the contract run sent no request to {self.name}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, ContractFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "contracts", None, self.nodeid


def describe(issue: Issue) -> str:
    """One problem, readable: what was checked, what came back, how to reproduce it."""
    f = issue.finding
    status = f"HTTP {f.status_code}" if f.status_code is not None else "no response"
    seen = f" (seen {issue.count}x, phases: {', '.join(issue.phases)})" if issue.count > 1 else ""
    lines = [f"{f.method} {f.path} [{f.operation_id}] -> {status}: {f.check} / {f.failure}{seen}", f"  {f.title}"]
    lines += [f"  {line}" for line in f.message.strip().splitlines()]
    if issue.first.drift_id:
        lines.append(f"  known drift {issue.first.drift_id} ({issue.first.category})")
    if f.reproduction:
        lines.append(f"  reproduce: {f.reproduction}")
    return "\n".join(lines)
