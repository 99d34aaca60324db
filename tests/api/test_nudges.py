"""The nudges API: my inbox, my notification settings, reminder rules and delivery status for coordinators."""

from datetime import timedelta

from campaigns.nudges.outbox import NudgeSpec, plan
from tests.nudge_helpers import NOON, at, dispatch, sign_up


def _hello(session, person, n=3):
    for i in range(n):
        plan(session, NudgeSpec(recipient_id=person.id, kind="message", subject_type="user", subject_id=person.id,
                                reason=f"hi{i}", channels=("inapp",), payload={"title": f"Hi {i}", "body": "."}))
    session.commit()
    dispatch(session)


def test_my_inbox_is_paginated_and_items_can_be_marked_read(api, session, people):
    at(NOON)
    _hello(session, people.client)
    me = api(people.client)
    response = me.get("/api/v1/me/inbox?page=1&page_size=2")
    assert response.status_code == 200 and len(response.get_json()) == 2
    assert '"total": 3' in response.headers["X-Pagination"] and 'rel="next"' in response.headers["Link"]
    item = response.get_json()[0]
    assert item["read_at"] is None
    assert me.post(f"/api/v1/me/inbox/{item['id']}/read").status_code == 204
    assert me.get("/api/v1/me/inbox").get_json()[0]["read_at"] is not None
    assert api(people.other_client).post(f"/api/v1/me/inbox/{item['id']}/read").status_code == 404


def test_notification_settings_round_trip_and_refuse_nonsense(api, people):
    me = api(people.client)
    assert me.get("/api/v1/me/notification-settings").get_json()["digest"] == "immediate"
    changed = me.put("/api/v1/me/notification-settings", json={
        "digest": "weekly", "quiet_start": "22:00", "muted_kinds": ["unfilled_tasks"],
        "pause_until": "2030-01-01T09:00:00+00:00"})
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["digest"] == "weekly" and body["quiet_start"] in ("22:00", "22:00:00")
    assert body["muted_kinds"] == ["unfilled_tasks"]
    bad = me.put("/api/v1/me/notification-settings", json={"daily_cap": -1, "muted_kinds": ["everything"],
                                                           "colour": "blue"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"daily_cap", "muted_kinds", "colour"}


def test_coordinators_manage_reminder_rules(api, people, campaign):
    coordinator = api(people.coordinator)
    rules = coordinator.get(f"/api/v1/campaigns/{campaign.id}/reminder-rules?page_size=50")
    assert rules.status_code == 200
    keys = [r["key"] for r in rules.get_json()]
    assert "day_before" in keys and "X-Pagination" in rules.headers
    created = coordinator.post(f"/api/v1/campaigns/{campaign.id}/reminder-rules", json={
        "name": "Three days before, 09:00", "anchor": "action_start", "audience": "confirmed",
        "local_time": "09:00", "offset_days": -3, "channels": ["inapp"]})
    assert created.status_code == 201
    key = created.get_json()["key"]
    assert coordinator.get(f"/api/v1/campaigns/{campaign.id}/reminder-rules/{key}").get_json()["offset_days"] == -3
    off = coordinator.patch(f"/api/v1/campaigns/{campaign.id}/reminder-rules/day_before", json={"enabled": False})
    assert off.status_code == 200 and off.get_json()["enabled"] is False
    assert coordinator.delete(f"/api/v1/campaigns/{campaign.id}/reminder-rules/day_before").status_code == 422
    assert coordinator.delete(f"/api/v1/campaigns/{campaign.id}/reminder-rules/{key}").status_code == 204
    assert coordinator.get(f"/api/v1/campaigns/{campaign.id}/reminder-rules/{key}").status_code == 404


def test_rules_are_for_coordinators_of_the_campaign_only(api, people, campaign):
    assert api(people.client).get(f"/api/v1/campaigns/{campaign.id}/reminder-rules").status_code == 403
    assert api(people.outsider).get(f"/api/v1/campaigns/{campaign.id}/reminder-rules").status_code == 404
    bad = api(people.coordinator).post(f"/api/v1/campaigns/{campaign.id}/reminder-rules",
                                       json={"name": "x", "anchor": "sunrise", "audience": "confirmed"})
    assert bad.status_code == 422 and "anchor" in bad.get_json()["errors"]


def test_coordinators_see_the_delivery_status_of_their_campaign(api, session, people, campaign, make_action,
                                                                make_task):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=5), ends_at=NOON + timedelta(days=5, hours=1))
    sign_up(session, make_task(action_id=action.id), people.client)
    dispatch(session)
    coordinator = api(people.coordinator)
    everything = coordinator.get(f"/api/v1/campaigns/{campaign.id}/nudges?page_size=100").get_json()
    assert {n["status"] for n in everything} >= {"sent", "planned"}
    assert all(n["recipient"] for n in everything)
    for_action = coordinator.get(f"/api/v1/campaigns/{campaign.id}/nudges?subject_type=action&subject_id={action.id}")
    assert {n["kind"] for n in for_action.get_json()} == {"day_before", "two_hours_before", "after_action"}
    sent = coordinator.get(f"/api/v1/campaigns/{campaign.id}/nudges?status=sent").get_json()
    assert sent and all(n["status"] == "sent" for n in sent)
    assert api(people.client).get(f"/api/v1/campaigns/{campaign.id}/nudges").status_code == 403
