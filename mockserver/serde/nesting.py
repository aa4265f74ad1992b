"""Serde: serde_json's recursion limit: where a body nests arrays and objects 128 deep.

serde_json counts the arrays and objects it is inside while it parses (the body itself is the
first) and stops at the 128th: "recursion limit exceeded at line L column C", C the column of
that `[` or `{`. Chroma answers 400 "Failed to parse the request body as JSON: <path>: recursion
limit exceeded ..." when a field read as any JSON (`where`, `where_document`, ...) nests that deep;
a typed field (`ids`) meets a wrong type first (422). `too_deep` finds the place with numpy, in a
few linear passes, without parsing (so also where Python's parsers would hit their own limits).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: serde_json's `remaining_depth` at the start: the 128th nested array or object is refused
RECURSION_LIMIT = 128
Path = tuple[str | int, ...]

_OPEN = (ord("["), ord("{"))
_CLOSE = (ord("]"), ord("}"))


@dataclass(frozen=True)
class TooDeep:
    offset: int  # of the `[` or `{` serde refuses
    end: int  # one past the end of that array or object (len(body) if it is not closed)
    path: Path  # serde's path to it: keys and array indexes
    line: int
    column: int

    def message(self) -> str:
        return f"{serde_path(self.path)}: recursion limit exceeded at line {self.line} column {self.column}"


def too_deep(body: bytes) -> TooDeep | None:
    """The first array or object nested `RECURSION_LIMIT` deep (the body counting as 1), or None."""
    if body.count(b"[") + body.count(b"{") < RECURSION_LIMIT:
        return None  # cannot be that deep (the common case: two byte counts)
    import numpy as np  # only for bodies with that many brackets: start-up stays free of numpy

    raw = np.frombuffer(body, dtype=np.uint8)
    at = np.flatnonzero(_tokens()[raw])  # where the brackets, quotes, backslashes and commas are
    tokens = raw[at]
    quotes = tokens == ord('"')
    if b"\\" in body:
        quotes &= ~_escaped(tokens, at)
    inside = (np.cumsum(quotes) % 2 == 1) & ~quotes  # within a string: text, not structure
    opens = ((tokens == _OPEN[0]) | (tokens == _OPEN[1])) & ~inside
    closes = ((tokens == _CLOSE[0]) | (tokens == _CLOSE[1])) & ~inside
    depth = np.cumsum(opens.astype(np.int32) - closes.astype(np.int32))  # after each token
    reached = np.flatnonzero(opens & (depth >= RECURSION_LIMIT))
    if reached.size == 0:
        return None
    first = int(reached[0])
    offset = int(at[first])
    after = np.flatnonzero(depth[first:] < RECURSION_LIMIT)
    end = int(at[first + int(after[0])]) + 1 if after.size else len(body)
    # the ancestors: the last array or object opened at each depth before the deep one
    starts = np.flatnonzero(opens[:first])
    last_at_depth = {int(d): int(i) for i, d in zip(starts, depth[starts], strict=True)}
    chain = [last_at_depth[d] for d in range(1, RECURSION_LIMIT)] + [first]
    commas = np.flatnonzero((tokens[:first] == ord(",")) & ~inside[:first])
    comma_depths = depth[commas]
    quote_tokens = np.flatnonzero(quotes[:first])
    path: list[str | int] = []
    for level, (parent, child) in enumerate(zip(chain, chain[1:]), start=1):
        if tokens[parent] == _OPEN[0]:
            lo, hi = np.searchsorted(commas, [parent, child])
            path.append(int(np.count_nonzero(comma_depths[lo:hi] == level)))
        else:  # `"key": <child>`: the key is the last string before the child
            closing = int(np.searchsorted(quote_tokens, child)) - 1
            key: str = json.loads(body[at[quote_tokens[closing - 1]] : at[quote_tokens[closing]] + 1])
            path.append(key)
    newline = body.rfind(b"\n", 0, offset)
    return TooDeep(offset, end, tuple(path), body.count(b"\n", 0, offset) + 1, offset - newline)


@functools.cache
def _tokens() -> np.ndarray:
    """The bytes that matter to nesting: brackets, quotes, backslashes and commas."""
    import numpy as np

    tokens = np.zeros(256, dtype=bool)
    tokens[[ord(c) for c in '[]{}",\\']] = True
    return tokens


def _escaped(tokens: np.ndarray, at: np.ndarray) -> np.ndarray:
    import numpy as np

    """Which tokens follow an odd run of backslashes right before them (escaped quotes)."""
    backslash = tokens == ord("\\")
    index = np.arange(tokens.size)
    joined = np.zeros(tokens.size, dtype=bool)  # a backslash right after another one
    joined[1:] = backslash[1:] & backslash[:-1] & (at[1:] == at[:-1] + 1)
    run_start = np.maximum.accumulate(np.where(backslash & ~joined, index, 0))
    run_length = np.where(backslash, index - run_start + 1, 0)
    escaped = np.zeros(tokens.size, dtype=bool)
    escaped[1:] = backslash[:-1] & (at[:-1] == at[1:] - 1) & (run_length[:-1] % 2 == 1)
    return escaped


def serde_path(path: Path) -> str:
    """serde_path_to_error's rendering: `a.b[0].c` (`.` for the body itself)."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "."
