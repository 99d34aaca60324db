"""Read path: gunicorn (2 workers) serving hello-world, then the app on the generated organisation."""

from __future__ import annotations

from dataclasses import dataclass

from tests.bench import load, servers
from tests.bench.generate import Facts
from tests.bench.routes import Routes


@dataclass
class ReadResults:
    hello: load.Figures
    page: load.Figures | None
    api: load.Figures | None
    worker_rss_mb: float
    workers: int


def run(database_url: str, facts: Facts, routes: Routes, *, seconds: float, connections: int,
        workers: int = 2) -> ReadResults:
    env = servers.app_env(database_url)
    with servers.gunicorn("tests.bench.hello:app", env=env, workers=workers, ready_path="/", name="hello") as s:
        hello = load.run("hello world", s.url + "/", seconds=seconds, connections=connections)
    with servers.gunicorn("wsgi:app", env=env, workers=workers, name="web") as s:
        page = api = None
        page_path = routes.page(slug=facts.org_slug, campaign_id=facts.hot_campaign_id)
        if page_path:
            cookie = servers.login_cookie(s.port, facts.coordinator_email, facts.password)
            _check(s.port, page_path, {"Cookie": cookie})
            page = load.run("campaign page", s.url + page_path, seconds=seconds, connections=connections,
                            headers={"Cookie": cookie})
        api_path = routes.api(campaign_id=facts.hot_campaign_id)
        if api_path:
            auth = {"Authorization": f"Bearer {facts.api_token}"}
            _check(s.port, api_path, auth)
            api = load.run("campaign API", s.url + api_path, seconds=seconds, connections=connections,
                           headers=auth)
        rss = max((servers.rss_mb(pid) for pid in s.workers()), default=0.0)
        count = len(s.workers())
    return ReadResults(hello, page, api, rss, count)


def _check(port: int, path: str, headers: dict) -> None:
    """The benchmark must measure real answers, not redirects to the login page or errors."""
    status, _, body = servers.request(port, "GET", path, headers=headers)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}, not 200: {body[:300]!r}")
