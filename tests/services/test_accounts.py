from datetime import timedelta

import pytest

from campaigns import clock
from campaigns.domain.model import AuditLog, AuthSession
from campaigns.services import accounts, security, tokens
from campaigns.services.errors import Conflict, Invalid, TooManyAttempts
from tests.factories import PASSWORD


def test_passwords_are_hashed_with_argon2id(make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_production_uses_owasp_argon2_parameters(app):
    app.config.pop("ARGON2_MEMORY_KIB"), app.config.pop("ARGON2_TIME_COST")
    params = security.password_hasher()
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19456, 2, 1)


@pytest.mark.parametrize("password", ["short", "password123456", "aaaaaaaaaaaaaaaa", "me@example.org-2026"])
def test_weak_passwords_are_refused(session, password):
    with pytest.raises(Invalid):
        accounts.create_user(session, email="me@example.org", password=password, display_name="Me")


def test_an_email_has_one_account_whatever_its_case(make_user, session):
    make_user(email="Ana@Example.org")
    with pytest.raises(Conflict):
        accounts.create_user(session, email="ana@example.ORG", password=PASSWORD, display_name="Ana")


def test_login_failures_are_throttled_per_account_without_revealing_it(session, make_user):
    user = make_user()
    for _ in range(10):
        with pytest.raises(Invalid) as failed:
            accounts.log_in(session, email=user.email, password="wrong password!!", ip=None)
    assert failed.value.message == accounts.LOGIN_FAILED
    with pytest.raises(TooManyAttempts):
        accounts.log_in(session, email=user.email, password=PASSWORD, ip=None)
    clock.pin(clock.now() + timedelta(minutes=16))
    assert accounts.log_in(session, email=user.email, password=PASSWORD, ip=None)[0].id == user.id


def test_a_busy_address_refuses_failures_but_lets_a_right_password_in(session, make_user):
    """Many people can share an address (an office, a proxy): ten failures from it must not lock them all out,
    but it gets no more answers to wrong guesses."""
    for n in range(10):
        with pytest.raises(Invalid):
            accounts.log_in(session, email=f"nobody{n}@example.org", password="x" * 12, ip="203.0.113.9")
    other = make_user()
    with pytest.raises(TooManyAttempts):
        accounts.log_in(session, email=other.email, password="not the password", ip="203.0.113.9")
    with pytest.raises(TooManyAttempts):
        accounts.log_in(session, email="nobody-new@example.org", password="x" * 12, ip="203.0.113.9")
    assert accounts.log_in(session, email=other.email, password=PASSWORD, ip="203.0.113.9")[0].id == other.id
    with pytest.raises(Invalid) as elsewhere:
        accounts.log_in(session, email=other.email, password="not the password", ip="198.51.100.1")
    assert elsewhere.value.message == accounts.LOGIN_FAILED


def test_a_locked_account_stays_locked_from_every_address(session, make_user):
    user = make_user()
    for n in range(10):
        with pytest.raises(Invalid):
            accounts.log_in(session, email=user.email, password="wrong password!!", ip=f"203.0.113.{n}")
    with pytest.raises(TooManyAttempts):
        accounts.log_in(session, email=user.email, password=PASSWORD, ip="198.51.100.1")


def test_reauthenticating_from_a_busy_address_works_with_the_right_password(session, make_user):
    user, strangers = make_user(), [make_user() for _ in range(2)]
    for n in range(10):
        with pytest.raises(Invalid):
            accounts.reauthenticate(session, strangers[n % 2], password="wrong password!!", ip="203.0.113.9")
    accounts.reauthenticate(session, user, password=PASSWORD, ip="203.0.113.9")
    with pytest.raises(TooManyAttempts):
        accounts.reauthenticate(session, user, password="wrong password!!", ip="203.0.113.9")


def test_an_unknown_account_fails_with_the_same_message(session):
    with pytest.raises(Invalid) as failed:
        accounts.log_in(session, email="nobody@example.org", password=PASSWORD, ip=None)
    assert failed.value.message == accounts.LOGIN_FAILED


def test_sessions_expire_after_idle_time_and_absolute_age(session, make_user):
    user = make_user()
    start = clock.now()
    clock.pin(start)
    _, token = accounts.log_in(session, email=user.email, password=PASSWORD, ip=None)
    clock.pin(start + timedelta(minutes=29))
    assert accounts.resume_session(session, token)
    clock.pin(start + timedelta(minutes=29 + 31))
    assert accounts.resume_session(session, token) is None
    _, token = accounts.log_in(session, email=user.email, password=PASSWORD, ip=None)
    for minutes in range(20, 12 * 60 + 60, 20):  # active all day, still ends at 12 hours
        clock.pin(start + timedelta(minutes=60 + minutes))
        alive = accounts.resume_session(session, token)
    assert alive is None


def test_password_change_revokes_every_session(session, make_user):
    user = make_user()
    _, first = accounts.log_in(session, email=user.email, password=PASSWORD, ip=None)
    new = accounts.change_password(session, user, current=PASSWORD, new="another fine passphrase", ip=None)
    assert accounts.resume_session(session, first) is None
    assert accounts.resume_session(session, new)


def test_a_reset_link_works_once(session, make_user):
    user = make_user()
    token = accounts.request_password_reset(session, email=user.email, ip="192.0.2.1")
    accounts.reset_password(session, token=token, new="a brand new passphrase", ip=None)
    with pytest.raises(Invalid):
        accounts.reset_password(session, token=token, new="yet another passphrase", ip=None)


def test_a_forged_reset_link_is_refused(session, make_user):
    make_user()
    with pytest.raises(Invalid):
        accounts.reset_password(session, token="forged.token.value", new="a brand new passphrase", ip=None)


def test_audit_log_records_logins_without_secrets(session, make_user):
    user = make_user()
    accounts.log_in(session, email=user.email, password=PASSWORD, ip="192.0.2.7")
    with pytest.raises(Invalid):
        accounts.log_in(session, email=user.email, password="wrong password!!", ip="192.0.2.7")
    rows = session.exec(AuditLog.__table__.select()).all()
    assert {r.action for r in rows} >= {"login", "login_failed"}
    assert all(PASSWORD not in str(r) and "wrong password" not in str(r) for r in rows)
    assert session.exec(AuthSession.__table__.select()).all()[0].token_hash != ""


def test_a_new_password_revokes_every_api_token(session, make_user):
    user = make_user()
    _, before = tokens.create(session, user, name="sync")
    _, other = tokens.create(session, user, name="phone")
    assert tokens.authenticate(session, before).id == user.id
    accounts.change_password(session, user, current=PASSWORD, new="a completely new phrase", ip=None)
    assert tokens.authenticate(session, before) is None and tokens.authenticate(session, other) is None
    _, after = tokens.create(session, user, name="sync again")
    assert tokens.authenticate(session, after).id == user.id


def test_a_password_reset_revokes_every_api_token(session, make_user):
    user = make_user()
    _, secret = tokens.create(session, user, name="sync")
    accounts.reset_password(session, token=accounts.password_reset_token(user), new="a completely new phrase",
                            ip=None)
    assert tokens.authenticate(session, secret) is None
