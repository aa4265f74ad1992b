"""Store: what a response shows of a record's metadata (`chroma:*` keys hidden, {} for a uri)."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.store.metadata import visible, visible_many

CASES: list[tuple[dict[str, Any] | None, bool, dict[str, Any] | None]] = [
    (None, False, None),
    (None, True, {}),
    ({}, False, None),
    ({}, True, {}),
    ({"a": 1, "b": [1, 2]}, False, {"a": 1, "b": [1, 2]}),
    ({"a": 1, "chroma:document": "d"}, False, {"a": 1}),
    ({"chroma:document": "d"}, False, {}),  # only hidden keys: {} rather than null
    ({"chroma:uri": "u"}, True, {}),
]


@pytest.mark.parametrize(("metadata", "has_uri", "shown"), CASES)
def test_visible(metadata: dict[str, Any] | None, has_uri: bool, shown: dict[str, Any] | None) -> None:
    assert visible(metadata, has_uri) == shown


def test_visible_many_matches_visible_row_by_row_with_shared_key_tuples() -> None:
    items = [None if m is None else (tuple(m), tuple(m.values())) for m, _, _ in CASES] * 3
    uris = [u for _, u, _ in CASES] * 3
    shown = visible_many(items, uris)
    assert shown == [s for _, _, s in CASES] * 3
    assert shown[4] is not shown[4 + len(CASES)]  # every record gets its own dict
