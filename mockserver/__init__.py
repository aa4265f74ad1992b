"""chroma-mockserver: a stateful, spec-driven mock of the Chroma 1.5.9 HTTP API (v2)."""

from __future__ import annotations

__version__ = "0.1.0"
