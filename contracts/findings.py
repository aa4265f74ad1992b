"""Findings: schemathesis failures and responses read back as typed data (`Finding`), grouped into issues.

Failures as data, as schemathesis models them: a check's failure becomes a frozen `Finding` with the
exact request behind it (for a reproduction), and findings that share a key become one `Issue`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from contracts.model import Classified, Finding, Issue, OperationStats
from contracts.reproduce import curl_command, sent_request

MAX_MESSAGE = 2000
RESPONSE_EXCERPT = 600


def finding_from_failure(
    failure: Any,
    case: Any,
    response: Any,
    check: str,
    phase: str,
    urls: tuple[str, str] = ("", ""),
    headers: dict[str, str] | None = None,
) -> Finding:
    """A typed finding; `urls`: the base URL requests went to and the one a reproduction should use;
    `headers`: the ones the user configured (token, --header), masked where they are secrets."""
    operation_id = operation_id_of(case) if case is not None else "-"
    method = case.method.upper() if case is not None else ""
    path = case.operation.path if case is not None else ""
    request = None
    if case is not None:
        try:
            request = sent_request(case, response, *urls, headers)
        except Exception:  # noqa: BLE001 - a reproduction is a convenience; never fail a run on it
            request = None
    return Finding(
        operation_id=operation_id,
        method=method,
        path=path,
        check=check,
        failure=type(failure).__name__,
        title=str(getattr(failure, "title", type(failure).__name__)),
        message=clip(str(getattr(failure, "message", failure))),
        status_code=getattr(response, "status_code", None),
        phase=phase,
        reproduction=curl_command(request) if request is not None else "",
        response=_excerpt(response),
        request=request,
    )


def _excerpt(response: Any) -> str:
    content = getattr(response, "content", None)
    if not content:
        return ""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    return text[:RESPONSE_EXCERPT]


def operation_id_of(case: Any) -> str:
    return str(case.operation.definition.raw.get("operationId") or case.operation.label)


def check_name(failure: Any) -> str:
    names = getattr(type(failure), "checks", ())
    if names:
        return str(names[0])
    title = str(getattr(failure, "title", ""))
    if "`" in title:
        return title.split("`")[1]
    return type(failure).__name__


def case_phase(case: Any) -> str:
    meta = getattr(case, "meta", None)
    if meta is None:
        return "-"
    name = meta.phase.name
    return str(getattr(name, "value", name))


def clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def group(items: list[Classified]) -> tuple[Issue, ...]:
    """One Issue per (finding key, drift id): first occurrence, count, phases; failures first."""
    firsts: dict[tuple[Any, ...], Classified] = {}
    counts: Counter[tuple[Any, ...]] = Counter()
    phases: defaultdict[tuple[Any, ...], dict[str, None]] = defaultdict(dict)
    for item in items:
        key = (*item.finding.key, item.drift_id)
        firsts.setdefault(key, item)
        counts[key] += 1
        phases[key][item.finding.phase] = None
    issues = [Issue(firsts[key], counts[key], tuple(phases[key])) for key in firsts]
    issues.sort(key=lambda i: (not i.first.counts_as_failure, i.first.drift_id or "", i.finding.operation_id))
    return tuple(issues)


def operation_stats(
    operations: dict[str, tuple[str, str]], cases: Counter[str], issues: tuple[Issue, ...]
) -> tuple[OperationStats, ...]:
    new: Counter[str] = Counter()
    drifted: Counter[str] = Counter()
    for issue in issues:
        if issue.first.counts_as_failure:
            new[issue.finding.operation_id] += 1
        else:
            drifted[issue.finding.operation_id] += 1
    known = dict(operations)
    for issue in issues:
        known.setdefault(issue.finding.operation_id, (issue.finding.method, issue.finding.path))
    return tuple(
        OperationStats(op_id, method, path, cases[op_id], new[op_id], drifted[op_id])
        for op_id, (method, path) in known.items()
    )
