"""Store: character classes for `rust_regex`: Unicode properties and bracket parsing (the set algebra is in `regex_ranges`).

Simple classes (a union of literals, ranges and positive properties) are emitted as a `regex` set.
Anything with negation, nesting or `&&`/`--`/`~~` is computed here as explicit code point ranges
(the `regex` module gets some negated sets wrong, e.g. `[^\\p{Nd}\\P{Nd}]` matches "a"), folded with
simple case folding first when `(?i)` is on, exactly as regex-syntax does, so an empty class can be
detected (Chroma reports it as "Byte pattern is not allowed").
"""

from __future__ import annotations

import functools

import regex  # type: ignore[import-untyped]

from mockserver.store.regex_ranges import (
    Node,
    evaluate,
    flat_class,
    is_simple,
    is_single,
    leaf_ranges,
    lit,
    member_text,
    merge_ranges,
    negate_ranges,
    nfa_cost,
    node_height,
)

FOLD, MULTILINE, SINGLE_LINE, SWAP_GREED, UNICODE, VERBOSE, CRLF = (1, 2, 4, 8, 16, 32, 64)
_WHITE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
WORD = r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}"
PERL = {"d": r"\p{Nd}", "s": r"\p{White_Space}", "w": "[" + WORD + "]"}
PERL_NEG = {"d": r"\P{Nd}", "s": r"\P{White_Space}", "w": "[^" + WORD + "]"}
_ASCII_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": r"\u0000-\u007f", "blank": r"\t ",
    "cntrl": r"\u0000-\u001f\u007f", "digit": "0-9", "graph": r"!-~", "lower": "a-z", "print": r" -~",
    "punct": r"!-/:-@\[-`{-~", "space": r"\t\n\u000b\u000c\r ", "upper": "A-Z", "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}  # fmt: skip
_REGEX_ONLY = {"alnum", "blank", "graph", "print", "word", "xdigit", "horizspace", "vertspace", "h", "v"}
_VALUED = {"block", "blk", "bidiclass", "bc", "linebreak", "lb", "eastasianwidth", "ea", "wordbreak", "wb"}
NEST_LIMIT = 250  # regex-syntax's default nest limit
PERL_COST = {"d": 5124, "D": 12756, "s": 680, "S": 1000, "w": 50170, "W": 46603}  # bytes in Rust's NFA


class RegexSyntaxError(Exception):
    def __init__(self, kind: str, span: tuple[int, int], aux: tuple[int, int] | None = None) -> None:
        super().__init__(kind)
        self.kind, self.span, self.aux = kind, span, aux


def _norm(name: str) -> str:
    out = "".join(c.lower() for c in name if c not in _WHITE and c not in "_-")
    return out[2:] if out.startswith("is") and len(out) > 2 else out


@functools.lru_cache(maxsize=512)
def _compiles(body: str) -> bool:
    try:
        regex.compile("\\p{" + body + "}")
    except regex.error:
        return False
    return True


@functools.lru_cache(maxsize=512)
def resolve_property(name: str, value: str | None) -> str:
    """A Rust `\\p{..}` query as a `regex` property body; raises KeyError(kind) when Rust would."""
    if value is None:
        n = _norm(name)
        if n in ("any", "assigned", "ascii"):
            return n
        if not regex.fullmatch(r"[a-z0-9.]+", n):
            raise KeyError("Unicode property not found")
        for body in (f"gc={n}", f"sc={n}"):
            if _compiles(body):
                return body
        if n not in _REGEX_ONLY and not n.startswith("in") and _compiles(n) and not _compiles(f"blk={n}"):
            return n
        raise KeyError("Unicode property not found")
    p, v = _norm(name), _norm(value)
    prop = {"gc": "gc", "generalcategory": "gc", "sc": "sc", "script": "sc", "scx": "scx", "scriptextensions": "scx"}
    if p in prop and v and _compiles(f"{prop[p]}={v}"):
        return f"{prop[p]}={v}"
    if p == "age" and regex.fullmatch(r"v?\d+(\.|_)\d+", v):
        return "assigned"
    if p in prop or p == "age" or p in _VALUED or (p and _compiles(p)):
        raise KeyError("Unicode property value not found")
    raise KeyError("Unicode property not found")


class Cursor:
    """The parser state and cursor shared by the class parser and the pattern parser."""

    def __init__(self, pattern: str) -> None:
        self.p, self.i, self.flags = pattern, 0, UNICODE
        self.hir_error: RegexSyntaxError | None = None
        self.byte_pattern = False
        self.re2 = False  # emit RE2 syntax (classes as explicit ranges) instead of the `regex` module's
        self.class_height = 0  # the last bracketed class's height in regex-syntax's AST

    # ---- cursor ------------------------------------------------------------------------
    def eof(self) -> bool:
        return self.i >= len(self.p)

    def char(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def bump(self) -> bool:
        self.i += 1
        return not self.eof()

    def space(self) -> None:
        while self.flags & VERBOSE and not self.eof():
            if self.char() in _WHITE:
                self.i += 1
            elif self.char() == "#":
                while not self.eof() and self.char() != "\n":
                    self.i += 1
                self.i += 1
            else:
                return

    def bump_space(self) -> bool:
        self.i += 1
        self.space()
        return not self.eof()

    def note_node(self, height: int, span: tuple[int, int]) -> None:
        """A node of regex-syntax's AST of this height was parsed at span (for the nest limit)."""

    def hir(self, kind: str, span: tuple[int, int]) -> None:
        if self.hir_error is None:
            self.hir_error = RegexSyntaxError(kind, span)

    def escape(self, in_class: bool) -> tuple[str, int]:
        raise NotImplementedError

    def literal(self, c: str, span: tuple[int, int]) -> tuple[str, int]:
        folds = self.flags & FOLD and c.lower() != c.upper()
        if not self.flags & UNICODE:
            if ord(c) > 0x7F or not folds:
                return lit(c), 32 * len(c.encode())
            self.byte_pattern = True
        if folds:  # a class of its case variants; k and s also fold to the Kelvin sign and the long s
            return ("(?i:" if self.re2 else "(?i-f:") + lit(c) + ")", {"k": 236, "s": 204}.get(c.lower(), 80)
        return lit(c), 32 * len(c.encode())


class ClassParser(Cursor):
    """Bracketed classes: `[...]` with nesting, ASCII classes and `&&`, `--`, `~~`."""

    def bracket(self) -> tuple[str, int]:
        """`[...]`: simple unions are emitted as a set; anything else is computed as code point ranges."""
        start = self.i
        node = self.class_set(start)
        self.class_height = node_height(node)
        if not self.flags & UNICODE:
            if node[1]:
                self.hir("pattern can match invalid UTF-8", (start, self.i))
            elif not (is_single(node) and not self.flags & FOLD):
                self.byte_pattern = True
        if is_simple(node) and not self.re2:
            items = node[2][0][2]
            body = "[" + "".join(member_text(item) for item in items) + "]"
            plain = merge_ranges([r for i in items if i[0] == "ranges" for r in i[2]])
            cost = sum(int(i[2][1]) for i in items if i[0] == "leaf") + (nfa_cost(plain) if plain else 0)
            return ("(?i-f:" + body + ")" if self.flags & FOLD else body), cost
        if self.hir_error is not None:
            return "", 0
        ranges = evaluate(node, bool(self.flags & FOLD))
        if not ranges:
            self.byte_pattern = True
        return flat_class(ranges), nfa_cost(ranges)

    def class_set(self, start: int, depth: int = 1) -> Node:
        """Parse one bracketed class into ("bracket", negated, items-or-op)."""
        unclosed = "unclosed character class"
        if depth > NEST_LIMIT:  # regex-syntax's nest limit; also keeps this recursion shallow
            close = self.p.find("]", start + 2)
            end = close + 1 if close > 0 and "[" not in self.p[start + 1 : close] else start + 1
            raise RegexSyntaxError(f"exceed the maximum number of nested parentheses/brackets ({NEST_LIMIT})", (start, end))
        if not self.bump_space():
            raise RegexSyntaxError(unclosed, (start, self.i))
        negated = self.char() == "^"
        if negated and not self.bump_space():
            raise RegexSyntaxError(unclosed, (start, self.i))
        items: list[Node] = []
        union_at = expr_at = self.i  # where the current union / set operation starts
        while self.char() == "-":
            items.append(("ranges", False, [(45, 45)]))
            if not self.bump_space():
                raise RegexSyntaxError(unclosed, (start, start))
        if not items and self.char() == "]":
            items.append(("ranges", False, [(93, 93)]))
            if not self.bump_space():
                raise RegexSyntaxError(unclosed, (start, self.i))
        open_span = (start, self.i)
        expr: Node | None = None
        op = ""
        while True:
            self.space()
            if self.eof():
                raise RegexSyntaxError(unclosed, open_span)
            c, nxt = self.char(), self.p[self.i + 1 : self.i + 2]
            if c == "]":
                end = self.i
                self.i += 1
                break
            if c == "[":
                ascii_class = self.ascii_class()
                items.append(ascii_class if ascii_class is not None else self.class_set(self.i, depth + 1))
            elif c + nxt in ("&&", "--", "~~"):
                union: Node = ("union", False, items)
                self._note_union(union, (union_at, self.i))
                expr = union if expr is None else self._note_op(("op", op, [expr, union]), (expr_at, self.i))
                self.i += 2
                op, items, union_at = c + nxt, [], self.i
            else:
                items.append(self.class_range(open_span))
        union = ("union", False, items)
        self._note_union(union, (union_at, end))
        body: Node = union if expr is None else self._note_op(("op", op, [expr, union]), (expr_at, end))
        bracket: Node = ("bracket", negated, [body])
        self.note_node(node_height(bracket), (start, self.i))
        return bracket

    def _note_union(self, union: Node, span: tuple[int, int]) -> None:
        if len(union[2]) > 1:
            self.note_node(node_height(union), span)

    def _note_op(self, op: Node, span: tuple[int, int]) -> Node:
        self.note_node(node_height(op), span)
        return op

    def ascii_class(self) -> Node | None:
        m = regex.match(r"\[:(\^?)([a-z]+):\]", self.p[self.i :])
        if m is None or m.group(2) not in _ASCII_CLASSES:
            return None
        self.i += m.end()
        ranges = leaf_ranges("[" + _ASCII_CLASSES[m.group(2)] + "]")
        return ("ranges", False, negate_ranges(list(ranges)) if m.group(1) else list(ranges))

    def class_item(self) -> tuple[Node, str | None, tuple[int, int]]:
        """One class member: (node, the char if a literal, span)."""
        start = self.i
        if self.char() != "\\":
            c = self.char()
            self.i += 1
            return ("ranges", False, [(ord(c), ord(c))]), c, (start, self.i)
        saved = self.flags
        self.flags &= ~FOLD  # the enclosing class is folded as a whole
        text, cost = self.escape(in_class=True)
        self.flags = saved
        escaped = self.p[start + 1 : start + 2]
        if escaped in ("p", "P") or escaped in "dswDSW":
            negated = text.startswith(("\\P", "[^"))
            positive = text.replace("\\P{", "\\p{", 1) if text.startswith("\\P") else text.replace("[^", "[", 1)
            return ("leaf", negated, [positive, cost]), None, (start, self.i)
        c = self._char_of((start, self.i))
        return ("ranges", False, [(ord(c), ord(c))]), c, (start, self.i)

    def class_range(self, open_span: tuple[int, int]) -> Node:
        first, lo, span1 = self.class_item()
        self.space()
        if self.eof():
            raise RegexSyntaxError("unclosed character class", open_span)
        after = self.p[self.i + 1 : self.i + 2]
        if self.char() != "-" or after in ("]", "-"):
            return first
        if not self.bump_space():
            raise RegexSyntaxError("unclosed character class", open_span)
        _, hi, span2 = self.class_item()
        if lo is None or hi is None:
            raise RegexSyntaxError("invalid range boundary, must be a literal", span1 if lo is None else span2)
        if lo > hi:
            raise RegexSyntaxError("invalid character class range, the start must be <= the end", (span1[0], span2[1]))
        return ("ranges", False, [(ord(lo), ord(hi))])

    def _char_of(self, span: tuple[int, int]) -> str:
        """The code point an escaped literal class member at `span` denotes."""
        raw = self.p[span[0] : span[1]]
        c = raw[1]
        if c in "xuU":
            return chr(int(raw[2:].strip("{}").replace(" ", ""), 16))
        return {"a": "\x07", "f": "\x0c", "t": "\t", "n": "\n", "r": "\r", "v": "\x0b"}.get(c, c)

    def hex(self, start: int, kind: str) -> tuple[str, int]:
        eof_msg = "incomplete escape sequence, reached end of pattern prematurely"
        if not self.bump_space():
            raise RegexSyntaxError(eof_msg, (self.i, self.i))
        hexdigits = "0123456789abcdefABCDEF"
        if self.char() == "{":
            brace, first = self.i, self.i + 1
            while self.bump_space() and self.char() != "}":
                if self.char() not in hexdigits:
                    raise RegexSyntaxError("invalid hexadecimal digit", (self.i, self.i + 1))
            if self.eof():
                raise RegexSyntaxError(eof_msg, (self.i, self.i))
            digits, end = self.p[first : self.i].replace(" ", ""), self.i
            self.i += 1
            if not digits:
                raise RegexSyntaxError("hexadecimal literal empty", (brace, self.i))
        else:
            first = self.i
            for n in range({"x": 2, "u": 4, "U": 8}[kind]):
                if n > 0 and not self.bump_space():
                    raise RegexSyntaxError(eof_msg, (self.i, self.i))
                if self.char() not in hexdigits:
                    raise RegexSyntaxError("invalid hexadecimal digit", (self.i, self.i + 1))
            self.bump_space()
            digits, end = self.p[first : self.i].replace(" ", ""), self.i
        value = int(digits, 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise RegexSyntaxError("hexadecimal literal is not a Unicode scalar value", (first, end))
        if kind == "x" and len(digits) == 2 and value > 0x7F and not self.flags & UNICODE and self.p[first - 1] != "{":
            self.hir("pattern can match invalid UTF-8", (start, self.i))
        return self.literal(chr(value), (start, self.i))

    def unicode_class(self, start: int, negated: bool) -> tuple[str, int]:
        eof_msg = "incomplete escape sequence, reached end of pattern prematurely"
        if not self.bump_space():
            raise RegexSyntaxError(eof_msg, (self.i, self.i))
        if self.char() == "{":
            first = self.i + 1
            while self.bump_space() and self.char() != "}":
                pass
            if self.eof():
                raise RegexSyntaxError(eof_msg, (self.i, self.i))
            query = self.p[first : self.i]
            self.i += 1
        else:
            query = self.char()
            self.bump_space()
        name, value = query, None
        for sep in ("!=", ":", "="):
            if sep in query:
                name, value = query.split(sep, 1)
                negated ^= sep == "!="
                break
        try:
            body = resolve_property(name, value)
        except KeyError as err:
            self.hir(str(err.args[0]), (start, self.i))
            body = "Any"
        text = ("\\P{" if negated else "\\p{") + body + "}"
        if negated and body == "any":
            self.byte_pattern = True
        return text, (nfa_cost(list(leaf_ranges("[\\p{" + body + "}]"))) if self.hir_error is None else 0)
