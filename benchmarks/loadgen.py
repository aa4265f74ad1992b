"""Benchmark load generation on loopback: wrk when installed, else a small asyncio keep-alive client."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str


def run_load(url: str, method: str, body: bytes | None, seconds: float = 5.0, connections: int = 16) -> Load:
    if shutil.which("wrk"):
        return _wrk(url, method, body, seconds, connections)
    return asyncio.run(_asyncio_load(url, method, body, seconds, connections))


def _wrk(url: str, method: str, body: bytes | None, seconds: float, connections: int) -> Load:
    script = f"""
wrk.method = {json.dumps(method)}
wrk.headers["Content-Type"] = "application/json"
wrk.body = {json.dumps(body.decode() if body else "")}
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %d %d\\n", latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", fh.name, url],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        os.unlink(fh.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50, p99, _, errors = re.search(r"RESULT (\S+) (\S+) (\d+) (\d+)", out).groups()  # type: ignore[union-attr]
    return Load(rps, float(p50) / 1000, float(p99) / 1000, int(errors), "wrk")


async def _asyncio_load(url: str, method: str, body: bytes | None, seconds: float, connections: int) -> Load:
    m = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert m, url
    host, port, path = m.group(1), int(m.group(2)), m.group(3)
    payload = body or b""
    request = (
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            if not head.startswith((b"HTTP/1.1 2",)):
                errors += 1
            latencies.append(time.perf_counter() - start)
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return Load(len(latencies) / elapsed, pick(0.5), pick(0.99), errors, "asyncio")
