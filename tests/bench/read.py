"""Read path: gunicorn (2 workers) serving hello-world, then the app on the generated organisation."""

from __future__ import annotations

from dataclasses import dataclass

from tests.bench import load, servers
from tests.bench.generate import Facts
from tests.bench.routes import Routes

#: the floors measured: one statement (who is asking, nothing else), the campaign API's four and the goals' six
FLOORS = (1, 4, 6)


@dataclass
class ReadResults:
    hello: load.Figures
    floors: dict[int, load.Figures]  #: hello-world after n bare statements, by n (see hello.py)
    app: dict[str, load.Figures]  #: by key: "dashboard", "page", "api"
    worker_rss_mb: float
    workers: int


def run(database_url: str, facts: Facts, routes: Routes, *, seconds: float, connections: int,
        workers: int = 2) -> ReadResults:
    env = servers.app_env(database_url)
    with servers.gunicorn("tests.bench.hello:app", env=env, workers=workers, ready_path="/", name="hello") as s:
        hello = load.run("hello world", s.url + "/", seconds=seconds, connections=connections)
        floors = {n: load.run(f"{n} bare statement{'s' if n > 1 else ''}", f"{s.url}/floor/{n}", seconds=seconds,
                              connections=connections) for n in FLOORS}
    with servers.gunicorn("wsgi:app", env=env, workers=workers, name="web") as s:
        cookie = {"Cookie": servers.login_cookie(s.port, facts.coordinator_email, facts.password)}
        bearer = {"Authorization": f"Bearer {facts.api_token}"}
        targets = (("dashboard", "campaign dashboard", routes.dashboard(campaign_id=facts.hot_campaign_id), cookie),
                   ("page", "campaign page", routes.page(slug=facts.org_slug, campaign_id=facts.hot_campaign_id),
                    cookie),
                   ("api", "campaign API", routes.api(campaign_id=facts.hot_campaign_id), bearer))
        app = {}
        for key, name, path, headers in targets:
            if path:
                _check(s.port, path, headers)
                app[key] = load.run(name, s.url + path, seconds=seconds, connections=connections, headers=headers)
        rss = max((servers.rss_mb(pid) for pid in s.workers()), default=0.0)
        count = len(s.workers())
    return ReadResults(hello, floors, app, rss, count)


def _check(port: int, path: str, headers: dict) -> None:
    """The benchmark must measure real answers, not redirects to the login page or errors."""
    status, _, body = servers.request(port, "GET", path, headers=headers)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}, not 200: {body[:300]!r}")
