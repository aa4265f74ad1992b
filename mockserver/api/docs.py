"""App: Swagger UI at `/docs/`, as `chroma run` serves it (Swagger UI 5.17, vendored in `swagger_ui/`).

`GET /docs` redirects (303) to `/docs/`; `/docs/` is Swagger UI's page, reading `/openapi.json`;
an unknown file is 404 and another method than GET or HEAD is 405, with Chroma's empty bodies.
Swagger UI 5 is needed: the spec is OpenAPI 3.1, which Swagger UI 4 cannot render. A file is read
on its first request, so a server nobody browses never loads the 1.5 MB bundle.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
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
    return 200, [(b"content-type", _TYPES[Path(name).suffix])], _asset(name)


@cache
def _asset(name: str) -> bytes:
    return resources.files("mockserver.api").joinpath("swagger_ui", name).read_bytes()
