"""Benchmark (issue 5): the pytest plugin's costs — per-test reset, session start, 500 trivial tests.

Run: python benchmarks/bench_plugin.py [--tests 500] [--rounds 3]
Targets (measured and printed, never asserted): reset <= 1 ms, session start <= 0.3 s, and 500 trivial
tests using `chroma_mock` add <= 1 s over the same 500 tests without it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockserver.app import create_app  # noqa: E402
from mockserver.handles import LocalMock  # noqa: E402
from mockserver.testing import MockServer  # noqa: E402

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def bench_session_start(rounds: int) -> tuple[float, float, float]:
    """(create_app s, server start s, server stop s): medians, in a process that has imported everything."""
    create, start, stop = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        app = create_app()
        t1 = time.perf_counter()
        server = MockServer(app).start()
        t2 = time.perf_counter()
        server.stop()
        t3 = time.perf_counter()
        create.append(t1 - t0)
        start.append(t2 - t1)
        stop.append(t3 - t2)
    return statistics.median(create), statistics.median(start), statistics.median(stop)


def bench_cold_start() -> float:
    """Import + create_app + start + first heartbeat in a fresh interpreter (what a session pays)."""
    code = (
        "import time; t=time.perf_counter()\n"
        "from mockserver.app import create_app; from mockserver.testing import MockServer\n"
        "import urllib.request\n"
        "s=MockServer(create_app()).start(); urllib.request.urlopen(s.url+'/api/v2/heartbeat').read()\n"
        "print(time.perf_counter()-t); s.stop()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bench_reset(n: int = 2000) -> tuple[float, float]:
    """(empty reset ms, reset after a test that made 3 collections with 100 records ms)."""
    app = create_app()
    with MockServer(app) as server:
        handle = LocalMock(app, server)
        t0 = time.perf_counter()
        for _ in range(n):
            handle.reset()
        empty = (time.perf_counter() - t0) / n * 1000
        samples = []
        with httpx.Client(base_url=server.url) as client:
            for _ in range(50):
                for c in range(3):
                    cid = client.post(f"{BASE}/collections", json={"name": f"c{c}"}).json()["id"]
                    ids = [f"r{i}" for i in range(100)]
                    client.post(f"{BASE}/collections/{cid}/add", json={"ids": ids, "embeddings": [[0.1, 0.2, 0.3]] * 100})
                t = time.perf_counter()
                handle.reset()
                samples.append(time.perf_counter() - t)
        return empty, statistics.median(samples) * 1000


TRIVIAL = """
def test_{i}({fixture}):
    assert {body}
"""


def write_suite(folder: Path, n: int, with_fixture: bool) -> Path:
    path = folder / ("test_with.py" if with_fixture else "test_without.py")
    fixture, body = ("chroma_mock", "chroma_mock.port > 0") if with_fixture else ("", "True")
    path.write_text("".join(TRIVIAL.format(i=i, fixture=fixture, body=body) for i in range(n)))
    return path


def run_pytest(folder: Path, target: Path) -> float:
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "mockserver.pytest_plugin", "-p", "no:cacheprovider", str(target)]
    t = time.perf_counter()
    result = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if result.returncode != 0:
        raise SystemExit(f"pytest failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def bench_suite(n: int, rounds: int) -> tuple[float, float]:
    """(median wall s without the fixture, with it) for n trivial tests, each in its own pytest process."""
    with tempfile.TemporaryDirectory(prefix="bench-plugin-") as tmp:
        folder = Path(tmp)
        (folder / "conftest.py").write_text("")
        without, with_ = write_suite(folder, n, False), write_suite(folder, n, True)
        run_pytest(folder, without)  # warm the file cache and bytecode
        plain, mocked = [], []
        for _ in range(rounds):
            plain.append(run_pytest(folder, without))
            mocked.append(run_pytest(folder, with_))
        return statistics.median(plain), statistics.median(mocked)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    create_s, start_s, stop_s = bench_session_start(args.rounds)
    cold_s = bench_cold_start()
    empty_ms, busy_ms = bench_reset()
    plain_s, mocked_s = bench_suite(args.tests, args.rounds)
    added = mocked_s - plain_s

    rows = [
        ("per-test reset, empty server", f"{empty_ms:.4f} ms", "<= 1 ms", empty_ms <= 1),
        ("per-test reset, 3 collections x 100 records", f"{busy_ms:.4f} ms", "<= 1 ms", busy_ms <= 1),
        ("session start: create_app (spec load)", f"{create_s:.3f} s", "", None),
        ("session start: server thread up", f"{start_s:.3f} s", "", None),
        ("session start: both", f"{create_s + start_s:.3f} s", "<= 0.3 s", create_s + start_s <= 0.3),
        ("session start, fresh interpreter (imports incl.)", f"{cold_s:.3f} s", "", None),
        ("session end: server stop", f"{stop_s:.3f} s", "", None),
        (f"{args.tests} trivial tests without chroma_mock", f"{plain_s:.3f} s", "", None),
        (f"{args.tests} trivial tests with chroma_mock", f"{mocked_s:.3f} s", "", None),
        (f"added by chroma_mock ({args.tests} tests)", f"{added:.3f} s", "<= 1 s", added <= 1),
        ("added per test", f"{added / args.tests * 1000:.3f} ms", "", None),
    ]
    print(f"\nchroma-mockserver pytest plugin (median of {args.rounds} rounds; python {sys.version.split()[0]})\n")
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':<{width}} | {'value':>11} | {'target':>8} | {'met':>4} |")
    print(f"|{'-' * (width + 2)}|{'-' * 13}|{'-' * 10}|{'-' * 6}|")
    for name, value, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"| {name:<{width}} | {value:>11} | {target:>8} | {mark:>4} |")


if __name__ == "__main__":
    main()
