"""Store: the atoms of `rust_regex`'s parser: `.`, anchors, escapes, Perl classes and word boundaries.

`AtomParser` is the layer of `regex_parser.Parser` that reads one atom and emits its `regex`-module (or
RE2) text and its estimated size in Rust's compiled program; groups, repetition and alternation are
`Parser`'s.
"""

from __future__ import annotations

from mockserver.store.regex_classes import (
    CRLF,
    MULTILINE,
    PERL,
    PERL_COST,
    PERL_NEG,
    SINGLE_LINE,
    UNICODE,
    WORD,
    ClassParser,
    RegexSyntaxError,
)
from mockserver.store.regex_ranges import as_ranges

_META = set("\\.+*?()|[]{}^$#&-~")


def boundary_char(c: str) -> bool:
    """A character of a special word boundary's name (`\\b{start-half}`)."""
    return c.isascii() and (c.isalpha() or c == "-")


class AtomParser(ClassParser):
    """One atom at the cursor: a literal, `.`, `^`/`$`, an escape or a look-around assertion."""

    re2_unsupported: bool  # a look-around RE2 lacks (CRLF line anchors, special word boundaries)
    re2_ascii_only: bool  # Unicode \\b / \\B written as RE2's ASCII ones: exact on ASCII text only

    def primitive(self) -> tuple[str, int]:
        c, start = self.char(), self.i
        if c == "\\":
            return self.escape(in_class=False)
        self.i += 1
        if c == ".":
            if not self.flags & UNICODE:
                self.hir("pattern can match invalid UTF-8", (start, self.i))
            if self.flags & SINGLE_LINE:
                return "(?s:.)", 964
            return (r"[^\r\n]" if self.flags & CRLF else r"[^\n]"), 1000
        if c == "^":
            return self.look("^"), 40
        if c == "$":
            return self.look("$"), 40
        return self.literal(c, (start, self.i))

    def look(self, kind: str) -> str:
        if self.re2:
            return self._re2_look(kind)
        word = "[" + (WORD if self.flags & UNICODE else "0-9A-Za-z_") + "]"
        crlf = r"(?!(?<=\r)\n)"
        if kind == "^":
            if not self.flags & MULTILINE:
                return r"\A"
            return r"(?<![^\r\n])" + crlf if self.flags & CRLF else r"(?<![^\n])"
        if kind == "$":
            if not self.flags & MULTILINE:
                return r"\Z"
            return r"(?![^\r\n])" + crlf if self.flags & CRLF else r"(?![^\n])"
        return {
            "A": r"\A", "z": r"\Z",
            "b": f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))",
            "B": f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))",
            "start": f"(?<!{word})(?={word})", "end": f"(?<={word})(?!{word})",
            "start-half": f"(?<!{word})", "end-half": f"(?!{word})",
        }[kind]  # fmt: skip

    def _re2_look(self, kind: str) -> str:
        multiline = self.flags & MULTILINE and kind in "^$"
        if multiline and self.flags & CRLF or kind in ("start", "end", "start-half", "end-half"):
            self.re2_unsupported = True
            return ""
        if kind in ("b", "B"):
            self.re2_ascii_only |= bool(self.flags & UNICODE)  # Unicode word characters are ASCII's on ASCII text
            return "\\" + kind
        if multiline:
            return "(?m:" + kind + ")"
        return "\\A" if kind in ("^", "A") else "\\z"

    def escape(self, in_class: bool) -> tuple[str, int]:
        if not self.re2 or in_class:
            return self._escape(in_class)
        text, size = self._escape(in_class)
        if text.startswith(("\\p", "\\P", "[")):  # \p{..}, \d, \w ...: RE2 knows few properties
            text = as_ranges(text)
        return text, size

    def _escape(self, in_class: bool) -> tuple[str, int]:
        start = self.i
        if not self.bump():
            raise RegexSyntaxError("incomplete escape sequence, reached end of pattern prematurely", (start, self.i))
        c = self.char()
        if "0" <= c <= "9":
            raise RegexSyntaxError("backreferences are not supported", (start, self.i + 1))
        if c in _META:
            self.i += 1
            return self.literal(c, (start, self.i))
        if c in "xuU":
            return self.hex(start, c)
        if c in "pP":
            return self.unicode_class(start, c == "P")
        if c in "dswDSW":
            self.i += 1
            if not self.flags & UNICODE:
                if c.isupper():
                    self.hir("pattern can match invalid UTF-8", (start, self.i))
                self.byte_pattern = True
            table = PERL_NEG if c.isupper() else PERL
            return table[c.lower()], PERL_COST[c]
        if c.isascii() and not c.isalnum() and c not in "<>":
            self.i += 1
            return self.literal(c, (start, self.i))
        specials = {"a": "\x07", "f": "\x0c", "t": "\t", "n": "\n", "r": "\r", "v": "\x0b"}
        self.i += 1
        if c in specials:
            return self.literal(specials[c], (start, self.i))
        if c in "AzbB<>":
            if in_class:
                raise RegexSyntaxError("invalid escape sequence found in character class", (start, self.i))
            kind = {"<": "start", ">": "end"}.get(c, c)
            if c == "b" and self.char() == "{":
                kind = self.special_boundary(start) or kind
            return self.look(kind), 40
        raise RegexSyntaxError("unrecognized escape sequence", (start, self.i))

    def special_boundary(self, wb_start: int) -> str | None:
        brace = self.i
        if not self.bump_space():
            raise RegexSyntaxError(
                "found either the beginning of a special word boundary or a bounded repetition on a \\b with "
                "an opening brace, but no closing brace",
                (wb_start, self.i),
            )
        contents = self.i
        if not boundary_char(self.char()):
            self.i = brace
            return None
        while not self.eof() and boundary_char(self.char()):
            self.bump_space()
        if self.eof() or self.char() != "}":
            raise RegexSyntaxError(
                "special word boundary assertion is either unclosed or contains an invalid character", (brace, self.i)
            )
        name, end = self.p[contents : self.i].replace(" ", ""), self.i
        self.i += 1
        if name not in ("start", "end", "start-half", "end-half"):
            raise RegexSyntaxError(
                "unrecognized special word boundary assertion, valid choices are: start, end, start-half or end-half",
                (contents, end),
            )
        return name
