"""Benchmark (issues 5/6): what the journal and fault layer cost per request, in-process over ASGI.

Run: python benchmarks/bench_control.py [--rounds 61]
Calls the ASGI app directly (no sockets, so microseconds are not lost in network noise) for
`GET .../count` and `POST .../update` (one record, a 384-d embedding, one metadata key) in a
1,000-record collection, with:
- journal off (`Journal(maxlen=0)`), no fault rules: the pipeline plus the `/__mock/` prefix check
  and the Prefer-header scan
- journal on (default maxlen 1000), no fault rules: the default configuration
- journal on, 10 fault rules that do not match
- journal on, a `Prefer: delay=0` header (parsed, nothing forced)
The variants run in shuffled order, many short rounds each; the minimum per variant is the least
noisy estimate on a busy machine (the median is printed too).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mockserver.api.app import MockApp
from mockserver.api.spec import load_spec
from mockserver.control.faults import FaultRule, Faults
from mockserver.control.journal import Journal
from mockserver.store import RecordBatch, Store

DIM = 384
HEADERS = [
    (b"host", b"localhost"),
    (b"content-type", b"application/json"),
    (b"user-agent", b"python-httpx/0.28.1"),
    (b"accept", b"*/*"),
    (b"accept-encoding", b"gzip, deflate"),
    (b"connection", b"keep-alive"),
]


def make_store() -> tuple[Store, str]:
    store = Store()
    collection = store.create_collection("default_tenant", "default_database", "bench")
    rng = np.random.default_rng(1)
    ids = [f"id{i}" for i in range(1000)]
    batch = RecordBatch(
        ids, rng.random((1000, DIM)).tolist(), [f"doc {i}" for i in ids], None, [{"i": i} for i in range(1000)]
    )
    store.add("default_database", collection.id, batch)
    return store, collection.id


async def run(app: Any, method: str, path: str, body: bytes, n: int, extra: list[tuple[bytes, bytes]]) -> float:
    """Mean microseconds per request over `n` requests."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": HEADERS + extra,
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"{method} {path} answered {message['status']}")

    start = time.perf_counter()
    for _ in range(n):
        await app(scope, receive, send)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=61)
    args = parser.parse_args()

    spec = load_spec()
    store, cid = make_store()
    base = f"/api/v2/tenants/default_tenant/databases/default_database/collections/{cid}"
    vector = np.random.default_rng(2).random(DIM).round(6).tolist()
    update = orjson.dumps({"ids": ["id5"], "embeddings": [vector], "metadatas": [{"k": 1}]})
    cases = {"GET count": ("GET", f"{base}/count", b"", 2000), "POST update": ("POST", f"{base}/update", update, 300)}

    busy = Faults()
    for i in range(10):
        busy.add(FaultRule(operation_id=f"no_such_operation_{i}", status=500))
    variants: dict[str, tuple[MockApp, list[tuple[bytes, bytes]]]] = {
        "journal off, no rules": (MockApp(spec, store=store, journal=Journal(0)), []),
        "journal on, no rules": (MockApp(spec, store=store), []),
        "journal on, 10 non-matching rules": (MockApp(spec, store=store, faults=busy), []),
        "journal on, Prefer: delay=0": (MockApp(spec, store=store), [(b"prefer", b"delay=0")]),
    }
    order = random.Random(0)
    for case, (method, path, body, n) in cases.items():
        results: dict[str, list[float]] = {name: [] for name in variants}
        names = list(variants)
        for _ in range(args.rounds):
            order.shuffle(names)
            for name in names:
                app, extra = variants[name]
                results[name].append(asyncio.run(run(app, method, path, body, n, extra)))
        floor = min(results["journal off, no rules"])
        print(case)
        for name, times in results.items():
            print(
                f"  {name:36s} min {min(times):7.2f} us ({min(times) - floor:+5.2f})"
                f"   median {statistics.median(times):7.2f} us"
            )


if __name__ == "__main__":
    main()
