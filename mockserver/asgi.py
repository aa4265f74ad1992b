"""ASGI: the type aliases, the request-body reader and header helpers shared by the app, the admin API and the servers."""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, MutableMapping

from mockserver.errors import PayloadTooLarge

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def read_body(receive: Receive, limit: int, too_large: str) -> bytes:
    """The whole request body; PayloadTooLarge(`too_large`) as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(too_large)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def header_values(scope: Scope, name: bytes) -> list[str]:
    """Every value of the (lower-case) header `name`, in the order received."""
    return [value.decode("latin-1") for key, value in scope.get("headers", ()) if key == name]


_MEDIA_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_MEDIA_PARAMETER = rf'[ \t]*{_MEDIA_TOKEN}=(?:{_MEDIA_TOKEN}|"[^"]*")'
_MEDIA_TYPE = re.compile(rf"({_MEDIA_TOKEN})/({_MEDIA_TOKEN})(?:;(?:{_MEDIA_PARAMETER})?)*")


def is_json_media_type(content_type: str) -> bool:
    """axum's check: a well-formed `application/json` or `application/<x>+json`, any parameters."""
    match = _MEDIA_TYPE.fullmatch(content_type)
    if match is None or match.group(1).lower() != "application":
        return False
    subtype, _, suffix = match.group(2).lower().partition("+")
    return subtype == "json" or (subtype != "" and suffix == "json")
