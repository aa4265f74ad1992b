"""Benchmark (issue 11): cloud-profile search and fork on 100,000 x 384 records, in process (no HTTP).

Run: python benchmarks/bench_search.py [--records 100000] [--repeat 21]
Prints p50 of: a filtered `$knn` search, an RRF of two `$knn`, the same filtered query through
`collection_query`, and a fork of the whole collection (copy-on-write: no matrix copy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mockserver.store import RecordBatch, Store
from mockserver.store.profile import profile_named
from mockserver.store.search import parse_request

DB = "default_database"


def p50_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm caches (norms, filter columns)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    store = Store(profile_named("cloud", compaction_delay=3600.0))
    cid = store.create_collection("default_tenant", DB, "bench").id
    for start in range(0, args.records, 10_000):
        n = min(10_000, args.records - start)
        store.add(DB, cid, RecordBatch(
            [str(start + i) for i in range(n)], rng.random((n, 384), dtype=np.float32).tolist(), None, None,
            [{"bucket": (start + i) % 10} for i in range(n)],
        ))  # fmt: skip
    store.compact()
    query = rng.random(384, dtype=np.float32).tolist()
    knn = {"$knn": {"query": query, "limit": 10}}
    filtered = parse_request({"searches": [{"filter": {"bucket": {"$eq": 3}}, "rank": knn, "limit": {"limit": 10}}]})
    rrf_leaf = {"$knn": {"query": query, "limit": 50, "return_rank": True}}
    rrf = parse_request({"searches": [{"rank": {"$mul": [{"$val": -1}, {"$sum": [
        {"$div": {"left": {"$val": 1}, "right": {"$sum": [{"$val": 60}, rrf_leaf]}}},
        {"$div": {"left": {"$val": 1}, "right": {"$sum": [{"$val": 60}, {"$knn": {**rrf_leaf["$knn"], "query": query[::-1]}}]}}},
    ]}]}, "limit": {"limit": 10}}]})  # fmt: skip
    forks = iter(range(10**6))
    rows = [
        ("filtered $knn search", p50_ms(lambda: store.search(DB, cid, filtered), args.repeat), 20.0),
        ("RRF of two $knn", p50_ms(lambda: store.search(DB, cid, rrf), args.repeat), 40.0),
        ("same filter via query", p50_ms(
            lambda: store.query(DB, cid, [query], n_results=10, where={"bucket": {"$eq": 3}}), args.repeat), None),
        ("fork", p50_ms(lambda: store.fork(DB, cid, f"copy-{next(forks)}"), args.repeat), 50.0),
    ]  # fmt: skip
    print(f"{args.records:,} x 384 records, p50 of {args.repeat} runs")
    for name, value, target in rows:
        print(f"  {name:<24} {value:8.2f} ms" + ("" if target is None else f"   (target <= {target:.0f} ms)"))


if __name__ == "__main__":
    main()
