"""Dashboard: the static files of the browser dashboard at `/__mock/ui/` (server-control layer).

The page (`mockserver/control/ui/`: plain HTML, CSS and JavaScript, no build step) talks to the
server only through the admin API (`/__mock/...`) and the Chroma API, like any other client, so it
follows the same CORS and auth rules. The files themselves are public: they hold no state, and the
page asks for a token when a call answers 401/403. `MockApp` hands `/__mock/ui` paths here before
the admin API sees them; they are not journaled.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import PurePosixPath

from mockserver.errors import NotFound, http_error

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]

PREFIX = "/__mock/ui"
FILES = {
    "index.html": b"text/html; charset=utf-8",
    "dashboard.css": b"text/css; charset=utf-8",
    "dashboard-core.js": b"text/javascript; charset=utf-8",
    "dashboard-data.js": b"text/javascript; charset=utf-8",
    "dashboard.js": b"text/javascript; charset=utf-8",
}
_HEADERS = [
    (b"cache-control", b"no-cache"),  # a new version of the package shows on the next reload
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def is_dashboard(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer(method: str, path: str) -> Answer:
    """The answer for a GET or HEAD of a dashboard path (303 to the page, a file, or 404/405)."""
    if method not in ("GET", "HEAD"):
        return 405, [(b"allow", b"GET,HEAD"), (b"content-type", b"text/plain")], b"the dashboard is read-only files"
    if path == PREFIX:
        return 303, [(b"location", b"/__mock/ui/")], b""
    name = path[len(PREFIX) + 1 :] or "index.html"
    content_type = FILES.get(name)
    if content_type is None:
        return http_error(NotFound(f"no dashboard file {name!r}; the dashboard is at {PREFIX}/"))
    return 200, [(b"content-type", content_type), *_HEADERS], _read(name)


@cache
def _read(name: str) -> bytes:
    return resources.files("mockserver.control").joinpath("ui", PurePosixPath(name).name).read_bytes()
