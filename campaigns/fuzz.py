"""API fuzzing with schemathesis, in-process against the app's own OpenAPI document, with every check on.

A developer's tool (the `fuzz` command exists only with the dev extra, which installs schemathesis). Used by the
test suite (a few examples per operation) and by `flask --app wsgi fuzz` (a long run on a throwaway
database with demo data, never the configured one: fuzzing writes, deletes and erases).

Identities come from a Web Fuzzing Commons document: the caller acts as `user` (a coordinator), and the
object-level authorization check replays that person's reads as the other `peers` (a coordinator of another
organisation), who must not see them.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

#: every check is on. positive_data_acceptance also accepts 422, because a schema-valid request may still break a
#: domain rule (a join code that matches no group); `valid_input_passes_field_validation` below keeps the strict
#: part: field validation (what the document describes) must never refuse a schema-valid request.
CONFIG = {
    "checks": {"enabled": True, "positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]}},
    # stateful sequences chain writes at random (a coordinator demoting or removing people) and would make runs
    # long and order-dependent; the authorization matrix covers who may do what in every state that matters
    "phases": {"stateful": {"enabled": False}},
    "cache": {"enabled": False},
    "workers": 1,
    "continue-on-failure": True,
    "suppress-health-check": ["all"],
}


def _default_messages() -> re.Pattern:
    """marshmallow's own messages for a value of the wrong type, format, length or range: seeing one for a
    schema-valid request means the OpenAPI document promised something the field refuses."""
    import inspect

    import marshmallow as ma

    found = {"Unknown field.", "Invalid input type."}
    for _name, cls in inspect.getmembers(ma.fields, inspect.isclass):
        found |= set(getattr(cls, "default_error_messages", {}).values())
    for _name, cls in inspect.getmembers(ma.validate, inspect.isclass):
        found |= {v for a in dir(cls) if a.startswith("message") or a == "default_message"
                  for v in [getattr(cls, a)] if isinstance(v, str) and " " in v and v[0].isupper()}
    parts = [".+".join(re.escape(piece) for piece in re.split(r"\{+[^{}]*\}+", m)) for m in found]
    return re.compile("^(?:" + "|".join(parts) + ")$")


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def _register_checks() -> None:
    import schemathesis

    from campaigns.services.errors import Invalid

    if getattr(_register_checks, "done", False):
        return
    defaults = _default_messages()

    @schemathesis.check
    def valid_input_passes_field_validation(ctx, response, case):
        """A schema-valid request may be refused by a rule (a domain rule, or one across fields), never by a
        field's own type, format, length or range check: that would mean the document is wrong."""
        if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 422:
            return None
        if _is_hostile(case.body) or _is_hostile(case.query):  # made hostile on purpose: not schema-valid any more
            return None
        body = response.json() or {}
        if body.get("title") == Invalid.title:
            return None
        refused = [m for m in _messages(body.get("errors", {})) if defaults.match(m)]
        if refused:  # schemathesis reports an AssertionError as this check's failure
            raise AssertionError(f"a schema-valid request failed field validation: {response.text[:300]}")
        return None

    _register_hostile_inputs()
    _register_checks.done = True  # type: ignore[attr-defined]


#: past any integer column (and a bigint), and a page number past any offset
HUGE = 10**20


def hostile(value):
    """A value of the same shape with NUL in every text and every integer past a bigint: what the app must
    refuse with a 4xx (never a 500), on both databases."""
    if isinstance(value, str):
        return value + "\x00"
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return HUGE
    if isinstance(value, dict):
        return {key: hostile(item) for key, item in value.items()}
    if isinstance(value, list):
        return [hostile(item) for item in value] or ["\x00"]
    return value


def _is_hostile(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value or value == str(HUGE)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= HUGE
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, list) and any(_is_hostile(item) for item in value)


def _register_hostile_inputs() -> None:
    """Besides what the schema describes, every body and query string may come hostile (NUL, huge integers),
    and a query string with a huge page number repeated many times."""
    import schemathesis
    from hypothesis import strategies as st

    @schemathesis.hook
    def flatmap_body(ctx, body):
        return st.sampled_from([body, hostile(body)])

    @schemathesis.hook
    def flatmap_query(ctx, query):
        return st.sampled_from([query, {**hostile(query or {}), "page": [str(HUGE)] * 50}])


class _WsgiProbeFix:
    """schemathesis 4.32 sends auth probes (ignored_auth, object-level authorization) through the WSGI transport
    with requests-only options left in; werkzeug refuses them. Drop them while a run lasts."""

    def __enter__(self):
        from schemathesis.transport.wsgi import WSGI_TRANSPORT

        self.transport, original = WSGI_TRANSPORT, WSGI_TRANSPORT.send

        def send(case, **kwargs):
            if kwargs.get("session") is None:
                for name in ("max_redirects", "verify", "cert", "proxies"):
                    kwargs.pop(name, None)
            return original(case, **kwargs)

        self.transport.send = send
        return self

    def __exit__(self, *exc):
        del self.transport.send


@dataclass
class FuzzReport:
    examples: int = 0
    #: "check on METHOD /path: message" -> how many times
    failures: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    #: one example request and answer per failure
    samples: dict[str, str] = field(default_factory=dict)
    #: how many times each check ran
    checks: Counter = field(default_factory=Counter)
    #: requests sent with the run's own valid token that were refused anyway (the run lost its access)
    lost_access: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors and not self.lost_access

    def describe(self, *, verbose: bool = False) -> str:
        lines = [f"{self.examples} examples, {sum(self.failures.values())} failures, {len(self.errors)} errors"
                 + (f", {self.lost_access} requests refused the run's own token" if self.lost_access else "")]
        if verbose:
            lines.append("  checks run: " + ", ".join(f"{name} {n}" for name, n in sorted(self.checks.items())))
        for text, n in self.failures.most_common():
            lines.append(f"  {n}× {text}")
            if verbose:
                lines.append(f"      {self.samples.get(text, '')}")
        lines += [f"  error: {text}" for text in self.errors]
        return "\n".join(lines)


def _wfc(tokens: dict[str, str], folder: Path) -> Path:
    path = folder / "auth.json"
    entries = [{"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {secret}"}]}
               for name, secret in tokens.items()]
    path.write_text(json.dumps({"schemaVersion": "1.0", "auth": entries}))
    return path


def run(app: Flask, *, tokens: dict[str, str], user: str, peers: tuple[str, ...] = (), max_examples: int = 5,
        seed: int = 1, coverage: bool = True, path_regex: str | None = None) -> FuzzReport:
    """Fuzz every operation of the app's API as `user`; returns what schemathesis counted and found.

    `coverage` adds schemathesis's coverage phase (boundary values for every field: thorough, and slow)."""
    import schemathesis
    from schemathesis import engine
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events

    with tempfile.TemporaryDirectory() as folder:
        auth = {"path": str(_wfc(tokens, Path(folder))), "user": user}
        if peers:
            auth["peers"] = list(peers)
        config = SchemathesisConfig.from_dict({
            **CONFIG, "seed": seed, "auth": {"wfc": auth},
            "phases": {**CONFIG["phases"], "coverage": {"enabled": coverage}},
            "generation": {"max-examples": max_examples, "deterministic": True, "mode": "all"},
        })
        _register_checks()
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)
        if path_regex:
            schema = schema.include(path_regex=path_regex)
        # revoking its own token would end the run's access (tokens: tests/api/test_conventions.py)
        schema = schema.exclude(method="DELETE", path_regex=r"^/api/v1/me/tokens/")
        report = FuzzReport()
        with _WsgiProbeFix():
            for event in engine.from_schema(schema).execute():
                if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
                    _count(report, event.recorder, own=f"Bearer {tokens[user]}")
                elif isinstance(event, events.NonFatalError):
                    report.errors.append(f"{event.label}: {event.value!r}")
                elif isinstance(event, events.FatalError):
                    report.errors.append(repr(event.exception))
    return report


def _count(report: FuzzReport, recorder, *, own: str) -> None:
    report.examples += len(recorder.cases)
    for interaction in recorder.interactions.values():
        sent = {k.lower(): v for k, v in interaction.request.headers.items()}.get("authorization")
        sent = sent[0] if isinstance(sent, list) else sent
        if sent == own and interaction.response is not None and interaction.response.status_code == 401:
            report.lost_access += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            report.checks[check.name] += 1
            if check.failure_info is None:
                continue
            case = recorder.cases[case_id].value
            failure = check.failure_info.failure
            key = f"{check.name} on {case.method} {case.path}: {failure.title}"
            report.failures[key] += 1
            if key not in report.samples:
                interaction = recorder.interactions.get(case_id)
                answer = interaction.response if interaction is not None else None
                report.samples[key] = (f"sent {case.path_parameters or ''} {case.query or ''} {case.body!r:.300}\n"
                                       f"      got {answer.status_code if answer else '?'} "
                                       f"{answer.content[:300] if answer else ''!r}\n      {failure.message[:300]}")


@click.command("fuzz")
@click.option("--examples", default=2000, show_default=True, help="Examples to run, in all.")
@click.option("--seed", default=1, show_default=True)
@click.option("--verbose", is_flag=True, help="Show one request and answer for each failure.")
@with_appcontext
def fuzz_command(examples: int, seed: int, verbose: bool) -> None:
    """Fuzz the whole API (schemathesis, every check) on a throwaway database with demo data."""
    with tempfile.TemporaryDirectory() as folder:
        app, tokens = _throwaway_app(Path(folder))
        operations = len(_operations(app))
        per_operation = max(1, examples // max(1, operations))
        click.echo(f"Fuzzing {operations} operations, {per_operation} examples each…")
        with app.app_context():
            report = run(app, tokens=tokens, user="coordinator", peers=("coordinator", "outsider"),
                         max_examples=per_operation, seed=seed)
        app.extensions["campaigns.engine"].dispose()
    click.echo(report.describe(verbose=verbose))
    if not report.ok:
        raise SystemExit(1)


def _operations(app: Flask) -> list[tuple[str, str]]:
    spec = app.test_client().get("/api/openapi.json").get_json()
    return [(m, p) for p, ops in spec["paths"].items() for m in ops if m != "parameters"]


def _throwaway_app(folder: Path) -> tuple[Flask, dict[str, str]]:
    from campaigns import create_app, demo, migrations
    from campaigns.db import session_scope
    from campaigns.services import accounts, orgs, security, tokens

    url = f"sqlite:///{folder / 'fuzz.sqlite'}"
    migrations.upgrade(url)
    app = create_app("testing", DATABASE_URL=url, MAIL_FOLDER=str(folder / "mail"))
    secrets: dict[str, str] = {}
    with app.app_context(), session_scope() as session:
        demo.build(session, echo=lambda _message: None)
        coordinator = accounts.by_email(session, "coordinator@demo.campaigns.local")
        outsider = accounts.create_user(session, email="outsider@example.org", display_name="Outsider",
                                        password=security.new_token())  # nobody logs in with it
        orgs.create(session, name="Another group", creator=outsider)
        for name, person in (("coordinator", coordinator), ("outsider", outsider)):
            secrets[name] = tokens.create(session, person, name="fuzz")[1]
    return app, secrets
