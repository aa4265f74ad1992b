"""Server memory: malloc_trim is found on glibc Linux and returns freed heap pages."""

from __future__ import annotations

import platform
import sys

import pytest

from mockserver.api import memory


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's (elsewhere release() is a no-op)")
def test_release_trims_the_heap_on_linux() -> None:
    blocks = [bytearray(4096) for _ in range(10_000)]  # ~40 MB of heap, then freed
    del blocks
    assert memory.release() is True
