"""Scaling: dashboard time on a small and a large organisation, SQL statements per request, scheduler RSS.

Timings here are in-process (Flask's test client, no HTTP), so they show the app's own cost without the noise of
sockets and load generators.
"""

from __future__ import annotations

import re
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from campaigns import create_app
from tests.bench import profile, servers
from tests.bench.generate import Facts
from tests.bench.routes import Routes

CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


@dataclass
class Timed:
    path: str
    median_ms: float
    statements: int


@contextmanager
def in_process(database_url: str, facts: Facts):
    """A logged-in test client of the app on `database_url`, and a statement counter."""
    app = create_app("testing", DATABASE_URL=database_url, MAIL_FOLDER="/tmp/campaigns-bench-mail")
    engine = app.extensions["campaigns.engine"]
    counted: list[str] = []

    def _count(conn, cursor, statement, *args):
        if not CONTROL.match(statement):
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"email": facts.coordinator_email, "password": facts.password,
                                         "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    try:
        yield client, counted
    finally:
        event.remove(engine, "before_cursor_execute", _count)
        engine.dispose()


def measure(client, counted: list[str], path: str, *, headers: dict | None = None, repeats: int = 40) -> Timed:
    for _ in range(3):  # warm: templates compiled, pool filled
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, f"GET {path} answered {answer.status_code}"
    counted.clear()
    client.get(path, headers=headers)
    statements = len(counted)
    times: list[float] = []
    budget = time.perf_counter() + 20  # a slow page gets fewer samples, not minutes of them
    while len(times) < repeats and (len(times) < 5 or time.perf_counter() < budget):
        started = time.perf_counter()
        client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
    return Timed(path, statistics.median(times) * 1e3, statements)


@dataclass
class ScalingResults:
    small: dict[str, Timed]  #: by key ("dashboard", "page", "api") on the small organisation
    large: dict[str, Timed]  #: the same on the large one
    small_signups: int
    large_signups: int
    splits: dict = field(default_factory=dict)  #: by key, on the large organisation: where the CPU goes

    def ratio(self, key: str) -> float | None:
        if key in self.small and key in self.large:
            return self.large[key].median_ms / self.small[key].median_ms
        return None


def run(small_url: str, small: Facts, large_url: str, large: Facts, routes: Routes) -> ScalingResults:
    """The busiest campaign's dashboard, page and API read on both organisations: time and SQL statements."""
    timed: dict[str, dict[str, Timed]] = {"small": {}, "large": {}}
    splits: dict[str, profile.Split] = {}
    for label, url, facts in (("small", small_url, small), ("large", large_url, large)):
        auth = {"Authorization": f"Bearer {facts.api_token}"}
        targets = (("dashboard", routes.dashboard(campaign_id=facts.hot_campaign_id), None),
                   ("page", routes.page(slug=facts.org_slug, campaign_id=facts.hot_campaign_id), None),
                   ("api", routes.api(campaign_id=facts.hot_campaign_id), auth))
        with in_process(url, facts) as (client, counted):
            for key, path, headers in targets:
                if path:
                    timed[label][key] = measure(client, counted, path, headers=headers)
                    if label == "large":
                        splits[key] = profile.split(client, path, headers=headers)
    return ScalingResults(timed["small"], timed["large"], small.counts.get("signups", 0),
                          large.counts.get("signups", 0), splits)


def scheduler_rss(database_url: str, seconds: float = 8.0) -> float | None:
    """Peak RSS of the scheduler process over a few ticks, or None while there is no scheduler command."""
    if not servers.has_scheduler_command():
        return None
    env = servers.app_env(database_url, SCHEDULER_TICK_SECONDS="1")
    peak = 0.0
    with servers.scheduler(env) as process:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the scheduler exited with {process.returncode}")
            peak = max(peak, servers.rss_mb(process.pid))
            time.sleep(0.5)
    return peak
