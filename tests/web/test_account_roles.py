"""Each role's own account pages (issue 15 item 6): a client is not shown coordinators' settings or an API token
form; what is whose is decided in services/policy.py."""

from __future__ import annotations

import pytest

from campaigns.domain.model import CampaignMember
from campaigns.nudges import settings as notification_settings
from campaigns.services import policy, tokens
from tests.factories import csrf_token


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "expected"), [
    ("client", {"consents_given"}),
    ("worker", {"api_tokens", "consents_received"}),
    ("coordinator", {"api_tokens", "coordinator_nudges"}),
    ("admin", {"api_tokens"}),
])
def test_account_features_follow_what_a_person_does(session, people, who, expected):
    assert policy.account_features(session, getattr(people, who)) == expected


def test_a_campaign_lead_gets_the_coordinators_nudges(session, people, campaign):
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id, role="lead"))
    session.commit()
    assert "coordinator_nudges" in policy.account_features(session, people.client)


def test_a_client_sees_no_api_token_form_and_cannot_post_one(client, people, login):
    login(people.client)
    page = text(client.get("/account"))
    assert 'id="tokens-h"' not in page and 'action="/account/tokens"' not in page
    assert "Consents: what a worker may do for you" in page
    refused = client.post("/account/tokens", data={"csrf_token": csrf_token(client, "/account"), "name": "sync"})
    assert refused.status_code == 403


def test_a_client_with_an_old_token_can_still_revoke_it(client, people, login, session):
    tokens.create(session, people.client, name="old sync")
    login(people.client)
    page = text(client.get("/account"))
    assert "old sync" in page and "Revoke" in page and 'action="/account/tokens"' not in page


@pytest.mark.parametrize("who", ["worker", "coordinator"])
def test_staff_create_api_tokens(client, people, login, who):
    login(getattr(people, who))
    assert 'action="/account/tokens"' in text(client.get("/account"))
    made = client.post("/account/tokens", data={"csrf_token": csrf_token(client, "/account"), "name": "sync"})
    assert made.status_code == 201


def test_a_worker_reads_consents_as_received_and_a_coordinator_has_none(client, people, login, app):
    login(people.worker)
    assert "Consents: what your clients let you do for them" in text(client.get("/account"))
    other = app.test_client()
    from tests.factories import login_helper

    login_helper(other)(people.coordinator)
    assert "Consents:" not in text(other.get("/account"))


def test_a_clients_notification_settings_leave_out_coordinators_kinds(client, people, login):
    login(people.client)
    page = text(client.get("/account/notifications"))
    assert "Coordinators: the Monday summary" not in page and "The day before an action" in page


def test_a_coordinator_can_switch_coordinators_kinds_off(client, people, login):
    login(people.coordinator)
    assert "Coordinators: the Monday summary" in text(client.get("/account/notifications"))


def test_saving_keeps_a_kind_that_is_not_listed_as_it_was(client, people, login, session):
    notification_settings.update(session, people.client, muted_kinds=["capacity_alert"])
    login(people.client)
    response = client.post("/account/notifications", data={
        "csrf_token": csrf_token(client, "/account/notifications"), "muted_kinds__present": "1",
        "muted_kinds": ["capacity_alert", "after_action"]})
    assert response.status_code == 302
    session.expire_all()
    assert notification_settings.get(session, people.client).muted_kinds == ["after_action", "capacity_alert"]
