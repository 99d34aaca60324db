"""Public pages answer conditional requests: an ETag from the event log's position (and what else the page varies
on), a 304 after one statement when the visitor's copy is current, Cache-Control a CDN may honour, and nothing
logged-in ever kept by anyone."""

import pytest

from campaigns.services import signups
from tests.progress_helpers import count_queries


@pytest.fixture
def public_campaign(session, campaign):
    campaign.visibility = "public"
    session.add(campaign)
    session.commit()
    return campaign


def _visit(client, path, **headers):
    """A visitor's second look: the first answer set their session cookie (and was private for that)."""
    first = client.get(path, headers=headers)
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("private")
    again = client.get(path, headers=headers)
    assert again.status_code == 200
    return again


def test_a_current_copy_is_answered_304_after_one_statement(client, people, public_campaign):
    path = f"/p/{public_campaign.id}"
    page = _visit(client, path)
    tag = page.headers["ETag"]
    assert tag.startswith('W/"')
    with count_queries() as statements:
        answer = client.get(path, headers={"If-None-Match": tag})
    assert answer.status_code == 304 and answer.get_data() == b""
    assert answer.headers["ETag"] == tag
    assert statements() == 1


def test_the_shared_copy_may_be_kept_briefly_by_a_cdn_and_varies_by_cookie_and_language(client, people,
                                                                                          public_campaign):
    page = _visit(client, f"/p/{public_campaign.id}")
    cache = {part.strip() for part in page.headers["Cache-Control"].split(",")}
    assert "public" in cache and "max-age=30" in cache and "s-maxage=30" in cache
    assert {v.strip() for v in page.headers["Vary"].split(",")} >= {"Cookie", "Accept-Language"}


def test_a_new_event_changes_the_tag_of_the_action_page(client, session, people, make_action, make_task):
    action = make_action(public=True)
    task = make_task(action_id=action.id, capacity=5)
    path = f"/p/actions/{action.id}"
    tag = _visit(client, path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": tag}).status_code == 304
    signups.sign_up(session, task_id=task.id, user=people.client)  # records SignupConfirmed: the seats moved
    answer = client.get(path, headers={"If-None-Match": tag})
    assert answer.status_code == 200 and answer.headers["ETag"] != tag


def test_another_language_is_another_tag(client, people, public_campaign):
    path = f"/p/{public_campaign.id}"
    english = _visit(client, path, **{"Accept-Language": "en"}).headers["ETag"]
    spanish = client.get(path, headers={"Accept-Language": "es", "If-None-Match": english})
    assert spanish.status_code == 200 and spanish.headers["ETag"] != english


def test_another_session_never_gets_a_304_for_a_copy_with_someone_elses_form_token(app, client, people,
                                                                                   public_campaign):
    path = f"/p/{public_campaign.id}"
    tag = _visit(client, path).headers["ETag"]
    stranger = app.test_client()
    assert stranger.get(path, headers={"If-None-Match": tag}).status_code == 200


def test_a_logged_in_page_is_never_kept_nor_answered_304(client, people, login, public_campaign):
    path = f"/p/{public_campaign.id}"
    tag = _visit(client, path).headers["ETag"]
    login(people.client)
    page = client.get(path, headers={"If-None-Match": tag})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store" and "ETag" not in page.headers


def test_a_page_that_is_not_public_answers_404_whatever_the_visitor_holds(client, people, campaign, make_action):
    for path in (f"/p/{campaign.id}", f"/p/actions/{make_action().id}"):
        answer = client.get(path, headers={"If-None-Match": "*"})
        assert answer.status_code == 404 and answer.headers["Cache-Control"] == "no-store"


def test_a_forged_session_cookie_is_answered_by_the_page_itself(client, people, public_campaign):
    path = f"/p/{public_campaign.id}"
    tag = _visit(client, path).headers["ETag"]
    client.set_cookie("session", client.get_cookie("session").value[:-2] + "xx")
    answer = client.get(path, headers={"If-None-Match": tag})
    assert answer.status_code == 200
