"""Report: a RunResult as live progress, a summary table, JUnit XML and Markdown (the last stage)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import TextIO

from contracts.drift import DriftList
from contracts.model import Issue, RunResult
from contracts.reproduce import body_file, curl_command, python_snippet, sandbox_setup, write_body

_DB = "/api/v2/tenants/{tenant}/databases/{database}"
WIDTH = 100


def short_path(path: str) -> str:
    """Paths are long; the summary shows `{db}` for the tenant/database prefix."""
    return "{db}" + path[len(_DB) :] if path.startswith(_DB) else path


class ConsoleProgress:
    """Pytest-style progress: one character per tested operation (. ok, d known drift, F new failure)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.column = 0
        self.phase = ""

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def phase_started(self, phase: str) -> None:
        self._end_line()
        self.phase = phase
        self._write(f"{phase:<9} ")
        self.column = 10

    def tick(self, phase: str, operation_id: str, cases: int, new: int, drift: int) -> None:
        if self.column >= WIDTH - 20:
            self._write(f"\n{'':<9} ")
            self.column = 10
        self._write("F" if new else "d" if drift else ".")
        self.column += 1

    def phase_finished(self, phase: str, cases: int, seconds: float) -> None:
        self._write(f"  {cases} calls in {seconds:.1f}s\n")
        self.column = 0

    def note(self, text: str) -> None:
        self._end_line()
        self._write(f"  note: {text}\n")

    def _end_line(self) -> None:
        if self.column:
            self._write("\n")
            self.column = 0


# console summary ---------------------------------------------------------------------------------
def requests_folder(report: Path | None) -> Path | None:
    """Where request bodies too long to show inline are written: beside the report, named after it."""
    return None if report is None else report.with_name(f"{report.stem}-requests")


def summary(result: RunResult, drift: DriftList | None = None, report: Path | None = None) -> str:
    """The console summary; reproductions point at the files `write_markdown(result, report)` writes."""
    lines = [
        "",
        f"Target: {result.target}",
        f"Spec:   {result.spec_source}",
        f"Seed:   {result.seed} (repeat the generation with --seed)",
        "",
        _table(result),
        "",
    ]
    failures = result.failures
    if failures:
        lines.append(f"New failures ({len(failures)}):" if not result.strict else f"Failures ({len(failures)}):")
        for issue in failures:
            lines.extend(_issue_lines(issue, report))
        if result.replay_hint:
            lines.append(f"  To replay a request: {result.replay_hint}.")
        lines.append("")
    drifted = [i for i in result.known_drift if not i.first.counts_as_failure]
    if drifted:
        lines.append(f"Known drift ({len(drifted)} issues, {len(_by_drift(drifted))} drift entries; not failures):")
        for drift_id, issues in _by_drift(drifted).items():
            operations = sorted({i.finding.operation_id for i in issues})
            hits = sum(i.count for i in issues)
            reason = _reason(drift, drift_id)
            lines.append(f"  {drift_id} [{issues[0].first.category}]: {reason}")
            lines.append(f"      {hits} hits on {len(operations)} operation(s): {_shorten(', '.join(operations), 90)}")
        lines.append("")
    if result.strict and result.known_drift:
        categories = sorted({i.first.category or "" for i in result.known_drift})
        lines.append(
            f"--strict: the drift list is ignored; {len(result.known_drift)} issues are known drift in the "
            f"categories: {', '.join(categories)}"
        )
        lines.append("")
    for error in result.errors:
        lines.append(f"ERROR: {error}")
    for note in result.notes:
        lines.append(f"note: {note}")
    verdict = "PASSED" if result.passed else "FAILED"
    lines.append(
        f"{verdict}: {len(failures)} failures, {len(result.known_drift)} known drift, {len(result.errors)} errors; "
        f"{result.cases} calls in {result.duration:.1f}s ({result.cases_per_second:.0f}/s)"
    )
    return "\n".join(lines)


def _table(result: RunResult) -> str:
    headers = ("operation", "method", "path", "calls", "new", "drift", "result")
    rows = [
        (s.operation_id, s.method, short_path(s.path), str(s.cases), str(s.new), str(s.drift), s.verdict)
        for s in result.operations
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    widths[2] = min(widths[2], 48)

    def fmt(row: tuple[str, ...]) -> str:
        cells = [_shorten(c, widths[i]).ljust(widths[i]) if i < 3 else c.rjust(widths[i]) for i, c in enumerate(row)]
        cells[-1] = row[-1]
        return "  ".join(cells)

    return "\n".join([fmt(headers), fmt(tuple("-" * w for w in widths)), *(fmt(r) for r in rows)])


def _issue_lines(issue: Issue, report: Path | None) -> list[str]:
    f = issue.finding
    label = f"drift {issue.first.drift_id} [{issue.first.category}]" if issue.first.drift_id else "new"
    status = f", status {f.status_code}" if f.status_code is not None else ""
    lines = [
        f"  [{f.operation_id}] {f.check} ({f.failure}{status}) - {label}; seen {issue.count}x in {', '.join(issue.phases)}",
        f"      {f.title}",
    ]
    for text in f.message.strip().splitlines()[:6]:
        lines.append(f"      {_shorten(text, 150)}")
    if f.response:
        lines.append(f"      response: {_shorten(' '.join(f.response.split()), 200)}")
    if f.request is not None:
        command = curl_command(f.request, body_file(f.request, requests_folder(report)))
        lines.append(f"      reproduce: {_shorten(command, 400)}")
        if report is not None:
            lines.append(f"      (in full, with a Python snippet and the sandbox set-up: {report})")
        elif len(command) > 400:
            lines.append("      (shortened: --report PATH writes the full command)")
    elif f.reproduction:
        lines.append(f"      reproduce: {_shorten(f.reproduction, 400)}")
    return lines


def _by_drift(issues: list[Issue] | tuple[Issue, ...]) -> dict[str, list[Issue]]:
    grouped: defaultdict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        grouped[issue.first.drift_id or "-"].append(issue)
    return dict(sorted(grouped.items()))


def _reason(drift: DriftList | None, drift_id: str) -> str:
    if drift is not None:
        for entry in drift.entries:
            if entry.id == drift_id:
                return entry.reason
    return ""


def _cell(text: str) -> str:
    """Markdown table cell: pipes escaped, one line."""
    return " ".join(text.replace("|", "\\|").split())


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 3)] + "..."


# JUnit -------------------------------------------------------------------------------------------
def write_junit(result: RunResult, path: Path) -> None:
    """One testcase per operation; new failures as <failure>, known drift listed in <system-out>.

    Long request bodies go in a folder beside the file, as for the Markdown report."""
    by_operation: defaultdict[str, list[Issue]] = defaultdict(list)
    for issue in result.issues:
        by_operation[issue.finding.operation_id].append(issue)
    suite = ET.Element(
        "testsuite",
        name="contracts",
        tests=str(len(result.operations)),
        failures=str(sum(1 for s in result.operations if s.new)),
        errors=str(len(result.errors)),
        skipped=str(sum(1 for s in result.operations if not s.cases and not s.new)),
        time=f"{result.duration:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("target", result.target), ("spec", result.spec_source), ("strict", str(result.strict))):
        ET.SubElement(properties, "property", name=name, value=value)
    for stats in result.operations:
        case = ET.SubElement(suite, "testcase", classname="contracts", name=stats.operation_id)
        issues = by_operation.get(stats.operation_id, [])
        for issue in (i for i in issues if i.first.counts_as_failure):
            f = issue.finding
            failure = ET.SubElement(case, "failure", message=f"{f.check}: {f.title}", type=f.failure)
            failure.text = "\n".join([f.message, "", *_reproduction(issue, result, requests_folder(path), markdown=False)])
        if not stats.cases and not stats.new:
            ET.SubElement(case, "skipped", message="not called")
        drifted = [i for i in issues if i.first.drift_id and not i.first.counts_as_failure]
        if drifted:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(
                f"known drift {i.first.drift_id}: {i.finding.check} ({i.finding.failure}, "
                f"status {i.finding.status_code}) x{i.count}"
                for i in drifted
            )
    for error in result.errors:
        case = ET.SubElement(suite, "testcase", classname="contracts", name="harness")
        ET.SubElement(case, "error", message=error)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)


# Markdown ----------------------------------------------------------------------------------------
def write_markdown(result: RunResult, path: Path, drift: DriftList | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(result, drift, requests_folder(path)), encoding="utf-8")


def _reproduction(issue: Issue, result: RunResult, folder: Path | None, markdown: bool = True) -> list[str]:
    """How to replay a failure: the sandbox set-up, the request as curl and as httpx; bodies too long to
    show inline are written to `folder` here. Markdown code blocks, or plain text."""
    f = issue.finding

    def block(language: str, lines: list[str]) -> list[str]:
        return [f"```{language}", *lines, "```"] if markdown else lines

    if f.request is None:
        return block("sh", [f.reproduction]) if f.reproduction else []
    setup = sandbox_setup(f.request, result.sandbox, result.sandbox_databases)
    body = write_body(f.request, folder)
    commands = [curl_command(step) for step in setup]
    if commands:
        commands.insert(0, "# the run's sandbox, removed at its end (collections it made are gone with it):")
    commands.append(curl_command(f.request, body))
    out = [f"Reproduce{f' ({result.replay_hint})' if result.replay_hint else ''}:", "", *block("sh", commands)]
    out += ["", *block("python", python_snippet(f.request, body, setup).splitlines())]
    if f.request.masked:
        out += ["", f"Masked header(s) {', '.join(f.request.masked)}: put your own value back."]
    return out


def markdown(result: RunResult, drift: DriftList | None = None, folder: Path | None = None) -> str:
    """The Markdown report; request bodies too long to show inline are written to `folder` (None: inline)."""
    verdict = "PASSED" if result.passed else "FAILED"
    out = [
        f"# Contract run: {verdict}",
        "",
        "| | |",
        "|---|---|",
        f"| Target | {result.target} |",
        f"| Spec | `{result.spec_source}` |",
        f"| Sandbox tenant | `{result.sandbox}` |",
        f"| Seed | `{result.seed}` |",
        f"| Mode | {'strict (drift list ignored)' if result.strict else 'known drift allowed'} |",
        f"| Calls | {result.cases} in {result.duration:.1f}s ({result.cases_per_second:.0f}/s) |",
        f"| Failures | {len(result.failures)} |",
        f"| Known drift | {len(result.known_drift)} issues |",
        "",
        "## Operations",
        "",
        "| operation | method | path | calls | new | drift | result |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for s in result.operations:
        out.append(
            f"| `{s.operation_id}` | {s.method} | `{short_path(s.path)}` | {s.cases} | {s.new} | {s.drift} | {s.verdict} |"
        )
    out += ["", f"## Failures ({len(result.failures)})", ""]
    if not result.failures:
        out.append("None.")
    for issue in result.failures:
        f = issue.finding
        tag = f" (known drift `{issue.first.drift_id}`, failing under --strict)" if issue.first.drift_id else ""
        out += [
            f"### `{f.operation_id}`: {f.check}{tag}",
            "",
            f"- **{f.title}** ({f.failure}, status {f.status_code}); seen {issue.count}x in {', '.join(issue.phases)}",
        ]
        if f.message.strip():
            out += ["", "```", f.message.strip(), "```"]
        if f.response:
            out += ["", f"Response ({f.status_code}):", "", "```", f.response.strip(), "```"]
        reproduction = _reproduction(issue, result, folder)
        if reproduction:
            out += ["", *reproduction]
        out.append("")
    drifted = [i for i in result.known_drift if not i.first.counts_as_failure]
    out += ["", f"## Known drift ({len(drifted)} issues)", ""]
    if drifted:
        out += ["| drift | category | reason | operations | hits |", "|---|---|---|---|---:|"]
        for drift_id, issues in _by_drift(drifted).items():
            operations = ", ".join(f"`{o}`" for o in sorted({i.finding.operation_id for i in issues}))
            out.append(
                f"| `{drift_id}` | {issues[0].first.category} | {_cell(_reason(drift, drift_id))} | {operations} | "
                f"{sum(i.count for i in issues)} |"
            )
    else:
        out.append("None.")
    if result.unused_drift:
        out += [
            "",
            "Drift entries that matched nothing in this run: " + ", ".join(f"`{d}`" for d in result.unused_drift),
        ]
    if result.errors or result.notes:
        out += ["", "## Notes", ""]
        out += [f"- **error**: {e}" for e in result.errors]
        out += [f"- {n}" for n in result.notes]
    out.append("")
    return "\n".join(out)
