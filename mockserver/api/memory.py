"""Server: give freed heap pages back to the OS after large request bodies (glibc `malloc_trim`).

Parsing a big `add` leaves megabytes of freed buffers (base64 strings, JSON lists) scattered
between the records that stay; glibc keeps those pages mapped, so the resident size grows
by about 15% over what the records need. `malloc_trim(0)` returns every whole free page; it takes
1-2 ms on a heap holding 100,000 records, so it runs only after bodies of `TRIM_AFTER_BYTES` or
more, and after the answer is sent. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache

#: bodies this big (a 1,000-record add of 384-d vectors is about 2 MB) are followed by a trim
TRIM_AFTER_BYTES = 1 << 20


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at the top: a server that never sees a large body does not load it

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # the C library the process runs on
    except (OSError, AttributeError):  # musl and other libcs have no malloc_trim
        return None
    return trim


def release() -> bool:
    """Return free heap pages to the OS; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
