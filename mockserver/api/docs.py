"""App: Swagger UI at `/docs/`, as `chroma run` serves it (the assets of the swagger-ui-bundle package).

`GET /docs` redirects (303) to `/docs/`; `/docs/` is Swagger UI's page, reading `/openapi.json`;
an unknown file is 404 and another method than GET or HEAD is 405, with Chroma's empty bodies.
The package is imported on the first request here, so a server nobody browses never loads it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mockserver.errors import TRACE_HEADER

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]

PREFIX = "/docs"
_TYPES = {".html": b"text/html", ".css": b"text/css", ".js": b"text/javascript", ".png": b"image/png"}
_FILES = (
    "index.html",
    "index.css",
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-16x16.png",
    "favicon-32x32.png",
    "oauth2-redirect.html",
)
#: Chroma's initializer: the page reads the server's own spec
_INITIALIZER = b"""window.onload = function() {
  window.ui = SwaggerUIBundle({
    "dom_id": "#swagger-ui",
    "url": "/openapi.json",
    "deepLinking": true,
    "layout": "StandaloneLayout",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  });
};
"""


def is_docs(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer(method: str, path: str) -> Answer:
    if method not in ("GET", "HEAD"):
        return 405, [(b"allow", b"GET,HEAD"), TRACE_HEADER], b""
    if path == PREFIX:
        return 303, [(b"location", b"/docs/")], b""
    name = path[len(PREFIX) + 1 :] or "index.html"
    if name == "swagger-initializer.js":
        return 200, [(b"content-type", b"text/javascript")], _INITIALIZER
    if name not in _FILES:
        return 404, [TRACE_HEADER], b""
    body = _asset(name)
    if body is None:  # the package is missing: say so rather than serve half a page
        message = b"Swagger UI needs the swagger-ui-bundle package (pip install swagger-ui-bundle)"
        return 404, [(b"content-type", b"text/plain"), TRACE_HEADER], message
    return 200, [(b"content-type", _TYPES[Path(name).suffix])], body


@cache
def _asset(name: str) -> bytes | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    return (Path(str(swagger_ui_path)) / name).read_bytes()
