"""The volunteering API: clear 4xx for bad input with nothing half-written, privacy of places and attendance."""

from datetime import timedelta

import icalendar
import pytest
from sqlmodel import func, select

from campaigns import clock
from campaigns.domain.model import Action, Contribution, EventRecord, Signup, Task

ACTION = {"kind": "letter_writing", "title": "Letters to the council", "starts_at": "2031-05-01T18:00",
          "ends_at": "2031-05-01T20:00", "timezone": "Europe/London", "address": "Library, Mill Lane",
          "address_public": False, "interpreter_languages": ["Polish"]}


def count(session, model) -> int:
    session.commit()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def planned(api, people, campaign):
    """An action with a one-seat task, planned through the API."""
    coordinator = api(people.coordinator)
    action = coordinator.post(f"/api/v1/campaigns/{campaign.id}/actions", json=ACTION).get_json()
    task = coordinator.post(f"/api/v1/actions/{action['id']}/tasks", json={"title": "Scribe", "capacity": 1})
    return action, task.get_json()


def test_planning_an_action_takes_local_time_and_answers_utc_and_local(planned):
    action, task = planned
    assert action["starts_at"].startswith("2031-05-01T17:00:00")  # BST is UTC+1
    assert action["starts_at_local"] == "2031-05-01T18:00:00+01:00"
    assert action["checkin_code"] and task["capacity"] == 1 and task["taken"] == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"ends_at": "2031-05-01T17:00"}, "ends_at"),
    ({"kind": "riot"}, "kind"),
    ({"starts_at": "2031-05-01T18:00+02:00"}, "starts_at"),
    ({"address": None}, "address"),
    ({"surprise": True}, "surprise"),
])
def test_bad_action_input_is_a_422_per_field_and_nothing_is_written(api, session, people, campaign, change, field):
    response = api(people.coordinator).post(f"/api/v1/campaigns/{campaign.id}/actions", json={**ACTION, **change})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert count(session, Action) == 0 and count(session, EventRecord) == 0


@pytest.mark.parametrize("capacity", [0, 10_001])
def test_capacity_0_or_over_10000_is_a_422(api, session, people, planned, capacity):
    action, _ = planned
    response = api(people.coordinator).post(f"/api/v1/actions/{action['id']}/tasks",
                                            json={"title": "Stewards", "capacity": capacity})
    assert response.status_code == 422 and "capacity" in response.get_json()["errors"]
    assert count(session, Task) == 1


def test_signing_up_answers_201_then_200_with_the_same_sign_up(api, people, planned):
    _, task = planned
    client = api(people.client)
    first = client.post(f"/api/v1/tasks/{task['id']}/signups", json={})
    again = client.post(f"/api/v1/tasks/{task['id']}/signups", json={})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"] and first.get_json()["status"] == "confirmed"
    waiting = api(people.other_client).post(f"/api/v1/tasks/{task['id']}/signups").get_json()
    assert (waiting["status"], waiting["position"]) == ("waitlisted", 1)
    cancelled = client.post(f"/api/v1/signups/{first.get_json()['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api(people.other_client).get(f"/api/v1/tasks/{task['id']}").get_json()["my_signup"]["status"] == \
        "confirmed"


def test_a_private_place_shows_only_to_confirmed_volunteers_and_coordinators(api, people, planned):
    action, task = planned
    path = f"/api/v1/actions/{action['id']}"
    before = api(people.client).get(path).get_json()
    assert before["address"] is None and before["place_hidden"] is True and before["checkin_code"] is None
    api(people.client).post(f"/api/v1/tasks/{task['id']}/signups", json={})
    assert api(people.client).get(path).get_json()["address"] == "Library, Mill Lane"
    assert api(people.coordinator).get(path).get_json()["address"] == "Library, Mill Lane"


def test_sign_up_to_a_cancelled_or_past_action_is_a_409_and_writes_nothing(api, session, people, planned,
                                                                           make_action, make_task):
    action, task = planned
    api(people.coordinator).post(f"/api/v1/actions/{action['id']}/cancel")
    refused = api(people.client).post(f"/api/v1/tasks/{task['id']}/signups", json={})
    assert refused.status_code == 409 and "cancelled" in refused.get_json()["detail"]
    past = make_action(starts_at=clock.now() - timedelta(days=3), ends_at=clock.now() - timedelta(days=3, hours=-2))
    old_task = make_task(action_id=past.id)
    assert api(people.client).post(f"/api/v1/tasks/{old_task.id}/signups", json={}).status_code == 409
    assert count(session, Signup) == 0


def test_another_organisations_task_and_action_are_404(api, people, planned):
    action, task = planned
    outsider = api(people.outsider)
    assert outsider.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    assert outsider.post(f"/api/v1/tasks/{task['id']}/signups", json={}).status_code == 404
    assert outsider.get(f"/api/v1/actions/{action['id']}").status_code == 404
    assert outsider.patch(f"/api/v1/tasks/{task['id']}", json={"capacity": 4}).status_code == 404


def test_lowering_capacity_below_the_confirmed_count_is_refused(api, people, planned):
    _, task = planned
    api(people.client).post(f"/api/v1/tasks/{task['id']}/signups", json={})
    api(people.coordinator).patch(f"/api/v1/tasks/{task['id']}", json={"capacity": 3})
    for user in (people.other_client, people.worker):
        api(user).post(f"/api/v1/tasks/{task['id']}/signups", json={})
    refused = api(people.coordinator).patch(f"/api/v1/tasks/{task['id']}", json={"capacity": 2})
    assert refused.status_code == 422
    assert "3 people are already confirmed" in refused.get_json()["errors"]["capacity"][0]


def test_the_roster_is_for_coordinators_and_shows_private_attendance_only_to_them(api, people, planned):
    _, task = planned
    signup = api(people.client).post(f"/api/v1/tasks/{task['id']}/signups", json={}).get_json()
    coordinator = api(people.coordinator)
    marked = coordinator.put(f"/api/v1/signups/{signup['id']}/attendance", json={"attended": False})
    assert marked.status_code == 200 and marked.get_json()["attendance"] == "absent"
    roster = coordinator.get(f"/api/v1/tasks/{task['id']}/signups")
    assert roster.status_code == 200 and roster.get_json()[0]["display_name"] == "Client Alex"
    assert "X-Pagination" in roster.headers
    assert api(people.other_client).get(f"/api/v1/tasks/{task['id']}/signups").status_code == 403


def test_messaging_volunteers_answers_how_many_it_goes_to(api, people, planned):
    action, task = planned
    api(people.client).post(f"/api/v1/tasks/{task['id']}/signups", json={})
    response = api(people.coordinator).post(f"/api/v1/actions/{action['id']}/messages",
                                            json={"title": "Pens", "body": "Bring a pen, please."})
    assert response.status_code == 202 and response.get_json() == {"recipients": 1}


@pytest.mark.parametrize(("amount", "status"), [(-1, 422), (0, 422), (100_001, 422), (12, 201)])
def test_contribution_amounts_outside_0_to_100000_are_refused(api, session, people, campaign, make_goal,
                                                              amount, status):
    goal = make_goal()
    response = api(people.client).post(f"/api/v1/campaigns/{campaign.id}/contributions",
                                       json={"goal_id": goal.id, "amount": amount, "hours": 1})
    assert response.status_code == status
    assert count(session, Contribution) == (1 if status == 201 else 0)


def test_a_contribution_for_another_campaigns_goal_is_refused(api, session, people, campaign, make_campaign,
                                                              make_goal):
    other = make_goal(campaign_id=make_campaign().id)
    response = api(people.client).post(f"/api/v1/campaigns/{campaign.id}/contributions",
                                       json={"goal_id": other.id, "amount": 3})
    assert response.status_code == 422 and "goal_id" in response.get_json()["errors"]
    assert count(session, Contribution) == 0


def test_verifying_moves_the_goal_at_once_and_history_downloads_as_csv(api, session, people, campaign, make_goal):
    goal = make_goal(target=50)
    logged = api(people.client).post(f"/api/v1/campaigns/{campaign.id}/contributions",
                                     json={"goal_id": goal.id, "amount": 20, "hours": 2.5}).get_json()
    verified = api(people.coordinator).post(f"/api/v1/contributions/{logged['id']}/verify")
    assert verified.status_code == 200 and verified.get_json()["counted"] is True
    session.refresh(goal)
    assert goal.current == 20
    assert api(people.client).get("/api/v1/me/hours").get_json() == {"verified": 2.5, "pending": 0.0}
    csv = api(people.client).get("/api/v1/me/history.csv")
    assert csv.mimetype == "text/csv" and "contribution" in csv.get_data(as_text=True)


def test_the_calendar_feed_address_works_until_revoked(api, client, people, planned):
    _, task = planned
    me = api(people.client)
    me.post(f"/api/v1/tasks/{task['id']}/signups", json={})
    created = me.post("/api/v1/me/calendar-feed")
    assert created.status_code == 201
    path = created.get_json()["url"].split("://", 1)[1].split("/", 1)[1]
    feed = client.get(f"/{path}")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    [event] = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["LOCATION"]) == "Library, Mill Lane"
    assert me.delete("/api/v1/me/calendar-feed").status_code == 204
    assert client.get(f"/{path}").status_code == 404


def test_a_consenting_worker_sees_the_sign_up_but_not_the_clients_attendance(api, session, people, planned):
    from campaigns.services import consents

    _, task = planned
    consents.give(session, client=people.client, worker_id=people.worker.id, org_id=people.org.id, scope="sign_up")
    worker = api(people.worker)
    signup = worker.post(f"/api/v1/tasks/{task['id']}/signups", json={"on_behalf_of": people.client.id}).get_json()
    assert signup["user_id"] == people.client.id and signup["on_behalf_by_id"] == people.worker.id
    api(people.coordinator).put(f"/api/v1/signups/{signup['id']}/attendance", json={"attended": False})
    again = worker.post(f"/api/v1/tasks/{task['id']}/signups", json={"on_behalf_of": people.client.id})
    assert again.status_code == 200 and again.get_json()["attendance"] is None
    assert api(people.client).get("/api/v1/me/signups").get_json()[0]["attendance"] == "absent"
