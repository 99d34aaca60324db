"""Write path on PostgreSQL: 32 concurrent clients signing up through the API for a few small tasks.

Every client tries every task, in its own random order, so seats are fought over; afterwards the database is
checked: no task has more confirmed sign-ups than seats, and `task.taken` equals the confirmed count.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import secrets
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from campaigns.db import make_engine
from campaigns.domain import model as m
from tests.bench import servers
from tests.bench.generate import Facts
from tests.bench.routes import Routes


@dataclass
class WriteResults:
    clients: int
    attempts: int
    ok: int
    seconds: float
    p50_ms: float
    p95_ms: float
    overbooked: int
    mismatched: int  #: tasks whose `taken` differs from their confirmed sign-ups
    server_errors: int
    other_errors: dict

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def _arrange(database_url: str, facts: Facts, *, clients: int, tasks: int, capacity: int):
    """Fresh tasks in the busiest campaign, and a volunteer with an API token per client."""
    engine = make_engine(database_url)
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as conn:
        top_task = conn.execute(text("SELECT coalesce(max(id), 0) FROM task")).scalar()
        top_token = conn.execute(text("SELECT coalesce(max(id), 0) FROM api_token")).scalar()
        volunteers = [row[0] for row in conn.execute(text(
            "SELECT user_id FROM membership WHERE role = 'client' ORDER BY user_id LIMIT :n"), {"n": clients})]
        action = conn.execute(text("SELECT id FROM action WHERE campaign_id = :c AND starts_at > :now "
                                   "ORDER BY starts_at LIMIT 1"), {"c": facts.hot_campaign_id, "now": now}).scalar()
        task_ids = list(range(top_task + 1, top_task + tasks + 1))
        conn.execute(insert(m.Task.__table__), [
            {"id": tid, "org_id": 1, "campaign_id": facts.hot_campaign_id, "action_id": action,
             "title": f"Bench shift {tid}", "capacity": capacity, "taken": 0,
             "deadline": now + timedelta(days=20)} for tid in task_ids])
        secrets_ = [f"cmp_{secrets.token_urlsafe(32)}" for _ in volunteers]
        conn.execute(insert(m.ApiToken.__table__), [
            {"id": top_token + i + 1, "user_id": uid, "name": "bench", "prefix": s[:10],
             "token_hash": hashlib.sha256(s.encode()).hexdigest()} for i, (uid, s) in enumerate(zip(volunteers,
                                                                                                 secrets_))])
        if engine.dialect.name == "postgresql":
            for table, column in (("task", "id"), ("api_token", "id")):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                                  f"(SELECT max({column}) FROM {table}))"))
    engine.dispose()
    return task_ids, secrets_


def _check(database_url: str, task_ids: list[int]) -> tuple[int, int]:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT t.id, t.capacity, t.taken, count(s.id) FILTER (WHERE s.status = 'confirmed') "
            "FROM task t LEFT JOIN signup s ON s.task_id = t.id WHERE t.id = ANY(:ids) GROUP BY t.id"),
            {"ids": task_ids}).all()
    engine.dispose()
    overbooked = sum(max(0, confirmed - capacity) for _, capacity, _, confirmed in rows)
    mismatched = sum(1 for _, _, taken, confirmed in rows if taken != confirmed)
    return overbooked, mismatched


def run(database_url: str, facts: Facts, routes: Routes, *, clients: int = 32, tasks: int = 16,
        capacity: int = 8, workers: int = 2, threads: int = 16) -> WriteResults:
    if routes.signup_api is None:
        raise RuntimeError("the API has no sign-up endpoint yet (POST /api/v1/tasks/<task_id>/signups)")
    task_ids, tokens = _arrange(database_url, facts, clients=clients, tasks=tasks, capacity=capacity)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    env = servers.app_env(database_url)
    with servers.gunicorn("wsgi:app", env=env, workers=workers, threads=threads, name="write") as server:

        def client(token: str, seed: int):
            order = task_ids[:]
            random.Random(seed).shuffle(order)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            mine, codes = [], []
            start.wait()
            for task_id in order:
                began = time.perf_counter()
                conn.request("POST", routes.signup(task_id=task_id), body=b"{}", headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - began)
                codes.append(response.status)
            conn.close()
            with lock:
                latencies.extend(mine)
                for code in codes:
                    statuses[code] = statuses.get(code, 0) + 1

        threads_ = [threading.Thread(target=client, args=(t, i)) for i, t in enumerate(tokens)]
        for t in threads_:
            t.start()
        start.wait()
        began = time.monotonic()
        for t in threads_:
            t.join()
        elapsed = time.monotonic() - began
    overbooked, mismatched = _check(database_url, task_ids)
    q = statistics.quantiles(latencies, n=100)
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    return WriteResults(
        clients=clients, attempts=len(latencies), ok=ok, seconds=elapsed, p50_ms=q[49] * 1e3, p95_ms=q[94] * 1e3,
        overbooked=overbooked, mismatched=mismatched,
        server_errors=sum(n for code, n in statuses.items() if code >= 500),
        other_errors={code: n for code, n in statuses.items() if 300 <= code < 500},
    )


def describe(results: WriteResults) -> str:
    return json.dumps(results.__dict__, default=str)
