"""Diff allowlist: `--allow FILE`, the differences a team has accepted (same matcher style as the drift files).

allow:
  - id: version-string            # unique
    reason: the upgrade changes the version, as it should   # one line
    match:                        # one matcher or a list (OR-ed); every field given must hold
      operations: [version]       # operationIds ("*" = any)
      kinds: [value-changed]      # difference kinds (status, error-type, field-missing, ...)
      path: '^\\$$'               # regex on the grouped JSON path
      status: [200]               # either side's status
      sources: [catalogue]        # scenario, catalogue, generated
      sequence: '^names/'         # regex on a sequence name the finding was seen in
      message: 'error .* ->'      # regex on the finding's one-line summary
      base: 'InvalidArgument'     # regex on the base response text
      candidate: 'NotFound'       # regex on the candidate response text
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.diff.model import KINDS, SOURCES, Finding
from contracts.drift import ANY, DriftFileError, _as_list, _regex, _strings, read_yaml

#: The allowlist shipped for a diff of `chroma run` 1.5.9 (base) against the bundled mock (candidate).
MOCK_VS_CHROMA = Path(__file__).parent / "allow" / "mock-vs-chroma-1.5.9.yaml"


class AllowFileError(DriftFileError):
    """The allowlist is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class AllowMatcher:
    operations: tuple[str, ...] = (ANY,)
    kinds: tuple[str, ...] = (ANY,)
    status: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    path: re.Pattern[str] | None = None
    sequence: re.Pattern[str] | None = None
    message: re.Pattern[str] | None = None
    base: re.Pattern[str] | None = None
    candidate: re.Pattern[str] | None = None

    def matches(self, finding: Finding) -> bool:
        if ANY not in self.operations and finding.operation_id not in self.operations:
            return False
        if ANY not in self.kinds and finding.kind not in self.kinds:
            return False
        if self.status and not {finding.base_status, finding.candidate_status} & set(self.status):
            return False
        if self.sources and not set(finding.sources) & set(self.sources):
            return False
        if self.sequence is not None and not any(self.sequence.search(s) for s in finding.sequences):
            return False
        searches = ((self.path, finding.path), (self.message, finding.summary),
                    (self.base, finding.example.base.text), (self.candidate, finding.example.candidate.text))  # fmt: skip
        return all(pattern is None or pattern.search(text) is not None for pattern, text in searches)


@dataclass(frozen=True)
class AllowEntry:
    id: str
    reason: str
    matchers: tuple[AllowMatcher, ...]

    def matches(self, finding: Finding) -> bool:
        return any(m.matches(finding) for m in self.matchers)


@dataclass(frozen=True)
class AllowList:
    source: str
    entries: tuple[AllowEntry, ...]

    def match(self, finding: Finding) -> AllowEntry | None:
        return next((entry for entry in self.entries if entry.matches(finding)), None)


def load_allow(path: str | Path | None) -> AllowList:
    """Read an allowlist (YAML); no path: the empty list (every difference counts)."""
    if path is None:
        return AllowList("-", ())
    return parse_allow(read_yaml(path, AllowFileError), str(path))


_KEYS = {"operations", "kinds", "status", "sources", "path", "sequence", "message", "base", "candidate"}


def parse_allow(data: Any, source: str = "<memory>") -> AllowList:
    if not isinstance(data, dict) or not isinstance(data.get("allow"), list):
        raise AllowFileError(f"{source}: expected a mapping with an `allow` list")
    entries: list[AllowEntry] = []
    for index, raw in enumerate(data["allow"]):
        where = f"{source}: allow[{index}]"
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("reason") or not raw.get("match"):
            raise AllowFileError(f"{where}: each entry needs `id`, `reason` and `match`")
        if raw["id"] in {e.id for e in entries}:
            raise AllowFileError(f"{where}: duplicate id {raw['id']!r}")
        where = f"{where} ({raw['id']})"
        matchers = tuple(_matcher(m, where) for m in _as_list(raw["match"]))
        entries.append(AllowEntry(str(raw["id"]), " ".join(str(raw["reason"]).split()), matchers))
    return AllowList(source, tuple(entries))


def _matcher(raw: Any, where: str) -> AllowMatcher:
    if not isinstance(raw, dict):
        raise AllowFileError(f"{where}: each `match` item must be a mapping")
    unknown = set(raw) - _KEYS
    if unknown:
        raise AllowFileError(f"{where}: unknown matcher field(s) {sorted(unknown)}")
    kinds, sources = _strings(raw.get("kinds", ANY)), _strings(raw.get("sources", []))
    bad = [k for k in kinds if k != ANY and k not in KINDS] + [s for s in sources if s not in SOURCES]
    if bad:
        raise AllowFileError(f"{where}: unknown kind(s)/source(s) {bad}; kinds: {', '.join(KINDS)}")
    try:
        status = tuple(int(s) for s in _as_list(raw.get("status", [])))
    except (TypeError, ValueError):
        raise AllowFileError(f"{where}: `status` must be numbers") from None
    patterns = {key: _regex(raw, key, where) for key in ("path", "sequence", "message", "base", "candidate")}
    return AllowMatcher(_strings(raw.get("operations", ANY)), kinds, status, sources, **patterns)
