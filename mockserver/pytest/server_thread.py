"""Plugin: the in-thread server, kept importable here (it lives in `mockserver.intercept.server_thread`)."""

from __future__ import annotations

from mockserver.intercept.server_thread import MockServer, MockServerError, ServerFailure

__all__ = ["MockServer", "MockServerError", "ServerFailure"]
