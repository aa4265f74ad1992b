"""Spec: loading openapi.yaml, parsed once per content and then read from the JSON cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.api import spec
from mockserver.api.spec import default_spec_path, load_spec


def test_a_spec_is_parsed_once_then_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = load_spec()
    cached = list((tmp_path / "cache" / "chroma-mockserver").glob("spec-*.json"))
    assert len(cached) == 1
    again = load_spec()
    assert again.document == first.document and again.operations == first.operations
    assert len(first.operations) == 35
    cached[0].write_bytes(b"{ not json")  # a broken cache entry is parsed again and replaced
    assert load_spec().document == first.document
    assert cached[0].read_bytes().startswith(b"{")


def test_an_edited_spec_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = tmp_path / "openapi.yaml"
    text = default_spec_path().read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    before = load_spec(copy)
    copy.write_text(text.replace("title: chroma-frontend", "title: edited"), encoding="utf-8")
    after = load_spec(copy)
    assert after.document["info"]["title"] == "edited" != before.document["info"]["title"]


def test_no_cache_directory_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setattr(spec, "_cache_dir", lambda: blocked / "chroma-mockserver")
    assert len(load_spec().operations) == 35
