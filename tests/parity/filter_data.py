"""Fixture data and helpers shared by the filter and query parity tests (hypothesis, mock vs real).

`RECORDS` is one deterministic data set (56 records, 4-d embeddings) loaded identically into both
servers, once per test module, as three collections: one per distance space (l2, cosine, ip).
It mixes, on purpose:
- metadata values of every type: int (incl. 2**53 + 1 and the i64 extremes), float (incl.
  fractional, integral-valued and -0.0), bool, str (case variants, empty, unicode, `%`, `_`), and
  str / int / float / bool arrays; the key `n` holds a different type in different records, `tags`
  is sometimes a scalar string; keys are often missing and some records have no metadata at all;
- documents with case variants, `%`, `_`, `\\`, newlines, tabs, unicode, digits, `""`; some records
  have no document, some have a URI;
- embeddings that tie on purpose (exact duplicates, small-integer grids, a zero vector, sign flips)
  next to random float32 ones.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
from hypothesis import HealthCheck, settings

from .harness import C, Servers

# Hypothesis: 150 examples per test, new random ones on every run (CI included: a fixed seed would
# hide what users find; a failure prints the `@reproduce_failure` blob that replays it). For a deeper
# hunt PARITY_EXAMPLES=2000; PARITY_DERANDOMIZE=1 repeats one fixed set of examples.
MAX_EXAMPLES = int(os.environ.get("PARITY_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("PARITY_DERANDOMIZE", "") == "1",
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

N_RECORDS = 56
DIMENSION = 4
SPACES = ("l2", "cosine", "ip")

I64_MAX, I64_MIN = 2**63 - 1, -(2**63)
BIG_INT = 2**53 + 1  # not representable as a float64

STRINGS = ["apple", "Apple", "banana", "", "cherry pie", "ünïcödé", "a%b", "a_b", "x"]
TAGS = ["x", "y", "z", "apple", "Apple"]
FLOATS = [-2.5, -1.5, -0.5, 0.0, -0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 0.1, 1e-300, 123456.789]
DOCUMENTS = [
    "The quick brown fox jumps over the lazy dog",
    "the lazy dog sleeps",
    "apple pie",
    "Apple Pie with cream",
    "",
    "100% pure_cotton",
    "back\\slash and 50% off",
    "line1\nline2",
    "naïve café",
    "αβγ Greek letters",
    "foo123bar",
    "colour",
    "color",
    "aaa",
    "tab\there",
    "UPPER lower MiXeD",
    "end.",
    "a.c abc a-c",
]


def _metadata(rng: random.Random, index: int) -> dict[str, Any] | None:
    if index % 11 == 5:
        return None  # no metadata at all
    m: dict[str, Any] = {}
    if rng.random() < 0.8:
        m["i"] = rng.randint(-3, 3)
    if rng.random() < 0.75:
        m["f"] = rng.choice(FLOATS)
    if rng.random() < 0.85:
        kind = rng.randrange(4)
        m["n"] = [rng.randint(-3, 3), rng.choice(FLOATS), rng.random() < 0.5, rng.choice(STRINGS)][kind]
    if rng.random() < 0.7:
        m["b"] = rng.random() < 0.5
    if rng.random() < 0.7:
        m["s"] = rng.choice(STRINGS)
    roll = rng.random()
    if roll < 0.55:
        m["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    elif roll < 0.65:
        m["tags"] = rng.choice(TAGS)  # a scalar: $contains never matches it
    if rng.random() < 0.5:
        m["ai"] = [rng.randint(-3, 3) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        m["af"] = [rng.choice([-1.5, 0.5, 1.0, 2.0, 2.5]) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        m["ab"] = [rng.random() < 0.5 for _ in range(rng.randint(1, 2))]
    return m or None


def _embedding(rng: random.Random, index: int, previous: list[list[float]]) -> list[float]:
    if index == 7:
        return [0.0] * DIMENSION  # zero vector (cosine distance 1.0 from anything)
    if index % 9 == 3 and previous:
        return list(rng.choice(previous))  # an exact duplicate: ties at every query
    if index % 4 == 0:
        return [float(rng.randint(-2, 2)) for _ in range(DIMENSION)]  # small integer grid: many ties
    if index % 13 == 6 and previous:
        return [-v for v in previous[-1]]  # sign flip
    return [float(np.float32(rng.uniform(-3, 3))) for _ in range(DIMENSION)]


def build_records(seed: int = 20240607) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    embeddings: list[list[float]] = []
    for index in range(N_RECORDS):
        embedding = _embedding(rng, index, embeddings)
        embeddings.append(embedding)
        metadata = _metadata(rng, index)
        document = None if index % 7 == 2 else rng.choice(DOCUMENTS)
        uri = f"s3://bucket/{index}" if index % 5 == 1 else None
        records.append(
            {"id": f"r{index:02d}", "embedding": embedding, "metadata": metadata, "document": document, "uri": uri}
        )
    # fixed extremes, so they are always present
    records[0]["metadata"] = {"i": BIG_INT, "f": 2.5, "n": I64_MAX, "s": "apple", "tags": ["x", "y"], "b": True}
    records[1]["metadata"] = {"i": 2, "f": 2, "n": I64_MIN, "s": "Apple", "ai": [1, 2], "af": [1.0, 2.0]}
    records[2]["metadata"] = {"i": -2, "f": -2.5, "n": -2.5, "b": False, "ab": [True, False], "tags": "x"}
    records[3]["metadata"] = {"i": 0, "f": -0.0, "n": True, "s": "", "ai": [2], "af": [2.5]}
    return records


RECORDS = build_records()
IDS = [r["id"] for r in RECORDS]
EMBEDDINGS = np.array([r["embedding"] for r in RECORDS], dtype=np.float32)
NON_NULL_DOCUMENTS: list[str] = sorted({r["document"] for r in RECORDS if r["document"] is not None})
METADATA_KEYS = ["i", "f", "n", "b", "s", "tags", "ai", "af", "ab"]


def add_body() -> dict[str, Any]:
    return {
        "ids": IDS,
        "embeddings": [r["embedding"] for r in RECORDS],
        "metadatas": [r["metadata"] for r in RECORDS],
        "documents": [r["document"] for r in RECORDS],
        "uris": [r["uri"] for r in RECORDS],
    }


@dataclass(frozen=True)
class Loaded:
    """The fixture collections on both servers: space -> (real collection id, mock collection id)."""

    servers: Servers
    collections: dict[str, tuple[str, str]]

    def path(self, space: str, side: str, op: str) -> str:
        real_id, mock_id = self.collections[space]
        return f"{C}/{real_id if side == 'real' else mock_id}/{op}"


def load(servers: Servers) -> Loaded:
    """Reset both servers and create one collection per space holding RECORDS (same order on both)."""
    collections: dict[str, tuple[str, str]] = {}
    servers.dirty = True
    for client in (servers.real, servers.mock):
        response = client.post("/api/v2/reset")
        assert response.status_code == 200 and response.json() is True, response.text
    suffix = uuid.uuid4().hex[:8]
    for space in SPACES:
        ids = []
        for client in (servers.real, servers.mock):
            body = {"name": f"parity-{space}-{suffix}", "configuration": {"hnsw": {"space": space}}}
            created = client.post(C, json=body)
            assert created.status_code == 200, created.text
            cid = created.json()["id"]
            added = client.post(
                f"{C}/{cid}/add", content=json.dumps(add_body()), headers={"content-type": "application/json"}
            )
            assert added.status_code == 201, added.text
            ids.append(cid)
        collections[space] = (ids[0], ids[1])
    return Loaded(servers, collections)


def post_both(loaded: Loaded, space: str, op: str, body: Any) -> tuple[httpx.Response, httpx.Response]:
    content = json.dumps(body, allow_nan=False).encode()
    headers = {"content-type": "application/json"}
    real = loaded.servers.real.post(loaded.path(space, "real", op), content=content, headers=headers)
    mock = loaded.servers.mock.post(loaded.path(space, "mock", op), content=content, headers=headers)
    return real, mock


def error_of(response: httpx.Response) -> tuple[int, str | None]:
    """(status, error type) of an answer; the type is None on success."""
    if response.status_code < 400:
        return response.status_code, None
    try:
        body = response.json()
    except ValueError:
        return response.status_code, f"<not JSON: {response.text[:100]!r}>"
    return response.status_code, body.get("error") if isinstance(body, dict) else repr(body)
