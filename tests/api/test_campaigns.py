"""The campaigns API: launching, reading, editing, stages, goals, personal goals and the team."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns.domain.model import Campaign, Goal, PersonalGoal, ReadAccess
from tests import campaign_fixtures as fx

launch, make_concern, make_outcome, today, give_consent = (fx.launch, fx.make_concern, fx.make_outcome, fx.today,
                                                           fx.give_consent)


def fresh(session) -> None:
    session.rollback()
    session.expire_all()


@pytest.fixture
def launch_body(make_concern, today):
    def body(**overrides):
        data = {"concern_ids": [make_concern().id], "name": "Fair rents", "summary": "Rents rose 20%.",
                "ask": "Cap rent rises.", "target": "City housing committee", "starts_on": today.isoformat(),
                "deadline": (today + timedelta(days=41)).isoformat(), "timezone": "Europe/London",
                "visibility": "members"}
        data.update(overrides)
        return data

    return body


# -- campaigns -------------------------------------------------------------------------------------------------
def test_a_coordinator_launches_and_members_read_it(api, people, launch_body):
    response = api(people.coordinator).post(f"/api/v1/orgs/{people.org.id}/campaigns", json=launch_body())
    assert response.status_code == 201
    body = response.get_json()
    assert body["stage"] == "assessment" and body["days_left"] == 41
    assert body["allowed_moves"] == ["collaboration", "archived"]
    assert [c["title"] for c in body["concerns"]] and "author_id" not in json.dumps(body)
    read = api(people.client).get(f"/api/v1/campaigns/{body['id']}")
    assert read.status_code == 200 and read.get_json()["name"] == "Fair rents"
    assert read.get_json()["allowed_moves"] == []  # members see the stage, not moves they cannot make


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 141}, "name"),
    ({"summary": "x" * 5001}, "summary"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"visibility": "secret"}, "visibility"),
    ({"concern_ids": []}, "concern_ids"),
    ({"starts_on": "not a date"}, "starts_on"),
    ({"deadline": "2026-02-01"}, "deadline"),
    ({"colour": "blue"}, "colour"),
])
def test_bad_launches_are_422_problems_naming_the_field_and_write_nothing(api, people, launch_body, session,
                                                                         overrides, field):
    response = api(people.coordinator).post(f"/api/v1/orgs/{people.org.id}/campaigns", json=launch_body(**overrides))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert session.exec(select(Campaign)).all() == []


def test_launching_from_another_organisations_concern_is_404(api, people, launch_body, make_concern):
    theirs = make_concern(org_id=people.other_org.id)
    response = api(people.coordinator).post(f"/api/v1/orgs/{people.org.id}/campaigns",
                                            json=launch_body(concern_ids=[theirs.id]))
    assert response.status_code == 404


def test_launching_from_a_concern_not_yet_shared_is_refused(api, people, launch_body, make_concern):
    concern = make_concern(status="open")
    response = api(people.coordinator).post(f"/api/v1/orgs/{people.org.id}/campaigns",
                                            json=launch_body(concern_ids=[concern.id]))
    assert response.status_code == 422 and "isn't shared" in response.get_json()["errors"]["concern_ids"][0]


@pytest.mark.parametrize(("role", "status"), [("client", 403), ("worker", 403), ("outsider", 404), ("admin", 404)])
def test_only_the_organisations_coordinators_launch(api, people, launch_body, role, status):
    response = api(getattr(people, role)).post(f"/api/v1/orgs/{people.org.id}/campaigns", json=launch_body())
    assert response.status_code == status


def test_the_list_is_paginated_filtered_by_stage_and_closed_to_outsiders(api, people, make_campaign):
    for stage in ("collaboration", "collaboration", "intervention"):
        make_campaign(stage=stage)
    caller = api(people.client)
    response = caller.get(f"/api/v1/orgs/{people.org.id}/campaigns?page_size=2")
    assert len(response.get_json()) == 2 and json.loads(response.headers["X-Pagination"])["total"] == 3
    assert 'rel="next"' in response.headers["Link"]
    staged = caller.get(f"/api/v1/orgs/{people.org.id}/campaigns?stage=intervention").get_json()
    assert [c["stage"] for c in staged] == ["intervention"]
    assert caller.get(f"/api/v1/orgs/{people.org.id}/campaigns?stage=party").status_code == 422
    assert api(people.outsider).get(f"/api/v1/orgs/{people.org.id}/campaigns").status_code == 404


@pytest.mark.parametrize("visibility", ["members", "public"])
def test_another_organisation_gets_404_for_any_campaign(api, people, make_campaign, visibility):
    campaign = make_campaign(visibility=visibility)
    outsider = api(people.outsider)
    for path in ("", "/goals", "/team", "/personal-goal"):
        assert outsider.get(f"/api/v1/campaigns/{campaign.id}{path}").status_code == 404
    assert api(None).get(f"/api/v1/campaigns/{campaign.id}").status_code == 401


def test_patch_edits_details_and_refuses_a_deadline_before_the_start(api, people, make_campaign, today):
    campaign = make_campaign(starts_on=today, deadline=today + timedelta(days=30))
    caller = api(people.coordinator)
    body = caller.patch(f"/api/v1/campaigns/{campaign.id}", json={"name": "Fair rents now",
                                                                   "visibility": "public"}).get_json()
    assert (body["name"], body["visibility"]) == ("Fair rents now", "public")
    refused = caller.patch(f"/api/v1/campaigns/{campaign.id}",
                           json={"deadline": (today - timedelta(days=1)).isoformat()})
    assert refused.status_code == 422 and "deadline" in refused.get_json()["errors"]
    assert api(people.client).patch(f"/api/v1/campaigns/{campaign.id}", json={"name": "X"}).status_code == 403


# -- stages ----------------------------------------------------------------------------------------------------
def test_stage_moves_and_a_forbidden_jump_is_409_with_the_rules_reason(api, people, make_campaign, make_goal,
                                                                       make_outcome, session):
    campaign = make_campaign(stage="collaboration")
    caller = api(people.coordinator)
    path = f"/api/v1/campaigns/{campaign.id}/stage"
    refused = caller.post(path, json={"to": "intervention"})
    assert refused.status_code == 409 and "accepted goal" in refused.get_json()["detail"]
    make_goal(campaign_id=campaign.id)
    assert caller.post(path, json={"to": "intervention"}).get_json()["stage"] == "intervention"
    jump = caller.post(path, json={"to": "closed", "closing_summary": "Done."})
    assert jump.status_code == 409 and "one stage at a time" in jump.get_json()["detail"]
    assert caller.post(path, json={"to": "evaluation"}).status_code == 200
    make_outcome(campaign_id=campaign.id)
    closed = caller.post(path, json={"to": "closed", "closing_summary": "Rents frozen."}).get_json()
    assert closed["stage"] == "closed" and closed["closing_summary"] == "Rents frozen."
    assert caller.post(path, json={"to": "evaluation"}).status_code == 409
    assert caller.post(path, json={"to": "somewhere"}).status_code == 422
    assert api(people.client).post(path, json={"to": "archived"}).status_code == 403


# -- goals -----------------------------------------------------------------------------------------------------
def test_goals_are_set_proposed_accepted_declined_and_listed(api, people, make_campaign, today):
    campaign = make_campaign(stage="collaboration", starts_on=today, deadline=today + timedelta(days=60))
    path = f"/api/v1/campaigns/{campaign.id}/goals"
    coordinator, client = api(people.coordinator), api(people.client)
    set_ = coordinator.post(path, json={"name": "Letters", "unit": "letters", "target": 200})
    assert set_.status_code == 201 and set_.get_json()["status"] == "accepted"
    proposed = client.post(path, json={"name": "Meeting granted by the council", "kind": "milestone"}).get_json()
    assert proposed["status"] == "proposed" and proposed["proposed_by_you"] is True
    other = client.post(path, json={"name": "Hours", "unit": "hours", "target": 40}).get_json()
    assert coordinator.post(f"/api/v1/goals/{proposed['id']}/accept").get_json()["status"] == "accepted"
    declined = coordinator.post(f"/api/v1/goals/{other['id']}/decline", json={"reason": "Counted elsewhere."})
    assert declined.get_json()["status"] == "declined"
    assert coordinator.post(f"/api/v1/goals/{other['id']}/decline", json={"reason": ""}).status_code == 422
    listed = client.get(path).get_json()
    assert [(g["name"], g["status"]) for g in listed] == [
        ("Letters", "accepted"), ("Meeting granted by the council", "accepted"), ("Hours", "declined")]
    assert [g["name"] for g in api(people.other_client).get(path).get_json()] == [
        "Letters", "Meeting granted by the council"]
    assert len(client.get(f"{path}?status=accepted").get_json()) == 2
    achieved = coordinator.post(f"/api/v1/goals/{proposed['id']}/achieve").get_json()
    assert achieved["current"] == 1 and achieved["achieved_at"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Letters", "unit": "letters", "target": -1}, "target"),
    ({"name": "Letters", "unit": "letters", "target": 0}, "target"),
    ({"name": "Letters", "unit": "letters", "target": 2.5}, "target"),
    ({"name": "Letters", "unit": "letters", "target": 10, "due_on": "2026-06-01"}, "due_on"),
    ({"name": "", "unit": "letters", "target": 10}, "name"),
    ({"name": "Letters", "unit": "letters", "target": 10, "weight": 0}, "weight"),
    ({"name": "Letters", "kind": "dream", "target": 10}, "kind"),
])
def test_bad_goals_are_422_naming_the_field(api, people, make_campaign, session, today, body, field):
    campaign = make_campaign(stage="collaboration", starts_on=today, deadline=today + timedelta(days=30))
    response = api(people.coordinator).post(f"/api/v1/campaigns/{campaign.id}/goals", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert session.exec(select(Goal)).all() == []


def test_patching_a_goal_and_proposing_outside_collaboration(api, people, make_campaign, make_goal):
    campaign = make_campaign(stage="intervention")
    goal = make_goal(campaign_id=campaign.id, target=100)
    coordinator = api(people.coordinator)
    assert coordinator.patch(f"/api/v1/goals/{goal.id}", json={"target": 300}).get_json()["target"] == 300
    assert coordinator.patch(f"/api/v1/goals/{goal.id}", json={"target": 0}).status_code == 422
    assert api(people.client).patch(f"/api/v1/goals/{goal.id}", json={"target": 1}).status_code == 403
    assert api(people.outsider).patch(f"/api/v1/goals/{goal.id}", json={"target": 1}).status_code == 404
    late = api(people.client).post(f"/api/v1/campaigns/{campaign.id}/goals",
                                   json={"name": "X", "unit": "letters", "target": 5})
    assert late.status_code == 409 and "collaboration" in late.get_json()["detail"]


# -- personal goals --------------------------------------------------------------------------------------------
def test_the_personal_goal_is_the_callers_own(api, people, campaign, session, give_consent):
    path = f"/api/v1/campaigns/{campaign.id}/personal-goal"
    client = api(people.client)
    assert client.get(path).status_code == 404
    put = client.put(path, json={"text": "Speak once at a public meeting", "shared_with_worker": True})
    assert put.status_code == 200 and put.get_json()["done"] is False
    assert client.put(path, json={"text": "Speak once at a public meeting", "done": True}).get_json()["done"]
    assert api(people.other_client).get(path).status_code == 404
    assert client.put(path, json={"text": ""}).status_code == 422
    worker = api(people.worker)
    assert worker.get(f"/api/v1/campaigns/{campaign.id}/client-goals").get_json() == []
    client.put(path, json={"text": "Speak once at a public meeting", "shared_with_worker": True})
    give_consent(people.client, people.worker, people.org)
    [shared] = worker.get(f"/api/v1/campaigns/{campaign.id}/client-goals").get_json()
    assert shared["client"] == "Client Alex" and shared["text"] == "Speak once at a public meeting"
    assert [r.viewer_id for r in session.exec(select(ReadAccess))] == [people.worker.id]
    assert client.delete(path).status_code == 204
    fresh(session)
    assert session.exec(select(PersonalGoal)).all() == []


# -- team ------------------------------------------------------------------------------------------------------
def test_the_team_is_managed_joined_and_left(api, people, launch):
    campaign = launch()
    path = f"/api/v1/campaigns/{campaign.id}/team"
    coordinator = api(people.coordinator)
    added = coordinator.post(path, json={"user_id": people.other_client.id, "role": "organiser"})
    assert added.status_code == 201 and added.get_json()["display_name"] == "Client Jo"
    member_id = added.get_json()["id"]
    assert coordinator.patch(f"{path}/{member_id}", json={"role": "member"}).get_json()["role"] == "member"
    assert coordinator.patch(f"{path}/{member_id}", json={"role": "king"}).status_code == 422
    assert coordinator.post(path, json={"user_id": people.outsider.id}).status_code == 422
    client = api(people.client)
    assert client.post(f"/api/v1/campaigns/{campaign.id}/join").status_code == 201
    assert client.post(f"/api/v1/campaigns/{campaign.id}/join").status_code == 409
    team = client.get(path).get_json()
    assert [(m["display_name"], m["role"]) for m in team] == [
        ("Coordinator Sam", "lead"), ("Client Alex", "member"), ("Client Jo", "member")]
    assert "email" not in json.dumps(team)
    assert client.post(f"/api/v1/campaigns/{campaign.id}/leave").status_code == 204
    assert coordinator.delete(f"{path}/{member_id}").status_code == 204
    lead_id = coordinator.get(path).get_json()[0]["id"]
    assert coordinator.delete(f"{path}/{lead_id}").status_code == 409
    assert api(people.coordinator).post(f"/api/v1/campaigns/{campaign.id}/join").status_code == 403


def test_the_openapi_document_describes_the_campaign_endpoints(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/v1/orgs/{org_id}/campaigns", "/api/v1/campaigns/{campaign_id}/stage",
                 "/api/v1/goals/{goal_id}/decline", "/api/v1/campaigns/{campaign_id}/personal-goal",
                 "/api/v1/campaigns/{campaign_id}/team/{member_id}"):
        assert path in spec["paths"]
