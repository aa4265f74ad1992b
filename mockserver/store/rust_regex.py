"""Store: `$regex` patterns in Rust `regex`-crate syntax, checked like Chroma 1.5.9 and run on RE2.

Chroma validates a `$regex` with `regex_syntax::parse` and then rejects byte classes; SQLite then
runs `regex::Regex` (unanchored search, linear time). Python's `re` differs from Rust in too many
places (`$` before a final newline, no `\\p{..}`, no class set operations, ASCII-only `[[:alpha:]]`
in Rust ...), so this module parses the Rust syntax itself, raises Rust's error for every malformed
pattern (same message, same caret line), and emits an equivalent pattern twice:

- for RE2 (`google-re2`, linear time like Rust, no backtracking), which answers every search it can:
  each class as explicit code point ranges (RE2 knows few Unicode properties), `(?i)` as RE2's
  simple case folding, counts above RE2's 1000 (or whose nested product is) as a concatenation of
  smaller ones. RE2 lacks look-around: Unicode `\\b`/`\\B` are written as RE2's ASCII ones, exact on
  ASCII texts only; CRLF-mode line anchors and `\\b{start}`-style boundaries are not written at all;
- for the `regex` module (VERSION1: nested sets, look-around for every anchor), the fallback for
  the texts RE2 cannot answer exactly. It backtracks, so it runs under a time budget per request
  (`FALLBACK_BUDGET_S`) that turns into a 500 saying so; real Chroma would answer.

Rust's compiled-size limit (10 MiB) is estimated from the pattern (calibrated on the oracle: within
a few percent for literals, classes, `.`; see the README), and a pattern beyond it is reported by
the evaluator (500 "constraint failed"), as SQLite does, only when a document is tested; nothing is
compiled for it. Compiled patterns are kept for the last `CACHE_ENTRIES` small patterns only.

What still differs from Rust (all rare in practice):
- Unicode tables are the `regex` module's (its Unicode version may differ from the crate's);
  `\\p{..}` name resolution follows Rust's order (general category, script, binary property)
  but accepts a few extra binary properties the crate lacks; `\\p{age=..}` means "assigned".
- Case folding is RE2's / the `regex` module's simple case folding (same rules, their tables).
- With Unicode disabled (`(?-u)`), only the common cases are modelled: `.` / `\\xFF` / negated
  classes give "pattern can match invalid UTF-8", other multi-byte classes "Byte pattern is not
  allowed"; `\\p{..}` is still Unicode.
- The capture-count limit is not modelled. Classes nested past the nesting limit (250) are
  refused as soon as they are met, before a syntax error later in the pattern (Rust: after).
"""

from __future__ import annotations

import regex  # type: ignore[import-untyped]

from mockserver.errors import InvalidArgument
from mockserver.store.regex_classes import RegexSyntaxError
from mockserver.store.regex_engine import RustRegex, recall, remember
from mockserver.store.regex_parser import Parser

__all__ = ["BYTE_PATTERN", "SIZE_LIMIT", "RustRegex", "compile_rust_regex", "estimated_size"]

SIZE_LIMIT = 10 * (1 << 20)
BYTE_PATTERN = "Byte pattern is not allowed"


def compile_rust_regex(pattern: str) -> RustRegex:
    """Validate `pattern` as Chroma does; raises InvalidArgument with Chroma's message.

    The last few small patterns stay compiled (`regex_engine.remember`); larger ones are compiled for
    each request and freed after it, so memory stays bounded."""
    return recall(pattern) or remember(_compile(pattern))


def estimated_size(pattern: str) -> int:
    """The estimated size of a valid pattern in Rust's compiled program (compared with SIZE_LIMIT)."""
    return Parser(pattern).parse()[1]


def _compile(pattern: str) -> RustRegex:
    parser = Parser(pattern)
    try:
        text, size = parser.parse()
        if parser.hir_error is not None:
            raise parser.hir_error
    except RegexSyntaxError as err:
        raise InvalidArgument("Regex syntax errror: " + _format(pattern, err)) from None
    if parser.byte_pattern:
        raise InvalidArgument(BYTE_PATTERN)
    translated = "(?V1)" + text
    if size > SIZE_LIMIT:  # nothing is compiled: Chroma fails before it matches anything
        return RustRegex(pattern, translated, True, size=size)
    twin = Parser(pattern, re2=True)
    re2_text, _ = twin.parse()
    compiled = RustRegex(
        pattern,
        translated,
        False,
        None if twin.re2_unsupported else _ESCAPE.sub(_x_escape, re2_text),
        twin.re2_ascii_only,
        size,
    )
    if compiled._re2 is None or compiled.ascii_only:  # the fallback answers (some texts): compile it now
        try:
            compiled.compile_fallback()
        except regex.error as err:  # a construct this translator does not model
            raise InvalidArgument(f"Regex syntax errror: regex parse error:\n    {pattern}\nerror: {err}") from None
    return compiled


_ESCAPE = regex.compile(r"\\u([0-9a-f]{4})|\\U([0-9a-f]{8})")  # `lit`'s escapes (a backslash is one too)


def _x_escape(match: regex.Match[str]) -> str:
    digits: str = match.group(1) or match.group(2)
    return "\\x{" + digits + "}"


def _format(pattern: str, err: RegexSyntaxError) -> str:
    """regex-syntax's error Formatter: the pattern with carets under the error span(s)."""
    spans = sorted([err.span] + ([err.aux] if err.aux else []))
    lines = pattern.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    multi = "\n" in pattern
    width = len(str(len(lines))) if multi else 0

    def where(offset: int) -> tuple[int, int]:
        before = pattern[:offset]
        return before.count("\n"), offset - (before.rfind("\n") + 1)

    by_line: dict[int, list[tuple[int, int]]] = {}
    notes = []
    for start, end in spans:
        (l1, c1), (l2, c2) = where(start), where(end)
        if l1 == l2:
            by_line.setdefault(l1, []).append((c1, c2))
        else:
            notes.append(f"on line {l1 + 1} (column {c1 + 1}) through line {l2 + 1} (column {c2})")
    out = []
    for number, line in enumerate(lines):
        out.append((f"{number + 1:>{width}}: " if width else "    ") + line.rstrip("\r"))
        if number in by_line:
            marks, pos = " " * (2 + width if width else 4), 0
            for c1, c2 in by_line[number]:
                marks += " " * max(0, c1 - pos) + "^" * max(1, c2 - c1)
                pos = max(c1, pos) + max(1, c2 - c1)
            out.append(marks)
    body = "\n".join(out) + "\n"
    if multi:
        rule = "~" * 79 + "\n"
        body = rule + body + rule + "".join(n + "\n" for n in notes)
    return f"regex parse error:\n{body}error: {err.kind}"
