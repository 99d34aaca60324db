"""Read path: gunicorn (2 workers) serving hello-world and its floors, then the app on the generated organisation.

Each of the app's pages is judged against its own floor: hello-world after as many bare statements as the page
runs (counted in-process first), measured in the same run, so a busy machine moves both alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from campaigns.db import make_engine
from tests.bench import load, scaling, servers
from tests.bench.generate import Facts
from tests.bench.routes import Routes

#: one statement (who is asking, nothing else) is always measured, whatever the pages need
ALWAYS = (1,)
#: the revalidation of a public page: its one statement (tests/web/test_public_caching.py proves the count)
CONDITIONAL_STATEMENTS = 1


@dataclass
class Target:
    key: str
    name: str
    path: str
    headers: dict
    statements: int = 0  #: SQL statements one request runs (its floor's n)
    expect: int = 200


@dataclass
class ReadResults:
    hello: load.Figures
    floors: dict[int, load.Figures]  #: hello-world after n bare statements, by n (see hello.py)
    app: dict[str, load.Figures]  #: by target key
    statements: dict[str, int]  #: by target key: the floor each is judged against
    worker_rss_mb: float
    workers: int
    public: dict = field(default_factory=dict)  #: the public campaign and action the conditional loads ask for


def targets(routes: Routes, facts: Facts, public: dict) -> list[Target]:
    cookie_less = {}
    c = facts.hot_campaign_id
    found = [Target("dashboard", "campaign dashboard", routes.dashboard(campaign_id=c), cookie_less)]
    for key in routes.sections:
        path = routes.section(key, campaign_id=c)
        if key != "progress" and path:  # the progress section is the dashboard
            found.append(Target(f"section:{key}", f"workspace {key}", path, cookie_less))
    bearer = {"Authorization": f"Bearer {facts.api_token}"}
    found.append(Target("api", "campaign API", routes.api(campaign_id=c), bearer))
    if routes.public_campaign:
        found.append(Target("public_campaign", "public campaign 304", _fill(routes.public_campaign, public),
                            {}, CONDITIONAL_STATEMENTS, 304))
    if routes.public_action and public.get("action_id"):
        found.append(Target("public_action", "public action 304", _fill(routes.public_action, public),
                            {}, CONDITIONAL_STATEMENTS, 304))
    return [t for t in found if t.path]


def _fill(rule: str, public: dict) -> str:
    return rule.replace("<int:campaign_id>", str(public["campaign_id"])).replace(
        "<int:action_id>", str(public.get("action_id")))


def publish(database_url: str, facts: Facts) -> dict:
    """Make the busiest campaign and its next action public (idempotent: the generated data predates the flag)."""
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE campaign SET visibility = 'public' WHERE id = :c"), {"c": facts.hot_campaign_id})
        action = conn.execute(text("SELECT id FROM action WHERE campaign_id = :c AND status = 'planned' "
                                   "ORDER BY starts_at DESC LIMIT 1"), {"c": facts.hot_campaign_id}).scalar()
        if action:
            conn.execute(text("UPDATE action SET public = :yes WHERE id = :a"), {"a": action, "yes": True})
    engine.dispose()
    return {"campaign_id": facts.hot_campaign_id, "action_id": action}


def count_statements(database_url: str, facts: Facts, found: list[Target]) -> None:
    """Each page's statements, in-process (the session-cookie pages logged in, as under load)."""
    with scaling.in_process(database_url, facts) as (client, counted):
        for t in found:
            if t.expect == 200:
                t.statements = scaling.measure(client, counted, t.path, headers=t.headers, repeats=1).statements


def run(database_url: str, facts: Facts, routes: Routes, *, seconds: float, connections: int,
        workers: int = 2, pages: list[str] | None = None) -> ReadResults:
    public = publish(database_url, facts)
    found = [t for t in targets(routes, facts, public) if not pages or t.key.startswith(tuple(pages))]
    count_statements(database_url, facts, found)
    wanted = sorted(set(ALWAYS) | {t.statements for t in found})
    env = servers.app_env(database_url)
    with servers.gunicorn("tests.bench.hello:app", env=env, workers=workers, ready_path="/", name="hello") as s:
        hello = load.run("hello world", s.url + "/", seconds=seconds, connections=connections)
        floors = {n: load.run(f"{n} bare statement{'s' if n > 1 else ''}", f"{s.url}/floor/{n}", seconds=seconds,
                              connections=connections) for n in wanted}
    with servers.gunicorn("wsgi:app", env=env, workers=workers, name="web") as s:
        cookie = {"Cookie": servers.login_cookie(s.port, facts.coordinator_email, facts.password)}
        app = {}
        for t in found:
            headers = t.headers or cookie
            if t.expect == 304:
                headers = revalidation(s.port, t.path)
            _check(s.port, t.path, headers, t.expect)
            app[t.key] = load.run(t.name, s.url + t.path, seconds=seconds, connections=connections, headers=headers)
        rss = max((servers.rss_mb(pid) for pid in s.workers()), default=0.0)
        count = len(s.workers())
    return ReadResults(hello, floors, app, {t.key: t.statements for t in found}, rss, count, public)


def revalidation(port: int, path: str) -> dict:
    """What a returning visitor's browser sends: their session cookie and the ETag of the copy they hold."""
    _, headers, _ = servers.request(port, "GET", path)
    cookie = "; ".join(f"{k}={v}" for k, v in servers.cookies(headers, {}).items())
    _, headers, _ = servers.request(port, "GET", path, headers={"Cookie": cookie})
    tag = dict((k.lower(), v) for k, v in headers)["etag"]
    return {"Cookie": cookie, "If-None-Match": tag}


def _check(port: int, path: str, headers: dict, expect: int) -> None:
    """The benchmark must measure real answers, not redirects to the login page or errors."""
    status, _, body = servers.request(port, "GET", path, headers=headers)
    if status != expect:
        raise RuntimeError(f"GET {path} answered {status}, not {expect}: {body[:300]!r}")
