"""Escaping, logging without secrets (V7), secrets that are random, hashed, expiring and compared in constant time
(V2.9, V3.5), and the limits: request size, JSON depth, and rate limits on reset, join and token creation."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, TypeDecorator, select
from sqlmodel import SQLModel

from campaigns import clock
from campaigns.api.blueprint import MAX_JSON_DEPTH, too_deep
from campaigns.logs import UTCFormatter
from campaigns.services import accounts, orgs, security, tokens
from campaigns.services.errors import Invalid, TooManyAttempts
from tests.factories import PASSWORD, csrf_token

NEW_PASSWORD = "a quite different passphrase 77"


def _all_text(session) -> str:
    parts = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if isinstance(c.type.impl if isinstance(c.type, TypeDecorator) else c.type, String | JSON)]
        if columns:
            parts += [str(v) for row in session.exec(select(*columns)).all() for v in row]
    return "\n".join(parts)


# -- V5 output encoding ---------------------------------------------------------------------------------------
def test_user_text_is_escaped_where_others_see_it(client, session, people, login):
    accounts.update_profile(session, people.other_client, display_name="<script>alert(1)</script>")
    login(people.coordinator)
    page = client.get(f"/o/{people.org.slug}/members").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_user_text_is_escaped_inside_attributes(client, session, people, login):
    accounts.update_profile(session, people.client, display_name='"><img src=x onerror=alert(1)>')
    login(people.client)
    page = client.get("/account").get_data(as_text=True)
    assert "<img src=x" not in page and "&#34;&gt;&lt;img src=x" in page


def test_no_template_or_module_turns_off_escaping(app):
    """All user text is plain text, escaped by Jinja. There is no rich text: if some is added, it must be
    cleaned with nh3 before it is marked safe (and this test updated to allow that one place)."""
    roots = [Path(app.template_folder), Path(app.root_path)]
    for root in roots:
        for path in [*root.rglob("*.html"), *root.rglob("*.py")]:
            if "vendor" in path.parts or "static" in path.parts:
                continue
            text = path.read_text()
            assert not re.search(r"\|\s*safe\b|Markup\(|autoescape\s+false", text), f"escaping turned off in {path}"


# -- V7 logging -----------------------------------------------------------------------------------------------
def test_7_1_logs_hold_no_password_token_or_link_secret(app, client, api, session, people, login, mailbox, caplog):
    caplog.set_level(logging.DEBUG)
    person = people.worker  # API tokens are offered to workers, coordinators and admins, not clients
    login(person)
    session_secret = client.get_cookie("session").value
    web_token = client.post("/account/tokens", data={"name": "laptop", "csrf_token": csrf_token(client, "/account")})
    web_secret = re.search(r"(cmp_[\w-]+)", web_token.get_data(as_text=True)).group(1)
    api_secret = api(person).post("/api/v1/me/tokens", json={"name": "sync"}).get_json()["token"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    client.post("/password/forgot", data={"email": person.email, "csrf_token": csrf_token(client)})
    link = re.search(r"(/password/reset/\S+)", mailbox()[-1].get_body(("plain",)).get_content()).group(1)
    reset_secret = link.rsplit("/", 1)[1]
    done = client.post(link, data={"password": NEW_PASSWORD, "csrf_token": csrf_token(client, link)})
    assert done.status_code == 302
    client.post("/login", data={"email": person.email, "password": "a wrong one entirely",
                                "csrf_token": csrf_token(client)})

    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "login actor=" in logged and "token_created actor=" in logged  # security events are logged…
    for secret in (PASSWORD, NEW_PASSWORD, "a wrong one entirely", web_secret, api_secret, reset_secret,
                   session_secret):
        assert secret not in logged  # …and no secret with them
    stored = _all_text(session)
    for secret in (PASSWORD, NEW_PASSWORD, web_secret, api_secret):
        assert secret not in stored  # nor in the database (the audit log included)


def test_7_1_3_log_times_are_utc():
    record = logging.LogRecord("campaigns.security", logging.INFO, __file__, 1, "login", None, None)
    record.created, record.msecs = 1_700_000_000.0, 0
    line = UTCFormatter("%(asctime)s %(message)s").format(record)
    assert line.startswith(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1_700_000_000)) + ".000Z")


# -- secrets: random, hashed, expiring, compared in constant time ----------------------------------------------
def test_secrets_are_random_with_at_least_256_bits():
    values = {security.new_token() for _ in range(100)}
    assert len(values) == 100 and all(len(v) >= 43 for v in values)  # 32 random bytes, base64url


def test_secrets_that_grant_access_are_stored_hashed(session, people, app):
    _, api_secret = tokens.create(session, people.client, name="sync")
    _, login_secret = accounts.log_in(session, email=people.client.email, password=PASSWORD, ip=None)
    _, invite_secret = orgs.invite(session, people.org, email="friend@example.org", role="client",
                                   invited_by=people.coordinator)
    stored = _all_text(session)
    for secret in (api_secret, login_secret, invite_secret):
        assert secret not in stored and security.token_hash(secret) in stored


def test_links_and_tokens_expire(app, session, people):
    start = clock.now()
    clock.pin(start)
    _, api_secret = tokens.create(session, people.client, name="short", expires_days=1)
    _, invite_secret = orgs.invite(session, people.org, email="late@example.org", role="client",
                                   invited_by=people.coordinator)
    reset = accounts.request_password_reset(session, email=people.client.email, ip="192.0.2.9")
    assert tokens.authenticate(session, api_secret)
    clock.pin(start + timedelta(hours=app.config["PASSWORD_RESET_HOURS"], minutes=1))
    with pytest.raises(Invalid, match="expired"):
        accounts.reset_password(session, token=reset, new=NEW_PASSWORD, ip=None)
    clock.pin(start + timedelta(days=app.config["INVITATION_DAYS"], minutes=1))
    assert tokens.authenticate(session, api_secret) is None
    with pytest.raises(Invalid, match="expired"):
        orgs.invitation_for(session, invite_secret)


def test_secrets_are_compared_in_constant_time(session, people, monkeypatch):
    import hmac

    calls = []
    original = hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append(1) or original(a, b))
    reset = accounts.request_password_reset(session, email=people.client.email, ip=None)
    accounts.reset_password(session, token=reset, new=NEW_PASSWORD, ip=None)
    assert calls


# -- limits ---------------------------------------------------------------------------------------------------
def _nested(depth: int) -> str:
    return '{"name": ' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}"


def test_json_nested_too_deep_is_refused_before_parsing(api, people):
    caller = api(people.client)
    headers = {"Content-Type": "application/json"}
    deep = caller.post("/api/v1/me/tokens", data=_nested(MAX_JSON_DEPTH + 1), headers=headers)
    assert deep.status_code == 400 and deep.mimetype == "application/problem+json"
    abysmal = caller.post("/api/v1/me/tokens", data="[" * 200_000 + "]" * 200_000, headers=headers)
    assert abysmal.status_code in (400, 413) and abysmal.mimetype == "application/problem+json"
    assert caller.post("/api/v1/me/tokens", data=_nested(MAX_JSON_DEPTH), headers=headers).status_code == 422


def test_brackets_inside_strings_do_not_count_as_nesting(api, people):
    assert not too_deep(json.dumps({"name": '[{"\\' + "[" * 40}).encode(), MAX_JSON_DEPTH)
    response = api(people.client).post("/api/v1/me/tokens", json={"name": "[" * 40})
    assert response.status_code == 201


def test_request_bodies_are_limited_in_size(api, people):
    response = api(people.client).post("/api/v1/me/tokens", json={"name": "x" * 300_000})
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_password_reset_requests_are_limited_per_account_and_per_address(session, people):
    for n in range(5):
        accounts.request_password_reset(session, email=people.client.email, ip=f"192.0.2.{n}")
    with pytest.raises(TooManyAttempts):
        accounts.request_password_reset(session, email=people.client.email, ip="192.0.2.99")
    for n in range(5):
        accounts.request_password_reset(session, email=f"someone{n}@example.org", ip="198.51.100.7")
    with pytest.raises(TooManyAttempts):  # the same for unknown addresses: nothing to learn from it
        accounts.request_password_reset(session, email="nobody@example.org", ip="198.51.100.7")


def test_the_forgot_password_page_says_when_to_try_again(client, people):
    for _ in range(5):
        client.post("/password/forgot", data={"email": people.client.email, "csrf_token": csrf_token(client)})
    response = client.post("/password/forgot", data={"email": people.client.email, "csrf_token": csrf_token(client)})
    assert response.status_code == 422 and "wait an hour" in response.get_data(as_text=True)


def test_joining_by_code_is_limited_per_account_and_per_address(api, people, make_user):
    guesser = api(people.client)
    for _ in range(10):
        wrong = guesser.post("/api/v1/orgs/join", json={"code": "NOPE-NOPE"}, environ_base={"REMOTE_ADDR": "192.0.2.5"})
        assert wrong.status_code == 422
    blocked = guesser.post("/api/v1/orgs/join", json={"code": "NOPE"}, environ_base={"REMOTE_ADDR": "192.0.2.6"})
    assert blocked.status_code == 429 and blocked.mimetype == "application/problem+json"
    neighbour = api(make_user())  # another account, same address
    same_address = neighbour.post("/api/v1/orgs/join", json={"code": "NOPE"}, environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert same_address.status_code == 429


def test_token_creation_is_limited_per_account_and_per_address(api, people):
    caller = api(people.client)  # that made one token already
    for _ in range(tokens.CREATE_LIMIT - 1):
        assert caller.post("/api/v1/me/tokens", json={"name": "t"},
                           environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 201
    assert caller.post("/api/v1/me/tokens", json={"name": "t"}).status_code == 429
    other = api(people.other_client)
    assert other.post("/api/v1/me/tokens", json={"name": "t"},
                      environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 201  # the address's 20th
    assert other.post("/api/v1/me/tokens", json={"name": "t"},
                      environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 429
    assert other.post("/api/v1/me/tokens", json={"name": "t"},
                      environ_base={"REMOTE_ADDR": "192.0.2.77"}).status_code == 201


@pytest.mark.parametrize("body", [{"show_real_name": 0}, {"show_real_name": "true"}])
def test_json_bodies_are_typed_strictly_as_documented(api, people, body):
    response = api(people.client).patch("/api/v1/me", json=body)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == set(body)


@pytest.mark.parametrize("days", ["5", 2.5, True])
def test_json_integers_must_be_integers(api, people, days):
    response = api(people.client).post("/api/v1/me/tokens", json={"name": "t", "expires_days": days})
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"expires_days"}


def test_ids_beyond_what_the_database_stores_are_404_or_422_not_500(api, people):
    caller = api(people.coordinator)
    assert caller.get(f"/api/v1/orgs/{2**63}").status_code == 404
    assert caller.post(f"/api/v1/orgs/{people.org.id}/campaigns", json={
        "name": "x", "starts_on": "2030-01-01", "concern_ids": [2**63]}).status_code == 422


def test_a_page_far_past_the_end_is_empty(api, people):
    response = api(people.client).get(f"/api/v1/me/reads?page={2**70}")
    assert response.status_code == 200 and response.get_json() == []
