"""Volunteering pages, through real requests: one-click sign-up and stepping back, gentle wording, private places
and attendance, rosters that log who read them, forms that keep what was typed."""

import html
from datetime import timedelta

import icalendar
import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import Action, ReadAccess
from campaigns.services import consents, signups
from tests.factories import csrf_token


@pytest.fixture
def action(make_action):
    return make_action(title="Town hall on rents", address="Room 2, Civic Centre", address_public=False)


@pytest.fixture
def task(make_task, action):
    return make_task(action_id=action.id, title="Greeter", capacity=1)


def text(response) -> str:
    """A page's text with entities decoded, so assertions read like the page."""
    return html.unescape(response.get_data(as_text=True))


def post(client, path, data=None, page="/my/tasks"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def test_signing_up_and_stepping_back_are_one_click_each_with_gentle_words(client, login, people, action, task):
    login(people.client)
    page = text(client.get(f"/actions/{action.id}"))
    assert "Sign up" in page and "Room 2, Civic Centre" not in page  # private until confirmed
    response = post(client, f"/tasks/{task.id}/sign-up")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "signed up for “Greeter”" in page and "Room 2, Civic Centre" in page
    signup_id = signups.signup_of(volunteering_session(), task.id, people.client.id).id
    response = post(client, f"/signups/{signup_id}/cancel")
    page = text(client.get(response.headers["Location"]))
    assert "You've stepped back from this task — thank you for letting us know" in page
    assert "no-show" not in page.lower() and "penalt" not in page.lower()


def volunteering_session():
    from campaigns.db import new_session

    return new_session()


def test_a_full_task_offers_the_waitlist_with_your_number(client, login, session, people, action, task):
    signups.sign_up(session, task_id=task.id, user=people.other_client)
    login(people.client)
    page = text(client.get(f"/actions/{action.id}"))
    assert "Join the waitlist (you'd be number 1)" in page
    post(client, f"/tasks/{task.id}/sign-up")
    mine = text(client.get("/my/tasks"))
    assert "On a waitlist" in mine and "Number 1" in mine


def test_the_roster_is_for_coordinators_logs_each_read_and_never_says_no_show(client, login, session, people,
                                                                              action, task):
    signup = signups.sign_up(session, task_id=task.id, user=people.client)
    login(people.coordinator)
    page = text(client.get(f"/actions/{action.id}/roster"))
    assert "Client Alex" in page and action.checkin_code in page
    reads = session.exec(select(ReadAccess).where(ReadAccess.subject_user_id == people.client.id)).all()
    assert [r.viewer_id for r in reads] == [people.coordinator.id]
    response = post(client, f"/signups/{signup.id}/attendance", {"attended": "false"}, page="/account")
    page = text(client.get(response.headers["Location"]))
    assert "Didn't attend" in page and "no-show" not in page.lower()


def test_other_volunteers_never_see_the_roster_or_anyones_attendance(client, login, session, people, action, task):
    signup = signups.sign_up(session, task_id=task.id, user=people.client)
    from campaigns.services import attendance

    attendance.record_attendance(session, signup_id=signup.id, user=people.coordinator, attended=False)
    login(people.other_client)
    assert client.get(f"/actions/{action.id}/roster").status_code == 403
    page = text(client.get(f"/actions/{action.id}"))
    assert "Client Alex" not in page and "attend" not in page.lower().replace("attended —", "")


def test_a_bad_action_form_comes_back_with_errors_beside_the_fields(client, login, people, campaign, session):
    login(people.coordinator)
    path = f"/campaigns/{campaign.id}/actions/new"
    response = post(client, path, {"kind": "town_hall", "title": "Rent town hall", "starts_at": "2031-05-01T18:00",
                                   "ends_at": "2031-05-01T17:00", "timezone": "Mars/Olympus",
                                   "address": "Hall", "address_public": "true", "address_public__present": "1"},
                    page=path)
    page = text(response)
    assert response.status_code == 422
    assert 'id="timezone-error"' in page and 'value="Rent town hall"' in page
    assert session.exec(select(Action)).all() == []


def test_a_coordinator_plans_an_action_then_adds_a_task(client, login, people, campaign):
    login(people.coordinator)
    path = f"/campaigns/{campaign.id}/actions/new"
    response = post(client, path, {"kind": "petition_drive", "title": "Petition at the market",
                                   "starts_at": "2031-05-02T10:00", "ends_at": "2031-05-02T13:00",
                                   "timezone": "Europe/London", "address": "Market Square",
                                   "interpreter_languages": "Polish, Somali", "address_public__present": "1"},
                    page=path)
    assert response.status_code == 302 and "/tasks/new" in response.headers["Location"]
    task_path = response.headers["Location"]
    response = post(client, task_path, {"title": "Clipboard", "capacity": "4", "skills": "talking, smiling"},
                    page=task_path)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Clipboard" in page and "Polish, Somali" in page and "smiling" in page


def test_the_campaign_actions_section_shows_the_timeline_with_seats_filled(client, login, session, people, campaign,
                                                                          action, task):
    signups.sign_up(session, task_id=task.id, user=people.client)
    login(people.client)
    page = text(client.get(f"/campaigns/{campaign.id}/actions"))
    assert "Town hall on rents" in page and "1 / 1 seats (100%)" in page


def test_a_worker_without_consent_is_refused_kindly_and_with_it_sees_only_consenting_clients(
        client, login, session, people, task):
    login(people.worker)
    page = text(client.get(f"/tasks/{task.id}/sign-up-client"))
    assert "None of your clients has given you consent" in page and "Client Alex" not in page
    consents.give(session, client=people.client, worker_id=people.worker.id, org_id=people.org.id, scope="sign_up")
    path = f"/tasks/{task.id}/sign-up-client"
    page = text(client.get(path))
    assert "Client Alex" in page and "Client Jo" not in page
    response = post(client, path, {"on_behalf_of": str(people.client.id)}, page=path)
    assert response.status_code == 302
    assert signups.signup_of(session, task.id, people.client.id).on_behalf_by_id == people.worker.id


def test_a_consent_withdrawn_while_the_worker_chooses_is_refused_with_the_reason(client, login, session, people,
                                                                                task):
    consent = consents.give(session, client=people.client, worker_id=people.worker.id, org_id=people.org.id,
                            scope="sign_up")
    login(people.worker)
    path = f"/tasks/{task.id}/sign-up-client"
    assert "Client Alex" in text(client.get(path))
    token = csrf_token(client, path)
    consents.revoke(session, client=people.client, consent_id=consent.id)
    response = client.post(path, data={"on_behalf_of": str(people.client.id), "csrf_token": token})
    shown = text(response)
    assert response.status_code in (403, 404, 409, 422) and "consent" in shown.lower()
    assert 'class="field-error"' in shown or 'role="alert"' in shown  # the refusal itself, not only the empty state
    assert signups.signup_of(session, task.id, people.client.id) is None


def test_my_tasks_shows_what_is_coming_hours_and_the_history_download(client, login, session, people, task):
    signups.sign_up(session, task_id=task.id, user=people.client)
    login(people.client)
    page = text(client.get("/my/tasks"))
    assert "Greeter" in page and "My hours" in page
    csv = client.get("/my/history.csv")
    assert csv.mimetype == "text/csv" and "Greeter" in csv.get_data(as_text=True)
    assert "My tasks" in text(client.get("/account"))  # in the navigation


def test_checking_in_with_the_code_marks_attendance(client, login, session, people, make_action, make_task):
    start = clock.now() + timedelta(minutes=20)
    soon = make_action(starts_at=start, ends_at=start + timedelta(hours=1), checkin_code="ABC234")
    shift = make_task(action_id=soon.id)
    signups.sign_up(session, task_id=shift.id, user=people.client)
    login(people.client)
    page_path = f"/actions/{soon.id}"
    response = post(client, f"/actions/{soon.id}/check-in", {"code": "abc234"}, page=page_path)
    assert "checked in" in text(client.get(response.headers["Location"]))


def test_the_personal_feed_page_shows_the_address_once_and_the_feed_needs_no_login(app, client, login, session,
                                                                                   people, task):
    signups.sign_up(session, task_id=task.id, user=people.client)
    login(people.client)
    response = post(client, "/my/calendar", page="/my/calendar")
    assert response.status_code == 201
    url = text(response).split('<code class="secret">')[1].split("</code>")[0]
    feed = app.test_client().get(url.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert feed.status_code == 200
    assert len(icalendar.Calendar.from_ical(feed.data).walk("VEVENT")) == 1
    assert "Make a new address" in text(client.get("/my/calendar"))
    ics = client.get(f"/actions/{task.action_id}.ics")
    [event] = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert ics.mimetype == "text/calendar" and str(event["LOCATION"]) == "Room 2, Civic Centre"


def test_a_members_only_campaign_has_no_public_feed(client, campaign, make_campaign):
    assert client.get(f"/calendar/campaigns/{campaign.id}.ics").status_code == 404
    public = make_campaign(visibility="public")
    assert client.get(f"/calendar/campaigns/{public.id}.ics").status_code == 200


def test_the_review_page_leaves_a_coordinators_own_contribution_to_another(client, login, session, people,
                                                                           campaign, make_goal, make_user):
    from campaigns.domain.model import Role
    from campaigns.services import contributions

    make_user(org=people.org, role=Role.coordinator, display_name="Coordinator Kim")
    goal = make_goal()
    own = contributions.log_contribution(session, user=people.coordinator, campaign_id=campaign.id,
                                         goal_id=goal.id, amount=4)
    login(people.coordinator)
    page = text(client.get(f"/campaigns/{campaign.id}/contributions"))
    assert "Yours: another coordinator verifies it." in page
    assert f"/contributions/{own.id}/verify" not in page
    refused = post(client, f"/contributions/{own.id}/verify", page=f"/campaigns/{campaign.id}/contributions")
    assert "another coordinator verifies it" in text(client.get(refused.headers["Location"]))
