"""Serde: Rust's `{:?}` of a string, as Chroma's error messages show the user input they quote.

`str`'s `Debug` writes the string in double quotes and escapes, character by character (Rust's
`char::escape_debug_ext` with grapheme extenders escaped): `\\0 \\t \\r \\n`, the backslash and the
double quote; then characters of Unicode's Grapheme_Extend property and those Rust does not count as
printable (categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs but the space) as `\\u{hex}`. The Unicode tables
are the `regex` module's (Python's own `unicodedata` is older than Rust's: U+14219, assigned in
Unicode 16, is unassigned to Python 3.11).
"""

from __future__ import annotations

from typing import Any

_SHORT = {"\0": "\\0", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"'}
_ESCAPED: list[Any] = []


def rust_debug(text: str) -> str:
    """`format!("{:?}", text)` for a Rust `&str`."""
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(c: str) -> str:
    if c in _SHORT:
        return _SHORT[c]
    if " " <= c <= "~":
        return c
    if not _ESCAPED:
        import regex  # type: ignore[import-untyped]  # only when a message quotes non-ASCII input

        _ESCAPED.append(regex.compile(r"[\p{Grapheme_Extend}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]"))
    if _ESCAPED[0].match(c):
        return f"\\u{{{ord(c):x}}}"
    return c
