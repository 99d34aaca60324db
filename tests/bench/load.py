"""Load generation: wrk (Debian's `wrk` package) with a Lua script for headers and figures, or, without wrk,
a small threaded Python client that measures the same things."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("report.lua")


@dataclass
class Figures:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  #: answers of 400 or more and socket errors
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(name: str, url: str, *, seconds: float, connections: int, headers: dict | None = None) -> Figures:
    """Hammer `url` for `seconds` with `connections` concurrent connections (after a short warm-up)."""
    headers = headers or {}
    runner = _wrk if shutil.which("wrk") else _python
    runner(url, seconds=min(2.0, seconds), connections=connections, headers=headers)  # warm caches and pools
    return runner(url, seconds=seconds, connections=connections, headers=headers, name=name)


def _wrk(url: str, *, seconds: float, connections: int, headers: dict, name: str = "warm-up") -> Figures:
    env = {**os.environ, "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in headers.items()),
           "BENCH_REVALIDATE": "1" if "If-None-Match" in headers else ""}
    threads = max(1, min(2, connections))
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s",  # noqa: S603,S607
                             "--timeout", "5s", "-s", str(SCRIPT), url],
                            capture_output=True, text=True, env=env, check=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[6:])
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return Figures(name, data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1e3, data["p95_us"] / 1e3,
                   data["p99_us"] / 1e3, errors, "wrk")


def _python(url: str, *, seconds: float, connections: int, headers: dict, name: str = "warm-up") -> Figures:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        mine, bad, asking = [], 0, dict(headers)
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", "/" + path, headers=asking)
                response = conn.getresponse()
                response.read()
                if "If-None-Match" in asking and response.getheader("ETag"):  # as a browser: the copy it holds
                    asking["If-None-Match"] = response.getheader("ETag")
                if response.status >= 400:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                bad += 1
                conn.close()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Figures(name, len(latencies), elapsed, q[49] * 1e3, q[94] * 1e3, q[98] * 1e3, errors[0], "python")
