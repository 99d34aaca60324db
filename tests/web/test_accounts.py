"""Log in/out, sessions, CSRF, joining and the account page, through real page requests."""

import re

from sqlmodel import select

from tests.factories import PASSWORD, csrf_token


def test_a_form_post_without_the_csrf_token_is_refused(client, people):
    response = client.post("/login", data={"email": people.client.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "session" not in response.headers.get("Set-Cookie", "") or client.get("/account").status_code == 302


def test_login_rotates_the_session_and_logout_revokes_it_server_side(client, people, login):
    client.get("/login")
    before = client.get_cookie("session")
    login(people.client)
    after = client.get_cookie("session")
    assert before is None or before.value != after.value
    assert client.get("/account").status_code == 200
    stolen = after.value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302
    client.set_cookie("session", stolen)  # replaying the old cookie must not work
    assert client.get("/account").status_code == 302


def test_password_change_revokes_api_tokens_and_says_so(app, client, session, people, login):
    from campaigns.services import tokens

    _, secret = tokens.create(session, people.client, name="sync")
    login(people.client)
    assert "revokes your API tokens" in client.get("/account").get_data(as_text=True)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a completely new phrase",
        "csrf_token": csrf_token(client, "/account")}, follow_redirects=True)
    assert "your API tokens revoked" in response.get_data(as_text=True)
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_password_change_logs_out_other_browsers(app, client, people, login):
    other = app.test_client()
    login(people.client)
    other_login = other.post("/login", data={"email": people.client.email, "password": PASSWORD,
                                             "csrf_token": csrf_token(other)})
    assert other_login.status_code == 302
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a completely new phrase",
        "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_a_wrong_password_shows_a_message_and_keeps_the_email(client, people):
    response = client.post("/login", data={"email": people.client.email, "password": "not it at all",
                                           "csrf_token": csrf_token(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "match an account" in page
    assert f'value="{people.client.email}"' in page


def test_the_account_page_reports_field_errors_beside_the_field(client, people, login):
    login(people.client)
    response = client.post("/account", data={"display_name": "", "timezone": "Mars/Olympus",
                                             "csrf_token": csrf_token(client, "/account")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="display_name-error"' in page
    assert 'id="timezone-error"' in page


def test_a_newcomer_joins_with_a_code_and_an_account(client, session, people):
    from campaigns.services import orgs

    code = orgs.set_join_code(session, people.org, actor=people.coordinator)
    response = client.post("/join", data={"code": code, "email": "new@example.org", "display_name": "Newbie",
                                          "password": "a good long passphrase", "timezone": "Europe/Paris",
                                          "csrf_token": csrf_token(client, "/join")})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_an_invitation_link_creates_the_account_with_the_role(client, session, people, mailbox):
    from campaigns.services import orgs

    orgs.invite_by_email(session, people.org, email="invited@example.org", role="worker",
                         invited_by=people.coordinator)
    link = re.search(r"(/join/invitation/\S+)", mailbox()[-1].get_body(("plain",)).get_content()).group(1)
    response = client.post(link, data={"display_name": "Invited", "password": "a good long passphrase",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    assert client.get(link).status_code == 400  # used once


def test_the_members_page_is_for_coordinators_and_404_for_outsiders(client, people, login):
    login(people.outsider)
    assert client.get(f"/o/{people.org.slug}/members").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(people.client)
    assert client.get(f"/o/{people.org.slug}/members").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(people.coordinator)
    page = client.get(f"/o/{people.org.slug}/members").get_data(as_text=True)
    assert "Client Alex" in page and people.client.email not in page


def test_security_headers_are_set(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_the_reset_flow_says_the_same_for_unknown_addresses(client, people, mailbox):
    known = client.post("/password/forgot", data={"email": people.client.email,
                                                  "csrf_token": csrf_token(client, "/password/forgot")})
    unknown = client.post("/password/forgot", data={"email": "ghost@example.org",
                                                    "csrf_token": csrf_token(client, "/password/forgot")})
    assert known.status_code == unknown.status_code == 302
    assert len(mailbox()) == 1


def _join(client, *, code: str, email: str, password: str = "a good long passphrase"):
    return client.post("/join", data={"code": code, "email": email, "display_name": "Newbie", "password": password,
                                      "timezone": "Europe/Paris", "csrf_token": csrf_token(client, "/join")})


def _field_errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'id="(\w+)-error"[^>]*>\s*(.*?)\s*<', page, re.S))


def test_a_wrong_join_code_writes_no_account(client, session, people):
    from campaigns.services import accounts, orgs

    orgs.set_join_code(session, people.org, actor=people.coordinator)
    response = _join(client, code="NOPE-NOPE-NOPE", email="new@example.org")
    assert response.status_code == 422
    assert accounts.by_email(session, "new@example.org") is None
    assert client.post("/login", data={"email": "new@example.org", "password": "a good long passphrase",
                                       "csrf_token": csrf_token(client)}).status_code == 422


def test_a_wrong_join_code_answers_the_same_whether_the_email_has_an_account(client, session, people):
    from campaigns.services import orgs

    orgs.set_join_code(session, people.org, actor=people.coordinator)
    known = _join(client, code="NOPE-NOPE-NOPE", email=people.client.email)
    unknown = _join(client, code="NOPE-NOPE-NOPE", email="ghost@example.org")
    assert known.status_code == unknown.status_code == 422
    known_errors, unknown_errors = _field_errors(known.get_data(as_text=True)), \
        _field_errors(unknown.get_data(as_text=True))
    assert known_errors == unknown_errors
    assert set(known_errors) == {"code"}
    assert "already" not in known.get_data(as_text=True)


def test_joining_with_an_email_that_has_an_account_needs_its_password(client, session, people):
    from campaigns.domain.model import Membership
    from campaigns.services import orgs

    code = orgs.set_join_code(session, people.other_org, actor=people.outsider)
    refused = _join(client, code=code, email=people.client.email, password="not the password at all")
    assert refused.status_code == 422
    assert "already exists" not in refused.get_data(as_text=True)
    joined = _join(client, code=code, email=people.client.email, password=PASSWORD)
    assert joined.status_code == 302
    assert session.exec(select(Membership).where(Membership.user_id == people.client.id,
                                                 Membership.org_id == people.other_org.id)).first()


def _bad_logins(client, *, forwarded_for: str, times: int = 10):
    for n in range(times):
        client.post("/login", data={"email": f"nobody{n}@example.org", "password": "wrong password here",
                                    "csrf_token": csrf_token(client)},
                    headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": "10.0.0.1"})


def _wrong_login(client, user, *, forwarded_for: str):
    return client.post("/login", data={"email": user.email, "password": "wrong password here",
                                       "csrf_token": csrf_token(client)},
                       headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": "10.0.0.1"})


def _throttled(response) -> bool:
    assert response.status_code == 422
    return "Too many attempts" in response.get_data(as_text=True)


def test_behind_a_trusted_proxy_each_client_has_its_own_address(app, people):
    from campaigns import create_app

    proxied = create_app("testing", DATABASE_URL=app.config["DATABASE_URL"], MAIL_FOLDER=app.config["MAIL_FOLDER"],
                         TRUSTED_PROXIES=1)
    client = proxied.test_client()
    try:
        _bad_logins(client, forwarded_for="203.0.113.7")
        assert not _throttled(_wrong_login(client, people.client, forwarded_for="198.51.100.2"))
        assert _throttled(_wrong_login(client, people.client, forwarded_for="203.0.113.7"))
    finally:
        proxied.extensions["campaigns.engine"].dispose()


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(client, people):
    _bad_logins(client, forwarded_for="203.0.113.7")
    assert _throttled(_wrong_login(client, people.client, forwarded_for="198.51.100.2"))
