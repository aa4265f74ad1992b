"""Patterns: the path patterns that journal filters and fault rules use (shared control-layer helper).

A pattern is matched against the request path as sent (still percent-encoded, without the query):

- no `*`: the exact path, e.g. `/api/v2/heartbeat`;
- `*` matches within one path segment (never `/`), e.g. `/api/v2/tenants/*`;
- `**` matches across segments (any characters, `/` included), e.g. `/api/v2/**/add`;
- a pattern starting with `re:` is a Python regular expression that must match the whole path,
  e.g. `re:/api/v2/tenants/[^/]+/databases/.*`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

PathMatcher = Callable[[str], bool]


@lru_cache(maxsize=256)
def path_matcher(pattern: str) -> PathMatcher:
    """Compile a pattern once; raise ValueError on a bad regular expression."""
    if pattern.startswith("re:"):
        try:
            compiled = re.compile(pattern[3:])
        except re.error as exc:
            raise ValueError(f"bad path regular expression {pattern[3:]!r}: {exc}") from None
        return lambda path: compiled.fullmatch(path) is not None
    if "*" not in pattern:
        return pattern.__eq__
    parts: list[str] = []
    for i, chunk in enumerate(pattern.split("**")):
        if i:
            parts.append(".*")
        parts.append("[^/]*".join(re.escape(piece) for piece in chunk.split("*")))
    glob = re.compile("".join(parts))
    return lambda path: glob.fullmatch(path) is not None


def check_pattern(pattern: str) -> str:
    """Return the pattern if it compiles (ValueError otherwise)."""
    path_matcher(pattern)
    return pattern
