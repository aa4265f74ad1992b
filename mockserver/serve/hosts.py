"""Hosts: `mockserver serve`'s `Host` check against DNS rebinding, an ASGI layer around the whole server.

A page on an attacker's site can make its own name resolve to 127.0.0.1 (DNS rebinding); the browser
then treats the mock as part of that site, same-origin, and lets the page read every answer and steer
the mock. The `Host` header gives it away: it is the attacker's name. So every request (the Chroma
API, the admin API, CORS preflights) must name a host the server is meant to be reached by:

- an IP address literal (`127.0.0.1`, `[::1]`, `10.1.2.3` ...): a client that connects by address is
  not being rebound, whatever NAT or port forwarding lies between it and the server;
- `localhost` and names under `.localhost`: browsers resolve those to loopback themselves, never by DNS;
- the name the server is bound to (`--host myhost`) and every `--allowed-host NAME`;
- any name when the server is bound to a wildcard address (`0.0.0.0`, `::`) and no `--allowed-host`
  is given: such a server is reached by container and machine names it cannot know; listing them
  with `--allowed-host` turns the check on. `--allowed-host '*'` turns it off for every bind.

A request without `Host` (HTTP/1.0; browsers always send one) passes. A refused request gets 403
`{"error": "ChromaError", "message": "Host [...] is not allowed ..."}`, before anything else runs.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mockserver.asgi import ASGIApp, Receive, Scope, Send, header_values
from mockserver.errors import Forbidden, http_error

WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\[\]:/\\\s@?#]+)(?::[0-9]*)?")


def host_name(value: str) -> str | None:
    """The host of a `Host` header value or `--allowed-host` (lower case, no port, no brackets); None if malformed."""
    match = _HOST.fullmatch(value.strip())
    if match is None:
        return None
    name = match.group(1).lower()
    if name.startswith("["):
        return name[1:-1]
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


@functools.lru_cache(maxsize=256)
def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostPolicy:
    """Which `Host` names a server accepts besides IP literals and localhost names (see the module docstring)."""

    names: frozenset[str] = frozenset()
    any_name: bool = False

    @classmethod
    def for_bind(cls, bind: str, allowed: Sequence[str] | None = None) -> HostPolicy:
        """The policy for a server bound to `bind` (`--host`), with `--allowed-host` values; ValueError for a bad one."""
        names = set()
        for value in allowed or ():
            name = "*" if value.strip() == "*" else host_name(value)
            if name is None:
                raise ValueError(f"--allowed-host {value!r} is not a host name (give a name such as chroma.local, no scheme)")
            names.add(name)
        if "*" in names or (bind in WILDCARD_BINDS and not names):
            return cls(frozenset(), any_name=True)
        if bind not in WILDCARD_BINDS and not is_ip(bind):
            names.add(bind.lower())
        return cls(frozenset(names))

    def allows(self, name: str) -> bool:
        if self.any_name or name in self.names or is_ip(name):
            return True
        return name == "localhost" or name.endswith(".localhost")

    def describe(self) -> str:
        if self.any_name:
            return "any (wildcard bind; --allowed-host NAME restricts it)"
        extra = "".join(f", {name}" for name in sorted(self.names))
        return f"IP addresses, localhost{extra}"


class HostCheck:
    """Answers 403 to an HTTP request whose `Host` the policy does not allow; passes everything else on."""

    def __init__(self, app: ASGIApp, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.policy.any_name:
            refusal = self.refusal(header_values(scope, b"host"))
            if refusal is not None:
                status, headers, body = http_error(Forbidden(refusal))
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def refusal(self, hosts: list[str]) -> str | None:
        """Why these `Host` header values are refused, or None."""
        if not hosts:
            return None
        if len(hosts) == 1:
            name = host_name(hosts[0])
            if name is not None and self.policy.allows(name):
                return None
        return (
            f"Host [{', '.join(hosts)}] is not allowed: this server answers requests for IP addresses, localhost"
            f"{''.join(', ' + n for n in sorted(self.policy.names))} (a browser page on another name may be a DNS "
            "rebinding attack). Start it with --allowed-host NAME to allow a name."
        )
