"""Report: the exact request behind a finding, and the curl command and Python snippet that replay it.

The request is taken from what was sent (schemathesis keeps it on the response), or else prepared
from the case the way schemathesis sends it. Only header values are masked, with schemathesis'
sanitization rules (token, auth, key, ... in the header name); bodies, paths and queries stay exact.
A body that is long or not printable UTF-8 is written to a file (named by its content) and sent
with `curl --data-binary @file`, so nothing is cut off or re-encoded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from shlex import quote
from typing import Any

from schemathesis.config import SanitizationConfig
from schemathesis.core import curl
from schemathesis.core.output.sanitization import is_sensitive_key
from schemathesis.core.shell import has_non_printable
from schemathesis.transport.prepare import prepare_request

from contracts.model import SentRequest

#: Where `mockserver serve` listens by default: what reproductions of an in-process (`--mock`) run target.
MOCK_REPLAY_URL = "http://127.0.0.1:8000"
MOCK_REPLAY_HINT = f"against a mock you start with `mockserver serve`, which listens on {MOCK_REPLAY_URL}"
INLINE_LIMIT = 2048  # bytes of body shown inline; longer ones go in a file
_HEADERS = SanitizationConfig()  # schemathesis' default rules, applied to header names only
_UNSANITIZED = SanitizationConfig(enabled=False)
_SANDBOX_URL = re.compile(r"^(?P<base>.*?)/api/v2/tenants/(?P<tenant>[^/?#]+)(?:/databases/(?P<database>[^/?#]+))?")


def sent_request(
    case: Any, response: Any, base_url: str, replay_url: str, headers: Mapping[str, str] | None = None
) -> SentRequest:
    """The request of `response` (else `case` with `headers`, prepared as schemathesis sends it), aimed at
    `replay_url`. A header is masked when its name says secret (schemathesis' rules) and its value is not
    test data the case generated (a generated `x-chroma-token` is shown as sent)."""
    prepared = getattr(response, "request", None)
    if prepared is None:
        prepared = prepare_request(case, headers, config=_UNSANITIZED, base_url=base_url)
    generated = {str(k).lower(): str(v) for k, v in (getattr(case, "headers", None) or {}).items()}
    secrets = {str(v) for n, v in (headers or {}).items() if _secret_name(n)}
    excluded = curl.get_excluded_headers()
    url = str(prepared.url)
    if base_url and url.startswith(base_url) and replay_url != base_url:
        url = replay_url + url[len(base_url) :]
    kept: list[tuple[str, str]] = []
    masked: list[str] = []
    for name, value in prepared.headers.items():
        if name in excluded and name.lower() not in generated:
            continue  # added by requests/schemathesis (User-Agent, Content-Length, test-case id, ...)
        if _secret_name(name) and (str(value) in secrets or generated.get(name.lower()) != str(value)):
            value = _HEADERS.replacement
            masked.append(name)
        kept.append((name, str(value)))
    sent = prepared.body
    body = sent.encode("utf-8") if isinstance(sent, str) else sent if isinstance(sent, bytes) else None
    return SentRequest(str(prepared.method), url, tuple(kept), body or None, tuple(masked))


def _secret_name(name: str) -> bool:
    return is_sensitive_key(name, _HEADERS.keys_to_sanitize, _HEADERS.sensitive_markers)


def body_file(request: SentRequest, folder: Path | None) -> Path | None:
    """Where the body goes when it is not shown inline (None: inline). Named by content: stable, shared."""
    body = request.body
    if body is None or folder is None:
        return None
    if len(body) <= INLINE_LIMIT and not has_non_printable(body) and not body.startswith(b"@"):
        return None
    return folder / f"{request.method.lower()}-{hashlib.sha256(body).hexdigest()[:16]}.body"


def write_body(request: SentRequest, folder: Path | None) -> Path | None:
    path = body_file(request, folder)
    if path is not None and request.body is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(request.body)
    return path


def curl_command(request: SentRequest, body_path: Path | None = None) -> str:
    """One curl command for `request`; the body inline, or read from `body_path` byte for byte."""
    inline = None if body_path is not None or request.body is None else request.body.decode("utf-8", "replace")
    headers = dict(request.headers)
    command = curl.generate(
        method=request.method, url=request.url, body=inline, verify=True, headers=headers, known_generated_headers=headers
    ).command
    if body_path is not None:
        command += f" --data-binary @{quote(str(body_path))}"
    return command


def python_snippet(request: SentRequest, body_path: Path | None = None, setup: tuple[SentRequest, ...] = ()) -> str:
    """The same request with httpx (after the `setup` requests, if any)."""
    lines = ["import httpx", ""]
    for step in setup:
        lines.append(f"httpx.request({step.method!r}, {step.url!r}, headers={dict(step.headers)!r}, content={step.body!r})")
    if body_path is not None:
        lines.append(f"content = open({str(body_path)!r}, 'rb').read()")
    lines += [
        "response = httpx.request(",
        f"    {request.method!r},",
        f"    {request.url!r},",
        f"    headers={dict(request.headers)!r},",
        f"    content={'content' if body_path is not None else repr(request.body)},",
        ")",
        "print(response.status_code, response.text)",
    ]
    return "\n".join(lines)


def sandbox_setup(request: SentRequest, tenant: str, databases: tuple[str, ...]) -> tuple[SentRequest, ...]:
    """The calls that re-create the run's sandbox tenant and database a request addresses (removed at the end).

    Only what the run itself created: its tenant, and its `databases`; anything else in the URL (a
    database or collection a generated call made) is left as it is.
    """
    found = _SANDBOX_URL.match(request.url)
    if found is None or found["tenant"] != tenant:
        return ()
    base = f"{found['base']}/api/v2/tenants"
    headers = (*((n, v) for n, v in request.headers if n in request.masked), ("Content-Type", "application/json"))
    setup = [SentRequest("POST", base, headers, _name(tenant), request.masked)]
    if found["database"] in databases:
        setup.append(SentRequest("POST", f"{base}/{tenant}/databases", headers, _name(found["database"]), request.masked))
    return tuple(setup)


def _name(name: str) -> bytes:
    return json.dumps({"name": name}).encode()
