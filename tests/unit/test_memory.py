"""Server memory: malloc_trim is found on glibc Linux and returns freed heap pages."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from mockserver import memory


@pytest.mark.skipif(not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
                    reason="glibc's malloc_trim exists on Linux only (elsewhere release() is a no-op)")
def test_release_trims_the_heap_on_linux() -> None:
    blocks = [bytearray(4096) for _ in range(10_000)]  # ~40 MB of heap, then freed
    del blocks
    assert memory.release() is True
