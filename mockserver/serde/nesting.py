"""Serde: serde_json's recursion limit: where a body nests arrays and objects 128 deep.

serde_json counts the arrays and objects it is inside while it parses (the body itself is the
first) and stops at the 128th: "recursion limit exceeded at line L column C", C the column of
that `[` or `{`. Chroma answers 400 "Failed to parse the request body as JSON: <path>: recursion
limit exceeded ..." when a field read as any JSON (`where`, `where_document`, ...) nests that deep;
a typed field (`ids`) meets a wrong type first (422). `too_deep` finds the place with numpy, in a
few linear passes, without parsing (so also where Python's parsers would hit their own limits).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np

#: serde_json's `remaining_depth` at the start: the 128th nested array or object is refused
RECURSION_LIMIT = 128
Path = tuple[str | int, ...]

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
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
    plain = _blank_strings(body)
    raw = np.frombuffer(plain, dtype=np.uint8)
    opens = (raw == _OPEN[0]) | (raw == _OPEN[1])
    closes = (raw == _CLOSE[0]) | (raw == _CLOSE[1])
    depth = np.cumsum(opens.astype(np.int32) - closes.astype(np.int32))  # depth after each byte
    reached = np.flatnonzero(opens & (depth >= RECURSION_LIMIT))
    if reached.size == 0:
        return None
    offset = int(reached[0])
    after = np.flatnonzero(depth[offset:] < RECURSION_LIMIT)
    end = offset + int(after[0]) + 1 if after.size else len(body)
    # the ancestors: the last array or object opened at each depth before `offset`
    starts = np.flatnonzero(opens[:offset])
    last_at_depth = {int(d): int(s) for s, d in zip(starts, depth[starts], strict=True)}
    chain = [last_at_depth[d] for d in range(1, RECURSION_LIMIT)] + [offset]
    commas = np.flatnonzero(raw[:offset] == ord(","))
    comma_depths = depth[commas]
    path: list[str | int] = []
    for level, (parent, child) in enumerate(zip(chain, chain[1:]), start=1):
        if plain[parent] == _OPEN[0]:
            lo, hi = np.searchsorted(commas, [parent, child])
            path.append(int(np.count_nonzero(comma_depths[lo:hi] == level)))
        else:
            path.append(_key_before(body, plain, child))
    newline = body.rfind(b"\n", 0, offset)
    return TooDeep(offset, end, tuple(path), body.count(b"\n", 0, offset) + 1, offset - newline)


def _blank_strings(body: bytes) -> bytes:
    """The body with the inside of every string blanked (brackets and commas there are text)."""
    if b'"' not in body:
        return body
    if b"\\" not in body:  # no escapes: strings run from one quote to the next
        raw = np.frombuffer(body, dtype=np.uint8)
        quotes = raw == ord('"')
        inside = (np.cumsum(quotes) % 2 == 1) & ~quotes
        return np.where(inside, np.uint8(ord(" ")), raw).tobytes()
    return _STRING.sub(lambda m: b'"' + b" " * (len(m.group()) - 2) + b'"', body)


def _key_before(body: bytes, plain: bytes, value_at: int) -> str:
    """The object key whose value starts at `value_at` (`"key": <value>`)."""
    colon = _skip_back(plain, value_at - 1)  # the ":"
    closing = _skip_back(plain, colon - 1)  # the key's closing quote
    opening = plain.rfind(b'"', 0, closing)
    key: str = json.loads(body[opening : closing + 1])
    return key


def _skip_back(text: bytes, at: int) -> int:
    while at > 0 and text[at] in b" \t\r\n":
        at -= 1
    return at


def serde_path(path: Path) -> str:
    """serde_path_to_error's rendering: `a.b[0].c` (`.` for the body itself)."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "."
