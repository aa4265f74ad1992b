"""Faults: injected failures and latency (fault rules and the per-request `Prefer` header), server-control layer.

A `FaultRule` matches requests by operation id, method and/or path (every given criterion must hold;
a rule with none matches every request). `path` is exact or a pattern, see `mockserver.control.patterns`.
When a rule fires the mock waits `delay_ms`, then answers `status` with a Chroma-shaped body
`{"error": error, "message": message}` and the `chroma-trace-id` header, without running the
handler. A rule with `status=None` only adds latency and lets the request through.

`Faults.match` looks at the rules in the order they were added and returns the first that matches
and fires: `probability` is drawn first (from the `Faults` random generator, seedable), then
`times` is used up (`None` = unlimited; a used-up rule is removed).

`Prefer` header (Prism style), for one request: `Prefer: code=404` answers 404 with a
Chroma-shaped body, `Prefer: delay=500` waits 500 ms first; `Prefer: code=503, delay=200` does
both. Other preferences (`return=minimal` ...) are ignored; a bad `code`/`delay` value is a 400.
"""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

from mockserver.control.patterns import PathMatcher, check_pattern, path_matcher
from mockserver.errors import InvalidArgument

MAX_DELAY_MS = 600_000

#: 429 is "RateLimitError", the name chromadb's Python client turns into `chromadb.errors.RateLimitError`
#: (the JS client maps 429 to its rate-limit error by status); Chroma's own server says "ChromaError".
_DEFAULT_ERRORS = {400: "InvalidArgumentError", 404: "NotFoundError", 429: "RateLimitError", 500: "InternalError"}


def default_error(status: int) -> str:
    """The Chroma error name a status is answered with when a rule names none."""
    return _DEFAULT_ERRORS.get(status, "ChromaError")


@dataclass(frozen=True)
class FaultRule:
    """What to match and how to answer; see the module docstring."""

    operation_id: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = 500
    error: str | None = None
    message: str = "injected fault"
    delay_ms: float = 0
    times: int | None = None
    probability: float = 1.0

    def __post_init__(self) -> None:
        for name in ("operation_id", "method", "path", "error", "message"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} must be a string, not {value!r}")
        if self.status is not None and (
            isinstance(self.status, bool) or not isinstance(self.status, int) or not 400 <= self.status <= 599
        ):
            raise ValueError(f"status must be an HTTP error status (400-599) or None, not {self.status!r}")
        if self.status is None and not self.delay_ms:
            raise ValueError("a fault rule needs a status or a delay_ms")
        if (
            isinstance(self.delay_ms, bool)
            or not isinstance(self.delay_ms, (int, float))
            or not 0 <= self.delay_ms <= MAX_DELAY_MS
        ):
            raise ValueError(f"delay_ms must be a number of milliseconds in 0..{MAX_DELAY_MS}, not {self.delay_ms!r}")
        if self.times is not None and (
            isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1
        ):
            raise ValueError(f"times must be a positive integer or None, not {self.times!r}")
        if (
            isinstance(self.probability, bool)
            or not isinstance(self.probability, (int, float))
            or not 0 <= self.probability <= 1
        ):
            raise ValueError(f"probability must be between 0 and 1, not {self.probability!r}")
        if self.method is not None:
            object.__setattr__(self, "method", self.method.upper())
        if self.path is not None:
            check_pattern(self.path)

    @property
    def error_name(self) -> str | None:
        if self.status is None:
            return None
        return self.error or default_error(self.status)

    def body(self) -> dict[str, str]:
        """The Chroma-shaped error body (only meaningful when `status` is set)."""
        return {"error": self.error_name or "ChromaError", "message": self.message}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        """Build a rule from a JSON object (admin API); ValueError on unknown keys or bad values."""
        if not isinstance(data, dict):
            raise ValueError("a fault rule must be a JSON object")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown fault rule field(s): {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValueError(str(exc)) from None


@dataclass(frozen=True)
class ActiveFault:
    """A rule as `Faults` holds it: its id, how many times it may still fire, how often it did."""

    id: str
    rule: FaultRule
    remaining: int | None
    hits: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.rule.to_json(), "remaining": self.remaining, "hits": self.hits}


@dataclass
class _Slot:
    id: str
    rule: FaultRule
    matches_path: PathMatcher | None
    remaining: int | None
    hits: int = 0


class Faults:
    """The server's fault rules, in the order added, behind one lock.

    `active` is a plain bool the hot path reads without taking the lock.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._ids = itertools.count(1)
        self.active = False

    def add(self, rule: FaultRule) -> str:
        """Add a rule after the existing ones; return its id."""
        matcher = path_matcher(rule.path) if rule.path is not None else None
        with self._lock:
            rule_id = f"f{next(self._ids)}"
            self._slots.append(_Slot(rule_id, rule, matcher, rule.times))
            self.active = True
        return rule_id

    def remove(self, rule_id: str) -> bool:
        """Remove one rule; False when there is no such rule (any more)."""
        with self._lock:
            for i, slot in enumerate(self._slots):
                if slot.id == rule_id:
                    del self._slots[i]
                    self.active = bool(self._slots)
                    return True
        return False

    def clear(self) -> int:
        with self._lock:
            count = len(self._slots)
            self._slots.clear()
            self.active = False
            return count

    def seed(self, seed: int | None) -> None:
        """Re-seed the generator `probability` draws from (for reproducible tests)."""
        with self._lock:
            self._random.seed(seed)

    def __len__(self) -> int:
        return len(self._slots)

    def rules(self) -> list[ActiveFault]:
        with self._lock:
            return [ActiveFault(s.id, s.rule, s.remaining, s.hits) for s in self._slots]

    def get(self, rule_id: str) -> ActiveFault | None:
        with self._lock:
            for s in self._slots:
                if s.id == rule_id:
                    return ActiveFault(s.id, s.rule, s.remaining, s.hits)
        return None

    def match(self, operation_id: str | None, method: str, path: str) -> FaultRule | None:
        """The first rule that matches this request and fires (uses up one of its `times`)."""
        fired = self.match_active(operation_id, method, path)
        return None if fired is None else fired.rule

    def match_active(self, operation_id: str | None, method: str, path: str) -> ActiveFault | None:
        """As `match`, with the rule's id and counters after firing."""
        if not self.active:
            return None
        with self._lock:
            for i, slot in enumerate(self._slots):
                rule = slot.rule
                if rule.operation_id is not None and rule.operation_id != operation_id:
                    continue
                if rule.method is not None and rule.method != method:
                    continue
                if slot.matches_path is not None and not slot.matches_path(path):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                slot.hits += 1
                if slot.remaining is not None:
                    slot.remaining -= 1
                    if slot.remaining <= 0:
                        del self._slots[i]
                        self.active = bool(self._slots)
                return ActiveFault(slot.id, rule, slot.remaining, slot.hits)
        return None


@dataclass(frozen=True)
class Preference:
    """What a `Prefer` header asks for: a forced status and/or a delay."""

    code: int | None = None
    delay_ms: float = 0

    def rule(self) -> FaultRule:
        return FaultRule(
            status=self.code, delay_ms=self.delay_ms, message=f"forced by the Prefer header (code={self.code})"
        )


def parse_prefer(value: str) -> Preference | None:
    """Parse `code=404, delay=500` (`,` or `;` separated); None when neither is present.

    Raises `InvalidArgument` (400) on a bad `code` or `delay` value.
    """
    code: int | None = None
    delay = 0.0
    for item in value.replace(";", ",").split(","):
        name, sep, raw = item.partition("=")
        name = name.strip().lower()
        if not sep or name not in ("code", "delay"):
            continue
        raw = raw.strip().strip('"')
        if name == "code":
            if not (raw.isascii() and raw.isdigit()) or not 400 <= int(raw) <= 599:
                raise InvalidArgument(f"Prefer: code must be an HTTP error status (400-599), got {raw!r}")
            code = int(raw)
        else:
            try:
                delay = float(raw)
            except ValueError:
                delay = -1.0
            if not 0 <= delay <= MAX_DELAY_MS:
                raise InvalidArgument(f"Prefer: delay must be milliseconds in 0..{MAX_DELAY_MS}, got {raw!r}")
    if code is None and not delay:
        return None
    return Preference(code, delay)
