"""chroma-mockserver: a stateful, spec-driven mock of the Chroma 1.5.9 HTTP API (v2)."""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `import mockserver` imports nothing
if TYPE_CHECKING:  # for type checkers only: at run time `__getattr__` imports them on first use
    from mockserver.intercept.mock import MockChroma, mock_chroma

__version__ = "0.1.0"
__all__ = ["MockChroma", "mock_chroma"]


def __getattr__(name: str) -> object:
    """`mockserver.mock_chroma` / `MockChroma`, imported on first use so `import mockserver` stays cheap."""
    if name in ("mock_chroma", "MockChroma"):
        from mockserver.intercept import mock

        return getattr(mock, name)
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
