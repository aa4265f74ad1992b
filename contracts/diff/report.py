"""Diff report: live progress per target, the one-line verdict, and Markdown, JUnit XML and JSON reports."""

from __future__ import annotations

import json
import sys
import threading
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from contracts.diff.model import Answer, DiffResult, Finding
from contracts.report import _cell, _shorten

EXCERPT = 700


class ConsoleProgress:
    """One line per source when it starts, a line per side at every quarter, and the totals when done."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()
        self._shown: dict[tuple[str, str], int] = {}

    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()

    def started(self, source: str, total: int) -> None:
        self._write(f"{source:<9} {total} sequences on each target\n")

    def advanced(self, source: str, role: str, done: int, total: int) -> None:
        quarter = done * 4 // max(total, 1)
        if done == total or quarter > self._shown.get((source, role), 0):
            self._shown[(source, role)] = quarter
            self._write(f"{'':<9} {role:<9} {done}/{total}\n")

    def finished(self, source: str, seconds: float, calls: Mapping[str, int]) -> None:
        sent = ", ".join(f"{role} {n}" for role, n in calls.items())
        self._write(f"{'':<9} done in {seconds:.1f}s (requests: {sent})\n")


def verdict(result: DiffResult) -> str:
    """The one line a platform team reads: does moving from base to candidate change what clients see?"""
    if result.errors:
        return f"INCOMPLETE: {len(result.errors)} harness error(s); the diff is not conclusive"
    changed = sorted({f.operation_id for f in result.changes})
    if not changed:
        allowed = f" ({len(result.allowed)} allowed difference(s))" if result.allowed else ""
        return (f"NO CLIENT-VISIBLE CHANGE: {result.cases} requests answered alike on both targets{allowed}; "
                f"{result.duration:.1f}s")  # fmt: skip
    return (f"CLIENT-VISIBLE CHANGES: {len(result.changes)} finding(s) in {len(changed)} operation(s) "
            f"({_shorten(', '.join(changed), 120)}) over {result.cases} requests; {result.duration:.1f}s")  # fmt: skip


def summary(result: DiffResult) -> str:
    lines = [
        "",
        f"Base:      {result.base}",
        f"Candidate: {result.candidate}",
        f"Seed:      {result.seed} (repeat the generated cases with --seed)",
        "",
        _table(result),
        "",
    ]
    if result.changes:
        lines.append(f"Changes ({len(result.changes)}):")
        for finding in result.changes:
            lines.extend(_finding_lines(finding))
        lines.append("")
    if result.allowed:
        lines.append(f"Allowed ({len(result.allowed)}):")
        lines.extend(f"  [{f.operation_id}] {f.summary} x{f.count} - {f.allowed_by}" for f in result.allowed)
        lines.append("")
    lines += [f"ERROR: {e}" for e in result.errors] + [f"note: {n}" for n in result.notes]
    lines.append(verdict(result))
    return "\n".join(lines)


def _table(result: DiffResult) -> str:
    rows = [(o.operation_id, str(o.cases), str(o.differing), str(o.allowed), str(o.findings), o.verdict)
            for o in result.operations]  # fmt: skip
    headers = ("operation", "requests", "differing", "allowed", "findings", "result")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" if i in (0, 5) else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*headers), fmt.format(*("-" * w for w in widths)), *(fmt.format(*r) for r in rows)])


def _finding_lines(f: Finding) -> list[str]:
    follow = " (follow-on: each case came after an earlier difference in its sequence)" if f.follow_on else ""
    return [
        f"  [{f.operation_id}] {f.summary} - {f.count} case(s) in {', '.join(f.sources)}{follow}",
        f"      e.g. {f.example.sequence} step {f.example.step}",
        f"      base      {f.example.base.status}: {_shorten(' '.join(f.example.base.text.split()), 160)}",
        f"      candidate {f.example.candidate.status}: {_shorten(' '.join(f.example.candidate.text.split()), 160)}",
    ]


# Markdown ----------------------------------------------------------------------------------------
def markdown(result: DiffResult) -> str:
    out = [
        "# contracts diff",
        "",
        f"**{verdict(result)}**",
        "",
        "| | |",
        "|---|---|",
        f"| Base | {result.base} |",
        f"| Candidate | {result.candidate} |",
        f"| Spec | `{result.spec_source}` |",
        f"| Sandbox tenants | `{result.sandboxes[0]}`, `{result.sandboxes[1]}` |",
        f"| Seed | `{result.seed}` |",
        f"| Requests compared | {result.cases} ({', '.join(f'{s} {n}' for s, n in result.per_source)}) |",
        f"| Findings | {len(result.changes)} changes, {len(result.allowed)} allowed |",
        "",
        "## Operations",
        "",
        "| operation | requests | differing | allowed | findings | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    out += [f"| `{o.operation_id}` | {o.cases} | {o.differing} | {o.allowed} | {o.findings} | {o.verdict} |"
            for o in result.operations]  # fmt: skip
    by_operation: defaultdict[str, list[Finding]] = defaultdict(list)
    for finding in result.changes:
        by_operation[finding.operation_id].append(finding)
    out += ["", f"## Changes ({len(result.changes)})", ""]
    if not result.changes:
        out.append("None: every request was answered alike (after normalisation) or the difference is allowed.")
    for operation_id, findings in by_operation.items():
        out += [f"### `{operation_id}`", ""]
        for finding in findings:
            out += _finding_markdown(finding)
    if result.allowed:
        out += ["", f"## Allowed ({len(result.allowed)})", "", "| operation | difference | cases | allowed by |",
                "|---|---|---:|---|"]  # fmt: skip
        out += [f"| `{f.operation_id}` | {_cell(f.summary)} | {f.count} | `{f.allowed_by}` |" for f in result.allowed]
    if result.unused_allow:
        out += ["", "Allow entries that matched nothing: " + ", ".join(f"`{a}`" for a in result.unused_allow)]
    out += ["", "## Notes", ""] + [f"- **error**: {e}" for e in result.errors] + [f"- {n}" for n in result.notes]
    out.append("")
    return "\n".join(out)


def _finding_markdown(f: Finding) -> list[str]:
    follow = " Follow-on: every case came after an earlier difference in its sequence." if f.follow_on else ""
    seen = ", ".join(f"`{s}`" for s in f.sequences)
    out = [f"#### {_cell(f.summary)}", "",
           f"{f.count} case(s) ({', '.join(f.sources)}), e.g. {seen}.{follow}", "",
           "Request (normalised):", "", "```json", _shorten(f.example.base.request, 1500), "```", ""]  # fmt: skip
    for role, answer in (("base", f.example.base), ("candidate", f.example.candidate)):
        out += [f"{role.capitalize()}: {_answer_line(answer)}", "", "```", _shorten(answer.text or answer.error, EXCERPT),
                "```", ""]  # fmt: skip
        if answer.curl:
            out += ["```sh", answer.curl.strip(), "```", ""]
    return out


def _answer_line(answer: Answer) -> str:
    if answer.status is None:
        return f"no response ({answer.error})"
    return f"{answer.status}" + (f" `{answer.error_type}`" if answer.error_type else "")


def write_markdown(result: DiffResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(result), encoding="utf-8")


# JUnit -------------------------------------------------------------------------------------------
def write_junit(result: DiffResult, path: Path) -> None:
    """One testcase per operation; each change a <failure>, allowed differences in <system-out>."""
    suite = ET.Element("testsuite", name="contracts-diff", tests=str(len(result.operations)),
                       failures=str(sum(1 for o in result.operations if o.differing)), errors=str(len(result.errors)),
                       skipped=str(sum(1 for o in result.operations if not o.cases)), time=f"{result.duration:.3f}")  # fmt: skip
    properties = ET.SubElement(suite, "properties")
    for name, value in (("base", result.base), ("candidate", result.candidate), ("seed", str(result.seed))):
        ET.SubElement(properties, "property", name=name, value=value)
    for operation in result.operations:
        case = ET.SubElement(suite, "testcase", classname="contracts.diff", name=operation.operation_id)
        for f in (f for f in result.changes if f.operation_id == operation.operation_id):
            failure = ET.SubElement(case, "failure", message=f.summary, type=f.kind)
            failure.text = "\n".join(
                [f"{f.count} case(s), e.g. {f.example.sequence} step {f.example.step}", f.example.base.request,
                 f"base {_answer_line(f.example.base)}: {f.example.base.text[:EXCERPT]}",
                 f"candidate {_answer_line(f.example.candidate)}: {f.example.candidate.text[:EXCERPT]}",
                 f"reproduce on base: {f.example.base.curl}", f"reproduce on candidate: {f.example.candidate.curl}"])  # fmt: skip
        if not operation.cases:
            ET.SubElement(case, "skipped", message="not called")
        allowed = [f for f in result.allowed if f.operation_id == operation.operation_id]
        if allowed:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"allowed by {f.allowed_by}: {f.summary}" for f in allowed
            )
    for error in result.errors:
        ET.SubElement(
            ET.SubElement(suite, "testcase", classname="contracts.diff", name="harness"), "error", message=error
        )
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)


# JSON --------------------------------------------------------------------------------------------
def to_json(result: DiffResult) -> dict[str, Any]:
    data = asdict(result)
    for finding, raw in zip(result.findings, data["findings"], strict=True):
        raw["summary"] = finding.summary
        raw.pop("key", None)
    data["verdict"] = verdict(result)
    data["same"] = result.same
    return data


def write_json(result: DiffResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(result), indent=2, ensure_ascii=False, default=repr) + "\n", encoding="utf-8")
