"""Serde: Rust's `{:?}` of a string, as Chroma's messages quote user input."""

from __future__ import annotations

import pytest

from mockserver.serde.debug import rust_debug


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("abc", '"abc"'),
        ('say "hi"\\', '"say \\"hi\\"\\\\"'),
        ("\0\t\r\n", '"\\0\\t\\r\\n"'),
        ("\x11", '"\\u{11}"'),  # a control character
        ("\u00a0", '"\\u{a0}"'),  # a separator other than the space
        ("a b", '"a b"'),
        ("é€😀", '"é€😀"'),  # printable
        ("\u0301", '"\\u{301}"'),  # a grapheme extender
        ("\u00ad", '"\\u{ad}"'),  # a format character
        ("\U000a24aa", '"\\u{a24aa}"'),  # unassigned
        ("\U00014219", '"\U00014219"'),  # assigned in Unicode 16: printable to Rust (Python 3.11's tables say unassigned)
    ],
)
def test_escapes_as_rust_does(text: str, shown: str) -> None:
    assert rust_debug(text) == shown
