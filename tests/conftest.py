"""Fixtures: every test gets a fresh app on a clean database, on SQLite and, when TEST_DATABASE_URL is set,
on PostgreSQL too. Factories make people and organisations; helpers log in as each role."""

from __future__ import annotations

import contextvars
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from campaigns import clock, create_app, migrations
from campaigns.db import session_scope
from tests import factories

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_report_header(config):
    return f"database backends: {', '.join(BACKENDS)}" + ("" if PG_URL else " (set TEST_DATABASE_URL for PostgreSQL)")


def _pg_url() -> str:
    url = make_url(PG_URL)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite database, copied for each test (quicker than migrating every time)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database():
    """The PostgreSQL test database, migrated once; tests truncate it."""
    url = _pg_url()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # CI must fail, not skip, when PostgreSQL is missing
        message = f"PostgreSQL at TEST_DATABASE_URL does not answer: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrations.upgrade(url)
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
    yield url, engine, tables
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        if request.node.get_closest_marker("postgres_only"):
            pytest.skip("needs PostgreSQL (row locks across processes)")
        target = tmp_path / "test.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url, engine, tables = request.getfixturevalue("pg_database")
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(f'{t!r}'.replace(chr(39), chr(34)) for t in tables)} "
                          "RESTART IDENTITY CASCADE"))
    return url


class IsolatedClient(FlaskClient):
    """Each request runs in an empty context, so it gets its own app context and `g`, as in production.

    (Otherwise requests reuse the test's app context and share `g`: the db session, the loaded user.)
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app("testing", DATABASE_URL=database_url, MAIL_FOLDER=str(tmp_path / "mail"),
                     SMS_FOLDER=str(tmp_path / "sms"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
    app.extensions["campaigns.engine"].dispose()


@pytest.fixture(autouse=True)
def _time_runs_freely():
    clock.pin(None)
    yield
    clock.pin(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A session for arranging and checking state directly (committed, so the app sees it)."""
    with session_scope() as s:
        yield s


@pytest.fixture
def make_user(session) -> Callable:
    return factories.user_factory(session)


@pytest.fixture
def make_org(session) -> Callable:
    return factories.org_factory(session)


@pytest.fixture
def org(make_org):
    return make_org()


@pytest.fixture
def people(org, make_user, make_org) -> factories.People:
    """One member per role in `org`, a site admin, and a member of another organisation."""
    return factories.people(org, make_user, make_org)


@pytest.fixture
def login(client) -> Callable:
    """login(user): log the test client in as `user` through the real login form."""
    return factories.login_helper(client)


@pytest.fixture
def api(app, session) -> Callable:
    """api(user) -> an API client that sends that person's bearer token."""
    return factories.api_helper(app, session)


@pytest.fixture
def mailbox(app) -> Callable[[], list]:
    """The mails sent so far (the testing config writes them to a folder)."""
    return factories.mailbox(app)


@pytest.fixture
def make_campaign(session, org):
    """make_campaign(**overrides): a campaign row in `org` (stage collaboration unless overridden)."""
    return factories.campaign_factory(session, org)


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


@pytest.fixture
def make_goal(session, campaign):
    """make_goal(**overrides): an accepted goal of `campaign` (pass campaign_id for another)."""
    make = factories.goal_factory(session)
    return lambda **overrides: make(**{"campaign_id": campaign.id, **overrides})


@pytest.fixture
def make_action(session, org, campaign):
    make = factories.action_factory(session, org)
    return lambda **overrides: make(**{"campaign_id": campaign.id, **overrides})


@pytest.fixture
def make_task(session, org, campaign):
    make = factories.task_factory(session, org)
    return lambda **overrides: make(**{"campaign_id": campaign.id, **overrides})
