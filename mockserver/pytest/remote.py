"""Remote: reset and seed a real Chroma over its REST API (I/O stage of the plugin's `--chroma-url` mode).

`seed_over_http` replays a parsed seed (`mockserver.control.seed.read_seed`) as the API calls a client would
make: create tenants and databases (409 "already exists" is fine), create each collection, add its
records in batches. What the REST API cannot set is not kept: database and collection ids are the
server's own, and a collection's `dimension` comes from its first records.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

import orjson

from mockserver.control.seed import SeedSource, read_seed

API = "/api/v2"
ADD_BATCH = 1000
TIMEOUT_S = 30.0

__all__ = ["RemoteError", "reset", "seed_over_http"]


class RemoteError(RuntimeError):
    """A real Chroma answered a setup call (reset, seeding) with an error."""


def _call(base_url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except OSError as exc:
        raise RemoteError(f"{method} {base_url}{path}: cannot reach Chroma: {exc}") from exc
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def _check(base_url: str, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200, 201)) -> Any:
    status, answer = _call(base_url, method, path, body)
    if status not in ok:
        raise RemoteError(f"{method} {base_url}{path} answered {status}: {answer}")
    return answer


def reset(base_url: str) -> None:
    """POST /api/v2/reset: the real server must run with `allow_reset: true` (ALLOW_RESET=TRUE)."""
    status, answer = _call(base_url, "POST", f"{API}/reset")
    if status == 403:
        raise RemoteError(
            f"POST {base_url}{API}/reset answered 403 ({answer}): the Chroma at --chroma-url must allow resets "
            "(config `allow_reset: true`, or ALLOW_RESET=TRUE) so every test starts empty"
        )
    if status != 200:
        raise RemoteError(f"POST {base_url}{API}/reset answered {status}: {answer}")


def seed_over_http(base_url: str, data_or_path: SeedSource) -> None:
    """Create what a seed describes on a real Chroma through its REST API."""
    seed = read_seed(data_or_path)
    for tenant in seed.tenants:
        _check(base_url, "POST", f"{API}/tenants", {"name": tenant}, ok=(200, 409))
    for db in seed.databases:
        path = f"{API}/tenants/{quote(db.tenant, safe='')}/databases"
        _check(base_url, "POST", path, {"name": db.name}, ok=(200, 409))
    for c in seed.collections:
        scope = f"{API}/tenants/{quote(c.tenant, safe='')}/databases/{quote(c.database, safe='')}"
        body: dict[str, Any] = {"name": c.name}
        for key in ("metadata", "configuration", "schema"):
            value = getattr(c, key)
            if value is not None:
                body[key] = value
        created = _check(base_url, "POST", f"{scope}/collections", body)
        if c.records is None:
            continue
        records = c.records
        add = f"{scope}/collections/{created['id']}/add"
        for start in range(0, len(records.ids), ADD_BATCH):
            window = slice(start, start + ADD_BATCH)
            batch: dict[str, Any] = {"ids": records.ids[window], "embeddings": records.embeddings[window]}
            for key in ("documents", "metadatas", "uris"):
                column = getattr(records, key)
                if column is not None:
                    batch[key] = column[window]
            _check(base_url, "POST", add, batch)
