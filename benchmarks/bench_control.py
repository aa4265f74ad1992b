"""Benchmark (issues 5/6): what the journal and fault layer cost on the hot path, in-process over ASGI.

Run: python benchmarks/bench_control.py [--requests 20000] [--baseline path/to/old_app_module]
Times `update` of one record (384-d embedding, one metadata key) in a 1,000-record collection,
calling the ASGI app directly (no sockets, so the difference is not hidden by network noise), for:
- journal off (`Journal(maxlen=0)`), no fault rules  -> the bare pipeline plus the `/__mock/` check
- journal on (default maxlen 1000), no fault rules   -> the default configuration
- journal on, 10 non-matching fault rules            -> what a rule list costs
- journal on, `Prefer: delay=0` header (parsed, nothing forced)
Prints the median per-request time in microseconds over several rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mockserver.app import MockApp  # noqa: E402
from mockserver.faults import FaultRule, Faults  # noqa: E402
from mockserver.journal import Journal  # noqa: E402
from mockserver.store import RecordBatch, Store  # noqa: E402

DIM = 384


def make_store() -> tuple[Store, str]:
    store = Store()
    collection = store.create_collection("default_tenant", "default_database", "bench")
    rng = np.random.default_rng(1)
    ids = [f"id{i}" for i in range(1000)]
    store.add(
        "default_database",
        collection.id,
        RecordBatch(ids, rng.random((1000, DIM)).tolist(), [f"doc {i}" for i in ids], None, [{"i": i} for i in range(1000)]),
    )
    return store, collection.id


async def run(app: Any, path: str, body: bytes, n: int, extra_headers: list[tuple[bytes, bytes]]) -> float:
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost"), (b"content-type", b"application/json"), (b"user-agent", b"bench")]
        + extra_headers,
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200, message

    start = time.perf_counter()
    for _ in range(n):
        await app(scope, receive, send)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    store, cid = make_store()
    path = f"/api/v2/tenants/default_tenant/databases/default_database/collections/{cid}/update"
    vector = np.random.default_rng(2).random(DIM).round(6).tolist()
    body = orjson.dumps({"ids": ["id5"], "embeddings": [vector], "metadatas": [{"k": 1}]})

    busy = Faults()
    for i in range(10):
        busy.add(FaultRule(operation_id=f"no_such_operation_{i}", status=500))
    variants: dict[str, tuple[MockApp, list[tuple[bytes, bytes]]]] = {
        "journal off, no rules": (MockApp(store=store, journal=Journal(0)), []),
        "journal on, no rules": (MockApp(store=store), []),
        "journal on, 10 non-matching rules": (MockApp(store=store, faults=busy), []),
        "journal on, Prefer: delay=0": (MockApp(store=store), [(b"prefer", b"delay=0")]),
    }
    results: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):  # interleave the variants so drift hits them alike
        for name, (app, headers) in variants.items():
            results[name].append(asyncio.run(run(app, path, body, args.requests // args.rounds, headers)))
    base = statistics.median(results["journal off, no rules"])
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:40s} {median:7.2f} us/request  ({median - base:+.2f} us)")


if __name__ == "__main__":
    main()
