"""Patterns: the path patterns that journal filters and fault rules use (shared control-layer helper).

A pattern is matched against the request path as sent (still percent-encoded, without the query):

- no `*`: the exact path, e.g. `/api/v2/heartbeat`;
- `*` matches within one path segment (never `/`), e.g. `/api/v2/tenants/*`;
- `**` matches across segments (any characters, `/` included), e.g. `/api/v2/**/add`;
- a pattern starting with `re:` is a regular expression in RE2 syntax (Python's `re` without
  look-around and backreferences) that must match the whole path,
  e.g. `re:/api/v2/tenants/[^/]+/databases/.*`.

Globs and `re:` patterns both run on RE2, in time linear in the path: no filter can stall the server
(`**a**a**a**a**b` took seconds on a backtracking engine). The last 64 patterns stay compiled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

PathMatcher = Callable[[str], bool]
MAX_MEM = 1 << 20  # RE2's budget per pattern: paths are short


@lru_cache(maxsize=64)
def path_matcher(pattern: str) -> PathMatcher:
    """Compile a pattern once; raise ValueError on a bad regular expression."""
    from mockserver.store.regex_engine import re2_program  # RE2 loads with the first pattern, not at start

    if pattern.startswith("re:"):
        try:
            return _whole(re2_program(pattern[3:], MAX_MEM))
        except ValueError as exc:
            raise ValueError(f"bad path regular expression {pattern[3:]!r}: {exc}") from None
    if "*" not in pattern:
        return pattern.__eq__
    parts: list[str] = []
    for i, chunk in enumerate(pattern.split("**")):
        if i:
            parts.append(".*")
        parts.append("[^/]*".join(re.escape(piece) for piece in chunk.split("*")))
    return _whole(re2_program("(?s)" + "".join(parts), MAX_MEM))


def _whole(program: Any) -> PathMatcher:
    from mockserver.store.regex_engine import re2_search

    return partial(re2_search, program, whole=True)


def check_pattern(pattern: str) -> str:
    """Return the pattern if it compiles (ValueError otherwise)."""
    path_matcher(pattern)
    return pattern
