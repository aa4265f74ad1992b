"""Benchmark (issue 5): the pytest plugin's costs — per-test reset, session start, 500 trivial tests.

Run: python benchmarks/bench_plugin.py [--tests 500] [--rounds 5]
Targets (measured and printed, never asserted): reset <= 1 ms, session start <= 0.3 s, and 500 trivial
tests using `chroma_mock` add <= 1 s over the same 500 tests without it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockserver.api.app import create_app
from mockserver.pytest.handles import LocalMock
from mockserver.pytest.server_thread import MockServer

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
        "from mockserver.api.app import create_app; from mockserver.pytest.server_thread import MockServer\n"
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
                    cid = client.post(f"{BASE}/collections", json={"name": f"coll{c}"}).json()["id"]
                    ids = [f"r{i}" for i in range(100)]
                    client.post(
                        f"{BASE}/collections/{cid}/add", json={"ids": ids, "embeddings": [[0.1, 0.2, 0.3]] * 100}
                    )
                t = time.perf_counter()
                handle.reset()
                samples.append(time.perf_counter() - t)
        return empty, statistics.median(samples) * 1000


PLAIN = "def test_{i}():\n    assert True\n"
MOCKED = "def test_{i}(chroma_mock):\n    assert chroma_mock.port > 0\n"


def write_suite(folder: Path, name: str, n: int, mocked: int) -> Path:
    """n trivial tests, the first `mocked` of them using chroma_mock."""
    path = folder / f"test_{name}.py"
    path.write_text("".join((MOCKED if i < mocked else PLAIN).format(i=i) for i in range(n)))
    return path


def run_pytest(folder: Path, target: Path) -> tuple[float, float]:
    """(wall s, CPU s of the pytest process) for one run."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": path}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "mockserver.pytest_plugin", "-p", "no:cacheprovider"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    result = subprocess.run([*cmd, str(target)], cwd=folder, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"pytest failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def bench_suite(n: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Best (wall s, CPU s) over rounds of n trivial tests: none, only the first, or all using chroma_mock.

    Each run is its own pytest process; the three alternate, and the minimum is kept, so load from
    other processes on a shared machine inflates no side.
    """
    with tempfile.TemporaryDirectory(prefix="bench-plugin-") as tmp:
        folder = Path(tmp)
        (folder / "conftest.py").write_text("")
        suites = {
            "none": write_suite(folder, "none", n, 0),
            "first": write_suite(folder, "first", n, 1),
            "all": write_suite(folder, "all", n, n),
        }
        run_pytest(folder, suites["none"])  # warm the file cache and bytecode
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in suites}
        for _ in range(rounds):
            for name, target in suites.items():
                runs[name].append(run_pytest(folder, target))
        return {name: (min(w for w, _ in r), min(c for _, c in r)) for name, r in runs.items()}


def print_table(rows: list[tuple[str, str, str, bool | None]]) -> None:
    """(measure, value, target, met) rows as a Markdown table; met None: no target."""
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"| {'measure':<{width}} | {'value':>{value_width}} | {'target':>8} | {'met':>4} |")
    print(f"|{'-' * (width + 2)}|{'-' * (value_width + 2)}|{'-' * 10}|{'-' * 6}|")
    for name, value, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"| {name:<{width}} | {value:>{value_width}} | {target:>8} | {mark:>4} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    n = args.tests

    create_s, start_s, stop_s = bench_session_start(args.rounds)
    cold_s = bench_cold_start()
    empty_ms, busy_ms = bench_reset()
    suite = bench_suite(n, args.rounds)
    (none_w, none_c), (first_w, first_c), (all_w, all_c) = suite["none"], suite["first"], suite["all"]
    added_w, added_c = all_w - none_w, all_c - none_c

    rows = [
        ("per-test reset, empty server", f"{empty_ms:.4f} ms", "<= 1 ms", empty_ms <= 1),
        ("per-test reset, 3 collections x 100 records", f"{busy_ms:.4f} ms", "<= 1 ms", busy_ms <= 1),
        ("session start: create_app (spec load)", f"{create_s:.3f} s", "", None),
        ("session start: server thread up", f"{start_s:.3f} s", "", None),
        (
            "session start: both (modules already imported)",
            f"{create_s + start_s:.3f} s",
            "<= 0.3 s",
            create_s + start_s <= 0.3,
        ),
        ("session start, fresh interpreter (imports incl.)", f"{cold_s:.3f} s", "", None),
        ("session end: server stop", f"{stop_s:.3f} s", "", None),
        (f"{n} trivial tests, none using chroma_mock: wall / CPU", f"{none_w:.3f} / {none_c:.3f} s", "", None),
        (f"{n} trivial tests, the first using it: wall / CPU", f"{first_w:.3f} / {first_c:.3f} s", "", None),
        (f"{n} trivial tests, all using it: wall / CPU", f"{all_w:.3f} / {all_c:.3f} s", "", None),
        ("added by chroma_mock, wall", f"{added_w:.3f} s", "<= 1 s", added_w <= 1),
        ("added by chroma_mock, CPU", f"{added_c:.3f} s", "<= 1 s", added_c <= 1),
        ("  of which once per session (first - none), CPU", f"{first_c - none_c:.3f} s", "", None),
        (
            "  of which per test ((all - first) / (n - 1)), CPU",
            f"{(all_c - first_c) / (n - 1) * 1000:.3f} ms",
            "",
            None,
        ),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nchroma-mockserver pytest plugin ({args.rounds} rounds: medians; suite runs best-of; "
        f"python {sys.version.split()[0]}; load average {load}: wall times suffer under load, CPU times less)\n"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
