"""Origins: which browser pages may steer the mock, and the checks that refuse the rest (server-control layer).

A browser sends some cross-origin requests without asking the server first (CORS "simple" requests:
GET, HEAD or POST with no `content-type` or one of text/plain, multipart/form-data and
application/x-www-form-urlencoded, from a form, `fetch(url, {mode: "no-cors"})` or
`navigator.sendBeacon`). CORS only hides the answer from the page; the request has done its work by
then. So a request that changes the mock's state must show it is not such a request:

- `Origin`: when present, it names the server itself (same origin: the Origin's host and port are the
  request's `Host`) or an origin the server trusts (its CORS origins: the loopback default,
  `--cors-origin`, nothing under `--no-cors`). Browsers send `Origin` on every POST, PUT, PATCH and
  DELETE (`null` from sandboxed or privacy-restricted pages: trusted only under `--cors-origin '*'`);
  clients that are not browsers (curl, httpx, test clients) send none and pass.
- `Content-Type` (`refuse_simple_request`): a POST must say `application/json` (or
  `application/<x>+json`), even without a body, because a browser can send a body-less POST
  cross-origin without a preflight; it cannot send a JSON content type without one, and the preflight
  is answered only for trusted origins. PUT, PATCH and DELETE always need a preflight cross-origin, so
  they may come without a body or content type; a content type they do send must be JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from mockserver.asgi import Scope, header_values, is_json_media_type
from mockserver.errors import Forbidden

#: The default CORS policy: pages from any loopback origin (http or https, any port).
LOOPBACK_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
#: Methods that change state; a browser preflights all but POST when they go cross-origin.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


@dataclass(frozen=True)
class OriginPolicy:
    """Origins trusted besides the server's own: exact ones (`*`: any, `null` included) and/or a pattern."""

    origins: tuple[str, ...] = ()
    pattern: str | None = None  # matched whole, as Starlette's CORSMiddleware matches allow_origin_regex

    @classmethod
    def loopback(cls) -> OriginPolicy:
        return cls(pattern=LOOPBACK_ORIGINS)

    def allows(self, origin: str) -> bool:
        if "*" in self.origins or origin in self.origins:
            return True
        return self.pattern is not None and re.fullmatch(self.pattern, origin) is not None

    def describe(self) -> str:
        if self.pattern == LOOPBACK_ORIGINS and not self.origins:
            return "loopback origins (localhost, 127.0.0.1, [::1])"
        shown = list(self.origins) + ([f"re:{self.pattern}"] if self.pattern else [])
        return ", ".join(shown) if shown else "none (same origin only)"


def refuse_foreign_origin(scope: Scope, trusted: OriginPolicy | None) -> None:
    """Raise Forbidden when the request comes from a browser page that is neither this server nor trusted."""
    origins = header_values(scope, b"origin")
    if not origins:
        return  # not sent by a browser page
    if len(origins) == 1:
        origin = origins[0].strip()
        if is_same_origin(origin, header_values(scope, b"host")) or (trusted is not None and trusted.allows(origin)):
            return
    raise Forbidden(
        f"Cross-origin request refused: Origin [{', '.join(origins)}] is neither this server nor one of its "
        "allowed CORS origins (--cors-origin). Clients that are not browsers send no Origin header."
    )


def refuse_simple_request(scope: Scope) -> None:
    """Raise Forbidden for a state-changing request a browser could send cross-origin without a preflight."""
    method: str = scope["method"]
    types = header_values(scope, b"content-type")
    if not types and method != "POST":
        return  # PUT, PATCH and DELETE are always preflighted cross-origin
    if len(types) == 1 and is_json_media_type(types[0]):
        return
    got = "none" if not types else ", ".join(f"[{t}]" for t in types)
    raise Forbidden(
        f"{method} {scope['path']} must be sent with `content-type: application/json` (got {got}), even "
        "without a body: a browser page cannot send that from another origin without a CORS preflight"
    )


def is_same_origin(origin: str, hosts: list[str]) -> bool:
    """Whether `origin` (scheme://host[:port]) names the host and port of the request's one `Host` header."""
    if len(hosts) != 1 or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    default = _DEFAULT_PORTS.get(parts.scheme.lower())
    if default is None or not parts.netloc or parts.path or parts.query:
        return False
    return parts.netloc.lower().removesuffix(default) == hosts[0].strip().lower().removesuffix(default)
