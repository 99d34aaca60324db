"""Homes as pages and through the API: each role lands on its own next step, not a list of links."""

from __future__ import annotations

from datetime import timedelta

from campaigns import clock
from campaigns.services import installation, signups
from tests import campaign_fixtures as fx
from tests.factories import csrf_token

give_consent = fx.give_consent


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _shift(make_action, make_task, days: int = 2, **fields):
    starts = (clock.now() + timedelta(days=days)).replace(microsecond=0)
    action = make_action(starts_at=starts, ends_at=starts + timedelta(hours=2), **fields)
    return action, make_task(action_id=action.id, capacity=3, title="Note takers")


def test_the_group_home_is_not_a_list_of_links_with_a_missing_overview(client, people, login):
    login(people.client)
    page = _page(client, f"/o/{people.org.slug}/")
    assert "_overview" not in page
    assert "Your next shift" in page and "Concerns waiting for your support" in page
    assert "Today's work" not in page and "Your clients" not in page


def test_a_volunteer_sees_their_next_shift_with_a_way_to_step_back(client, people, login, session, make_action,
                                                                   make_task):
    action, task = _shift(make_action, make_task, title="Meeting with the health board")
    signup = signups.sign_up(session, task_id=task.id, user=people.client)
    login(people.client)
    page = _page(client, f"/o/{people.org.slug}/")
    assert "Meeting with the health board" in page and action.address in page
    assert "Can&#39;t make it?" in page or "Can't make it?" in page
    assert f'action="/signups/{signup.id}/cancel"' in page
    response = client.post(f"/signups/{signup.id}/cancel", data={
        "csrf_token": csrf_token(client, f"/o/{people.org.slug}/"), "next": f"/o/{people.org.slug}/"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/o/{people.org.slug}/")
    assert "You have no shift coming up." in _page(client, f"/o/{people.org.slug}/")


def test_a_worker_sees_what_consenting_clients_shared(client, people, login, session, make_action, make_task,
                                                      give_consent):
    _, task = _shift(make_action, make_task)
    signups.sign_up(session, task_id=task.id, user=people.client)
    give_consent(people.client, people.worker, people.org, scope="sign_up")
    login(people.worker)
    page = _page(client, f"/o/{people.org.slug}/")
    assert "Your clients" in page and "Client Alex" in page and "Note takers" in page
    assert "Client Jo" not in page  # no consent, nothing shown


def test_a_coordinator_starts_from_todays_work(client, people, login, make_campaign, make_action, make_task):
    campaign = make_campaign(stage="intervention")
    action, _ = _shift(make_action, make_task, campaign_id=campaign.id, title="Town hall on rents")
    login(people.coordinator)
    page = _page(client, f"/o/{people.org.slug}/")
    assert page.index("Today's work") < page.index("Your next shift")
    assert "Unfilled places soon" in page and "Town hall on rents" in page


def test_a_site_admin_sees_the_installations_health_not_an_empty_group_list(client, people, login, session):
    login(people.admin)
    page = _page(client, "/")
    assert "You're not in a group yet" not in page and "You&#39;re not in a group yet" not in page
    assert "Scheduler" in page and "Not running" in page
    installation.beat(session)
    page = _page(client, "/")
    assert "Running" in page and installation.scheduler_name() in page


def test_the_home_api_answers_per_group_and_for_admins_the_installation(api, people, session, make_action,
                                                                         make_task, give_consent):
    _, task = _shift(make_action, make_task)
    signups.sign_up(session, task_id=task.id, user=people.client)
    give_consent(people.client, people.worker, people.org, scope="sign_up")

    mine = api(people.client).get("/api/v1/me/home").get_json()
    assert mine["installation"] is None
    [group] = mine["groups"]
    assert group["org_slug"] == people.org.slug and group["role"] == "client"
    assert group["next_shift"]["task_title"] == "Note takers" and group["clients"] is None and group["today"] is None

    [worker_group] = api(people.worker).get("/api/v1/me/home").get_json()["groups"]
    [share] = [c for c in worker_group["clients"] if c["client_id"] == people.client.id]
    assert [s["task_id"] for s in share["signups"]] == [task.id]

    assert api(people.coordinator).get("/api/v1/me/home").get_json()["groups"][0]["today"] is not None
    admin = api(people.admin).get("/api/v1/me/home").get_json()
    assert admin["groups"] == [] and admin["installation"]["groups"] == 2
    assert admin["installation"]["scheduler_running"] is False


def test_a_private_place_is_not_shown_to_the_worker(api, people, session, make_action, make_task, give_consent):
    _, task = _shift(make_action, make_task, address_public=False)
    signups.sign_up(session, task_id=task.id, user=people.client)
    give_consent(people.client, people.worker, people.org, scope="sign_up")
    [group] = api(people.worker).get("/api/v1/me/home").get_json()["groups"]
    [share] = group["clients"]
    assert share["signups"][0]["address"] is None
    assert api(people.client).get("/api/v1/me/home").get_json()["groups"][0]["next_shift"]["address"]
