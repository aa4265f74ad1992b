"""Diff normalisation: each side's own values (sandbox names, generated ids, clocks) replaced by stable tokens.

What legitimately differs between two deployments answering the same request: the sandbox tenant
and database names (each side has its own), ids the server generated (collection ids: the same
sequence on both sides gives them in the same order, so the n-th new UUID becomes `<id:n>` on
both), the heartbeat clock, timestamps, the order of the fields a "Validation error:" message lists
one per line (Chroma's `validator` crate keeps them in a hash map: the order varies from one request
to the next), and (with `--ignore-version`) the version string. What remains is what a client sees
differently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
CLOCK = "<clock>"
VERSION = "<version>"
TIMESTAMP = "<timestamp>"
#: Keys whose values are clocks wherever they appear (Chroma Cloud and later versions add some).
TIMESTAMP_KEYS = frozenset({"nanosecond heartbeat", "created_at", "updated_at", "last_modified", "timestamp"})
VALIDATION = "Validation error: "


class Normaliser:
    """One side's replacements: its named values (`$tenant`, captured ids) and the UUIDs it has seen."""

    def __init__(self, values: Mapping[str, str], ignore_version: bool = False) -> None:
        self.values = values  # live: captured ids are added as the sequences run
        self.ignore_version = ignore_version
        self.ids: dict[str, str] = {}

    def text(self, value: str) -> str:
        for name, known in sorted(self.values.items(), key=lambda item: -len(item[1])):
            if known and known in value:
                value = value.replace(known, f"${name}")
        return UUID.sub(self._id, value)

    def _id(self, match: re.Match[str]) -> str:
        found = match.group(0).lower()
        return self.ids.setdefault(found, f"<id:{len(self.ids) + 1}>")

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: (CLOCK if k in TIMESTAMP_KEYS else self.value(v)) for k, v in value.items()}
        return value

    def request(self, operation_id: str, path: Mapping[str, str], body: Any, query: Mapping[str, Any]) -> str:
        """The request as both sides should have been sent it (equal on both when the sequences agree)."""
        shown: dict[str, Any] = {"operation": operation_id, "path": self.value(dict(path))}
        if query:
            shown["query"] = self.value(dict(query))
        if body is not None:
            shown["body"] = self.value(body)
        return json.dumps(shown, sort_keys=True, ensure_ascii=False, default=repr)

    def response(self, operation_id: str, body: Any, text: str) -> Any:
        """The response body with this side's own values replaced; the text when it is not JSON."""
        if body is None:
            return self.text(text) if text else None
        if operation_id == "version" and self.ignore_version and isinstance(body, str):
            return VERSION
        body = self.value(body)
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(message, str) and message.startswith(VALIDATION) and "\n" in message:
            body["message"] = VALIDATION + "\n".join(sorted(message.removeprefix(VALIDATION).split("\n")))
        return body
