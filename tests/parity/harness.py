"""Parity harness: the step/case vocabulary of the catalogue, and the runner that plays a case on two servers.

A case is data: an id and a list of steps. A step is one HTTP request (method, path template,
JSON or raw body, headers) plus a few comparison options. A path may name `{name}`, the id of a
collection saved earlier in the same case (`save="name"`); `D` and `C` below are the paths of the
default database and of its collections. The runner sends each step to both servers and compares the
normalised outcomes: status, media type, `allow`, the trace header, and the parsed body, where
UUIDs become placeholders, the heartbeat value is blanked, and error bodies keep only `error`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

T = "/api/v2/tenants/default_tenant"
D = f"{T}/databases/default_database"
C = f"{D}/collections"
NIL_UUID = "00000000-0000-0000-0000-000000000000"

_MISSING: Any = object()
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    json: Any = _MISSING  # a JSON body (sent with content-type: application/json)
    raw: bytes | None = None  # a raw body instead (no content-type unless `headers` set one)
    headers: tuple[tuple[str, str], ...] = ()
    save: str | None = None  # remember response["id"] under this name for later `{name}` paths
    status: int | None = None  # what the real server must answer (keeps the case honest)
    sorted_by_id: bool = False  # a list each server orders by its own ids: check that, then compare as a set
    tolerance: float = 0.0  # relative float tolerance (0: exact)
    ignore: tuple[str, ...] = ()  # object keys left out of the comparison, at any depth
    message: bool = False  # compare an error's `message` word for word too (not only its `error`)


@dataclass(frozen=True)
class Case:
    id: str
    steps: tuple[Step, ...]
    note: str = ""


def case(case_id: str, *steps: Step, note: str = "") -> Case:
    return Case(case_id, tuple(steps), note)


def req(method: str, path: str, body: Any = _MISSING, **options: Any) -> Step:
    headers = options.pop("headers", {})
    return Step(method, path, body, headers=tuple(headers.items()), **options)


def get(path: str, **options: Any) -> Step:
    return req("GET", path, **options)


def post(path: str, body: Any = _MISSING, **options: Any) -> Step:
    return req("POST", path, body, **options)


def put(path: str, body: Any = _MISSING, **options: Any) -> Step:
    return req("PUT", path, body, **options)


def coll(name: str, save: str | None = None, status: int | None = 200, **body: Any) -> Step:
    """Create a collection in the default database (and save its id as `save`, default: the name)."""
    return post(f"{C}", {"name": name, **body}, save=save or name.replace("-", "_").replace(".", "_"), status=status)


def add(cid: str, body: Any, status: int | None = None) -> Step:
    return post(f"{C}/{{{cid}}}/add", body, status=status)


def records(cid: str, op: str, body: Any = _MISSING, status: int | None = None, **options: Any) -> Step:
    return post(f"{C}/{{{cid}}}/{op}", body, status=status, **options)


def getall(cid: str, include: list[str] | None = None) -> Step:
    """Every record of a collection with every field."""
    return post(
        f"{C}/{{{cid}}}/get", {"include": include or ["documents", "metadatas", "embeddings", "uris"]}, status=200
    )


# running ---------------------------------------------------------------------------------------
DROPPED = "<connection dropped without a response>"


@dataclass
class Session:
    """One server's side of a running case: its client, saved ids and UUID placeholders."""

    client: httpx.Client
    saved: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)

    def path(self, template: str) -> str:
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.saved:
                raise KeyError(f"path {template!r} names {name!r}, which no earlier step saved")
            return self.saved[name]

        return _TOKEN.sub(sub, template)

    def send(self, step: Step) -> httpx.Response | str:
        headers = dict(step.headers)
        content: bytes | None = step.raw
        if step.json is not _MISSING:
            content = json.dumps(step.json, allow_nan=False).encode()
            headers.setdefault("content-type", "application/json")
        try:
            return self.client.request(
                step.method, self.path(step.path), content=content, headers=headers, follow_redirects=False
            )
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            return f"{DROPPED} ({type(exc).__name__})"

    def outcome(self, step: Step, response: httpx.Response | str) -> Any:
        """The comparable form of one answer."""
        if isinstance(response, str):
            return DROPPED
        body: Any = response.content
        media = response.headers.get("content-type")
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = response.content
        if step.save and response.status_code < 300 and isinstance(body, dict) and "id" in body:
            self.saved[step.save] = body["id"]
            self.placeholders.setdefault(body["id"], f"<{step.save}>")
        if response.status_code >= 400 and isinstance(body, dict) and "error" in body:
            assert isinstance(body.get("message"), str), body
            body = {"error": body["error"], "message": body["message"]} if step.message else {"error": body["error"]}
        elif isinstance(body, list) and step.sorted_by_id:
            ids = [item["id"] for item in body]
            assert ids == sorted(ids), f"not sorted by id: {ids}"
        body = self._normalise(body, step.ignore)
        if step.sorted_by_id and isinstance(body, list):
            body = sorted(body, key=lambda item: json.dumps(item, sort_keys=True))
        allow = response.headers.get("allow")
        return {
            "status": response.status_code,
            "content-type": media.split(";")[0].strip() if media else None,
            "allow": None if allow is None else sorted(allow.split(",")),
            "trace-id": response.headers.get("chroma-trace-id"),
            "body": body,
        }

    def _normalise(self, node: Any, ignore: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            out = {}
            for key in sorted(node):
                value = node[key]
                if key in ignore:
                    continue
                out[key] = (
                    "<ns>"
                    if key == "nanosecond heartbeat" and isinstance(value, int)
                    else self._normalise(value, ignore)
                )
            return out
        if isinstance(node, list):
            return [self._normalise(v, ignore) for v in node]
        if isinstance(node, str):
            return _UUID.sub(self._placeholder, node)
        return node

    def _placeholder(self, match: re.Match[str]) -> str:
        value = match.group(0)
        if value == NIL_UUID:
            return value
        return self.placeholders.setdefault(value, f"<uuid{len(self.placeholders)}>")


def same(a: Any, b: Any, tolerance: float) -> bool:
    """Structural equality; floats exactly (or within `tolerance`), ints and floats distinct as in JSON."""
    if isinstance(a, float) and isinstance(b, float):
        if tolerance:
            return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y, tolerance) for x, y in zip(a, b))
    return bool(a == b)


def differences(a: Any, b: Any, tolerance: float, path: str = "$") -> list[str]:
    """Where two outcomes differ, as `path: real != mock` lines (for failure messages)."""
    if same(a, b, tolerance):
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only in {'real' if k in a else 'mock'}" for k in sorted(a.keys() ^ b.keys())]
        for k in sorted(a.keys() & b.keys()):
            out += differences(a[k], b[k], tolerance, f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [line for i, (x, y) in enumerate(zip(a, b)) for line in differences(x, y, tolerance, f"{path}[{i}]")]
    return [f"{path}: real {_short(a)} != mock {_short(b)}"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "..."


def describe(step: Step, index: int) -> str:
    body = "" if step.json is _MISSING else f" {json.dumps(step.json)[:300]}"
    if step.raw is not None:
        body = f" raw={step.raw[:100]!r}"
    return f"step {index}: {step.method} {step.path}{body} headers={dict(step.headers)}"


READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Servers:
    """Both servers of a session. `dirty`: the real server may still hold state from an earlier case."""

    real: httpx.Client
    mock: httpx.Client
    dirty: bool = True


def play(case: Case, real: httpx.Client, mock: httpx.Client, difference: str | None) -> bool:
    """Run every step on both servers; fail at the first step whose outcomes differ.

    `difference` is the documented reason when this case is in `differences.DIFFERENCES`: there the
    real server drops the connection at some step and the mock must answer 500 InternalError.
    Returns whether the case may have changed server state (a write answered 2xx).
    """
    sides = Session(real), Session(mock)
    drops = 0
    wrote = False
    for index, step in enumerate(case.steps):
        where = f"case {case.id!r}, {describe(step, index)}"
        real_out = sides[0].outcome(step, sides[0].send(step))
        mock_out = sides[1].outcome(step, sides[1].send(step))
        if real_out == DROPPED:
            assert difference is not None, f"{where}: the real server dropped the connection (undocumented)"
            assert isinstance(mock_out, dict) and mock_out["status"] == 500, f"{where}: mock gave {mock_out}"
            assert mock_out["body"] == {"error": "InternalError"}, f"{where}: mock gave {mock_out}"
            drops += 1
            continue
        wrote = wrote or (step.method not in READ_ONLY_METHODS and real_out["status"] < 300)
        if step.status is not None:
            assert real_out["status"] == step.status, (
                f"{where}: the real server answered {real_out['status']}, the case expects {step.status}: {real_out}"
            )
        if not same(real_out, mock_out, step.tolerance):
            lines = "\n  ".join(differences(real_out, mock_out, step.tolerance)[:20])
            raise AssertionError(f"{where}\n  {lines}")
    if difference is not None:
        assert drops, (
            f"case {case.id!r} is listed as a difference ({difference}) but the real server answered every step"
        )
    return wrote
