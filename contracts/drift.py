"""Drift: load the known-drift list and match findings against it (the classification stage)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from contracts.model import Classified, Finding

DEFAULT_DRIFT_FILE = "chroma-1.5.9.yaml"
#: The bundled drift file for a Chroma Cloud-like target (the mock's cloud profile's default).
CLOUD_DRIFT_FILE = "chroma-cloud-1.5.9.yaml"
ANY = "*"


class DriftFileError(ValueError):
    """The drift list is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Matcher:
    """One way a finding can match a drift entry; every field given must match (AND)."""

    operations: tuple[str, ...] = (ANY,)
    checks: tuple[str, ...] = (ANY,)  # check names or failure type names
    status: tuple[int, ...] = ()  # empty: any status (including none)
    phases: tuple[str, ...] = ()
    message: re.Pattern[str] | None = None  # searched in the failure's title and message
    response: re.Pattern[str] | None = None  # searched in the response body

    def matches(self, finding: Finding) -> bool:
        if ANY not in self.operations and finding.operation_id not in self.operations:
            return False
        if ANY not in self.checks and finding.check not in self.checks and finding.failure not in self.checks:
            return False
        if self.status and finding.status_code not in self.status:
            return False
        if self.phases and finding.phase not in self.phases:
            return False
        if self.message is not None and not self.message.search(f"{finding.title}\n{finding.message}"):
            return False
        return self.response is None or self.response.search(finding.response) is not None


@dataclass(frozen=True)
class DriftEntry:
    """A known disagreement between the target and its spec: why, and which findings it explains."""

    id: str
    category: str
    reason: str
    matchers: tuple[Matcher, ...]
    reference: str = ""

    def matches(self, finding: Finding) -> bool:
        return any(m.matches(finding) for m in self.matchers)


@dataclass(frozen=True)
class DriftList:
    """The entries of one drift file, first match wins."""

    target: str
    source: str
    entries: tuple[DriftEntry, ...]

    def match(self, finding: Finding) -> DriftEntry | None:
        for entry in self.entries:
            if entry.matches(finding):
                return entry
        return None

    def classify(self, finding: Finding, strict: bool) -> Classified:
        """Known drift passes, unless `strict` (then it fails, still labelled with its category)."""
        entry = self.match(finding)
        if entry is None:
            return Classified(finding, None, None, counts_as_failure=True)
        return Classified(finding, entry.id, entry.category, counts_as_failure=strict)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(entry.category for entry in self.entries))


def default_drift_path() -> Path:
    return Path(str(resources.files("contracts").joinpath("drift", DEFAULT_DRIFT_FILE)))


def load_drift(path: str | Path | None = None, profile: str = "local") -> DriftList:
    """Read a drift file (YAML): a path, or the name of a bundled one (`chroma-cloud-1.5.9`); by default
    the bundled one for `profile` (local: chroma-1.5.9.yaml, cloud: chroma-cloud-1.5.9.yaml)."""
    if path is None:
        source = default_drift_path() if profile != "cloud" else default_drift_path().with_name(CLOUD_DRIFT_FILE)
    else:
        source = Path(path)
        named = source.name if source.suffix in (".yaml", ".yml") else f"{source.name}.yaml"
        bundled = default_drift_path().with_name(named)
        if not source.exists() and source.parent == Path(".") and bundled.exists():
            source = bundled
    return parse_drift(read_yaml(source, DriftFileError), str(source))


def read_yaml(source: str | Path, error: type[ValueError]) -> Any:
    """A YAML file's data; malformed YAML raises `error` naming the file (missing files raise OSError)."""
    with open(source, encoding="utf-8") as fh:
        try:
            return yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise error(f"{source}: not valid YAML: {exc}") from None


def parse_drift(data: Any, source: str = "<memory>") -> DriftList:
    if not isinstance(data, dict) or not isinstance(data.get("drifts"), list):
        raise DriftFileError(f"{source}: expected a mapping with a `drifts` list")
    entries: list[DriftEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["drifts"]):
        where = f"{source}: drifts[{index}]"
        if not isinstance(raw, dict):
            raise DriftFileError(f"{where}: expected a mapping")
        for required in ("id", "category", "reason", "match"):
            if not raw.get(required):
                raise DriftFileError(f"{where}: `{required}` is required")
        drift_id = str(raw["id"])
        if drift_id in seen:
            raise DriftFileError(f"{where}: duplicate id {drift_id!r}")
        seen.add(drift_id)
        reason = str(raw["reason"]).strip()
        if "\n" in reason:
            raise DriftFileError(f"{where} ({drift_id}): `reason` must be one line")
        matches = raw["match"] if isinstance(raw["match"], list) else [raw["match"]]
        entries.append(
            DriftEntry(
                id=drift_id,
                category=str(raw["category"]),
                reason=reason,
                matchers=tuple(_matcher(m, f"{where} ({drift_id})") for m in matches),
                reference=str(raw.get("ref", "")),
            )
        )
    return DriftList(target=str(data.get("target", "")), source=source, entries=tuple(entries))


_MATCHER_KEYS = {"operations", "checks", "status", "phases", "message", "response"}


def _matcher(raw: Any, where: str) -> Matcher:
    if not isinstance(raw, dict):
        raise DriftFileError(f"{where}: each `match` item must be a mapping")
    unknown = set(raw) - _MATCHER_KEYS
    if unknown:
        raise DriftFileError(f"{where}: unknown matcher field(s) {sorted(unknown)}")
    return Matcher(
        operations=_strings(raw.get("operations", ANY)),
        checks=_strings(raw.get("checks", ANY)),
        status=tuple(int(s) for s in _as_list(raw.get("status", []))),
        phases=_strings(raw.get("phases", [])),
        message=_regex(raw, "message", where),
        response=_regex(raw, "response", where),
    )


def _regex(raw: dict[str, Any], key: str, where: str) -> re.Pattern[str] | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise DriftFileError(f"{where}: bad `{key}` regex: {exc}") from None


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _as_list(value))
