"""Errors: the exception tree every stage raises, mapped to HTTP in one place (`http_error`).

    MockError                      status  error name
    ├── InvalidArgument            400     InvalidArgumentError
    ├── NotFound                   404     NotFoundError
    ├── Internal                   500     InternalError
    │   └── ConnectionDropped      500     InternalError  (real Chroma closes the socket instead)
    └── ChromaError                ...     ChromaError    (Chroma's catch-all name)
        ├── Forbidden              403
        ├── AlreadyExists          409
        ├── PayloadTooLarge        413
        ├── UnsupportedMediaType   415
        ├── Unprocessable          422
        └── Unimplemented          501
    V1Gone                         410     Unimplemented  (the /api/v1 answer)

Status codes, the Chroma-shaped body and the headers of an error answer live here and only here:
the pipeline (`mockserver.api`) and the admin API (`mockserver.control.admin`) both answer with `http_error`.
"""

from __future__ import annotations

from typing import ClassVar

import orjson

#: Every 4xx/5xx from Chroma carries this header (no OpenTelemetry configured locally).
TRACE_HEADER = (b"chroma-trace-id", b"00000000000000000000000000000000")
JSON_HEADER = (b"content-type", b"application/json")


class MockError(Exception):
    """Base of every error the mock answers with a Chroma-shaped body."""

    status: ClassVar[int] = 500
    error: ClassVar[str] = "ChromaError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, str]:
        return {"error": self.error, "message": self.message}


class InvalidArgument(MockError):
    status = 400
    error = "InvalidArgumentError"


class NotFound(MockError):
    status = 404
    error = "NotFoundError"


class Internal(MockError):
    status = 500
    error = "InternalError"


class ConnectionDropped(Internal):
    """Real Chroma 1.5.9 panics and closes the connection here; the mock answers 500 instead."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what}: Chroma 1.5.9 drops the connection without a response here "
            "(handler panic); chroma-mockserver answers 500 instead"
        )


class ChromaError(MockError):
    error = "ChromaError"


class Unauthenticated(ChromaError):
    status = 401


class Forbidden(ChromaError):
    status = 403


class AlreadyExists(ChromaError):
    status = 409


class PayloadTooLarge(ChromaError):
    status = 413


class UnsupportedMediaType(ChromaError):
    status = 415


class Unprocessable(ChromaError):
    status = 422


class Unimplemented(ChromaError):
    status = 501


class V1Gone(MockError):
    status = 410
    error = "Unimplemented"


class FeatureMissing(Unimplemented):
    """A request uses a feature the mock does not implement yet (never an error real Chroma gives)."""

    def __init__(self, feature: str) -> None:
        super().__init__(f"chroma-mockserver does not implement {feature} yet")


def http_error(error: MockError) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The HTTP answer for an error: its status, JSON and trace headers, and `{"error", "message"}`."""
    return error.status, [JSON_HEADER, TRACE_HEADER], orjson.dumps(error.body())
