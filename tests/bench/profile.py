"""Where a read request's CPU goes: cProfile (CPU time, not wall: a busy machine does not skew it) over repeated
in-process requests, each function's own time put in one bucket by the module it lives in.

Buckets: auth (who is asking: sessions, tokens, Flask-Login, signed cookies), SQL (SQLAlchemy Core, the pool and the
driver: statements built, run, rows fetched), ORM hydration (objects made from rows, identity map, attributes),
rendering (Jinja, templates, Babel formatting, charts), serialisation (marshmallow, flask-smorest, JSON), request
handling (Flask, Werkzeug), the app's own code (services, views) and the rest (the standard library, built-ins)."""

from __future__ import annotations

import cProfile
import pstats
import time
from dataclasses import dataclass

#: (bucket, path fragments of the modules whose own time it takes); the first that matches wins
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("auth", ("campaigns/auth.py", "flask_login/", "itsdangerous/", "flask/sessions.py", "services/tokens.py",
              "services/accounts.py", "argon2/", "hashlib", "hmac")),
    ("ORM hydration", ("sqlalchemy/orm/", "sqlmodel/")),
    ("SQL", ("sqlalchemy/", "sqlite3", "psycopg/", "psycopg_binary", "_sqlite3")),
    ("rendering", ("jinja2/", "templates/", "markupsafe/", "babel/", "flask_babel/", "campaigns/web/charts.py",
                   "campaigns/i18n.py", "flask/templating.py")),
    ("serialisation", ("marshmallow/", "flask_smorest/", "apispec/", "json/", "_json", "flask/json/", "webargs/")),
    ("request handling", ("werkzeug/", "flask/", "blinker/", "flask_wtf/")),
    ("the app's own code", ("campaigns/",)),
)
OTHER = "the rest (standard library, built-ins)"


@dataclass
class Split:
    path: str
    requests: int
    ms_per_request: float  #: CPU time under the profiler (it adds its own: compare the shares, not the total)
    shares: dict[str, float]  #: bucket → share of the CPU time (0..1)


def bucket(filename: str) -> str:
    for name, fragments in BUCKETS:
        if any(fragment in filename for fragment in fragments):
            return name
    return OTHER


def split(client, path: str, *, headers: dict | None = None, requests: int = 60) -> Split:
    """Profile `requests` GETs of `path` (after a warm-up) and share their CPU time out among the buckets."""
    for _ in range(3):
        client.get(path, headers=headers)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, own, _cum, callers) in stats.items():
        if filename == "~" and bucket(name) == OTHER and callers:
            # a built-in (isinstance, round, str.join…) works for whoever called it: share its time out that way
            for (caller_file, _, _), (_, _, spent, _) in callers.items():
                totals[bucket(caller_file)] = totals.get(bucket(caller_file), 0.0) + spent
            continue
        key = bucket(filename if filename != "~" else name)  # built-ins by name: "<method 'execute' of 'sqlite3…'>"
        totals[key] = totals.get(key, 0.0) + own
    whole = sum(totals.values()) or 1.0
    return Split(path, requests, whole / requests * 1e3, {k: v / whole for k, v in sorted(
        totals.items(), key=lambda kv: -kv[1])})


def describe(found: Split) -> str:
    return ", ".join(f"{name} {share:.0%}" for name, share in found.shares.items())
