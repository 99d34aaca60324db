"""Choosing a language: kept on the account, a visitor's switch in a cookie, Accept-Language before either; the
API answers problems in the request's language; language names in their own language."""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext

from campaigns.domain.model import User
from tests.factories import csrf_token


def spanish(msgid: str, **values) -> str:
    with force_locale("es"):
        return gettext(msgid, **values)


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_a_visitor_gets_the_language_their_browser_asks_for(client):
    page = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    assert lang_of(page) == "es"
    assert spanish("Forgot your password?") in page.get_data(as_text=True)
    assert lang_of(client.get("/login", headers={"Accept-Language": "fr, en;q=0.5"})) == "en"


def test_the_switch_on_every_page_sticks_for_a_visitor(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="es"' in page and "Español" in page  # the switch names Spanish in Spanish
    switched = client.post("/language", data={"locale": "es", "next": "/login", "csrf_token": csrf_token(client)})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/login")
    again = client.get("/login", headers={"Accept-Language": "en"})  # the choice beats the browser
    assert lang_of(again) == "es"


def test_the_switch_refuses_a_language_that_is_not_offered(client):
    refused = client.post("/language", data={"locale": "xx", "csrf_token": csrf_token(client)})
    assert refused.status_code == 422


def test_a_member_s_switch_is_kept_on_their_account(client, login, people, session):
    login(people.client)
    token = csrf_token(client, "/account")
    client.post("/language", data={"locale": "es", "next": "/account", "csrf_token": token})
    session.expire_all()
    assert session.get(User, people.client.id).locale == "es"
    page = client.get("/account", headers={"Accept-Language": "en"})
    assert lang_of(page) == "es"


def test_the_account_page_offers_each_language_by_its_own_name(client, login, people):
    login(people.client)
    page = client.get("/account").get_data(as_text=True)
    assert '<option value="en" selected>English</option>' in page
    assert '<option value="es">Español</option>' in page


def test_patch_me_sets_spanish_and_the_api_then_answers_in_it(api, people):
    me = api(people.client)
    changed = me.patch("/api/v1/me", json={"locale": "es"})
    assert changed.status_code == 200 and changed.get_json()["locale"] == "es"
    missing = me.get("/api/v1/campaigns/999999")
    assert missing.status_code == 404
    assert missing.get_json()["title"] == spanish("Not found") != "Not found"


def test_api_problems_follow_the_request_s_accept_language(api, people):
    me = api(people.client)  # reads English
    english = me.get("/api/v1/campaigns/999999", headers={"Accept-Language": "en"}).get_json()
    answer = me.get("/api/v1/campaigns/999999", headers={"Accept-Language": "es"}).get_json()
    assert english["title"] == "Not found" and answer["title"] == spanish("Not found") != "Not found"
    assert me.get("/api/v1/campaigns/999999").get_json()["title"] == "Not found"  # none sent: the reader's own
    refused = me.patch("/api/v1/me", json={"locale": "xx"}, headers={"Accept-Language": "es"}).get_json()
    assert refused["errors"]["locale"] == [spanish("Choose one of the offered languages.")]
    assert refused["title"] == spanish("Unprocessable content")


def test_a_field_message_from_marshmallow_is_translated_with_its_values(app):
    from campaigns.i18n import translate_messages

    with app.test_request_context(headers={"Accept-Language": "es"}):
        said = translate_messages({"name": ["Longer than maximum length 140."]})
        assert said == {"name": [spanish("Longer than maximum length {max}.").format(max="140")]}


def test_the_domain_s_words_are_translated_with_their_values_at_the_edge(app):
    from campaigns.domain import stages
    from campaigns.i18n import translate

    reason = stages.why_not("collaboration", "collaboration", stages.StageFacts())
    assert reason == "The campaign is already in the Collaboration stage."  # the domain speaks English
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert translate(reason) == spanish("The campaign is already in the %(stage)s stage.",
                                            stage=spanish("Collaboration"))


def test_a_refused_request_names_each_field_in_the_requests_language(api, people):
    me = api(people.coordinator)
    refused = me.post(f"/api/v1/orgs/{people.org.id}/campaigns", json={"bogus": 1, "name": 5},
                      headers={"Accept-Language": "es"})
    assert refused.status_code == 422 and refused.headers["Content-Language"] == "es"
    errors = refused.get_json()["errors"]
    assert errors["bogus"] == [spanish("Unknown field.")] and errors["name"] == [spanish("Not a valid string.")]
    assert errors["starts_on"] == [spanish("Missing data for required field.")] != ["Missing data for required field."]


def test_answers_name_their_language_and_caches_keep_one_per_language(client, api, people):
    answer = api(people.client).get("/api/v1/me", headers={"Accept-Language": "es"})
    assert answer.headers["Content-Language"] == "es"
    assert "Accept-Language" in {v.strip() for v in answer.headers["Vary"].split(",")}
    assert client.get("/login", headers={"Accept-Language": "en"}).headers["Content-Language"] == "en"


def test_the_openapi_document_says_which_language_the_api_answers_in(client):
    document = client.get("/api/openapi.json").get_json()
    assert "Accept-Language" in document["info"]["description"]
    assert document["components"]["parameters"]["Accept-Language"]["in"] == "header"
