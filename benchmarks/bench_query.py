"""Benchmark (issue 3): query and filtered get over HTTP, the mock side by side with real Chroma 1.5.9.

Run: python benchmarks/bench_query.py [--seconds 5] [--rounds 3] [--skip-chroma]
- query, n_results=10, one 384-d vector, 10,000 records: mock vs `chroma run` (req/s, p50, p99)
- 100,000 x 384 records in the mock: query p50, `get` with a two-key where p50
- mock RSS growth for 100,000 x 384 (after a warm-up loaded numpy and the record engine) vs the raw
  float32 bytes plus the records' ids, documents and metadata as JSON
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_server import BASE, populate
from benchmarks.loadgen import Load, run_load
from benchmarks.servers import chroma_cmd, free_port, mock_cmd, rss_mb, start, stop

DIM = 384


def query_body(seed: int = 7) -> bytes:
    vector = np.random.default_rng(seed).random(DIM).round(6).tolist()
    return orjson.dumps({"query_embeddings": [vector], "n_results": 10})


#: two keys over all 100,000 records: a selective filter (100 matches) and a broad one (16,667 matches)
WHERE_NARROW = orjson.dumps({"where": {"$and": [{"category": "a"}, {"i": {"$lt": 300}}]}, "include": ["metadatas"]})
WHERE_BROAD = orjson.dumps({"where": {"$and": [{"category": "a"}, {"i": {"$gte": 50_000}}]}, "include": ["metadatas"]})


def bench_10k(seconds: float, with_chroma: bool, rounds: int) -> list[tuple[str, list[Load]]]:
    """Both servers up at once, measured in alternating rounds: this machine's speed drifts by up to
    2x over minutes (shared host), so back-to-back rounds compare the two under the same drift."""
    urls: list[tuple[str, str]] = []
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            port = free_port()
            procs.append(start(mock_cmd(port), port)[0])
            cid = populate(f"http://127.0.0.1:{port}", 10_000, DIM)
            urls.append(("mock", f"http://127.0.0.1:{port}{BASE}/collections/{cid}/query"))
            if with_chroma:
                port = free_port()
                procs.append(start(chroma_cmd(port, Path(tmp)), port)[0])
                cid = populate(f"http://127.0.0.1:{port}", 10_000, DIM)
                time.sleep(2)  # let the local HNSW index catch up with the log
                urls.append(("chroma 1.5.9", f"http://127.0.0.1:{port}{BASE}/collections/{cid}/query"))
            loads: dict[str, list[Load]] = {name: [] for name, _ in urls}
            for name, url in urls:  # warm-up: first requests load the engine and fill caches
                run_load(url, "POST", query_body(), 1)
            for _ in range(rounds):
                for name, url in urls:
                    loads[name].append(run_load(url, "POST", query_body(), seconds))
        finally:
            for proc in procs:
                stop(proc)
    return list(loads.items())


def median(values: list[float]) -> float:
    return float(np.median(values))


def warm_up(url: str) -> None:
    """Load the record engine (numpy, BLAS, filters) with a throwaway collection, so that the RSS
    growth measured next is the records' and not the libraries'."""
    with httpx.Client(base_url=url, timeout=60) as client:
        cid = client.post(f"{BASE}/collections", json={"name": "warm-up"}).json()["id"]
        vectors = np.random.default_rng(1).random((10, DIM)).round(6).tolist()
        client.post(f"{BASE}/collections/{cid}/add", json={
            "ids": [f"w{i}" for i in range(10)], "embeddings": vectors,
            "documents": ["doc"] * 10, "metadatas": [{"i": i, "category": "a"} for i in range(10)],
        }).raise_for_status()
        client.post(f"{BASE}/collections/{cid}/query", content=query_body()).raise_for_status()
        client.post(f"{BASE}/collections/{cid}/get", content=WHERE_NARROW).raise_for_status()
        client.delete(f"{BASE}/collections/warm-up").raise_for_status()


def metadata_bytes(n: int) -> int:
    """The records' own non-vector bytes as sent: ids, documents and metadata as JSON (see `populate`)."""
    return sum(
        len(f"r{k}") + len(f"document r{k}") + len(orjson.dumps({"i": k, "category": "abc"[k % 3]})) for k in range(n)
    )


@dataclass(frozen=True)
class Memory:
    cold_mb: float  # RSS just after start
    warm_mb: float  # ... after the record engine was loaded
    loaded_mb: float  # ... with 100,000 records


def bench_100k(seconds: float) -> tuple[Load, Load, Load, Memory]:
    port = free_port()
    mock, _ = start(mock_cmd(port) + ["--journal-size", "0"], port)  # measure the records, not the journal
    try:
        base = f"http://127.0.0.1:{port}"
        cold = rss_mb(mock.pid)
        warm_up(base)
        warm = rss_mb(mock.pid)
        cid = populate(base, 100_000, DIM)
        memory = Memory(cold, warm, rss_mb(mock.pid))
        url = f"{base}{BASE}/collections/{cid}"
        # one client at a time: these are latencies, not throughput
        query = run_load(f"{url}/query", "POST", query_body(), seconds, connections=1)
        narrow = run_load(f"{url}/get", "POST", WHERE_NARROW, seconds, connections=1)
        broad = run_load(f"{url}/get", "POST", WHERE_BROAD, seconds, connections=1)
    finally:
        stop(mock)
    return query, narrow, broad, memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3, help="alternating mock / chroma rounds (10k query)")
    parser.add_argument("--skip-chroma", action="store_true", help="do not start real Chroma for the 10k comparison")
    args = parser.parse_args()
    rows = bench_10k(args.seconds, not args.skip_chroma, args.rounds)
    query, narrow, broad, memory = bench_100k(args.seconds)

    print(f"\nquery, n_results=10, one 384-d vector, 10,000 records, 16 connections (one uvicorn worker /"
          f" chroma run); {args.rounds} alternating rounds of {args.seconds:g} s, medians\n")
    print(f"| {'server':<13} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | req/s per round |")
    print("|---------------|----------|---------|---------|-----------------|")
    for name, loads in rows:
        per_round = " ".join(f"{load.rps:,.0f}" for load in loads)
        print(f"| {name:<13} | {median([x.rps for x in loads]):>8,.0f} | {median([x.p50_ms for x in loads]):>7.2f} "
              f"| {median([x.p99_ms for x in loads]):>7.2f} | {per_round} |")
    if len(rows) == 2:
        ratios = [m.rps / c.rps for m, c in zip(rows[0][1], rows[1][1], strict=True)]
        print(f"\nmock / chroma req/s ratio: {median([x.rps for x in rows[0][1]]) / median([x.rps for x in rows[1][1]]):.2f}x"
              f" (per round: {', '.join(f'{r:.2f}' for r in ratios)}; target >= 2x)")
    raw = 100_000 * DIM * 4 / 1e6
    meta = metadata_bytes(100_000) / 1e6
    records = memory.loaded_mb - memory.warm_mb
    print("\n100,000 x 384 records in the mock\n")
    print(f"| {'measure':<44} | {'value':>8} | target |")
    print(f"|{'-' * 46}|----------|--------|")
    for label, value, target in (
        ("query p50 (ms)", query.p50_ms, "<= 20"),
        ("get two-key where, 100 hits p50 (ms)", narrow.p50_ms, "<= 25"),
        ("get two-key where, 16,667 hits p50 (ms)", broad.p50_ms, ""),
        ("raw float32 (MB)", raw, ""),
        ("ids, documents, metadata as JSON (MB)", meta, ""),
        ("RSS: engine loaded, no records (MB)", memory.warm_mb, ""),
        ("RSS growth with the records (MB)", records, ""),
        ("growth / (raw float32 + metadata)", records / (raw + meta), "<= 1.3"),
        ("growth / raw float32", records / raw, ""),
        ("growth from start incl. numpy / raw float32", (memory.loaded_mb - memory.cold_mb) / raw, ""),
    ):
        print(f"| {label:<44} | {value:>8.2f} | {target:<6} |")


if __name__ == "__main__":
    main()
