"""Fixtures for the campaigns feature's tests (import the ones a test module uses)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from campaigns import clock
from campaigns.domain.model import Concern, Consent, Outcome
from campaigns.services import campaigns
from tests.factories import row_factory

_seq = itertools.count(1)

TODAY = date(2026, 3, 2)


@pytest.fixture
def today():
    """Time pinned at noon on a known Monday, so deadlines and countdowns are predictable."""
    from datetime import UTC, datetime

    clock.pin(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    return TODAY


@pytest.fixture
def make_concern(session, org):
    """make_concern(**overrides): a concern row, shared by default (inserted directly: no author read)."""
    return row_factory(session, Concern, {
        "org_id": org.id, "title": lambda: f"Rent rises in block {next(_seq)}", "status": "shared",
        "support_count": 3, "shared_at": clock.now,
    })


@pytest.fixture
def launch(session, people, make_concern, today):
    """launch(**overrides): a campaign launched by the coordinator from a fresh shared concern."""

    def make(**overrides):
        fields = {"actor": people.coordinator, "org_id": people.org.id, "name": "Fair rents",
                  "summary": "Rents rose 20% this year.", "ask": "Cap rent rises at inflation.",
                  "target": "City housing committee", "starts_on": today, "deadline": today + timedelta(days=41),
                  "timezone": "Europe/London"}
        fields.update(overrides)
        if "concern_ids" not in fields:
            fields["concern_ids"] = [make_concern().id]
        return campaigns.launch(session, **fields)

    return make


@pytest.fixture
def make_outcome(session):
    """make_outcome(campaign_id=…): an outcome row (the progress feature records them for real)."""
    return row_factory(session, Outcome, {"what_changed": "The committee agreed to a rent freeze.",
                                          "result": "achieved", "occurred_on": date.today})


@pytest.fixture
def give_consent(session):
    """give_consent(client, worker, org, scope="sign_up"): a live consent row."""

    def give(client, worker, org, scope: str = "sign_up", **overrides):
        session.commit()  # end any read snapshot first: SQLite will not upgrade a stale one to a write
        consent = Consent(org_id=org.id, client_id=client.id, worker_id=worker.id, scope=scope, **overrides)
        session.add(consent)
        session.commit()
        return consent

    return give
