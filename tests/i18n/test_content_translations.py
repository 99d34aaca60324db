"""A campaign's and an action's own words may carry a translation per language; readers in that language see it,
everyone else the original."""

from __future__ import annotations

import pytest

from campaigns.services import accounts
from campaigns.services import content_translations as service
from campaigns.services.errors import DomainError, Invalid
from tests.factories import csrf_token


def test_a_coordinator_translates_a_campaign_and_an_empty_text_brings_the_original_back(session, people, campaign):
    service.translate_content(session, actor=people.coordinator, subject=campaign, locale="es",
                              texts={"name": "Reparaciones ya", "ask": "Reparar en 28 días"})
    assert service.shown(campaign, "name", "es") == "Reparaciones ya"
    assert service.shown(campaign, "name", "en") == campaign.name
    assert service.shown(campaign, "summary", "es") == campaign.summary  # not translated: the original
    service.translate_content(session, actor=people.coordinator, subject=campaign, locale="es", texts={"name": ""})
    assert service.shown(campaign, "name", "es") == campaign.name
    assert campaign.translations == {"es": {"ask": "Reparar en 28 días"}}


def test_only_those_who_may_edit_the_campaign_translate_it(session, people, campaign):
    with pytest.raises(DomainError):
        service.translate_content(session, actor=people.client, subject=campaign, locale="es", texts={"name": "x"})
    assert campaign.translations == {}


@pytest.mark.parametrize(("locale", "texts"), [("xx", {"name": "x"}), ("es", {"target": "x"}),
                                               ("es", {"name": "x" * 141})])
def test_a_bad_translation_is_refused_clearly(session, people, campaign, locale, texts):
    with pytest.raises(Invalid):
        service.translate_content(session, actor=people.coordinator, subject=campaign, locale=locale, texts=texts)


def test_the_api_sets_an_action_s_words_in_spanish(api, people, make_action):
    action = make_action(title="Town hall", description="Bring questions.")
    answer = api(people.coordinator).put(f"/api/v1/actions/{action.id}/translations/es",
                                         json={"title": "Asamblea vecinal"})
    assert answer.status_code == 200
    assert answer.get_json()["translations"] == {"es": {"title": "Asamblea vecinal"}}
    refused = api(people.client).put(f"/api/v1/actions/{action.id}/translations/es", json={"title": "x"})
    assert refused.status_code == 403


def test_a_spanish_reader_sees_the_translated_campaign_and_an_english_one_the_original(
        client, login, session, people, campaign):
    login(people.coordinator)
    page = client.get(f"/campaigns/{campaign.id}/translations/es")
    assert page.status_code == 200 and 'lang="es"' in page.get_data(as_text=True)
    saved = client.post(f"/campaigns/{campaign.id}/translations/es",
                        data={"name": "Reparaciones ya", "csrf_token": csrf_token(client, "/account")})
    assert saved.status_code == 302
    assert "Reparaciones ya" not in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    accounts.update_profile(session, people.coordinator, locale="es")
    assert "Reparaciones ya" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)


def test_a_language_that_is_not_offered_has_no_translation_page(client, login, people, campaign):
    login(people.coordinator)
    assert client.get(f"/campaigns/{campaign.id}/translations/xx").status_code == 404
