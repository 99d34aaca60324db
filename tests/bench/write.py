"""Write path on PostgreSQL: 32 concurrent clients signing up through the API for a few small tasks.

Every client tries every task, in its own random order, so seats are fought over; afterwards the database is
checked: no task has more confirmed sign-ups than seats, and `task.taken` equals the confirmed count.
"""

from __future__ import annotations

import hashlib
import http.client
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
    """Fresh tasks in the busiest campaign, and a volunteer (id, API token) per client."""
    engine = make_engine(database_url)
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as conn:
        top_task = conn.execute(text("SELECT coalesce(max(id), 0) FROM task")).scalar()
        top_token = conn.execute(text("SELECT coalesce(max(id), 0) FROM api_token")).scalar()
        volunteers = [row[0] for row in conn.execute(text(
            "SELECT user_id FROM membership WHERE role = 'client' ORDER BY user_id LIMIT :n"), {"n": clients})]
        model = conn.execute(text("SELECT id FROM action WHERE campaign_id = :c AND starts_at > :now "
                                  "ORDER BY starts_at LIMIT 1"), {"c": facts.hot_campaign_id, "now": now}).scalar()
        # a fresh action like it for each rush: earlier runs' sign-ups would make its audience ever larger
        columns = ("org_id, campaign_id, kind, title, description, starts_at, ends_at, timezone, address, "
                   "address_public, accessibility_notes, interpreter_languages, public, status, sequence, created_at, "
                   "translations")
        action = conn.execute(text(
            f"INSERT INTO action ({columns}, checkin_code) SELECT {columns}, :code FROM action WHERE id = :a "
            "RETURNING id"), {"a": model, "code": secrets.token_hex(5).upper()}).scalar()
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
    return task_ids, list(zip(volunteers, secrets_))


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


def run(database_url: str, facts: Facts, routes: Routes, *, levels: tuple[int, ...] = (1, 2, 4, 8, 16, 32),
        tasks: int = 16, capacity: int = 8, workers: int = 2, threads: int = 16) -> WriteRun:
    """The sign-up rush at each number of clients in `levels` (every client tries every one of `tasks` fresh tasks
    of `capacity` seats of a fresh action, in its own order), through one gunicorn; then the floor: the busiest
    level again, straight through the driver."""
    if routes.signup_api is None:
        raise RuntimeError("the API has no sign-up endpoint yet (POST /api/v1/tasks/<task_id>/signups)")
    env = servers.app_env(database_url)
    by_clients = {}
    with servers.gunicorn("wsgi:app", env=env, workers=workers, threads=threads, name="write") as server:
        for clients in levels:
            task_ids, people = _arrange(database_url, facts, clients=clients, tasks=tasks, capacity=capacity)
            by_clients[clients] = _rush(database_url, task_ids, people, _through_api(server.port, routes))
    task_ids, people = _arrange(database_url, facts, clients=max(levels), tasks=tasks, capacity=capacity)
    floor = _rush(database_url, task_ids, people, _straight(database_url, facts))
    return WriteRun(by_clients, floor)


@dataclass
class WriteRun:
    by_clients: dict[int, WriteResults]  #: the app, by number of concurrent clients
    floor: WriteResults  #: the busiest level, only a correct sign-up's statements, straight through psycopg

    @property
    def app(self) -> WriteResults:
        return self.by_clients[max(self.by_clients)]


def _through_api(port: int, routes: Routes):
    """A client's sign-ups as the app takes them: POST /api/v1/tasks/<id>/signups on one keep-alive connection."""

    def client(person: tuple[int, str]):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def sign_up(task_id: int) -> int:
            conn.request("POST", routes.signup(task_id=task_id), body=b"{}", headers={
                "Authorization": f"Bearer {person[1]}", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            return response.status

        return sign_up, conn.close

    return client


#: what a correct sign-up must do and nothing more: the conditional seat, the sign-up, its event, commit
FLOOR_SEAT = "UPDATE task SET taken = taken + 1 WHERE id = %s AND taken < capacity"
FLOOR_SIGNUP = ("INSERT INTO signup (task_id, user_id, status, queued_at, confirmed_at) "
                "VALUES (%s, %s, %s, now(), CASE WHEN %s THEN now() END) RETURNING id")
FLOOR_EVENT = ("INSERT INTO event (type, org_id, campaign_id, subject_type, subject_id, payload, occurred_at) "
               "VALUES (%s, %s, %s, 'signup', %s, %s, now())")


def _straight(database_url: str, facts: Facts):
    """A client's sign-ups as the floor takes them: the statements above on its own psycopg connection."""
    import psycopg
    from psycopg.types.json import Json

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")

    def client(person: tuple[int, str]):
        conn = psycopg.connect(dsn)

        def sign_up(task_id: int) -> int:
            with conn.cursor() as cur:
                cur.execute(FLOOR_SEAT, (task_id,))
                seated = cur.rowcount == 1
                cur.execute(FLOOR_SIGNUP, (task_id, person[0], "confirmed" if seated else "waitlisted", seated))
                signup_id = cur.fetchone()[0]
                cur.execute(FLOOR_EVENT, ("SignupConfirmed" if seated else "SignupWaitlisted", 1,
                                          facts.hot_campaign_id, signup_id, Json({"task_id": task_id})))
            conn.commit()
            return 201

        return sign_up, conn.close

    return client


def _rush(database_url: str, task_ids: list[int], people: list[tuple[int, str]], make_client) -> WriteResults:
    """Every person signs up for every task, in their own random order, all at once; then the seats are counted."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(people) + 1)

    def client(person: tuple[int, str], seed: int):
        order = task_ids[:]
        random.Random(seed).shuffle(order)
        sign_up, close = make_client(person)
        mine, codes = [], []
        start.wait()
        for task_id in order:
            began = time.perf_counter()
            codes.append(sign_up(task_id))
            mine.append(time.perf_counter() - began)
        close()
        with lock:
            latencies.extend(mine)
            for code in codes:
                statuses[code] = statuses.get(code, 0) + 1

    threads_ = [threading.Thread(target=client, args=(p, i)) for i, p in enumerate(people)]
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
        clients=len(people), attempts=len(latencies), ok=ok, seconds=elapsed, p50_ms=q[49] * 1e3,
        p95_ms=q[94] * 1e3, overbooked=overbooked, mismatched=mismatched,
        server_errors=sum(n for code, n in statuses.items() if code >= 500),
        other_errors={code: n for code, n in statuses.items() if 300 <= code < 500},
    )
