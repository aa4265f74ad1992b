"""Serde: serde_json's recursion limit: where a body first nests 128 arrays and objects deep."""

from __future__ import annotations

import time

from mockserver.serde.nesting import serde_path, too_deep


def test_the_128th_container_is_found_with_serdes_path_line_and_column() -> None:
    assert too_deep(b'{"where": ' + b"[" * 126 + b"]" * 126 + b"}") is None
    body = b'{\n  "x": "[[[[{{{\\"", "w": {"$or": [1, 2, ' + b"[" * 126 + b"]" * 126 + b"]}}"
    found = too_deep(body)
    assert found is not None
    assert found.path == ("w", "$or", 2, *[0] * 124)  # the body, w and $or are 3 of the 128
    assert found.message() == f"{serde_path(found.path)}: recursion limit exceeded at line 2 column {found.column}"
    assert body[found.offset : found.offset + 1] == b"[" and found.line == 2
    assert body[found.offset : found.end] == b"[" * 2 + b"]" * 2  # 126 - 124 arrays from there on


def test_brackets_inside_strings_do_not_count_and_large_bodies_are_quick() -> None:
    assert too_deep(b'{"ids": ["' + b"[" * 500 + b'"]}') is None
    flat = b'{"embeddings": [' + b",".join([b"[1.0, 2.0]"] * 1_000_000) + b"]}"
    start = time.perf_counter()
    assert too_deep(flat) is None
    assert time.perf_counter() - start < 2.0
