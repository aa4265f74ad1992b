"""Benchmark (issue 6): what `--state-file` costs a write, over HTTP and per call.

Run: python benchmarks/bench_state_file.py [--seconds 5]
1. HTTP: req/s and p50/p99 of `update` of one record (and `add` of 100 x 384) in a 10,000 x 384
   collection, `mockserver serve` without and with `--state-file` (one uvicorn worker each).
2. In process: microseconds per `update` through `MockApp` with no state file, and with the file
   in synchronous=NORMAL (the default) and synchronous=FULL (an fsync per write).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_server import BASE, DIM, populate  # noqa: E402
from benchmarks.loadgen import Load, run_load  # noqa: E402
from benchmarks.servers import free_port, mock_cmd, start, stop  # noqa: E402
from mockserver.api.app import MockApp  # noqa: E402
from mockserver.serve.persist import Persistence  # noqa: E402
from mockserver.store import RecordBatch  # noqa: E402


def http_rows(seconds: float, bodies: dict[str, tuple[str, bytes]]) -> dict[str, dict[str, Load]]:
    out: dict[str, dict[str, Load]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, extra in (("memory", []), ("--state-file", ["--state-file", f"{folder}/state.db"])):
            port = free_port()
            proc, _ = start(mock_cmd(port) + extra, port)
            try:
                cid = populate(f"http://127.0.0.1:{port}")
                for name, (op, body) in bodies.items():
                    url = f"http://127.0.0.1:{port}{BASE}/collections/{cid}/{op}"
                    out.setdefault(name, {})[label] = run_load(url, "POST", body, seconds)
            finally:
                stop(proc)
    return out


def per_call(body: bytes, n: int = 3000) -> dict[str, float]:
    """Microseconds per update request answered by MockApp.handle (no HTTP server)."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, sync in (("memory", None), ("NORMAL", "NORMAL"), ("FULL", "FULL")):
            app = MockApp()
            persistence = None
            if sync is not None:
                persistence = Persistence.open(f"{folder}/{label}.db", app.store, synchronous=sync)
                app.persistence = persistence
            cid = app.store.create_collection("default_tenant", "default_database", "bench").id
            app.store.add("default_database", cid, _batch(DIM))
            path = f"{BASE}/collections/{cid}/update".encode()
            scope = {"type": "http", "method": "POST", "path": path.decode(), "raw_path": path, "query_string": b"",
                     "headers": [(b"content-type", b"application/json")]}

            async def receive() -> dict[str, object]:
                return {"type": "http.request", "body": body, "more_body": False}

            async def run() -> float:
                began = time.perf_counter()
                for _ in range(n):
                    status, _, _ = await app.handle(scope, receive)
                    assert status == 200
                return time.perf_counter() - began

            results[label] = asyncio.run(run()) / n * 1e6
            if persistence is not None:
                persistence.close()
    return results


def _batch(dim: int) -> RecordBatch:
    rng = np.random.default_rng(0)
    return RecordBatch([f"r{i}" for i in range(2000)], rng.random((2000, dim)).tolist(), None, None, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)  # wrk takes whole seconds
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    update = orjson.dumps({"ids": ["r1234"], "embeddings": [rng.random(DIM).round(6).tolist()], "metadatas": [{"t": True}]})
    add = orjson.dumps({"ids": [f"new{i}" for i in range(100)], "embeddings": rng.random((100, DIM)).round(6).tolist()})
    rows = http_rows(args.seconds, {"update 1 record": ("update", update), "add 100 x 384 (same ids)": ("add", add)})
    print(f"\n--state-file write cost over HTTP (10,000 x {DIM} collection, 16 connections, {args.seconds:.0f}s per run)\n")
    print("| scenario                 | memory req/s | p50/p99 ms    | --state-file req/s | p50/p99 ms    | cost  |")
    print("|--------------------------|--------------|---------------|--------------------|---------------|-------|")
    for name, by in rows.items():
        m, s = by["memory"], by["--state-file"]
        print(f"| {name:<24} | {m.rps:>12,.0f} | {m.p50_ms:>6.2f}/{m.p99_ms:<6.2f} | {s.rps:>18,.0f} | "
              f"{s.p50_ms:>6.2f}/{s.p99_ms:<6.2f} | {1 - s.rps / m.rps:>5.0%} |")
    calls = per_call(update)
    print("\nper update call in process (MockApp.handle, no HTTP): " + ", ".join(f"{k} {v:.0f} us" for k, v in calls.items()))


if __name__ == "__main__":
    main()
