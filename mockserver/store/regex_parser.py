"""Store: the parser behind `rust_regex`: regex-syntax's grammar, emitting `regex`-module or RE2 text.

`Parser(pattern).parse()` walks the pattern once (iteratively: patterns may nest deeply), raises
`RegexSyntaxError` for what regex-syntax refuses (including its nest limit of 250, checked after the
parse as regex-syntax does), and returns the translated text and the estimated size of Rust's
compiled program. `Parser(pattern, re2=True)` emits RE2 syntax instead (see `rust_regex`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.store.regex_atoms import AtomParser
from mockserver.store.regex_classes import (
    CRLF,
    FOLD,
    MULTILINE,
    NEST_LIMIT,
    SINGLE_LINE,
    SWAP_GREED,
    UNICODE,
    VERBOSE,
    RegexSyntaxError,
)
from mockserver.store.regex_ranges import class_cost

RE2_MAX_REPEAT = 1000  # RE2's largest count, and the largest product of nested counts
_FLAG_BITS = {"i": FOLD, "m": MULTILINE, "s": SINGLE_LINE, "U": SWAP_GREED, "u": UNICODE, "x": VERBOSE, "R": CRLF}


def _literal_char(text: str) -> str | None:
    """The ASCII character a one-character literal fragment denotes (`a`, `\\u002e`), else None."""
    if len(text) == 1:
        return text
    if len(text) == 6 and text.startswith("\\u00"):
        return chr(int(text.removeprefix("\\u"), 16))
    return None


@dataclass
class _Frame:
    open_at: int
    flags: int
    branches: list[list[tuple[str, int]]]
    concat: list[tuple[str, int]]
    capture: bool = False
    #: parallel to `concat` / `branches`: (height in regex-syntax's AST, start offset) of each item
    shapes: list[tuple[int, int]] = field(default_factory=list)
    branch_shapes: list[list[tuple[int, int]]] = field(default_factory=list)


class Parser(AtomParser):
    """Recursive-descent parser over regex-syntax's grammar, emitting `regex` VERSION1 text."""

    def __init__(self, pattern: str, re2: bool = False) -> None:
        super().__init__(pattern)
        self.names: dict[str, tuple[int, int]] = {}
        self.re2 = re2
        self.re2_unsupported = False  # a look-around RE2 lacks (CRLF line anchors, special word boundaries)
        self.re2_ascii_only = False  # Unicode \b / \B written as RE2's ASCII ones: exact on ASCII text only
        self.products: dict[str, int] = {}  # RE2 mode: fragment text -> product of its nested repeat counts
        self.first_at_height: dict[int, tuple[int, int]] = {}  # AST height -> span of its first node
        self.muted = False  # past the nest limit: only syntax is checked, no text is built (it would be quadratic)

    def _add(self, frame: _Frame, fragment: tuple[str, int], height: int, start: int) -> None:
        """Append one item to the current concatenation; a node of `height` > 0 spans start..here."""
        if height > 0:
            self._node(height, (start, self.i))
        frame.concat.append(("", fragment[1]) if self.muted else fragment)
        frame.shapes.append((height, start))

    def note_node(self, height: int, span: tuple[int, int]) -> None:
        self._node(height, span)

    def _node(self, height: int, span: tuple[int, int]) -> None:
        known = self.first_at_height.get(height)
        if known is None or span[0] < known[0]:
            self.first_at_height[height] = span
        self.muted |= height > NEST_LIMIT

    def _prod(self, text: str) -> int:
        return self.products.get(text, 1)

    def _keep(self, text: str, product: int) -> str:
        if product > 1:
            self.products[text] = product
        return text

    # ---- structure ---------------------------------------------------------------------
    def parse(self) -> tuple[str, int]:
        stack: list[_Frame] = []
        top = _Frame(0, self.flags, [], [])
        while True:
            self.space()
            if self.eof():
                break
            c = self.char()
            if c == "(":
                frame = self.group(top)
                if frame is not None:
                    stack.append(top)
                    top = frame
            elif c == ")":
                if not stack:
                    raise RegexSyntaxError("unopened group", (self.i, self.i + 1))
                text, size, height = self.close(top)
                size += 64 if top.capture else 0  # two capture slots
                opened = top.open_at
                self.flags, top = top.flags, stack.pop()
                self.i += 1
                self._add(top, (self._keep("(?:" + text + ")", self._prod(text)), size), height + 1, opened)
            elif c == "|":
                top.branches.append(top.concat)
                top.branch_shapes.append(top.shapes)
                top.concat, top.shapes = [], []
                self.i += 1
            elif c in "?*+":
                self.repeat(top)
            elif c == "{":
                self.counted(top)
            elif c == "[":
                start = self.i
                fragment = self.bracket()
                self._add(top, fragment, self.class_height, start)
            else:
                start = self.i
                self._add(top, self.primitive(), 0, start)
        if stack:
            raise RegexSyntaxError("unclosed group", (top.open_at, top.open_at + 1))
        text, size, height = self.close(top)
        if height > NEST_LIMIT:  # regex-syntax's NestLimiter, after the parse: its first node past the limit
            message = f"exceed the maximum number of nested parentheses/brackets ({NEST_LIMIT})"
            target = min(h for h in self.first_at_height if h >= height - NEST_LIMIT)
            raise RegexSyntaxError(message, self.first_at_height[target])
        return text, size + 208  # the program's fixed part (calibrated: a{327673} fits, a{327674} does not)

    def close(self, frame: _Frame) -> tuple[str, int, int]:
        """The frame's text, size and AST height (a concatenation of 2+ items and an alternation of
        2+ branches are nodes of their own, as in regex-syntax's AST)."""
        shapes = frame.branch_shapes + [frame.shapes]
        heights = []
        for items in shapes:
            height = max((h for h, _ in items), default=0)
            if len(items) > 1:
                height += 1
                self._node(height, (items[0][1], self.i))
            heights.append(height)
        height = max(heights)
        if len(shapes) > 1:
            height += 1
            self._node(height, (next((items[0][1] for items in shapes if items), self.i), self.i))
        text, size = self._close_text(frame)
        return text, size, height

    def _close_text(self, frame: _Frame) -> tuple[str, int]:
        branches = frame.branches + [frame.concat]
        texts = ["".join(t for t, _ in b) for b in branches]
        text = "|".join(texts)
        if self.products:
            self._keep(text, max((self._prod(t) for b in branches for t, _ in b), default=1))
        if len(branches) == 1:
            return text, sum(s for _, s in branches[0])
        chars = [_literal_char(b[0][0]) if len(b) == 1 and b[0][1] == 32 else None for b in branches]
        if all(chars):  # a|b|c: Rust compiles one class
            return text, class_cost(sorted((ord(c), ord(c)) for c in chars if c))
        return text, sum(s for b in branches for _, s in b) + 100 + 12 * len(branches)

    def group(self, top: _Frame) -> _Frame | None:
        start = self.i
        self.bump_space()
        rest = self.p[self.i : self.i + 3]
        if rest.startswith(("?=", "?!")) or rest in ("?<=", "?<!"):
            width = 3 if rest[1] in "=!" else 4
            raise RegexSyntaxError(
                "look-around, including look-ahead and look-behind, is not supported", (start, start + width)
            )
        frame = _Frame(start, self.flags, [], [], True)
        if self.p.startswith("?P<", self.i) or self.p.startswith("?<", self.i):
            self.i += 3 if self.p[self.i + 1] == "P" else 2
            self.capture_name()
            return frame
        if self.char() != "?":
            return frame
        frame.capture = False
        question = self.i
        if not self.bump():
            raise RegexSyntaxError("unclosed group", (start, start + 1))
        changed, flags = self.flag_items()
        end = self.char()
        self.i += 1
        if end == ")":
            if not changed:
                raise RegexSyntaxError("repetition operator missing expression", (question, question + 1))
            self.flags = flags
            self._add(top, ("", -1), 0, start)  # a flag group: not repeatable
            return None
        self.flags = flags
        return frame

    def capture_name(self) -> None:
        if self.eof():
            raise RegexSyntaxError("unclosed capture group name", (self.i, self.i))
        start = self.i
        while self.char() != ">":
            c, first = self.char(), self.i == start
            ok = c == "_" or c.isalpha() if first else c in "_.[]" or c.isalnum()
            if not ok:
                raise RegexSyntaxError("invalid capture group character", (self.i, self.i + 1))
            if not self.bump():
                raise RegexSyntaxError("unclosed capture group name", (self.i, self.i))
        name, end = self.p[start : self.i], self.i
        self.i += 1
        if not name:
            raise RegexSyntaxError("empty capture group name", (start, start))
        if name in self.names:
            raise RegexSyntaxError("duplicate capture group name", (start, end), self.names[name])
        self.names[name] = (start, end)

    def flag_items(self) -> tuple[bool, int]:
        flags, negate = self.flags, False
        seen: dict[str, int] = {}
        negation_at: int | None = None
        dangling: int | None = None
        while self.char() not in (":", ")"):
            c = self.char()
            if c == "-":
                if negation_at is not None:
                    raise RegexSyntaxError(
                        "flag negation operator repeated", (self.i, self.i + 1), (negation_at, negation_at + 1)
                    )
                negation_at = dangling = self.i
                negate = True
            else:
                dangling = None
                if c not in _FLAG_BITS:
                    raise RegexSyntaxError("unrecognized flag", (self.i, self.i + 1))
                if c in seen:
                    raise RegexSyntaxError("duplicate flag", (self.i, self.i + 1), (seen[c], seen[c] + 1))
                seen[c] = self.i
                flags = flags & ~_FLAG_BITS[c] if negate else flags | _FLAG_BITS[c]
            if not self.bump():
                raise RegexSyntaxError("expected flag but got end of regex", (self.i, self.i))
        if dangling is not None:
            raise RegexSyntaxError("dangling flag negation operator", (dangling, dangling + 1))
        return bool(seen) or negation_at is not None, flags

    # ---- repetition --------------------------------------------------------------------
    def _operand(self, frame: _Frame, span: tuple[int, int]) -> tuple[str, int, int, int]:
        """Pop the item a repetition applies to: text, size, AST height, start."""
        if not frame.concat or frame.concat[-1][1] < 0:
            raise RegexSyntaxError("repetition operator missing expression", span)
        text, size = frame.concat.pop()
        height, start = frame.shapes.pop()
        return text, size, height, start

    def _greedy(self, greedy: bool) -> str:
        return "" if greedy != bool(self.flags & SWAP_GREED) else "?"

    def repeat(self, frame: _Frame) -> None:
        op = self.char()
        text, size, height, first = self._operand(frame, (self.i, self.i + 1))
        self.i += 1
        greedy = not (not self.eof() and self.char() == "?")
        if not greedy:
            self.i += 1
        cost = {"?": size + 72, "*": size + 40, "+": size + 40}[op]
        self._add(frame, (self._keep("(?:" + text + ")" + op + self._greedy(greedy), self._prod(text)), cost), height + 1, first)

    def decimal(self) -> int:
        while not self.eof() and self.char().isspace():
            self.i += 1
        start = self.i
        while not self.eof() and "0" <= self.char() <= "9":
            self.bump_space()
        digits = self.p[start : self.i].replace(" ", "")
        span = (start, self.i)
        while not self.eof() and self.char().isspace():
            self.i += 1
        if not digits:
            raise RegexSyntaxError("repetition quantifier expects a valid decimal", span)
        if int(digits) > 0xFFFFFFFF:
            raise RegexSyntaxError("decimal literal invalid", span)
        return int(digits)

    def counted(self, frame: _Frame) -> None:
        start = self.i
        text, size, height, first = self._operand(frame, (self.i, self.i + 1))
        unclosed = "unclosed counted repetition"
        if not self.bump_space():
            raise RegexSyntaxError(unclosed, (start, self.i))
        low = high = self.decimal()
        if self.eof():
            raise RegexSyntaxError(unclosed, (start, self.i))
        bounded = True
        if self.char() == ",":
            if not self.bump_space():
                raise RegexSyntaxError(unclosed, (start, self.i))
            if self.char() != "}":
                high = self.decimal()
            else:
                bounded = False
        if self.eof() or self.char() != "}":
            raise RegexSyntaxError(unclosed, (start, self.i))
        greedy = True
        if self.bump_space() and self.char() == "?":
            greedy = False
            self.i += 1
        if bounded and low > high:
            raise RegexSyntaxError("invalid repetition count range, the start must be <= the end", (start, self.i))
        quant = f"{{{low},{high}}}" if bounded else f"{{{low},}}"
        cost = low * size + ((high - low) * (size + 40) if bounded else size + 40)
        if self.muted:
            text = ""
        elif self.re2:
            text = self._re2_counted(text, low, high if bounded else None)
        else:
            text = "(?:" + text + ")" + quant + self._greedy(greedy)
        self._add(frame, (text, cost), height + 1, first)

    def _re2_counted(self, text: str, low: int, high: int | None) -> str:
        """`text{low,high}` for RE2, whose counts stop at 1000 and whose nested counts multiply to at
        most 1000: written as `(?:t){low}` then `(?:(?:t)?){high-low}` (or `(?:t)*`), each cut into
        counts RE2 takes. The same language (greediness does not matter to a yes/no search), and
        compiled in linear time (RE2's own `{0,n}` nests n optionals: quadratic)."""
        inner, group = self._prod(text), "(?:" + text + ")"
        most = max(1, RE2_MAX_REPEAT // inner)

        def run(piece: str, n: int) -> list[str]:
            return [f"{piece}{{{most}}}"] * (n // most) + ([f"{piece}{{{n % most}}}"] if n % most else [])

        parts = run(group, low) + (["(?:" + text + ")*"] if high is None else run("(?:" + group + "?)", high - low))
        top = max(min(most, low), 0 if high is None else min(most, high - low))
        return self._keep("(?:" + "".join(parts) + ")", inner * max(1, top))
