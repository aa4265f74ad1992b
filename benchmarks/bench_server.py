"""Benchmark (issue 2): the mock vs a minimal Starlette app on loopback, one uvicorn worker each.

Run: python benchmarks/bench_server.py [--seconds 5]
Prints req/s and p50/p99 for `update` of one record and `get` by 10 ids in a 10,000 x 384
collection, start-to-first-heartbeat and idle RSS.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.loadgen import Load, run_load
from benchmarks.servers import free_port, minimal_cmd, mock_cmd, rss_mb, start, stop

BASE = "/api/v2/tenants/default_tenant/databases/default_database"
N, DIM = 10_000, 384


def populate(url: str, n: int = N, dim: int = DIM) -> str:
    rng = np.random.default_rng(0)
    with httpx.Client(base_url=url, timeout=120) as client:
        created = client.post(f"{BASE}/collections", json={"name": "bench", "get_or_create": True})
        created.raise_for_status()
        cid = created.json()["id"]
        for start_at in range(0, n, 1000):
            ids = [f"r{i}" for i in range(start_at, min(n, start_at + 1000))]
            vectors = rng.random((len(ids), dim), dtype=np.float32)
            body = {
                "ids": ids,
                "embeddings": [base64.b64encode(v.astype("<f4").tobytes()).decode() for v in vectors],
                "documents": [f"document {i}" for i in ids],
                "metadatas": [{"i": k, "category": "abc"[k % 3]} for k in range(start_at, start_at + len(ids))],
            }
            client.post(f"{BASE}/collections/{cid}/add", content=orjson.dumps(body),
                        headers={"content-type": "application/json"}).raise_for_status()
    return cid


STARTS = 7


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    update_body = orjson.dumps({
        "ids": ["r1234"],
        "embeddings": [rng.random(DIM).round(6).tolist()],
        "metadatas": [{"touched": True}],
    })
    get_body = orjson.dumps({"ids": [f"r{i}" for i in range(5000, 5010)]})

    mock_port, minimal_port = free_port(), free_port()
    mock, mock_start = start(mock_cmd(mock_port), mock_port)
    time.sleep(0.5)
    mock_idle = rss_mb(mock.pid)
    minimal, minimal_start = start(minimal_cmd(minimal_port), minimal_port, health="/")
    try:
        cid = populate(f"http://127.0.0.1:{mock_port}")
        rows: list[tuple[str, Load, Load]] = []
        for name, body in (("update 1 record", update_body), ("get 10 ids", get_body)):
            op = "update" if name.startswith("update") else "get"
            m = run_load(f"http://127.0.0.1:{mock_port}{BASE}/collections/{cid}/{op}", "POST", body, args.seconds)
            r = run_load(f"http://127.0.0.1:{minimal_port}{BASE}/collections/{cid}/{op}", "POST", body, args.seconds)
            rows.append((name, m, r))
        loaded_rss = rss_mb(mock.pid)
    finally:
        stop(mock)
        stop(minimal)

    print(f"\nchroma-mockserver vs minimal Starlette app ({N:,} x {DIM} collection, load: {rows[0][1].tool}, "
          f"{args.seconds:.0f}s per run, 16 connections)\n")
    print(f"| {'scenario':<18} | {'mock req/s':>10} | {'mock p50/p99 ms':>16} | {'minimal req/s':>13} | "
          f"{'minimal p50/p99 ms':>18} | {'ratio':>6} | errors |")
    print("|" + "|".join("-" * w for w in (20, 12, 18, 15, 20, 8, 8)) + "|")
    for name, m, r in rows:
        print(f"| {name:<18} | {m.rps:>10,.0f} | {m.p50_ms:>7.2f}/{m.p99_ms:<8.2f} | {r.rps:>13,.0f} | "
              f"{r.p50_ms:>8.2f}/{r.p99_ms:<9.2f} | {m.rps / r.rps:>6.2f} | {m.errors + r.errors:>6} |")
    mock_starts, minimal_starts = [mock_start], [minimal_start]
    for _ in range(STARTS - 1):  # one start is noisy: alternate a few of each and take the medians
        for starts, cmd, health in ((mock_starts, mock_cmd, "/api/v2/heartbeat"), (minimal_starts, minimal_cmd, "/")):
            port = free_port()
            proc, seconds = start(cmd(port), port, health=health)
            stop(proc)
            starts.append(seconds)
    print(f"\nstart to first heartbeat (median of {STARTS}): mock {statistics.median(mock_starts):.3f} s "
          f"(min {min(mock_starts):.3f}), minimal app {statistics.median(minimal_starts):.3f} s "
          f"(min {min(minimal_starts):.3f})")
    print(f"idle RSS: mock {mock_idle:.1f} MB; after loading {N:,} x {DIM}: {loaded_rss:.1f} MB "
          f"(raw float32 {N * DIM * 4 / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
