"""Store: set algebra over code point ranges for `rust_regex`'s character classes (union, negation, `&&`, `--`, `~~`).

A class is evaluated to explicit, merged code point ranges (surrogates are never members), folded with
simple case folding when `(?i)` is on, as regex-syntax does; a property's ranges are read off the
`regex` module by matching it against every scalar value once (cached).
"""

from __future__ import annotations

import functools
from typing import Any

import regex  # type: ignore[import-untyped]


def lit(c: str) -> str:
    """One character as `regex`-module text: ASCII word characters as they are, others escaped."""
    if c.isascii() and (c.isalnum() or c == "_"):
        return c
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


# A class node is (kind, negated-or-op, children): "bracket" (negated, [body]), "union" (-, items),
# "op" (operator, [lhs, rhs]), "ranges" (-, [(lo, hi), ...]), "leaf" (negated, [property text]).
Node = tuple[str, Any, list[Any]]
MAX_SCALAR = 0x10FFFF


def node_height(root: Node) -> int:
    """A class node's height in regex-syntax's AST: brackets, unions of 2+ items and set operations
    count (iterative: classes may nest 250 deep)."""
    heights: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        kind = node[0]
        children = node[2] if kind in ("bracket", "op", "union") else []
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        inner = max((heights[id(child)] for child in children), default=0)
        counts = kind in ("bracket", "op") or (kind == "union" and len(children) > 1)
        heights[id(node)] = inner + counts
    return heights[id(root)]


def is_simple(node: Node) -> bool:
    """A non-negated bracket over a plain union of ranges and positive properties."""
    body = node[2][0]
    return (
        not node[1]
        and body[0] == "union"
        and bool(body[2])
        and all(item[0] == "ranges" or (item[0] == "leaf" and not item[1]) for item in body[2])
    )


def is_single(node: Node) -> bool:
    body = node[2][0]
    return (
        body[0] == "union"
        and len(body[2]) == 1
        and body[2][0][0] == "ranges"
        and body[2][0][2] == [(body[2][0][2][0][0],) * 2]
    )


def member_text(item: Node) -> str:
    if item[0] == "leaf":
        text = str(item[2][0])
        return text[1:-1] if text.startswith("[") else text
    return "".join(lit(chr(lo)) + ("" if lo == hi else "-" + lit(chr(hi))) for lo, hi in item[2])


def nfa_cost(ranges: list[tuple[int, int]]) -> int:
    """A rough size of a class in Rust's compiled NFA (calibrated on the oracle: [a-z] 72, [ac] 80)."""
    if ranges and ranges[-1][1] > 0xFFFF:
        return 1000
    return 64 + sum(8 if hi < 0x80 else 55 for _, hi in ranges)


def class_cost(ranges: list[tuple[int, int]]) -> int:
    """`nfa_cost` of a class given by possibly overlapping or adjacent ranges."""
    return nfa_cost(merge_ranges(ranges))


def evaluate(node: Node, fold: bool) -> list[tuple[int, int]]:
    kind = node[0]
    if kind == "ranges":
        return merge_ranges(node[2])
    if kind == "leaf":
        ranges = list(leaf_ranges("[" + member_text(("leaf", False, node[2])) + "]"))
        return negate_ranges(ranges) if node[1] else ranges
    if kind == "union":
        return merge_ranges([r for item in node[2] for r in evaluate(item, fold)])
    if kind == "op":
        lhs, rhs = (evaluate(n, fold) for n in node[2])
        if fold:
            lhs, rhs = fold_ranges(lhs), fold_ranges(rhs)
        if node[1] == "&&":
            return negate_ranges(merge_ranges(negate_ranges(lhs) + negate_ranges(rhs)))
        if node[1] == "--":
            return negate_ranges(merge_ranges(negate_ranges(lhs) + rhs))
        return merge_ranges(
            negate_ranges(merge_ranges(negate_ranges(lhs) + rhs))
            + negate_ranges(merge_ranges(negate_ranges(rhs) + lhs))
        )
    ranges = evaluate(node[2][0], fold)
    if fold:
        ranges = fold_ranges(ranges)
    return negate_ranges(ranges) if node[1] else ranges


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def negate_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Complement within Unicode scalar values (surrogates are never members)."""
    out, nxt = [], 0
    for lo, hi in merge_ranges(ranges + [(0xD800, 0xDFFF)]):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_SCALAR:
        out.append((nxt, MAX_SCALAR))
    return out


def as_ranges(text: str) -> str:
    """One-character class text of the `regex` module (`\\p{Nd}`, `[^...]`) as explicit code point ranges."""
    return flat_class(list(leaf_ranges(text if text.startswith("[") else "[" + text + "]")))


def flat_class(ranges: list[tuple[int, int]]) -> str:
    if not ranges:
        return "[^\\u0000-\\U0010ffff]"
    return "[" + member_text(("ranges", False, ranges)) + "]"


_ALL_SCALARS: list[str] = []


def _runs(pattern: str) -> tuple[tuple[int, int], ...]:
    """Code point ranges of the characters `pattern` (one character class) matches."""
    if not _ALL_SCALARS:
        _ALL_SCALARS.append("".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF))
    out: list[tuple[int, int]] = []
    for m in regex.finditer("(?V1)(?:" + pattern + ")+", _ALL_SCALARS[0]):
        lo, hi = m.start(), m.end() - 1
        lo, hi = (lo if lo < 0xD800 else lo + 0x800), (hi if hi < 0xD800 else hi + 0x800)
        if lo < 0xD800 < hi:
            out += [(lo, 0xD7FF), (0xE000, hi)]
        else:
            out.append((lo, hi))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def leaf_ranges(text: str) -> tuple[tuple[int, int], ...]:
    return _runs(text)


@functools.lru_cache(maxsize=256)
def _fold_cached(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    return _runs("(?i-f:" + flat_class(list(ranges)) + ")") if ranges else ()


def fold_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Simple case folding closure, like regex-syntax's `case_fold_simple`."""
    return list(_fold_cached(tuple(ranges)))
