"""Pages for texts: my mobile number (verified by a texted code), my texts, the group's texts this month."""

from __future__ import annotations

import json
import re

from campaigns.nudges.channels import sms as provider
from tests.factories import csrf_token


def _code() -> str:
    return re.search(r"\b\d{6}\b", provider.folder_texts()[0]["body"]).group()


def test_a_person_adds_a_mobile_by_the_texted_code_and_sees_their_texts(client, login, people, session):
    login(people.client)
    token = csrf_token(client, "/account/mobile")
    sent = client.post("/account/mobile", data={"mobile": "07400 123456", "csrf_token": token})
    assert sent.status_code == 302
    assert provider.folder_texts()[0]["to"] == "+447400123456"
    wrong = client.post("/account/mobile/verify", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and "isn't right" in wrong.text
    right = client.post("/account/mobile/verify", data={"code": _code(), "csrf_token": token})
    assert right.status_code == 302
    session.refresh(people.client)
    assert people.client.mobile == "+447400123456"
    texts = client.get("/account/texts")
    assert texts.status_code == 200 and "Your code for Campaigns" in texts.text


def test_bad_numbers_get_a_message_beside_the_field(client, login, people):
    login(people.client)
    token = csrf_token(client, "/account/mobile")
    for number, words in (("not a number", "doesn't look like"), ("+44 20 7946 0958", "landline"),
                          ("+7 912 345 67 89", "that country"), ("0770", "complete")):
        page = client.post("/account/mobile", data={"mobile": number, "csrf_token": token})
        assert page.status_code == 422 and words in page.text, number


def test_coordinators_see_the_groups_texts_this_month(client, login, people, org):
    login(people.coordinator)
    page = client.get(f"/o/{org.slug}/texts")
    assert page.status_code == 200 and "0 of 500" in page.text


def test_the_budget_is_a_group_setting(client, login, people, org, session):
    login(people.coordinator)
    token = csrf_token(client, f"/o/{org.slug}/settings")
    client.post(f"/o/{org.slug}/settings", data={"name": org.name, "share_threshold": "3", "timezone": org.timezone,
                                                 "sms_monthly_budget": "40", "csrf_token": token})
    session.refresh(org)
    assert org.sms_monthly_budget == 40


def test_the_api_adds_a_number_by_code(api, people, session):
    me = api(people.client)
    assert me.post("/api/v1/me/mobile", json={"mobile": "+447400123457"}).status_code == 202
    assert me.get("/api/v1/me/mobile").get_json()["pending"] == "+447400123457"
    wrong = me.post("/api/v1/me/mobile/verify", json={"code": "999999x"})
    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json"
    ok = me.post("/api/v1/me/mobile/verify", json={"code": _code()})
    assert ok.status_code == 200 and ok.get_json()["mobile"] == "+447400123457"
    texts = me.get("/api/v1/me/texts")
    assert texts.status_code == 200 and json.loads(texts.headers["X-Pagination"])["total"] == 1
    assert me.delete("/api/v1/me/mobile").status_code == 204
    session.refresh(people.client)
    assert people.client.mobile is None
