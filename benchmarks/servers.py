"""Benchmark helpers: start servers on free loopback ports, wait for them, read their RSS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], port: int, health: str = "/api/v2/heartbeat", timeout: float = 60.0) -> tuple[subprocess.Popen[bytes], float]:
    """Start `cmd`; return the process and the seconds from spawn to the first 200 on `health`."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}{health}"
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() - began < timeout:
            try:
                if client.get(url).status_code == 200:
                    return proc, time.perf_counter() - began
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
            time.sleep(0.005)
    proc.kill()
    raise RuntimeError(f"{' '.join(cmd)} did not answer within {timeout}s")


def rss_mb(pid: int) -> float:
    """Resident set size of a process and its children (chroma runs a child), in MB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def mock_cmd(port: int) -> list[str]:
    return [sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--quiet"]


def minimal_cmd(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "benchmarks.minimal_app:app", "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]


def chroma_cmd(port: int, workdir: Path) -> list[str]:
    config = workdir / "config.yaml"
    config.write_text(f"allow_reset: true\npersist_path: {workdir / 'data'}\nport: {port}\nlisten_address: 127.0.0.1\n")
    chroma = Path(sys.executable).with_name("chroma")
    return [str(chroma), "run", str(config)]


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


__all__ = ["free_port", "start", "rss_mb", "mock_cmd", "minimal_cmd", "chroma_cmd", "stop", "os"]
