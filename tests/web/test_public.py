"""Public action pages without a login: what they show (no names, no counts below k), share tags, and the guest
form's answers to bad input (a message beside the field, never a 500)."""

import re

from sqlmodel import select

from campaigns.domain.model import Signup
from tests.factories import csrf_token


def _page(client, action_id):
    return client.get(f"/p/actions/{action_id}").get_data(as_text=True)


def test_seats_left_show_only_once_k_people_have_a_place(client, session, people, make_action, make_task):
    action = make_action(public=True)
    task = make_task(action_id=action.id, capacity=10, taken=2)  # k is 3: two people must not be countable
    page = _page(client, action.id)
    assert "places available" in page and "8 places left" not in page
    task.taken = 3
    session.add(task)
    session.commit()
    assert "7 places left" in _page(client, action.id)


def test_the_page_names_nobody_and_carries_share_tags(client, session, people, make_action, make_task):
    action = make_action(public=True, title="Letters evening")
    task = make_task(action_id=action.id, capacity=5, taken=1)
    session.add(Signup(task_id=task.id, user_id=people.client.id, status="confirmed"))
    session.commit()
    page = _page(client, action.id)
    assert people.client.display_name not in page and people.coordinator.display_name not in page
    for tag in ('rel="canonical"', 'property="og:title" content="Letters evening"', 'name="twitter:card"'):
        assert tag in page
    assert 'name="website"' in page  # the honeypot


def test_a_private_action_has_no_public_page(client, people, make_action):
    assert client.get(f"/p/actions/{make_action().id}").status_code == 404


def test_a_bad_mobile_is_answered_beside_the_field_and_nothing_is_written(client, session, people, make_action,
                                                                         make_task):
    action = make_action(public=True)
    task = make_task(action_id=action.id, capacity=5)
    path = f"/p/actions/{action.id}"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "task_id": task.id,
                                       "display_name": "Sam", "mobile": "020 7946 0000"})
    assert response.status_code == 422
    assert 'id="mobile-error"' in response.get_data(as_text=True)
    assert session.exec(select(Signup)).all() == []


def test_a_public_campaign_lists_its_upcoming_public_actions(client, session, people, campaign, make_action):
    campaign.visibility = "public"
    session.add(campaign)
    session.commit()
    shown, hidden = make_action(public=True, title="Open day"), make_action(title="Private meeting")
    page = client.get(f"/p/{campaign.id}").get_data(as_text=True)
    assert f"/p/actions/{shown.id}" in page and "Private meeting" not in page and hidden.title not in page


def test_the_emailed_link_confirms_with_a_button_and_shows_the_kept_back_place(client, session, people,
                                                                              make_action, make_task):
    from campaigns.services import guests

    action = make_action(public=True, address_public=False, address="Flat 3, 9 Mill Lane")
    task = make_task(action_id=action.id, capacity=5)
    assert "Flat 3" not in _page(client, action.id)
    answer = guests.request_signup(session, guests.Request(task_id=task.id, display_name="Sam",
                                                           email="sam@example.net"), ip="203.0.113.5")
    signup = session.get(Signup, answer.signup_id)
    path = f"/p/confirm/{signup.id}/{guests.confirmation_code(signup.id, signup.hold_expires_at)}"
    assert client.get(path).status_code == 200 and session.get(Signup, signup.id).status == "pending"
    done = client.post(path, data={"csrf_token": csrf_token(client, path)}, follow_redirects=True)
    assert done.status_code == 200 and "Flat 3, 9 Mill Lane" in done.get_data(as_text=True)
    wrong = client.post(f"/p/confirm/{signup.id}/000000", data={"csrf_token": csrf_token(client, path)})
    assert wrong.status_code == 422


def test_coordinators_see_a_confirmed_guest_on_the_guests_page_and_can_erase_them(client, session, login, people,
                                                                                   org, make_action, make_task):
    from campaigns.domain.model import User
    from campaigns.services import guests

    task = make_task(action_id=make_action(public=True).id, capacity=5)
    answer = guests.request_signup(session, guests.Request(task_id=task.id, display_name="Robin Guest",
                                                           email="robin@example.net"), ip="203.0.113.9")
    signup = session.get(Signup, answer.signup_id)
    guests.confirm(session, signup_id=signup.id, code=guests.confirmation_code(signup.id, signup.hold_expires_at))
    login(people.coordinator)
    path = f"/o/{org.slug}/guests"
    page = client.get(path).get_data(as_text=True)
    assert "Robin Guest" in page and "<caption" in page and f"{path}/" in page
    erase = re.search(rf'action="({path}/\d+/erase)"', page).group(1)  # the button beside the guest
    client.post(erase, data={"csrf_token": csrf_token(client, path)})
    assert "Robin Guest" not in client.get(path).get_data(as_text=True)
    assert session.exec(select(User).where(User.display_name == "Robin Guest")).first() is None
