"""Benchmark (issue 3): query and filtered get over HTTP, the mock side by side with real Chroma 1.5.9.

Run: python benchmarks/bench_query.py [--seconds 5] [--skip-chroma]
- query, n_results=10, one 384-d vector, 10,000 records: mock vs `chroma run` (req/s, p50, p99)
- 100,000 x 384 records in the mock: query p50, `get` with a two-key where p50
- mock RSS for 100,000 x 384 vs the raw float32 bytes plus the metadata
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_server import BASE, populate  # noqa: E402
from benchmarks.loadgen import Load, run_load  # noqa: E402
from benchmarks.servers import chroma_cmd, free_port, mock_cmd, rss_mb, start, stop  # noqa: E402

DIM = 384


def query_body(seed: int = 7) -> bytes:
    vector = np.random.default_rng(seed).random(DIM).round(6).tolist()
    return orjson.dumps({"query_embeddings": [vector], "n_results": 10})


#: two keys over all 100,000 records: a selective filter (100 matches) and a broad one (16,667 matches)
WHERE_NARROW = orjson.dumps({"where": {"$and": [{"category": "a"}, {"i": {"$lt": 300}}]}, "include": ["metadatas"]})
WHERE_BROAD = orjson.dumps({"where": {"$and": [{"category": "a"}, {"i": {"$gte": 50_000}}]}, "include": ["metadatas"]})


def bench_10k(seconds: float, with_chroma: bool) -> list[tuple[str, Load]]:
    rows: list[tuple[str, Load]] = []
    port = free_port()
    mock, _ = start(mock_cmd(port), port)
    try:
        cid = populate(f"http://127.0.0.1:{port}", 10_000, DIM)
        rows.append(("mock", run_load(f"http://127.0.0.1:{port}{BASE}/collections/{cid}/query", "POST", query_body(), seconds)))
    finally:
        stop(mock)
    if with_chroma:
        port = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            chroma, _ = start(chroma_cmd(port, Path(tmp)), port)
            try:
                cid = populate(f"http://127.0.0.1:{port}", 10_000, DIM)
                time.sleep(2)  # let the local HNSW index catch up with the log
                rows.append(("chroma 1.5.9", run_load(f"http://127.0.0.1:{port}{BASE}/collections/{cid}/query", "POST", query_body(), seconds)))
            finally:
                stop(chroma)
    return rows


def bench_100k(seconds: float) -> tuple[Load, Load, Load, float, float]:
    port = free_port()
    mock, _ = start(mock_cmd(port) + ["--journal-size", "0"], port)  # measure the records, not the journal
    try:
        idle = rss_mb(mock.pid)
        cid = populate(f"http://127.0.0.1:{port}", 100_000, DIM)
        loaded = rss_mb(mock.pid)
        url = f"http://127.0.0.1:{port}{BASE}/collections/{cid}"
        # one client at a time: these are latencies, not throughput
        query = run_load(f"{url}/query", "POST", query_body(), seconds, connections=1)
        narrow = run_load(f"{url}/get", "POST", WHERE_NARROW, seconds, connections=1)
        broad = run_load(f"{url}/get", "POST", WHERE_BROAD, seconds, connections=1)
    finally:
        stop(mock)
    return query, narrow, broad, idle, loaded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--skip-chroma", action="store_true", help="do not start real Chroma for the 10k comparison")
    args = parser.parse_args()
    rows = bench_10k(args.seconds, not args.skip_chroma)
    query, narrow, broad, idle, loaded = bench_100k(args.seconds)

    print("\nquery, n_results=10, one 384-d vector, 10,000 records (one uvicorn worker / chroma run)\n")
    print(f"| {'server':<13} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} |")
    print("|---------------|----------|---------|---------|")
    for name, load in rows:
        print(f"| {name:<13} | {load.rps:>8,.0f} | {load.p50_ms:>7.2f} | {load.p99_ms:>7.2f} |")
    if len(rows) == 2:
        print(f"\nmock / chroma req/s ratio: {rows[0][1].rps / rows[1][1].rps:.1f}x (target >= 2x)")
    raw = 100_000 * DIM * 4 / 1e6
    print("\n100,000 x 384 records in the mock\n")
    print(f"| {'measure':<34} | {'value':>10} | target |")
    print("|------------------------------------|------------|--------|")
    print(f"| {'query p50 (ms)':<34} | {query.p50_ms:>10.2f} | <= 20  |")
    print(f"| {'get two-key where, 100 hits p50 (ms)':<34} | {narrow.p50_ms:>10.2f} | <= 25  |")
    print(f"| {'get two-key where, 16,667 hits p50':<34} | {broad.p50_ms:>10.2f} |        |")
    print(f"| {'RSS growth (MB)':<34} | {loaded - idle:>10.1f} |        |")
    print(f"| {'raw float32 (MB)':<34} | {raw:>10.1f} |        |")
    print(f"| {'RSS growth / raw float32':<34} | {(loaded - idle) / raw:>10.2f} |        |")
    print("\n(the metadata here is two keys per record plus a short document: the 1.3x budget applies to the\n"
          " raw float32 bytes plus that metadata)")


if __name__ == "__main__":
    main()
