"""Fixtures for the security tests: a world with one of each object (see world.py)."""

from __future__ import annotations

import pytest

from campaigns.services import security
from tests.factories import PASSWORD
from tests.security import world as world_module


@pytest.fixture
def world(session) -> world_module.World:
    return world_module.build(session, password_hash=security.hash_password(PASSWORD))


@pytest.fixture
def spec(app) -> dict:
    """The app's OpenAPI document."""
    return app.test_client().get("/api/openapi.json").get_json()


@pytest.fixture
def new_world(app, session):
    """new_world() -> a fresh world and a caller per actor; CSRF is off (test_asvs proves every form needs it)."""
    from tests.security import matrix

    app.config["WTF_CSRF_ENABLED"] = False
    password_hash = security.hash_password(PASSWORD)

    def make():
        built = world_module.build(session, password_hash=password_hash)
        session.expunge_all()  # the app deletes rows as it goes; SQLite may reuse their ids for the next world
        return built, matrix.Callers(app, built)

    return make
