"""Store: the engines behind `rust_regex`: RE2 (linear time) first, the `regex` module under a time budget.

`RustRegex` holds a validated pattern in both engines' syntax and compiles each lazily: RE2 answers
every text it can answer exactly; the `regex` module (which backtracks) answers the rest within
`FALLBACK_BUDGET_S` per call, else an Internal error saying so. `remember` / `recall` keep the
compiled forms of the last `CACHE_ENTRIES` small patterns; larger ones are freed after their request.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2  # type: ignore[import-untyped]
import regex  # type: ignore[import-untyped]
from re2 import _re2  # the binding itself: no module-level cache of compiled programs

from mockserver.errors import Internal

CACHE_ENTRIES = 64  # compiled patterns kept ...
CACHE_SIZE_LIMIT = 256 * 1024  # ... when their estimated size is at most this
RE2_MAX_MEM_SMALL = 4 << 20  # RE2's budget (program + DFA cache) for a cached pattern
RE2_MAX_MEM_LARGE = 96 << 20  # and for a large one (a program near Rust's 10 MiB limit fits)
FALLBACK_BUDGET_S = 0.2  # the `regex` module checks its timeout coarsely: it stops within about 1 s
FALLBACK_TIMEOUT = (
    "chroma-mockserver: this $regex needs the mock's backtracking fallback engine (a Unicode word boundary "
    "on non-ASCII text, a CRLF-mode line anchor or a special word boundary) and ran out of its {budget:g} s budget"
)
_NO_SPAN = (-1, -1)
_UNANCHORED = _re2.RE2.Anchor.UNANCHORED
_WHOLE = _re2.RE2.Anchor.ANCHOR_BOTH


def re2_program(text: str, max_mem: int) -> Any:
    """An RE2 program for `text` (RE2 syntax, UTF-8) with a memory budget; ValueError(RE2's message)."""
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    options.max_mem = max_mem
    program = _re2.RE2(text.encode("utf-8", "surrogatepass"), options)
    if not program.ok():
        raise ValueError(program.error().decode("utf-8", "replace"))
    return program


def re2_search(program: Any, text: str, whole: bool = False) -> bool:
    """Whether `program` matches somewhere in `text` (all of it when `whole`): linear time."""
    data = text.encode("utf-8", "surrogatepass")
    return bool(program.Match(_WHOLE if whole else _UNANCHORED, data, 0, len(data))[0] != _NO_SPAN)


@dataclass(frozen=True)
class RustRegex:
    """A validated pattern; `search` / `search_all` answer whether it matches anywhere in a text."""

    pattern: str
    translated: str  # for the `regex` module (the fallback engine)
    too_large: bool  # beyond Rust's compiled-size limit: SQLite fails once a document is tested
    re2_text: str | None = None  # for RE2; None when the pattern needs a look-around RE2 lacks
    ascii_only: bool = False  # re2_text is exact on ASCII texts only (Unicode \b as RE2's ASCII \b)
    size: int = 0  # the estimated size in Rust's compiled program

    @functools.cached_property
    def _re2(self) -> Any:
        """The RE2 program (linear time), or None when the fallback must answer."""
        if self.re2_text is None:
            return None
        try:
            return re2_program(self.re2_text, RE2_MAX_MEM_SMALL if self.size <= CACHE_SIZE_LIMIT else RE2_MAX_MEM_LARGE)
        except ValueError:  # beyond RE2's budget: the fallback answers
            return None

    @functools.cached_property
    def _fallback(self) -> regex.Pattern[str]:
        return regex.compile(self.translated, cache_pattern=False)

    def compile_fallback(self) -> None:
        """Compile the `regex`-module form now (raises regex.error for a construct it lacks)."""
        self._fallback  # noqa: B018 - a cached property: evaluating it compiles

    def _engine_for(self, text: str) -> Any:
        program = self._re2
        if program is not None and (not self.ascii_only or text.isascii()):
            return program
        return None

    def search(self, text: str) -> bool:
        return self.search_all([text])[0]

    def search_all(self, texts: Sequence[str | None]) -> list[bool]:
        """Whether each text matches (None never does). RE2 runs in linear time; the `regex` module,
        which backtracks, runs only where RE2 cannot answer, within FALLBACK_BUDGET_S for the whole
        call, and a pattern that exhausts it is an Internal error (no request can hang the server)."""
        out: list[bool] = []
        deadline: float | None = None
        for text in texts:
            if text is None:
                out.append(False)
                continue
            program = self._engine_for(text)
            if program is not None:
                out.append(re2_search(program, text))
                continue
            if deadline is None:
                deadline = time.monotonic() + FALLBACK_BUDGET_S
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                out.append(self._fallback.search(text, timeout=left) is not None)
            except TimeoutError:
                raise Internal(FALLBACK_TIMEOUT.format(budget=FALLBACK_BUDGET_S)) from None
        return out


_CACHE: OrderedDict[str, RustRegex] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def recall(pattern: str) -> RustRegex | None:
    with _CACHE_LOCK:
        found = _CACHE.get(pattern)
        if found is not None:
            _CACHE.move_to_end(pattern)
        return found


def remember(compiled: RustRegex) -> RustRegex:
    if compiled.size <= CACHE_SIZE_LIMIT:
        with _CACHE_LOCK:
            _CACHE[compiled.pattern] = compiled
            while len(_CACHE) > CACHE_ENTRIES:
                _CACHE.popitem(last=False)
    return compiled
