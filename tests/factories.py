"""Factories with sensible defaults (override any field), and helpers for repeated flows."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from campaigns.domain.model import Organisation, Role, User
from campaigns.services import accounts, orgs, tokens

PASSWORD = "correct horse battery staple 42"  # noqa: S105
_seq = itertools.count(1)


def user_factory(session):
    def make_user(*, org: Organisation | None = None, role: str = "client", **overrides) -> User:
        n = next(_seq)
        fields = {"email": f"person{n}@example.org", "password": PASSWORD, "display_name": f"Person {n}",
                  "timezone": "Europe/London"}
        fields.update(overrides)
        user = accounts.create_user(session, **fields)
        if org is not None:
            orgs.add_member(session, org, user=user, role=role)
        return user

    return make_user


def org_factory(session):
    def make_org(**overrides) -> Organisation:
        n = next(_seq)
        fields = {"name": f"Group {n}", "slug": f"group-{n}"}
        fields.update(overrides)
        return orgs.create(session, **fields)

    return make_org


@dataclass
class People:
    org: Organisation
    client: User
    other_client: User
    worker: User
    coordinator: User
    admin: User
    outsider: User  #: a coordinator of another organisation
    other_org: Organisation

    def by_role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


ACTORS = ["anonymous", "client", "other_client", "worker", "coordinator", "admin", "outsider"]


def people(org, make_user, make_org) -> People:
    other_org = make_org()
    return People(
        org=org,
        client=make_user(org=org, role=Role.client, display_name="Client Alex"),
        other_client=make_user(org=org, role=Role.client, display_name="Client Jo"),
        worker=make_user(org=org, role=Role.worker, display_name="Worker Robin"),
        coordinator=make_user(org=org, role=Role.coordinator, display_name="Coordinator Sam"),
        admin=make_user(is_admin=True, display_name="Admin"),
        outsider=make_user(org=other_org, role=Role.coordinator, display_name="Outsider"),
        other_org=other_org,
    )


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login_helper(client):
    def login(user: User | None, password: str = PASSWORD):
        if user is None:
            return None
        token = csrf_token(client)
        response = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return login


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method: str):
        def call(path: str, json: Any = None, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(path, json=json, headers=headers, **kwargs)

        return call


def api_helper(app, session):
    def api(user: User | None) -> ApiClient:
        secret = tokens.create(session, user, name="tests")[1] if user else None
        return ApiClient(app.test_client(), secret)

    return api


def mailbox(app):
    def read() -> list:
        folder = Path(app.config["MAIL_FOLDER"])
        if not folder.exists():
            return []
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]

    return read


# -- rows for features' tests: direct inserts with defaults, so one feature's tests never wait on another's --
def row_factory(session, model, defaults):
    """make(**overrides) -> a committed row of `model`; callables in defaults are called for each row."""

    def make(**overrides):
        fields = {k: (v() if callable(v) else v) for k, v in defaults.items()}
        fields.update(overrides)
        row = model(**fields)
        session.add(row)
        session.commit()
        return row

    return make


def campaign_factory(session, org):
    from datetime import date, timedelta

    from campaigns.domain.model import Campaign

    return row_factory(session, Campaign, {
        "org_id": org.id, "name": lambda: f"Campaign {next(_seq)}", "summary": "Fair rents for everyone.",
        "ask": "Cap rent rises at inflation.", "target": "City housing committee", "starts_on": date.today,
        "deadline": lambda: date.today() + timedelta(days=90), "stage": "collaboration",
    })


def goal_factory(session):
    from datetime import date, timedelta

    from campaigns.domain.model import Goal

    return row_factory(session, Goal, {
        "name": lambda: f"Letters {next(_seq)}", "unit": "letters", "target": 100,
        "due_on": lambda: date.today() + timedelta(days=60),
    })


def action_factory(session, org):
    from datetime import timedelta

    from campaigns import clock
    from campaigns.domain.model import Action

    start = lambda: (clock.now() + timedelta(days=7)).replace(microsecond=0)  # noqa: E731
    return row_factory(session, Action, {
        "org_id": org.id, "kind": "town_hall", "title": lambda: f"Town hall {next(_seq)}", "starts_at": start,
        "ends_at": lambda: start() + timedelta(hours=2), "timezone": "Europe/London",
        "address": "Community Centre, 1 High Street", "checkin_code": lambda: f"C{next(_seq):05d}",
    })


def task_factory(session, org):
    from campaigns.domain.model import Task

    return row_factory(session, Task, {"org_id": org.id, "title": lambda: f"Task {next(_seq)}", "capacity": 2})
