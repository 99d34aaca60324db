"""The progress, outcomes, reflections, webhooks and reports API: query budget, privacy, k, errors."""

from datetime import timedelta

import pytest

from campaigns import clock
from campaigns.domain import events as ev
from campaigns.domain.model import CampaignMember, GoalSnapshot
from tests.progress_helpers import count_queries, record, verify


@pytest.fixture
def tracked(session, campaign, make_goal):
    today = clock.now().date()
    campaign.starts_on = today - timedelta(days=20)
    session.add(campaign)
    goal = make_goal(target=100, due_on=today + timedelta(days=30))
    for days_ago in (14, 7):
        session.add(GoalSnapshot(goal_id=goal.id, day=today - timedelta(days=days_ago), value=20 - days_ago))
    session.commit()
    return goal


def test_a_campaign_read_costs_at_most_six_statements_with_the_token_check(api, session, people, campaign, tracked):
    caller = api(people.coordinator)
    path = f"/api/v1/campaigns/{campaign.id}"
    caller.get(path)  # the token's first use is recorded once; measure the steady state
    with count_queries() as queries:
        body = caller.get(path).get_json()
    assert body["id"] == campaign.id and queries() <= 6, queries.statements


def test_a_campaign_progress_read_issues_at_most_6_queries_however_many_contributions(
        api, session, people, campaign, tracked):
    caller = api(people.client)
    path = f"/api/v1/campaigns/{campaign.id}/progress"
    caller.get(path)  # the token's first use is recorded once; measure the steady state
    verify(session, tracked, 1)
    with count_queries() as few:
        body = caller.get(path).get_json()
    for _ in range(40):
        verify(session, tracked, 1)
    with count_queries() as many:
        later = caller.get(path).get_json()
    assert few() <= 6 and many() == few(), many.statements
    assert body["goals"][0]["current"] == 1 and later["goals"][0]["current"] == 41
    goal = later["goals"][0]
    assert goal["projection"]["status"] == "on_pace" and len(goal["series"]) == 3
    assert later["progress_percent"] == 41 and later["stalled"] is False


def test_progress_is_for_members_only(api, people, campaign, tracked):
    assert api(people.outsider).get(f"/api/v1/campaigns/{campaign.id}/progress").status_code == 404
    assert api(None).get(f"/api/v1/campaigns/{campaign.id}/progress").status_code == 401


def test_activity_is_paginated_and_privacy_filtered(api, session, people, campaign, tracked):
    record(session, ev.ConcernRaised(org_id=people.org.id, subject_id=1, title="Private title"))
    for _ in range(3):
        verify(session, tracked, 1, user=people.client)
    response = api(people.worker).get(f"/api/v1/orgs/{people.org.id}/activity?page=1&page_size=2")
    assert response.status_code == 200 and '"total": 4' in response.headers["X-Pagination"]
    assert 'rel="next"' in response.headers["Link"]
    items = response.get_json()
    assert [i["actor"] for i in items] == ["Client Alex", "Client Alex"]
    everything = api(people.worker).get(f"/api/v1/orgs/{people.org.id}/activity?page_size=50").get_json()
    assert "Private title" not in str(everything) and everything[-1]["actor"] is None
    assert api(people.outsider).get(f"/api/v1/orgs/{people.org.id}/activity").status_code == 404
    feed = api(people.client).get(f"/api/v1/campaigns/{campaign.id}/activity").get_json()
    assert len(feed) == 3 and all(e["campaign_id"] == campaign.id for e in feed)


def test_the_dashboard_and_overview(api, session, people, campaign, tracked):
    verify(session, tracked, 30, user=people.client)
    board = api(people.coordinator).get(f"/api/v1/orgs/{people.org.id}/dashboard").get_json()
    assert [c["campaign_id"] for c in board["campaigns"]] == [campaign.id]
    assert board["campaigns"][0]["goals"][0]["milestone_reached"] == 25
    assert api(people.client).get(f"/api/v1/orgs/{people.org.id}/dashboard").status_code == 403
    overview = api(people.client).get(f"/api/v1/orgs/{people.org.id}/overview").get_json()
    assert overview["volunteers"] is None and overview["volunteer_hours"] is None and overview["k"] == 3
    assert overview["campaigns_by_stage"]["collaboration"] == 1


def test_public_campaigns_need_no_token_and_name_nobody(api, session, people, make_campaign, make_goal):
    public = make_campaign(visibility="public", name="Open Campaign")
    verify(session, make_goal(campaign_id=public.id), 5, user=people.client)
    body = api(None).get(f"/api/v1/public/campaigns/{public.id}").get_json()
    assert body["name"] == "Open Campaign" and body["activity"] and "actor" not in body["activity"][0]
    assert people.client.display_name not in str(body)
    hidden = make_campaign(visibility="members")
    assert api(None).get(f"/api/v1/public/campaigns/{hidden.id}").status_code == 404


def test_outcomes_are_recorded_reviewed_and_corrected(api, people, campaign):
    coordinator = api(people.coordinator)
    today = clock.now().date().isoformat()
    created = coordinator.post(f"/api/v1/campaigns/{campaign.id}/outcomes", json={
        "what_changed": "A meeting with the housing committee", "result": "partly", "occurred_on": today,
        "evidence_url": "https://example.org/minutes", "review_on": today})
    assert created.status_code == 201, created.get_json()
    outcome_id = created.get_json()["id"]
    bad = coordinator.post(f"/api/v1/campaigns/{campaign.id}/outcomes", json={
        "what_changed": "x", "result": "great", "occurred_on": today, "colour": "red"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) >= {"result", "colour"}
    bad_link = coordinator.post(f"/api/v1/campaigns/{campaign.id}/outcomes", json={
        "what_changed": "x", "result": "achieved", "occurred_on": today, "evidence_url": "javascript:alert(1)"})
    assert bad_link.status_code == 422 and "evidence_url" in bad_link.get_json()["errors"]
    reviewed = coordinator.post(f"/api/v1/outcomes/{outcome_id}/review", json={"what_worked": "Stories"})
    assert reviewed.get_json()["reviewed_at"] and reviewed.get_json()["what_worked"] == "Stories"
    patched = coordinator.patch(f"/api/v1/outcomes/{outcome_id}", json={"result": "achieved"})
    assert patched.status_code == 200 and patched.get_json()["result"] == "achieved"
    listed = api(people.client).get(f"/api/v1/campaigns/{campaign.id}/outcomes")
    assert [o["id"] for o in listed.get_json()] == [outcome_id] and "X-Pagination" in listed.headers
    assert api(people.client).patch(f"/api/v1/outcomes/{outcome_id}", json={"result": "partly"}).status_code == 403
    assert api(people.outsider).get(f"/api/v1/outcomes/{outcome_id}").status_code == 404


@pytest.mark.parametrize("answers", [2, 3])
def test_reflection_aggregates_appear_from_k_answers(api, session, people, make_user, campaign, answers):
    k = people.org.share_threshold
    for n in range(answers):
        person = make_user(org=people.org)
        session.add(CampaignMember(campaign_id=campaign.id, user_id=person.id))
        session.commit()
        mine = api(person).put(f"/api/v1/campaigns/{campaign.id}/reflections/before",
                               json={"influence": 2 + n % 3, "connected": 3, "know_how": 4, "free_text": "only me"})
        assert mine.status_code == 200 and mine.get_json()["free_text"] == "only me"
    summary = api(people.coordinator).get(f"/api/v1/campaigns/{campaign.id}/reflections/summary").get_json()
    if answers < k:
        assert summary["before"] is None
    else:
        assert summary["before"]["answered"] == k and summary["before"]["items"]["connected"]["mean"] == 3
    assert "only me" not in str(summary)
    assert api(people.client).get(f"/api/v1/campaigns/{campaign.id}/reflections/summary").status_code == 403


def test_my_reflections_are_mine_alone(api, session, people, campaign):
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id))
    session.commit()
    client = api(people.client)
    path = f"/api/v1/campaigns/{campaign.id}/reflections"
    assert client.put(f"{path}/before", json={"influence": 6, "connected": 3, "know_how": 4}).status_code == 422
    assert client.put(f"{path}/before", json={"influence": 1, "connected": 3, "know_how": 4}).status_code == 200
    assert client.put(f"{path}/after", json={"influence": 1, "connected": 3, "know_how": 4}).status_code == 422
    assert [r["phase"] for r in client.get(f"{path}/mine").get_json()] == ["before"]
    assert api(people.coordinator).get(f"{path}/mine").get_json() == []
    assert client.delete(f"{path}/before").status_code == 204
    assert client.delete(f"{path}/before").status_code == 404


def test_webhooks_api_shows_the_secret_once(api, people):
    coordinator = api(people.coordinator)
    path = f"/api/v1/orgs/{people.org.id}/webhooks"
    created = coordinator.post(path, json={"url": "http://127.0.0.1:9/hook", "event_types": ["GoalReached"]})
    assert created.status_code == 201 and created.get_json()["secret"].startswith("whsec_")
    endpoint_id = created.get_json()["id"]
    assert "secret" not in coordinator.get(f"/api/v1/webhooks/{endpoint_id}").get_json()
    assert all("secret" not in e for e in coordinator.get(path).get_json())
    rotated = coordinator.post(f"/api/v1/webhooks/{endpoint_id}/secret")
    assert rotated.get_json()["secret"] != created.get_json()["secret"]
    assert coordinator.post(f"/api/v1/webhooks/{endpoint_id}/test").status_code == 202
    log = coordinator.get(f"/api/v1/webhooks/{endpoint_id}/deliveries")
    assert log.get_json()[0]["event_type"] == "webhook.test" and "X-Pagination" in log.headers
    off = coordinator.patch(f"/api/v1/webhooks/{endpoint_id}", json={"enabled": False})
    assert off.get_json()["enabled"] is False
    unknown = coordinator.post(path, json={"url": "http://127.0.0.1:9/hook", "event_types": ["Whatever"]})
    assert unknown.status_code == 422
    assert api(people.worker).get(path).status_code == 403
    assert api(people.outsider).get(f"/api/v1/webhooks/{endpoint_id}").status_code == 404


def test_reports_as_json_hold_no_names(api, session, people, campaign, tracked):
    verify(session, tracked, 12, user=people.client, hours=2)
    report = api(people.coordinator).get(f"/api/v1/orgs/{people.org.id}/report").get_json()
    (row,) = report["campaigns"]
    assert row["goals"][0]["current"] == 12 and row["volunteers"] is None and row["hours"] is None
    assert report["overview"]["campaigns_by_stage"]["collaboration"] == 1
    text = str(report)
    assert people.client.display_name not in text and people.client.email not in text
    one = api(people.coordinator).get(f"/api/v1/campaigns/{campaign.id}/report").get_json()
    assert one["campaigns"][0]["id"] == campaign.id and one.get("overview") is None
    assert api(people.client).get(f"/api/v1/campaigns/{campaign.id}/report").status_code == 403
