"""Processes the benchmarks start on loopback: gunicorn, the scheduler; and what they cost (RSS)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 (loopback bench only)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production deployment on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAMPAIGNS_", "DATABASE_URL", "FLASK_"))}
    env.update(CAMPAIGNS_ENV="production", SECRET_KEY=SECRET, DATABASE_URL=database_url,
               MAIL_FOLDER=str(Path("/tmp") / "campaigns-bench-mail"), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        return children(self.process.pid)


def start_gunicorn(app_spec: str, *, env: dict[str, str], workers: int = 2, threads: int = 1,
                   name: str = "web") -> Server:
    """Start gunicorn serving `app_spec` on a free loopback port (not yet ready: see wait_until_ready)."""
    port = free_port()
    log = Path("/tmp") / f"campaigns-bench-{name}-{port}.log"
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--graceful-timeout", "5"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    with log.open("w") as out:
        process = subprocess.Popen([*command, app_spec], env=env, cwd=ROOT, stdout=out, stderr=out)  # noqa: S603
    return Server(f"http://127.0.0.1:{port}", port, process, log)


@contextmanager
def gunicorn(app_spec: str, *, env: dict[str, str], workers: int = 2, threads: int = 1,
             ready_path: str = "/healthz", name: str = "web") -> Iterator[Server]:
    """gunicorn serving `app_spec` on a free loopback port, until the block ends."""
    server = start_gunicorn(app_spec, env=env, workers=workers, threads=threads, name=name)
    try:
        wait_until_ready(server, ready_path)
        yield server
    finally:
        stop(server.process)


def wait_until_ready(server: Server, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {server.log}:\n{server.log.read_text()[-2000:]}")
        try:
            status, _, _ = request(server.port, "GET", path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s; see {server.log}")


def stop(*processes: subprocess.Popen) -> None:
    """SIGTERM them all at once, then wait for each (and kill what is stuck)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_scheduler(env: dict[str, str], name: str = "scheduler") -> subprocess.Popen:
    """`flask --app wsgi scheduler` as its own process; its log is `process.log`."""
    log = Path("/tmp") / f"campaigns-bench-{name}-{os.getpid()}.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "scheduler"], env=env, cwd=ROOT,  # noqa: S603
                                   stdout=out, stderr=out)
    process.log = log  # type: ignore[attr-defined]
    return process


@contextmanager
def scheduler(env: dict[str, str], name: str = "scheduler") -> Iterator[subprocess.Popen]:
    process = start_scheduler(env, name)
    try:
        yield process
    finally:
        stop(process)


def has_scheduler_command() -> bool:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "--help"], cwd=ROOT, capture_output=True,  # noqa: S603
                            text=True, env={**os.environ, "CAMPAIGNS_ENV": "testing",
                                            "DATABASE_URL": "sqlite:////tmp/campaigns-bench-help.sqlite"})
    return re.search(r"^\s+scheduler\b", result.stdout, re.M) is not None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB (MiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- a little HTTP client: logging in for a session cookie ----------------------------------------------------
def request(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def cookies(headers, jar: dict) -> dict:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


def login_cookie(port: int, email: str, password: str) -> str:
    """Log in through the real form (production cookies are Secure, so the jar is kept by hand)."""
    status, headers, body = request(port, "GET", "/login")
    jar = cookies(headers, {})
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or not token:
        raise RuntimeError(f"login page answered {status}")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    form = urlencode({"email": email, "password": password, "csrf_token": token.group(1).decode(), "next": ""})
    status, headers, body = request(port, "POST", "/login", body=form.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    if status != 302:
        raise RuntimeError(f"login failed with {status}: {body[:300]!r}")
    jar = cookies(headers, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())
